"""Indicator pages (issue 4, item 9): metadata next to the time series, internal and public;
metadata editing with history and topic scoping; release per year; value corrections."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from accounts.models import Role
from atlas_data.indicator_selectors import time_series
from atlas_data.models import (
    Area,
    Indicator,
    IndicatorRelease,
    SpatialLevel,
    Topic,
    Value,
    ValueChange,
)
from atlas_data.services import import_areas
from atlas_data.services.bookmarks import create_bookmark, publish_bookmark
from atlas_data.services.indicators import METADATA_FIELDS, update_indicator
from atlas_data.services.release import release
from atlas_data.suppression import format_number
from tests.factories import MunicipalityFactory

from .conftest import DATA, complete_metadata, count_indicator, make_tree, store


def page_url(indicator, suffix="") -> str:
    return f"/app/atlas/indicators/{indicator.pk}/{suffix}"


def by_name(vechta, name) -> Indicator:
    return Indicator.objects.select_related("municipality", "topic").get(
        municipality=vechta, name=name
    )


@pytest.fixture
def cases(vechta):
    """§ 35a cases (count): 2015 released; Bakum 3 and Holdorf 4 are `k. A.` for the public."""
    return by_name(vechta, "Eingliederungshilfen nach § 35a SGB VIII (Fälle)")


@pytest.fixture
def rate(vechta):
    """§ 35a per 1,000 under-21-year-olds: the demo's draft, never released."""
    return Indicator.objects.select_related("municipality", "topic").get(
        municipality=vechta, catalogue_code="eingliederungshilfe-35a"
    )


@pytest.fixture
def non_german(vechta):
    """Released for 2013 only; 2014 and 2015 are drafts."""
    return Indicator.objects.select_related("municipality", "topic").get(
        municipality=vechta, catalogue_code="anteil-nichtdeutsche-unter-15"
    )


@pytest.fixture
def sgb2(vechta):
    return Indicator.objects.select_related("municipality", "topic").get(
        municipality=vechta, catalogue_code="sgb2-kinder-unter-15"
    )


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER)


@pytest.fixture
def admin(vechta, member_of):
    return member_of(vechta, Role.DATA_ADMIN, username="dana")


def form_data(indicator: Indicator, **changes) -> dict:
    """The edit form as a browser sends it, with `changes`."""
    data = {}
    for name in METADATA_FIELDS:
        value = getattr(indicator, name)
        if name == "topic":
            value = indicator.topic_id or ""
        data[name] = "" if value is None else value
    data["valid_levels"] = [level.pk for level in indicator.valid_levels.all()]
    data.update(changes)
    return data


def bakum(vechta) -> Area:
    return Area.objects.get(municipality=vechta, key="03460001")


# --- list and detail ------------------------------------------------------------------------


def test_the_list_groups_indicators_by_topic_with_the_release_state_of_each_year(
    client, member, cases, rate
):
    client.force_login(member)
    page = client.get("/app/atlas/indicators/").content.decode()
    assert "<h2" in page and ">Kinder- und Jugendhilfe</h2>" in page
    section = page[page.index(">Kinder- und Jugendhilfe</h2>") :]
    cases_row = section[section.index(cases.name) :][:900]
    assert re.search(r'class="keck-badge released"[^>]*>2015 ✓', cases_row)
    assert re.search(r'class="keck-badge draft"[^>]*>2014<', cases_row)
    rate_row = section[section.index(rate.name) :][:900]
    assert "released" not in rate_row.split("</tr>")[0]


def test_the_detail_page_shows_every_kind_of_metadata(client, member, u15):
    client.force_login(member)
    page = client.get(page_url(u15)).content.decode()
    for text in (
        u15.definition,
        "Einwohnermelderegister",
        u15.data_holder,
        "31.12.",
        "Einwohner unter 15 Jahren",  # numerator
        "Einwohner insgesamt",  # denominator
        "synthetische Werte zur Veranschaulichung",  # limitations of the demo
        "Landkreis, Gemeinden",  # valid levels
    ):
        assert escape(text) in page, text


def test_the_time_series_holds_the_municipality_value_of_every_year(member, u15):
    series = time_series(user=member, indicator=u15)
    assert [p.year for p in series.points] == [2013, 2014, 2015]
    assert series.reference_name == "Landkreis Vechta"
    first, second, _third = series.points
    assert (first.reference.shown.display, first.reference.kind) == ("16,15 %", "published")
    # 2014 is computed from the Gemeinden's numerators and denominators, never averaged.
    rows = Value.objects.filter(indicator=u15, year=2014)
    share = sum(v.numerator for v in rows) / sum(v.denominator for v in rows) * 100
    assert (second.reference.shown.display, second.reference.kind) == (
        format_number(share, decimals=2, unit="%", kind="share"),
        "computed",
    )


def test_chart_and_table_show_the_same_numbers(client, member, u15):
    client.force_login(member)
    page = client.get(page_url(u15)).content.decode()
    raw = re.search(
        r'<script id="keck-indicator-chart-data" type="application/json">(.*?)</script>', page
    )
    chart = json.loads(raw.group(1))
    assert chart["years"] == [2013, 2014, 2015]
    assert chart["values"][0] == 16.15
    table = page[page.index('id="keck-series-table"') :]
    for text in chart["texts"]:
        assert f"{text}" in table
    assert "vendor/plotly/plotly.min.js" in page


def test_a_suppressed_municipality_value_is_k_a_in_chart_and_table(client, municipality, member_of):
    tree = make_tree(municipality, districts=3)
    indicator = complete_metadata(count_indicator(municipality, name="Inobhutnahmen"))
    store(indicator, 2024, dict(zip(tree["Bezirke"], [1, 1, 0], strict=True)))
    client.force_login(member_of(municipality, Role.MEMBER))
    page = client.get(page_url(indicator)).content.decode()
    chart = json.loads(
        re.search(r'id="keck-indicator-chart-data" type="application/json">(.*?)<', page).group(1)
    )
    assert (chart["values"], chart["texts"]) == ([None], ["k. A."])
    assert "2\n" not in page[page.index('id="keck-series-table"') :].split("</table>")[0]


def test_the_public_page_shows_released_years_only(client, non_german):
    page = client.get(f"/atlas/vechta/indicators/{non_german.pk}/").content.decode()
    table = page[page.index('id="keck-series-table"') :].split("</table>")[0]
    assert '<th scope="row">2013</th>' in table
    assert "2014" not in table and "2015" not in table
    assert "2014" not in page.split('id="keck-indicator-chart-data"')[1].split("</script>")[0]


def test_the_internal_page_marks_draft_years(client, member, non_german):
    client.force_login(member)
    table = client.get(page_url(non_german)).content.decode().split('id="keck-series-table"')[1]
    assert '<th scope="row">2015</th>' in table
    assert 'class="keck-badge draft"' in table


def test_a_draft_indicator_has_no_public_page(client, rate):
    assert client.get(f"/atlas/vechta/indicators/{rate.pk}/").status_code == 404


def test_no_public_indicator_page_without_a_public_atlas(client, vechta, u15, member):
    vechta.public_atlas_enabled = False
    vechta.save()
    client.force_login(member)
    assert client.get(f"/atlas/vechta/indicators/{u15.pk}/").status_code == 404


def test_the_public_page_shows_the_k_a_of_small_counts(client, cases):
    page = client.get(f"/atlas/vechta/indicators/{cases.pk}/").content.decode()
    row = page[page.index('<th scope="row">Bakum</th>') :].split("</tr>")[0]
    assert "k. A." in row
    assert ">3<" not in row


def test_an_indicator_of_another_municipality_is_not_found(
    client, u15, other_municipality, member_of
):
    client.force_login(member_of(other_municipality, Role.DATA_ADMIN))
    for suffix in ("", "edit/", "history/", "values/"):
        assert client.get(page_url(u15, suffix)).status_code == 404


# --- metadata editing -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADERSHIP, Role.COORDINATOR])
def test_only_data_admins_edit_metadata(client, vechta, u15, member_of, role):
    client.force_login(member_of(vechta, role))
    assert page_url(u15, "edit/") not in client.get(page_url(u15)).content.decode()
    assert client.get(page_url(u15, "edit/")).status_code == 403
    response = client.post(page_url(u15, "edit/"), form_data(u15, definition="Anders."))
    assert response.status_code == 403
    u15.refresh_from_db()
    assert u15.definition != "Anders."


def test_a_data_admin_edits_metadata_and_the_history_shows_who_changed_what_from_what(
    client, admin, u15
):
    old_holder = u15.data_holder
    client.force_login(admin)
    response = client.post(page_url(u15, "edit/"), form_data(u15, data_holder="Statistikamt"))
    assert (response.status_code, response["Location"]) == (302, page_url(u15))
    u15.refresh_from_db()
    assert u15.data_holder == "Statistikamt"
    history = client.get(page_url(u15, "history/")).content.decode()
    row = history[history.index(escape(old_holder)) - 400 :][:800]
    assert "dana" in row
    assert "Statistikamt" in row


def test_a_change_of_the_valid_levels_is_in_the_history(client, vechta, admin, u15):
    gemeinden = SpatialLevel.objects.get(municipality=vechta, slug="gemeinden")
    client.force_login(admin)
    client.post(page_url(u15, "edit/"), form_data(u15, valid_levels=[gemeinden.pk]))
    assert list(u15.valid_levels.all()) == [gemeinden]
    latest = u15.history.order_by("-history_id").first()
    assert latest.history_user == admin
    history = client.get(page_url(u15, "history/")).content.decode()
    assert "Landkreis, Gemeinden</td><td>Gemeinden</td>" in history


def test_saving_without_a_change_writes_no_history(client, admin, u15):
    before = u15.history.count()
    client.force_login(admin)
    client.post(page_url(u15, "edit/"), form_data(u15))
    assert u15.history.count() == before


def test_the_edit_page_names_what_is_missing_for_release(client, admin, u15):
    client.force_login(admin)
    client.post(page_url(u15, "edit/"), form_data(u15, data_holder=""))
    page = client.get(page_url(u15, "edit/")).content.decode()
    missing = page[page.index('class="keck-missing"') :].split("</p>")[0]
    assert str(Indicator._meta.get_field("data_holder").verbose_name) in missing


def test_a_data_admin_of_other_topics_may_not_edit(client, vechta, data_admin, u15):
    client.force_login(data_admin(vechta, topics=["gesundheit"]))
    assert client.get(page_url(u15, "edit/")).status_code == 403
    assert client.post(page_url(u15, "edit/"), form_data(u15, unit="‰")).status_code == 403
    u15.refresh_from_db()
    assert u15.unit == "%"


def test_a_topic_data_admin_cannot_move_an_indicator_into_a_foreign_topic(
    client, vechta, data_admin, u15
):
    limited = data_admin(vechta, topics=["demografie"])
    foreign = Topic.objects.get(municipality=vechta, code="soziale-lage")
    client.force_login(limited)
    form = client.get(page_url(u15, "edit/")).content.decode()
    topics = form[form.index('name="topic"') :]
    assert f'value="{foreign.pk}"' not in topics[: topics.index("</select>")]
    response = client.post(page_url(u15, "edit/"), form_data(u15, topic=foreign.pk))
    assert response.status_code == 200  # the form with its error
    u15.refresh_from_db()
    assert u15.topic.code == "demografie"
    with pytest.raises(PermissionDenied):
        update_indicator(user=limited, indicator=u15, data={"topic": foreign})


def test_a_data_admin_creates_an_indicator(client, vechta, admin):
    topic = Topic.objects.get(municipality=vechta, code="soziale-lage")
    client.force_login(admin)
    response = client.post(
        "/app/atlas/indicators/new/",
        {
            "name": "Wohngeld-Haushalte mit Kindern",
            "kind": "count",
            "topic": topic.pk,
            "rate_base": 100,
            "decimals": 0,
            "polarity": "",
        },
    )
    created = Indicator.objects.get(municipality=vechta, name="Wohngeld-Haushalte mit Kindern")
    assert response["Location"] == page_url(created)
    assert created.history.first().history_user == admin


# --- release per year -----------------------------------------------------------------------


def test_withdraw_and_release_a_year_from_the_indicator_page(client, admin, u15):
    client.force_login(admin)
    response = client.post(page_url(u15, "years/"), {"year": "2015", "action": "withdraw"})
    assert (response.status_code, response["Location"]) == (302, page_url(u15))
    assert not IndicatorRelease.objects.filter(indicator=u15, year=2015).exists()
    client.post(page_url(u15, "years/"), {"year": "2015", "action": "release"})
    assert IndicatorRelease.objects.filter(indicator=u15, year=2015).exists()


def test_the_draft_year_gets_a_release_button(client, admin, non_german):
    client.force_login(admin)
    page = client.get(page_url(non_german)).content.decode()
    release_form = page[page.index('id="release-title"') :]
    assert 'name="year" value="2015"' in release_form
    assert 'name="action" value="release"' in release_form


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADERSHIP])
def test_only_data_admins_release_from_the_indicator_page(client, vechta, member_of, u15, role):
    client.force_login(member_of(vechta, role))
    response = client.post(page_url(u15, "years/"), {"year": "2015", "action": "withdraw"})
    assert response.status_code == 403
    assert IndicatorRelease.objects.filter(indicator=u15, year=2015).exists()


# --- value corrections ----------------------------------------------------------------------


def correct(client, indicator, area, **fields):
    data = {"area": area.pk, "year": 2015, "action": "value", **fields}
    return client.post(page_url(indicator, "values/"), data)


def test_a_corrected_value_is_stored_and_the_history_keeps_the_old_one(
    client, vechta, admin, cases
):
    client.force_login(admin)
    response = correct(
        client, cases, bakum(vechta), value="5", source_note="Jugendamt, Nachmeldung"
    )
    assert response.status_code == 302
    stored = Value.objects.get(indicator=cases, area=bakum(vechta), year=2015)
    assert (stored.value, stored.source_note) == (5, "Jugendamt, Nachmeldung")
    change = ValueChange.objects.get(indicator=cases, area=bakum(vechta), year=2015)
    assert (change.old_value, change.new_value, change.changed_by) == (3, 5, admin)
    history = client.get(page_url(cases, "history/")).content.decode()
    assert "<td>Bakum</td>" in history


def test_a_share_is_corrected_by_numerator_and_denominator(client, vechta, admin, sgb2):
    client.force_login(admin)
    correct(client, sgb2, bakum(vechta), numerator="40", denominator="1075")
    stored = Value.objects.get(indicator=sgb2, area=bakum(vechta), year=2015)
    assert (stored.numerator, stored.denominator) == (40, 1075)
    assert stored.value == pytest.approx(40 / 1075 * 100)


def test_a_german_decimal_comma_is_understood(client, vechta, admin, sgb2):
    client.force_login(admin)
    correct(client, sgb2, bakum(vechta), value="3,75")
    assert Value.objects.get(indicator=sgb2, area=bakum(vechta), year=2015).value == 3.75


def test_a_value_can_be_marked_as_k_a_from_the_source(client, vechta, admin, cases):
    client.force_login(admin)
    correct(client, cases, bakum(vechta), action="source_suppressed")
    stored = Value.objects.get(indicator=cases, area=bakum(vechta), year=2015)
    assert (stored.status, stored.value) == (Value.Status.SOURCE_SUPPRESSED, None)


def test_a_value_can_be_removed(client, vechta, admin, cases):
    client.force_login(admin)
    correct(client, cases, bakum(vechta), action="remove")
    assert not Value.objects.filter(indicator=cases, area=bakum(vechta), year=2015).exists()
    assert ValueChange.objects.get(indicator=cases, area=bakum(vechta)).new_status == ""


def test_the_correction_form_starts_with_the_stored_value(client, vechta, admin, cases):
    client.force_login(admin)
    page = client.get(
        page_url(cases, "values/") + f"?year=2015&level=gemeinden&area={bakum(vechta).pk}"
    ).content.decode()
    assert re.search(r'name="value" value="3"', page)


def test_members_cannot_correct_values(client, vechta, member, cases):
    client.force_login(member)
    assert client.get(page_url(cases, "values/")).status_code == 403
    assert correct(client, cases, bakum(vechta), value="5").status_code == 403
    assert Value.objects.get(indicator=cases, area=bakum(vechta), year=2015).value == 3


def test_members_see_the_metadata_history_but_no_old_values(client, vechta, admin, member, cases):
    client.force_login(admin)
    correct(client, cases, bakum(vechta), value="5")
    client.force_login(member)
    page = client.get(page_url(cases, "history/")).content.decode()
    assert page.count("<td>Bakum</td>") == 0
    assert 'id="meta-history"' in page


# --- constant number of queries -------------------------------------------------------------


def _district(slug: str, prefix: str, member_of):
    """A Landkreis with its Gemeinden from VG5000 and a released count over two years."""
    municipality = MunicipalityFactory(slug=slug, name=slug, official_key=prefix)
    import_areas(
        municipality=municipality,
        path=DATA / "vg5000_2021_ebenen.zip",
        layer="VG5000_GEM",
        key_prefix=prefix,
        level_name="Gemeinden",
        key_field="AGS",
        name_field="GEN",
        source_note=settings.KECK_BKG_SOURCE_NOTE,
    )
    indicator = complete_metadata(count_indicator(municipality, name="Kinder unter 6 Jahren"))
    gemeinden = Area.objects.filter(municipality=municipality, level__depth=1)
    admin = member_of(municipality, Role.DATA_ADMIN)
    for year in (2023, 2024):
        store(indicator, year, {area: 20 + n % 40 for n, area in enumerate(gemeinden)})
        release(user=admin, indicator=indicator, year=year)
    bookmark = create_bookmark(
        user=admin,
        municipality=municipality,
        title="Kinder 2024",
        view="table",
        state={"level": "gemeinden", "indicator": str(indicator.pk), "year": "2024"},
    )
    publish_bookmark(user=admin, bookmark=bookmark)
    return municipality, indicator, admin, gemeinden.count()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_take_as_many_queries_for_137_gemeinden_as_for_10(client, db, member_of):
    small, small_indicator, small_admin, small_count = _district("klein", "03460", member_of)
    large, large_indicator, large_admin, large_count = _district("gross", "07140", member_of)
    assert (small_count, large_count) == (10, 137)
    for url in (
        "/atlas/{slug}/",
        "/atlas/{slug}/indicators/{pk}/",
        "/atlas/{slug}/bookmarks/{bookmark}/",
        "/api/v1/municipalities/{slug}/bookmarks/",
    ):
        counts = [
            _queries(
                client,
                url.format(slug=m.slug, pk=i.pk, bookmark=m.bookmarks.get().pk),
            )
            for m, i in ((small, small_indicator), (large, large_indicator))
        ]
        assert counts[0] == counts[1], url
    internal = []
    for admin, indicator in ((small_admin, small_indicator), (large_admin, large_indicator)):
        client.force_login(admin)
        internal.append(
            [
                _queries(client, page_url(indicator, suffix))
                for suffix in ("", "values/", "history/")
            ]
            + [
                _queries(client, "/app/atlas/indicators/"),
                _queries(client, "/app/atlas/bookmarks/"),
            ]
        )
    assert internal[0] == internal[1]


def test_the_time_series_names_the_source_of_each_year(client, u15):
    page = client.get(f"/atlas/vechta/indicators/{u15.pk}/").content.decode()
    rows = page[page.index('id="keck-series-table"') :].split("</table>")[0].split("<tr>")
    (row_2013,) = [row for row in rows if '<th scope="row">2013</th>' in row]
    (row_2015,) = [row for row in rows if '<th scope="row">2015</th>' in row]
    assert "Landkreis Vechta, Sozialdaten 2013" in row_2013
    assert "Synthetische Werte zur Veranschaulichung, keine amtlichen Daten" in row_2015
