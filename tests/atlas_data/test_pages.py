"""Atlas pages: the overview with size warnings, starter catalogue button, release state and
buttons, latest imports; the public atlas."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from atlas_data.catalogue import ENTRIES
from atlas_data.models import Area, ImportRun, Indicator, IndicatorRelease
from atlas_data.selectors import level_warnings, minimum_population
from atlas_data.services import withdraw

from .conftest import count_indicator, make_tree, store

HOME = "/app/atlas/"
ADOPT = "/app/atlas/catalogue/adopt/"


def release_url(indicator) -> str:
    return f"/app/atlas/indicators/{indicator.pk}/release/"


# --- size warnings ---------------------------------------------------------------------------


def test_the_minimum_population_follows_the_configured_minimum_of_children(municipality):
    assert minimum_population(municipality) == 2000  # 50 children / 2.5 % of the inhabitants
    municipality.min_children_per_area = 100
    assert minimum_population(municipality) == 4000


def test_small_gemeinden_of_luechow_dannenberg_get_a_population_warning(
    luechow, inhabitants, member_of
):
    inhabitants.size_reference = Indicator.SizeReference.POPULATION
    inhabitants.save()
    level = luechow.levels.get(depth=1)
    (warning,) = level_warnings(user=member_of(luechow), municipality=luechow)[level.pk]
    assert (warning.basis, warning.minimum, warning.area_count) == ("population", 2000, 29)
    assert len(warning.small_areas) == 22  # all but the 5 towns above 2,000 inhabitants
    assert "Damnatz" in warning.small_areas
    assert "Dannenberg (Elbe)" not in warning.small_areas
    assert warning.source == "Anzahl Einwohner 2014"


def test_areas_with_too_few_children_get_a_warning(municipality, member_of):
    tree = make_tree(municipality, districts=3)
    children = count_indicator(municipality, size_reference=Indicator.SizeReference.CHILDREN)
    store(children, 2023, dict(zip(tree["Bezirke"], [30, 80, 49], strict=True)))
    store(children, 2024, dict(zip(tree["Bezirke"], [60, 80, 49], strict=True)))
    level = municipality.levels.get(slug="bezirke")
    (warning,) = level_warnings(user=member_of(municipality), municipality=municipality)[level.pk]
    assert (warning.basis, warning.minimum, warning.small_areas) == ("children", 50, ["Bezirk 3"])
    assert warning.source == "Kinder unter 6 Jahren 2024"


def test_the_population_of_the_areas_counts_where_it_is_known(vechta, member_of):
    Area.objects.filter(key="03460005").update(population=1500)
    Area.objects.filter(municipality=vechta, level__depth=1).exclude(key="03460005").update(
        population=20000
    )
    level = vechta.levels.get(depth=1)
    (warning,) = level_warnings(user=member_of(vechta), municipality=vechta)[level.pk]
    assert warning.small_areas == ["Holdorf"]


def test_levels_without_size_data_get_no_warning(vechta, member_of):
    assert level_warnings(user=member_of(vechta), municipality=vechta) == {}


def test_the_atlas_home_page_shows_the_size_warning(client, luechow, inhabitants, member_of):
    inhabitants.size_reference = Indicator.SizeReference.POPULATION
    inhabitants.save()
    client.force_login(member_of(luechow, Role.MEMBER))
    page = client.get(HOME).content.decode()
    assert 'class="keck-warning"' in page
    assert "Damnatz" in page


def test_warnings_take_a_constant_number_of_queries(
    municipality, member_of, django_assert_num_queries
):
    tree = make_tree(municipality, districts=60, quarters_per_district=2)
    children = count_indicator(municipality, size_reference=Indicator.SizeReference.CHILDREN)
    store(children, 2024, dict.fromkeys(tree["Quartiere"], 20))
    user = member_of(municipality)
    with django_assert_num_queries(5):  # memberships, levels, areas, indicators, values
        warnings = level_warnings(user=user, municipality=municipality)
    assert len(warnings) == 1


# --- starter catalogue button -----------------------------------------------------------------


def test_data_admins_see_the_starter_catalogue_button(client, vechta, data_admin):
    client.force_login(data_admin(vechta))
    assert f'action="{ADOPT}"' in client.get(HOME).content.decode()


def test_members_see_no_starter_catalogue_button(client, vechta, member_of):
    client.force_login(member_of(vechta, Role.MEMBER))
    assert ADOPT not in client.get(HOME).content.decode()


def test_the_button_adopts_the_catalogue(client, vechta, data_admin):
    client.force_login(data_admin(vechta))
    own = Indicator.objects.filter(municipality=vechta, catalogue_code="").count()
    response = client.post(ADOPT)
    assert (response.status_code, response["Location"]) == (302, HOME)
    # The demo's other indicators already belonged to the catalogue, or are its own.
    assert Indicator.objects.filter(municipality=vechta).count() == len(ENTRIES) + own


def test_members_cannot_adopt_through_the_page(client, vechta, member_of):
    client.force_login(member_of(vechta, Role.MEMBER))
    assert client.post(ADOPT).status_code == 403
    assert client.get(ADOPT).status_code == 405


# --- release buttons -----------------------------------------------------------------------------


def test_data_admins_see_release_buttons_per_year(client, vechta, u15, data_admin):
    client.force_login(data_admin(vechta))
    page = client.get(HOME).content.decode()
    assert f'action="{release_url(u15)}"' in page
    assert 'name="action" value="withdraw"' in page


def test_data_admins_of_other_topics_see_the_release_state_without_buttons(
    client, vechta, u15, data_admin
):
    client.force_login(data_admin(vechta, topics=["gesundheit"]))
    page = client.get(HOME).content.decode()
    assert release_url(u15) not in page
    assert "2013 ✓" in page


def test_withdraw_and_release_through_the_page(client, vechta, u15, data_admin):
    client.force_login(data_admin(vechta))
    client.post(release_url(u15), {"year": "2013", "action": "withdraw"})
    assert not IndicatorRelease.objects.filter(indicator=u15, year=2013).exists()
    response = client.post(release_url(u15), {"year": "2013"})
    assert response.status_code == 302
    assert IndicatorRelease.objects.filter(indicator=u15, year=2013).exists()


def test_a_refused_release_is_reported_on_the_page(client, vechta, u15, data_admin):
    client.force_login(data_admin(vechta))
    client.post(release_url(u15), {"year": "2013", "action": "withdraw"})
    u15.definition = ""
    u15.save()
    response = client.post(release_url(u15), {"year": "2013"}, follow=True)
    assert not IndicatorRelease.objects.filter(indicator=u15, year=2013).exists()
    assert "keck-messages" in response.content.decode()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADERSHIP, Role.COORDINATOR])
def test_only_data_admins_release_through_the_page(client, vechta, u15, member_of, role):
    client.force_login(member_of(vechta, role))
    assert client.post(release_url(u15), {"year": "2013", "action": "withdraw"}).status_code == 403
    assert IndicatorRelease.objects.filter(indicator=u15).exists()


# --- the overview for every member ---------------------------------------------------------------


def rows_of(page: str) -> list[str]:
    """The rows of the overview's indicator tables, as text without tags."""
    body = page.split('id="indicators"', 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.COORDINATOR, Role.LEADERSHIP])
def test_members_see_each_indicator_with_its_released_and_draft_years(
    client, vechta, u15, member_of, role
):
    withdraw(user=member_of(vechta, Role.DATA_ADMIN), indicator=u15, year=2015)
    client.force_login(member_of(vechta, role))
    page = client.get(HOME).content.decode()
    assert "Anteil unter 15-Jähriger an der Gesamtbevölkerung 2013 ✓ 2014 ✓ 2015 Karte" in (
        rows_of(page)
    )
    assert f'href="/app/atlas/explore/?indicator={u15.pk}"' in page
    assert "release/" not in page  # no release buttons
    assert "Letzte Importe" not in page  # imports are the data admins' business
    indicators = Indicator.objects.filter(municipality=vechta).count()
    assert f"{indicators} Indikatoren, davon " in " ".join(page.split())


def test_data_admins_see_the_latest_imports_and_missing_metadata(client, vechta, u15, data_admin):
    for name in ("eins.csv", "zwei.csv", "drei.csv", "vier.csv"):
        ImportRun.objects.create(municipality=vechta, kind=ImportRun.Kind.VALUES, file_name=name)
    u15.definition = ""
    u15.save()
    client.force_login(data_admin(vechta))
    page = client.get(HOME).content.decode()
    assert "Letzte Importe" in page
    # The three newest, newest first.
    assert "eins.csv" not in page
    assert page.index("vier.csv") < page.index("drei.csv") < page.index("zwei.csv")
    assert "Fehlt vor der Freigabe:" in page


# --- the public atlas ----------------------------------------------------------------------------


def test_the_public_atlas_lists_released_indicators_with_their_years(client, vechta, u15):
    count_indicator(vechta, name="Kinder unter 6 Jahren (Entwurf)")
    page = client.get("/atlas/vechta/").content.decode()
    assert ">Anteil unter 15-Jähriger an der Gesamtbevölkerung</a>" in page
    assert "2013, 2014, 2015" in page
    assert "Entwurf" not in page


def test_a_withdrawn_indicator_leaves_the_public_atlas(client, vechta, u15, data_admin):
    for year in (2013, 2014, 2015):
        withdraw(user=data_admin(vechta), indicator=u15, year=year)
    page = client.get("/atlas/vechta/").content.decode()
    assert "Anteil unter 15-Jähriger" not in page


def test_members_see_the_public_view_on_the_public_page(client, vechta, member_of):
    count_indicator(vechta, name="Kinder unter 6 Jahren (Entwurf)")
    client.force_login(member_of(vechta, Role.DATA_ADMIN))
    assert "Entwurf" not in client.get("/atlas/vechta/").content.decode()


def test_the_overview_takes_the_same_queries_for_more_indicators(client, vechta, data_admin):
    client.force_login(data_admin(vechta))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    before = queries()
    gemeinden = list(Area.objects.filter(municipality=vechta, level__depth=1))
    for number in range(5):
        indicator = count_indicator(vechta, name=f"Zusätzlicher Indikator {number}")
        store(indicator, 2015, dict.fromkeys(gemeinden, 70))
    assert queries() == before
