"""Institution-level indicators on pages and in the API (issue 11 point 1): the POI page and
popup with the institution's time series, the comparison with the areas (chart data, table,
CSV), release and the public, other municipalities."""

from __future__ import annotations

import json
import re
import statistics

import pytest

from accounts.models import Role
from atlas_data.models import IndicatorRelease
from atlas_data.services.institutions import set_institution_value
from tests.atlas_data.institution_fixtures import *  # noqa: F403
from tests.atlas_data.institution_fixtures import (
    YEAR,
    add_sgb2_share,
    institution_indicator,
    make_city,
)

pytestmark = pytest.mark.django_db

# Share of children in SGB II households per Bezirk (numerator / denominator).


@pytest.fixture
def scene(municipality, member_of):
    """The city with a small group at Kita Ahorn in YEAR (so Kita Birke is hidden as well),
    a second year 2023 and the SGB II share of the Bezirke."""
    city = make_city(
        municipality,
        member_of,
        results={
            "Kita Ahorn": ("001", 2, 20),
            "Kita Birke": ("001", 12, 30),
            "Kita Eiche": ("002", 10, 40),
            "Kita Linde": ("003", 9, 30),
            "Kita Weide": ("003", 8, 24),
        },
    )
    for name, (numerator, denominator) in {"Kita Ahorn": (5, 20), "Kita Eiche": (8, 40)}.items():
        set_institution_value(
            user=city.admin,
            indicator=city.indicator,
            poi=city.kitas[name],
            year=2023,
            numerator=numerator,
            denominator=denominator,
        )
    city.sgb2 = add_sgb2_share(city)
    city.member = member_of(municipality, Role.MEMBER)
    return city


def release(city, *pairs):
    for indicator, year in pairs:
        IndicatorRelease.objects.create(indicator=indicator, year=year)


# --- the POI page and popup -----------------------------------------------------------------


def test_the_poi_page_shows_the_institutions_values_over_the_years(client, scene):
    client.force_login(scene.member)
    page = client.get(f"/app/atlas/pois/{scene.kitas['Kita Eiche'].pk}/").content.decode()
    section = page[page.index("keck-institution-values") :]
    assert scene.indicator.name in section
    assert re.search(r"2023</span> 20,0 %", section)
    assert re.search(r"2024</span> 25,0 %", section)
    assert '<svg class="keck-institution-spark"' in section and "<path d=" in section


def test_a_hidden_year_is_k_a_on_the_poi_page_and_a_gap_in_the_line(client, scene):
    client.force_login(scene.member)
    page = client.get(f"/app/atlas/pois/{scene.kitas['Kita Ahorn'].pk}/").content.decode()
    section = page[page.index("keck-institution-values") :]
    assert re.search(r"2024</span> k\. A\.", section)
    assert "10,0 %" not in page
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert svg.count("<circle") == 1  # 2023 only


def values_url(city, poi, *, public=False) -> str:
    url = f"/api/v1/municipalities/{city.municipality.slug}/pois/{poi.pk}/values/"
    return url + ("?public=1" if public else "")


def test_the_popup_gets_the_series_with_suppressed_years_as_null(client, scene):
    client.force_login(scene.member)
    (series,) = client.get(values_url(scene, scene.kitas["Kita Ahorn"])).json()
    assert series["indicator"]["id"] == scene.indicator.pk
    # Unreleased years are never cited, nor corrected.
    unreleased = {"citation": None, "corrected_on": None}
    assert series["points"] == [
        {"year": 2023, "value": 25.0, "display": "25,0 %", "status": "ok", **unreleased},
        {"year": 2024, "value": None, "display": "k. A.", "status": "suppressed", **unreleased},
    ]


def test_the_public_popup_shows_released_years_only(client, scene):
    release(scene, (scene.indicator, 2023))
    (series,) = client.get(values_url(scene, scene.kitas["Kita Eiche"], public=True)).json()
    assert [point["year"] for point in series["points"]] == [2023]
    assert series["released"] is True


def test_the_popup_cites_each_released_year_with_its_permanent_url(client, scene):
    release(scene, (scene.indicator, 2023))
    (series,) = client.get(values_url(scene, scene.kitas["Kita Eiche"], public=True)).json()
    (point,) = series["points"]
    citation = point["citation"]
    slug, pk = scene.municipality.slug, scene.indicator.pk
    assert citation["url"] == f"http://testserver/atlas/{slug}/i/{pk}/2023/"
    assert citation["year"] == 2023 and citation["indicator"]["id"] == pk
    assert citation["released_on"] and citation["corrected_on"] is None
    assert "Freigegeben am" in citation["text"] and citation["url"] in citation["text"]


def test_the_popup_shows_the_date_of_a_change_after_the_release(client, scene):
    release(scene, (scene.indicator, 2023))
    kita = scene.kitas["Kita Eiche"]
    set_institution_value(
        user=scene.admin,
        indicator=scene.indicator,
        poi=kita,
        year=2023,
        numerator=9,
        denominator=40,
    )
    (series,) = client.get(values_url(scene, kita, public=True)).json()
    (point,) = series["points"]
    assert point["display"] == "22,5 %"
    assert point["corrected_on"] == point["citation"]["corrected_on"] is not None
    assert "korrigiert am" in point["citation"]["text"]


def test_the_popup_script_prints_the_citations_under_the_values(client, scene):
    page = client.get(f"/atlas/{scene.municipality.slug}/pois/").content.decode()
    assert '"cite": "Zitiervorschlag"' in page
    script = client.get("/static/keck/atlas/poi-layer.js")
    source = b"".join(script.streaming_content).decode() if script.streaming else script.text
    assert "keck-poi-citation" in source and "q.citation.text" in source


def test_the_public_gets_404_for_the_values_of_an_internal_poi(client, scene):
    kita = scene.kitas["Kita Eiche"]
    kita.is_released = False
    kita.save()
    assert client.get(values_url(scene, kita)).status_code == 404


def test_the_popup_script_knows_where_to_fetch_the_values(client, scene):
    client.force_login(scene.member)
    page = client.get("/app/atlas/pois/").content.decode()
    slug = scene.municipality.slug
    assert f'data-values-url="/api/v1/municipalities/{slug}/pois/0/values/"' in page


# --- the list of institution values ---------------------------------------------------------


def list_url(city, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/municipalities/{city.municipality.slug}/institution-values/?{query}"


def test_the_values_api_lists_every_institution_as_suppression_leaves_it(client, scene):
    client.force_login(scene.member)
    rows = client.get(list_url(scene, indicator=scene.indicator.pk, year=YEAR)).json()
    shown = {row["poi_name"]: row["display"] for row in rows}
    assert shown == {
        "Kita Ahorn": "k. A.",
        "Kita Birke": "k. A.",  # secondary: else the Bezirk's roll-up minus Birke tells Ahorn
        "Kita Eiche": "25,0 %",
        "Kita Linde": "30,0 %",
        "Kita Weide": "33,3 %",
    }


def test_the_roll_up_comes_through_the_values_api(client, scene):
    client.force_login(scene.member)
    slug = scene.municipality.slug
    body = client.get(
        f"/api/v1/municipalities/{slug}/indicators/{scene.indicator.pk}/values/?year={YEAR}"
    ).json()
    shown = {row["area_key"]: row["display"] for row in body["areas"]}
    assert shown == {"001": "28,0 %", "002": "25,0 %", "003": "31,5 %"}


def test_an_indicator_of_another_municipality_is_404(client, scene, other_municipality):
    foreign = institution_indicator(other_municipality)
    client.force_login(scene.member)
    assert client.get(list_url(scene, indicator=foreign.pk)).status_code == 404


def test_a_member_of_another_municipality_sees_only_what_the_public_sees(
    client, scene, other_municipality, member_of
):
    client.force_login(member_of(other_municipality, Role.DATA_ADMIN))
    assert client.get(list_url(scene, indicator=scene.indicator.pk)).status_code == 404
    release(scene, (scene.indicator, 2023))
    rows = client.get(list_url(scene, indicator=scene.indicator.pk)).json()
    assert {row["year"] for row in rows} == {2023}


# --- the comparison -------------------------------------------------------------------------


def compare(client, city, *, public=False, **params):
    query = {"indicator": city.indicator.pk, "year": YEAR, "x": city.sgb2.pk, "level": "bezirke"}
    query.update(params)
    internal = "/app/atlas/institutions/"
    url = f"/atlas/{city.municipality.slug}/institutions/" if public else internal
    return client.get(url, query)


def chart_data(page: str) -> dict:
    match = re.search(
        r'<script id="keck-institution-chart-data" type="application/json">(.*?)</script>',
        page,
        re.S,
    )
    return json.loads(match.group(1))


def test_the_chart_has_one_point_per_shown_institution_against_its_area(client, scene):
    client.force_login(scene.member)
    page = compare(client, scene).content.decode()
    points = {p["name"]: (p["x"], p["y"]) for p in chart_data(page)["points"]}
    assert points == {
        "Kita Eiche": (20.0, 25.0),
        "Kita Linde": (30.0, 30.0),
        "Kita Weide": (30.0, pytest.approx(33.333333)),
    }
    assert "2 Einrichtungen fehlen im Diagramm" in page
    assert page.count('<th scope="row"><a href="/app/atlas/pois/') == 5  # the table: all five


def test_the_api_gives_the_same_comparison(client, scene):
    client.force_login(scene.member)
    slug = scene.municipality.slug
    body = client.get(
        f"/api/v1/municipalities/{slug}/institution-comparison/",
        {"indicator": scene.indicator.pk, "year": YEAR, "x": scene.sgb2.pk, "level": "bezirke"},
    ).json()
    assert body["left_out_suppressed"] == 2
    plotted = [p for p in body["points"] if p["plotted"]]
    assert {(p["poi_name"], p["area_key"], p["x_display"]) for p in plotted} == {
        ("Kita Eiche", "002", "20,0 %"),
        ("Kita Linde", "003", "30,0 %"),
        ("Kita Weide", "003", "30,0 %"),
    }
    expected = statistics.correlation([20, 30, 30], [25, 30, 100 / 3])
    assert body["correlation"] == pytest.approx(expected)


def test_the_csv_holds_every_institution_with_german_numbers(client, scene):
    client.force_login(scene.member)
    response = client.get(
        "/app/atlas/institutions.csv",
        {"indicator": scene.indicator.pk, "year": YEAR, "x": scene.sgb2.pk, "level": "bezirke"},
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Einrichtung;Kategorie;Gebiet;Gebietsschlüssel;")
    assert "Kita Ahorn;Kita;Bezirk 1;001;10,0 %;k. A.;nein" in lines
    assert "Kita Eiche;Kita;Bezirk 2;002;20,0 %;25,0 %;ja" in lines


def test_the_public_comparison_needs_both_years_released(client, scene):
    assert "keck-institution-chart-data" not in compare(client, scene, public=True).content.decode()
    release(scene, (scene.indicator, YEAR), (scene.sgb2, YEAR))
    page = compare(client, scene, public=True).content.decode()
    assert len(chart_data(page)["points"]) == 3
    assert "10,0 %" in page  # the Bezirk's SGB II share; Kita Ahorn's own 10 % is not shown
    assert page.count("k. A.") >= 2


def test_the_public_comparison_of_an_unknown_municipality_is_404(client):
    assert client.get("/atlas/gibt-es-nicht/institutions/").status_code == 404


# --- the indicator form ---------------------------------------------------------------------


def test_the_indicator_form_offers_values_per_institution(client, scene):
    client.force_login(scene.admin)
    page = client.get(f"/app/atlas/indicators/{scene.sgb2.pk}/edit/").content.decode()
    assert 'name="observation_unit" value="institution"' in page


def test_an_indicator_with_area_values_cannot_become_per_institution(scene):
    from atlas_data.services.errors import AtlasError
    from atlas_data.services.indicators import update_indicator

    with pytest.raises(AtlasError):
        update_indicator(
            user=scene.admin, indicator=scene.sgb2, data={"observation_unit": "institution"}
        )


def test_the_lists_run_the_same_number_of_queries_for_more_institutions(client, scene):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from atlas_data.models import PoiCategory
    from tests.atlas_data.institution_fixtures import make_kita

    client.force_login(scene.member)
    slug = scene.municipality.slug
    urls = [
        list_url(scene, indicator=scene.indicator.pk),
        f"/api/v1/municipalities/{slug}/institution-comparison/?indicator={scene.indicator.pk}"
        f"&year={YEAR}&x={scene.sgb2.pk}&level=bezirke",
        values_url(scene, scene.kitas["Kita Eiche"]),
    ]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    category = PoiCategory.objects.get(municipality=scene.municipality, code="kita")
    for n in range(6):
        kita = make_kita(
            scene.municipality, category, f"Kita Neu {n}", [scene.root, scene.bezirke["002"]]
        )
        set_institution_value(
            user=scene.admin,
            indicator=scene.indicator,
            poi=kita,
            year=YEAR,
            numerator=10 + n,
            denominator=30,
        )
    assert counts() == before
