"""The KECK network comparison (issue 11, point 3): opt-in per indicator, released values only,
each municipality's value as a whole with its own suppression, pages and API."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import Municipality, Role
from atlas_data import selectors_network
from atlas_data.models import Area, Indicator, Value
from atlas_data.services import adopt_catalogue, release
from atlas_data.services.network import NetworkError, set_network_shared
from tests.factories import MunicipalityFactory

from .conftest import complete_metadata, count_indicator, make_tree

POPULATION, SHARE_U15 = "einwohner", "anteil-unter-15"
EN = {"django_language": "en"}


@dataclass
class Town:
    municipality: Municipality
    root: Area
    districts: list[Area]
    admin: object


@pytest.fixture
def town(member_of):
    """town(slug, districts=3) -> a municipality with a root and districts, and a data admin."""

    def make(slug: str, *, districts: int = 3, **fields) -> Town:
        municipality = MunicipalityFactory(slug=slug, name=f"Stadt {slug.title()}", **fields)
        tree = make_tree(municipality, districts=districts)
        admin = member_of(municipality, Role.DATA_ADMIN)
        return Town(municipality, tree["root"][0], tree["Bezirke"], admin)

    return make


def linked(town: Town, code: str) -> Indicator:
    """The starter catalogue's indicator `code`, adopted with complete metadata."""
    adopt_catalogue(municipality=town.municipality, user=town.admin, codes=[code])
    indicator = Indicator.objects.select_related("municipality", "topic").get(
        municipality=town.municipality, catalogue_code=code
    )
    return complete_metadata(indicator)


def put(indicator: Indicator, year: int, cells: dict, **fields) -> None:
    """Stored values: a number (count or published share) or (numerator, denominator)."""
    for area, cell in cells.items():
        if isinstance(cell, tuple):
            numerator, denominator = cell
            value = numerator / denominator * indicator.rate_base
        else:
            numerator = denominator = None
            value = cell
        Value.objects.create(
            indicator=indicator,
            area=area,
            year=year,
            value=value,
            numerator=numerator,
            denominator=denominator,
            **fields,
        )


def shared(town: Town, indicator: Indicator, *years: int) -> Indicator:
    for year in years:
        release(user=town.admin, indicator=indicator, year=year)
    set_network_shared(user=town.admin, indicator=indicator, shared=True)
    return indicator


def counts(town: Town, code: str = POPULATION, *, years=(2022,), base=1000) -> Indicator:
    """A count linked to `code` with values for the districts in `years` (not released)."""
    indicator = linked(town, code)
    for year in years:
        put(indicator, year, {d: base + 100 * n + year % 10 for n, d in enumerate(town.districts)})
    return indicator


def member(comparison, slug: str):
    return next(m for m in comparison.members if m.municipality.slug == slug)


def displays(comparison, slug: str) -> dict[int, str]:
    return {cell.year: cell.shown.display for cell in member(comparison, slug).values}


@pytest.fixture
def pair(town):
    """Two towns comparing their inhabitants: A released 2022 and 2023, B released 2022 (2023
    stays B's internal draft)."""
    a, b = town("a"), town("b")
    shared(a, counts(a, years=(2022, 2023)), 2022, 2023)
    shared(b, counts(b, years=(2022, 2023), base=2000), 2022)
    return a, b


# --- which entries and years take part ----------------------------------------------------------


def test_an_entry_compared_by_two_municipalities_is_listed(pair):
    entries = selectors_network.network_entries()

    assert [(e.code, [m.slug for m in e.municipalities]) for e in entries] == [
        (POPULATION, ["a", "b"])
    ]


def test_an_indicator_not_opted_in_does_not_take_part(town, pair):
    c = town("c")
    indicator = counts(c)
    release(user=c.admin, indicator=indicator, year=2022)

    comparison = selectors_network.network_comparison(code=POPULATION)

    assert [m.municipality.slug for m in comparison.members] == ["a", "b"]


def test_an_entry_of_only_one_municipality_is_no_comparison(town):
    a, b = town("a"), town("b")
    shared(a, counts(a), 2022)
    counts(b)  # B has values but releases nothing

    assert selectors_network.network_entries() == []
    assert selectors_network.network_comparison(code=POPULATION) is None


def test_only_released_years_appear(pair):
    comparison = selectors_network.network_comparison(code=POPULATION)

    assert displays(comparison, "a") == {2022: "3.306", 2023: "3.309"}
    assert displays(comparison, "b") == {2022: "6.306", 2023: "–"}
    assert member(comparison, "b").values[1].released_at is None


def test_a_municipality_without_public_atlas_does_not_take_part(pair):
    a, b = pair
    Municipality.objects.filter(pk=b.municipality.pk).update(public_atlas_enabled=False)

    assert selectors_network.network_entries() == []


def test_withdrawing_a_release_takes_the_year_out(pair):
    from atlas_data.services import withdraw

    a, _b = pair
    withdraw(user=a.admin, indicator=Indicator.objects.get(municipality=a.municipality), year=2023)

    comparison = selectors_network.network_comparison(code=POPULATION)

    assert comparison.years == [2022]


# --- the value of the municipality as a whole --------------------------------------------------


def test_a_published_total_is_kept_as_given_and_others_are_weighted(town):
    a, b = town("a"), town("b")
    share_a, share_b = linked(a, SHARE_U15), linked(b, SHARE_U15)
    # A publishes 16.77 for the town; its districts would give 150 / 1000 = 15 %.
    put(share_a, 2022, dict.fromkeys(a.districts, (50, 1000 / 3)))
    put(share_a, 2022, {a.root: 16.77}, is_published_total=True)
    # B publishes no total: 10 + 20 + 60 children of 100 + 100 + 600 inhabitants = 11.25 %,
    # not the unweighted mean of the shares (10 %, 20 %, 10 % → 13.33 %).
    put(share_b, 2022, dict(zip(b.districts, [(10, 100), (20, 100), (60, 600)], strict=True)))
    shared(a, share_a, 2022)
    shared(b, share_b, 2022)

    comparison = selectors_network.network_comparison(code=SHARE_U15)

    cell_a, cell_b = member(comparison, "a").values[0], member(comparison, "b").values[0]
    assert (cell_a.shown.value, cell_a.shown.origin) == (16.77, "published")
    assert (round(cell_b.shown.value, 2), cell_b.shown.origin) == (11.25, "computed")


def test_shares_without_weights_give_no_value_rather_than_an_unweighted_mean(town):
    a, b = town("a"), town("b")
    share_a, share_b = linked(a, SHARE_U15), linked(b, SHARE_U15)
    put(share_a, 2022, dict(zip(a.districts, [10.0, 20.0, 15.0], strict=True)))
    put(share_b, 2022, {b.root: 16.0}, is_published_total=True)
    shared(a, share_a, 2022)
    shared(b, share_b, 2022)

    comparison = selectors_network.network_comparison(code=SHARE_U15)

    assert displays(comparison, "a") == {2022: "–"}


def test_a_small_count_is_suppressed_with_the_municipalitys_own_rules(town):
    a, b = town("a"), town("b", suppression_threshold=5)
    cases_a, cases_b = linked(a, POPULATION), linked(b, POPULATION)
    put(cases_a, 2022, dict(zip(a.districts, [1, 1, 1], strict=True)))  # 3 in all
    put(cases_b, 2022, dict(zip(b.districts, [2, 1, 1], strict=True)))  # 4: small for B only
    put(cases_a, 2023, dict(zip(a.districts, [2, 1, 1], strict=True)))  # 4: fine for A
    shared(a, cases_a, 2022, 2023)
    shared(b, cases_b, 2022)

    comparison = selectors_network.network_comparison(code=POPULATION)

    assert displays(comparison, "a") == {2022: "k. A.", 2023: "4"}
    assert displays(comparison, "b") == {2022: "k. A.", 2023: "–"}
    assert member(comparison, "a").values[0].shown.value is None


def test_a_data_admin_sees_the_small_count_suppressed_like_everybody(client, town):
    a, b = town("a"), town("b")
    cases_a, cases_b = linked(a, POPULATION), linked(b, POPULATION)
    put(cases_a, 2022, dict(zip(a.districts, [1, 1, 1], strict=True)))
    put(cases_b, 2022, dict(zip(b.districts, [40, 50, 60], strict=True)))
    shared(a, cases_a, 2022)
    shared(b, cases_b, 2022)
    client.force_login(a.admin)

    values = client.get(f"/api/v1/network/{POPULATION}/").json()["members"][0]["values"]

    assert values == [
        {
            "year": 2022,
            "value": None,
            "display": "k. A.",
            "status": "suppressed",
            "origin": "computed",
            "released_at": values[0]["released_at"],
            "citation": values[0]["citation"],
        }
    ]
    assert values[0]["citation"]["url"].endswith(f"/atlas/a/i/{cases_a.pk}/2022/")


# --- comparability ------------------------------------------------------------------------------


def test_a_differing_reference_date_is_flagged(pair):
    a, _b = pair
    Indicator.objects.filter(municipality=a.municipality).update(reference_date="30.06.")

    comparison = selectors_network.network_comparison(code=POPULATION)

    with translation.override("en"):
        differences = [
            (d.label, d.own_text, d.catalogue_text) for d in member(comparison, "a").differences
        ]
        assert differences == [("reference date or period", "30.06.", "31.12.")]
        assert comparison.notes == [
            "The indicator of Stadt A differs from the starter catalogue entry: see the "
            "differences below before comparing."
        ]
    assert comparison.comparable_units


def test_differing_units_make_the_numbers_incomparable(pair):
    a, _b = pair
    Indicator.objects.filter(municipality=a.municipality).update(unit="Tsd. Personen")

    comparison = selectors_network.network_comparison(code=POPULATION)

    assert not comparison.comparable_units
    with translation.override("en"):
        assert comparison.notes[0].startswith("The municipalities measure this entry in different")


# --- opting in ------------------------------------------------------------------------------


def test_opting_in_is_kept_in_the_history_with_who_decided(town):
    a = town("a")
    indicator = counts(a)

    assert set_network_shared(user=a.admin, indicator=indicator, shared=True)

    latest = indicator.history.first()
    assert (latest.network_shared, latest.history_user) == (True, a.admin)


def test_opting_in_twice_changes_nothing(town):
    a = town("a")
    indicator = counts(a)
    set_network_shared(user=a.admin, indicator=indicator, shared=True)
    rows = indicator.history.count()

    assert not set_network_shared(user=a.admin, indicator=indicator, shared=True)
    assert indicator.history.count() == rows


def test_an_indicator_without_catalogue_entry_cannot_be_opted_in(town):
    a = town("a")
    own = count_indicator(a.municipality)

    with translation.override("en"), pytest.raises(NetworkError) as error:
        set_network_shared(user=a.admin, indicator=own, shared=True)

    assert "starter catalogue" in str(error.value)
    assert not Indicator.objects.get(pk=own.pk).network_shared


def test_a_second_indicator_of_the_same_entry_cannot_be_opted_in(town):
    a = town("a")
    first = counts(a)
    set_network_shared(user=a.admin, indicator=first, shared=True)
    second = count_indicator(a.municipality, name="Einwohner (zweite Quelle)")
    Indicator.objects.filter(pk=second.pk).update(catalogue_code=POPULATION)
    second.refresh_from_db()

    with translation.override("en"), pytest.raises(NetworkError) as error:
        set_network_shared(user=a.admin, indicator=second, shared=True)

    assert "already compared" in str(error.value)


def test_a_member_may_not_opt_in(town, member_of):
    a = town("a")
    indicator = counts(a)

    with pytest.raises(PermissionDenied):
        set_network_shared(
            user=member_of(a.municipality, Role.MEMBER), indicator=indicator, shared=True
        )


def test_the_indicator_page_offers_the_switch_to_a_data_admin(client, town):
    a = town("a")
    indicator = counts(a)
    client.force_login(a.admin)

    page = client.get(f"/app/atlas/indicators/{indicator.pk}/").content.decode()

    assert f'action="/netzwerk/indikatoren/{indicator.pk}/vergleichen/"' in page
    assert "im KECK-Netzwerk vergleichen" in page


def test_an_indicator_without_catalogue_entry_has_no_switch(client, town):
    a = town("a")
    own = count_indicator(a.municipality)
    client.force_login(a.admin)

    page = client.get(f"/app/atlas/indicators/{own.pk}/").content.decode()

    assert "/netzwerk/indikatoren/" not in page


def test_the_switch_opts_in_and_out(client, town):
    a = town("a")
    indicator = counts(a)
    client.force_login(a.admin)
    url = f"/netzwerk/indikatoren/{indicator.pk}/vergleichen/"

    response = client.post(url, {"shared": "1"})
    opted_in = Indicator.objects.get(pk=indicator.pk).network_shared
    client.post(url, {})

    assert response.status_code == 302
    assert response.url == f"/app/atlas/indicators/{indicator.pk}/"
    assert (opted_in, Indicator.objects.get(pk=indicator.pk).network_shared) == (True, False)


def test_the_switch_shows_a_refusal_in_german(client, town):
    a = town("a")
    own = count_indicator(a.municipality)
    client.force_login(a.admin)

    response = client.post(
        f"/netzwerk/indikatoren/{own.pk}/vergleichen/", {"shared": "1"}, follow=True
    )

    assert "Nur Indikatoren" in response.content.decode()


def test_the_switch_does_not_reach_an_indicator_of_another_municipality(client, town):
    a, b = town("a"), town("b")
    indicator = counts(b)
    client.force_login(a.admin)

    response = client.post(f"/netzwerk/indikatoren/{indicator.pk}/vergleichen/", {"shared": "1"})

    assert response.status_code == 404
    assert not Indicator.objects.get(pk=indicator.pk).network_shared


# --- pages ------------------------------------------------------------------------------------


def test_the_network_page_lists_the_entry_for_the_public(client, pair):
    page = client.get("/netzwerk/").content.decode()

    assert 'href="/netzwerk/einwohner/"' in page
    assert '<a href="/atlas/a/"' in page and '>Stadt A</a>, <a href="/atlas/b/"' in page
    assert "KECK-Netzwerk" in page


def test_the_entry_page_renders_the_chart_data_of_the_table(client, pair):
    page = client.get(f"/netzwerk/{POPULATION}/").content.decode()

    data = json.loads(
        re.search(
            r'<script id="keck-network-chart-data" type="application/json">(.*?)</script>', page
        ).group(1)
    )
    assert data["years"] == [2022, 2023]
    assert [(s["name"], s["values"], s["texts"]) for s in data["series"]] == [
        ("Stadt A", [3306.0, 3309.0], ["3.306", "3.309"]),
        ("Stadt B", [6306.0, None], ["6.306", "–"]),
    ]
    assert "keck/network_chart.js" in page


def test_the_entry_page_has_no_inline_script(client, pair):
    page = client.get(f"/netzwerk/{POPULATION}/").content.decode()

    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _body in scripts)


def test_the_entry_page_names_sources_and_release_dates(client, pair):
    a, _b = pair
    released = a.municipality.indicators.get().releases.get(year=2022).released_at

    page = client.get(f"/netzwerk/{POPULATION}/").content.decode()

    assert "Einwohnermelderegister" in page
    assert f"2022: {released:%d.%m.%Y}" in page


def test_an_unknown_entry_is_not_found(client, pair):
    assert client.get("/netzwerk/kita-plaetze/").status_code == 404
    assert client.get("/netzwerk/gibt-es-nicht/").status_code == 404


def test_a_member_sees_nothing_internal_of_another_municipality(client, pair, member_of):
    a, b = pair
    client.force_login(member_of(a.municipality, Role.DATA_ADMIN))

    comparison = client.get(f"/api/v1/network/{POPULATION}/").json()
    page = client.get(f"/netzwerk/{POPULATION}/").content.decode()

    b_values = next(m for m in comparison["members"] if m["municipality"]["slug"] == "b")
    assert [v["display"] for v in b_values["values"]] == ["6.306", "–"]
    assert "6.309" not in page  # B's internal draft of 2023


def test_a_member_sees_no_unreleased_year_of_the_own_municipality_either(client, town):
    a, b = town("a"), town("b")
    shared(a, counts(a, years=(2022, 2023)), 2022)
    shared(b, counts(b, years=(2022,)), 2022)
    client.force_login(a.admin)

    comparison = client.get(f"/api/v1/network/{POPULATION}/").json()

    assert comparison["years"] == [2022]


# --- API ------------------------------------------------------------------------------------


def test_the_api_lists_the_entries(client, pair):
    entries = client.get("/api/v1/network/").json()

    assert [(e["code"], [m["slug"] for m in e["municipalities"]], e["years"]) for e in entries] == [
        (POPULATION, ["a", "b"], [2022, 2023])
    ]
    assert entries[0]["municipalities"][0]["atlas_url"] == "http://testserver/atlas/a/"
    assert entries[0]["url"] == "http://testserver/netzwerk/einwohner/"


def test_the_api_gives_each_municipalitys_values_and_sources(client, pair):
    comparison = client.get(f"/api/v1/network/{POPULATION}/").json()

    first = comparison["members"][0]
    assert (comparison["code"], comparison["years"], comparison["comparable_units"]) == (
        POPULATION,
        [2022, 2023],
        True,
    )
    assert first["municipality"] == {
        "slug": "a",
        "name": "Stadt A",
        "atlas_url": "http://testserver/atlas/a/",
    }
    assert first["public_url"].endswith(f"/atlas/a/indicators/{first['indicator']['id']}/")
    assert [(v["year"], v["value"], v["origin"]) for v in first["values"]] == [
        (2022, 3306.0, "computed"),
        (2023, 3309.0, "computed"),
    ]


def test_the_api_answers_404_for_an_entry_without_comparison(client, pair):
    assert client.get("/api/v1/network/kita-plaetze/").status_code == 404


def test_the_indicator_api_names_the_opt_in(client, pair):
    a, _b = pair

    indicators = client.get("/api/v1/municipalities/a/indicators/").json()

    assert [(i["catalogue_code"], i["network_shared"]) for i in indicators] == [(POPULATION, True)]


def test_a_data_admin_opts_in_through_the_api(client, town):
    a = town("a")
    indicator = counts(a)
    client.force_login(a.admin)

    response = client.patch(
        f"/api/v1/municipalities/a/indicators/{indicator.pk}/network/",
        {"network_shared": True},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": indicator.pk,
        "catalogue_code": POPULATION,
        "network_shared": True,
    }
    assert Indicator.objects.get(pk=indicator.pk).network_shared


def test_the_api_refuses_an_indicator_without_catalogue_entry_in_german(client, town):
    a = town("a")
    own = count_indicator(a.municipality)
    client.force_login(a.admin)

    response = client.put(
        f"/api/v1/municipalities/a/indicators/{own.pk}/network/",
        {"network_shared": True},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["network_shared"][0].startswith("Nur Indikatoren")


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 403), ("member", 403), ("outsider", 404)]
)
def test_the_api_opt_in_is_for_data_admins_of_the_municipality(
    client, town, member_of, who, status
):
    a, b = town("a"), town("b")
    indicator = counts(a)
    if who == "member":
        client.force_login(member_of(a.municipality, Role.MEMBER))
    elif who == "outsider":
        client.force_login(b.admin)

    response = client.patch(
        f"/api/v1/municipalities/a/indicators/{indicator.pk}/network/",
        {"network_shared": True},
        content_type="application/json",
    )

    assert response.status_code == status
    assert not Indicator.objects.get(pk=indicator.pk).network_shared


def test_the_api_documents_the_network_endpoints(client, db):
    schema = client.get("/api/schema/?format=json").json()

    assert {
        "/api/v1/network/",
        "/api/v1/network/{code}/",
        "/api/v1/municipalities/{slug}/indicators/{id}/network/",
    } <= set(schema["paths"])


# --- queries ------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_network_page_runs_a_fixed_number_of_queries(client, town, pair):
    few = _queries(client, "/netzwerk/")
    c = town("c", districts=6)
    shared(c, counts(c, years=(2021, 2022, 2023)), 2021, 2022, 2023)
    shared(c, linked_with_values(c, SHARE_U15), 2022)

    assert _queries(client, "/netzwerk/") == few


def test_the_entry_page_queries_do_not_grow_with_years_and_areas(client, town):
    a, b = town("a"), town("b")
    shared(a, counts(a), 2022)
    shared(b, counts(b), 2022)
    few = _queries(client, f"/netzwerk/{POPULATION}/")
    for t in (a, b):
        indicator = Indicator.objects.select_related("municipality", "topic").get(
            municipality=t.municipality
        )
        more = [
            Area.objects.create(
                municipality=t.municipality,
                level=t.districts[0].level,
                parent=t.root,
                key=f"1{n:02d}",
                name=f"Neuer Bezirk {n}",
            )
            for n in range(4)
        ]
        for year in (2023, 2024):
            put(indicator, year, dict.fromkeys([*t.districts, *more], 500 + year % 10))
            release(user=t.admin, indicator=indicator, year=year)

    assert _queries(client, f"/netzwerk/{POPULATION}/") == few


def linked_with_values(town: Town, code: str) -> Indicator:
    indicator = linked(town, code)
    put(indicator, 2022, dict.fromkeys(town.districts, (50, 400)))
    return indicator
