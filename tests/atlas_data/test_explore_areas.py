"""The page of an area: its indicators with the values of the latest years, parent and children."""

from __future__ import annotations

import re

import pytest

from accounts.models import Role
from atlas_data.models import Area
from atlas_data.services.release import release

from .conftest import complete_metadata, count_indicator, make_tree, store


def internal(area: Area) -> str:
    return f"/app/atlas/areas/{area.pk}/"


def public(area: Area) -> str:
    return f"/atlas/{area.municipality.slug}/areas/{area.pk}/"


def row_of(html: str, indicator_name: str) -> list[str]:
    """The text cells of the row of one indicator."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if indicator_name in row:
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]
    raise AssertionError(f"no row for {indicator_name}")


@pytest.fixture
def bakum(vechta) -> Area:
    return Area.objects.get(municipality=vechta, key="03460001")


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER)


@pytest.fixture
def four_years(municipality, data_admin):
    """Musterstadt: 3 Bezirke with counts for 2021–2024, 2021–2023 released."""
    tree = make_tree(municipality, districts=3)
    indicator = complete_metadata(count_indicator(municipality))
    numbers = {2021: [30, 40, 50], 2022: [31, 41, 2], 2023: [33, 43, 53], 2024: [35, 45, 55]}
    for year, values in numbers.items():
        store(indicator, year, dict(zip(tree["Bezirke"], values, strict=True)))
    admin = data_admin(municipality)
    for year in (2021, 2022, 2023):
        release(user=admin, indicator=indicator, year=year)
    return tree


def test_the_area_page_lists_the_indicators_with_value_and_municipal_reference(
    client, member, bakum, u15
):
    client.force_login(member)
    html = client.get(internal(bakum)).content.decode()
    assert "<h1" in html and "Bakum" in html
    row = row_of(html, u15.name)
    assert "2013 17,53 %" in " ".join(row)
    latest = row[1].split()[0]  # the demo may hold later years than the published 2013
    assert row[-1].startswith(f"{latest} ")
    assert "Referenz: Landkreis Vechta" in html


def test_the_area_page_links_its_parent_and_the_explorer(client, member, bakum, vechta):
    client.force_login(member)
    html = client.get(internal(bakum)).content.decode()
    root = Area.objects.get(municipality=vechta, level__depth=0)
    assert f'href="/app/atlas/areas/{root.pk}/">Landkreis Vechta</a>' in html
    assert 'href="/app/atlas/explore/?level=gemeinden&amp;areas=03460001"' in html


def test_the_area_page_shows_the_outline_with_the_bkg_note(client, member, bakum):
    client.force_login(member)
    html = client.get(internal(bakum)).content.decode()
    assert 'id="keck-area-map"' in html
    assert 'id="keck-area-config"' in html
    assert (
        '<a href="https://www.bkg.bund.de">© GeoBasis-DE / BKG 2021 (Daten verändert)</a>' in html
    )


def test_the_page_of_the_whole_municipality_lists_its_areas(client, member, vechta):
    client.force_login(member)
    root = Area.objects.get(municipality=vechta, level__depth=0)
    html = client.get(internal(root)).content.decode()
    assert "10 Gebiete darunter" in html
    assert html.count('href="/app/atlas/areas/') >= 10


def test_the_area_page_shows_the_latest_three_years(client, municipality, four_years, member_of):
    client.force_login(member_of(municipality, Role.MEMBER))
    html = client.get(internal(four_years["Bezirke"][0])).content.decode()
    row = row_of(html, "Kinder unter 6 Jahren")
    assert row[1] == "2024 35"
    assert row[2] == "2023 33 2022 k. A."  # 2022: Bezirk 3 has 2, Bezirk 1 hides it
    assert "2021" not in " ".join(row)
    assert row[3] == "2024 135 (berechnet)"


def test_the_public_area_page_shows_released_years_only(client, municipality, four_years):
    html = client.get(public(four_years["Bezirke"][1])).content.decode()
    row = row_of(html, "Kinder unter 6 Jahren")
    assert row[1] == "2023 43"
    assert row[2] == "2022 41 2021 40"
    assert "2024" not in " ".join(row)


def test_the_public_area_page_hides_drafts(client, vechta, bakum):
    draft = count_indicator(vechta, name="Kinder unter 6 Jahren (Entwurf)")
    store(draft, 2013, {bakum: 500})
    assert "Kinder unter 6 Jahren (Entwurf)" not in client.get(public(bakum)).content.decode()


def test_data_admins_see_suppressed_numbers_marked(client, municipality, four_years, data_admin):
    client.force_login(data_admin(municipality))
    html = client.get(internal(four_years["Bezirke"][0])).content.decode()
    assert "2022 31 *" in " ".join(row_of(html, "Kinder unter 6 Jahren"))


def test_the_area_of_another_municipality_is_not_found(
    client, vechta, bakum, other_municipality, member_of
):
    client.force_login(member_of(other_municipality, Role.DATA_ADMIN))
    assert client.get(internal(bakum)).status_code == 404
    assert client.get(f"/atlas/andere-stadt/areas/{bakum.pk}/").status_code == 404


def test_anonymous_visitors_of_the_internal_area_page_are_sent_to_the_login(client, bakum):
    assert client.get(internal(bakum)).status_code == 302


def test_no_public_area_page_without_public_atlas(client, vechta, bakum):
    vechta.public_atlas_enabled = False
    vechta.save()
    assert client.get(public(bakum)).status_code == 404


@pytest.mark.parametrize("districts", [10, 120])
def test_the_area_page_runs_a_constant_number_of_queries(
    client, municipality, member_of, django_assert_num_queries, districts
):
    tree = make_tree(municipality, districts=districts)
    for name in ("Kinder unter 6 Jahren", "Kinder unter 3 Jahren", "Kinder unter 10 Jahren"):
        indicator = count_indicator(municipality, name=name)
        for year in (2022, 2023, 2024):
            store(indicator, year, {area: 10 + n for n, area in enumerate(tree["Bezirke"])})
    client.force_login(member_of(municipality, Role.MEMBER))
    root = tree["root"][0]
    # session, user, memberships (with their municipalities, which also serve the shell's
    # switcher), the area, indicators, their levels, years, releases, all areas, values, the
    # children, the citations
    with django_assert_num_queries(12):
        response = client.get(internal(root))
    assert response.status_code == 200
