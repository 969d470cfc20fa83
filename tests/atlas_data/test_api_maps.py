"""Map data: one request with geometry, values, classes and legend of one indicator."""

from __future__ import annotations

import gzip
import json

import pytest
from django.conf import settings

from accounts.models import Municipality, Role
from atlas_data.classification import MISSING_COLOUR, SUPPRESSED_COLOUR, palette
from atlas_data.models import Area, Indicator, Value
from atlas_data.services import import_areas
from atlas_data.services.release import release
from tests.factories import MunicipalityFactory

from .conftest import DATA, complete_metadata, count_indicator, make_tree, store

API = "/api/v1/municipalities"


def map_url(slug: str, indicator: Indicator, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{API}/{slug}/indicators/{indicator.pk}/map/?{query}"


def by_key(body: dict) -> dict[str, dict]:
    return {f["properties"]["key"]: f["properties"] for f in body["features"]}


def entry(body: dict, kind: str) -> dict:
    return next(e for e in body["legend"]["entries"] if e["kind"] == kind)


@pytest.fixture
def small_counts(municipality, data_admin):
    """Musterstadt: 4 Bezirke with 2, 48, 50, 60 children under 6, released for 2024."""
    tree = make_tree(municipality, districts=4)
    indicator = complete_metadata(count_indicator(municipality))
    store(indicator, 2024, dict(zip(tree["Bezirke"], [2, 48, 50, 60], strict=True)))
    release(user=data_admin(municipality), indicator=indicator, year=2024)
    return indicator


@pytest.fixture
def trier_saarburg(db, data_admin):
    """Landkreis Trier-Saarburg: its 104 Gemeinden from the VG5000, one released count each."""
    municipality = MunicipalityFactory(
        slug="trier-saarburg",
        name="Landkreis Trier-Saarburg",
        kind=Municipality.Kind.DISTRICT,
        official_key="07235",
    )
    import_areas(
        municipality=municipality,
        path=DATA / "vg5000_2021_ebenen.zip",
        layer="VG5000_GEM",
        key_prefix="07235",
        level_name="Gemeinden",
        key_field="AGS",
        name_field="GEN",
        source_note=settings.KECK_BKG_SOURCE_NOTE,
    )
    indicator = complete_metadata(count_indicator(municipality))
    gemeinden = Area.objects.filter(municipality=municipality, level__depth=1).order_by("key")
    store(indicator, 2021, {area: 10 + n for n, area in enumerate(gemeinden)})
    release(user=data_admin(municipality), indicator=indicator, year=2021)
    return indicator


# --- shape ----------------------------------------------------------------------------------


def test_map_data_is_a_feature_collection_with_geometry_value_class_and_colour(client, u15):
    response = client.get(map_url("vechta", u15, year=2013, level="gemeinden"))
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert (body["year"], body["level"]["slug"], body["released"]) == (2013, "gemeinden", True)
    assert len(body["features"]) == 10
    bakum = body["features"][0]
    assert bakum["geometry"] == Area.objects.get(key="03460001").web_geometry
    assert bakum["geometry"]["type"] in ("Polygon", "MultiPolygon")
    properties = bakum["properties"]
    assert {k: v for k, v in properties.items() if k not in ("id", "class", "colour")} == {
        "key": "03460001",
        "name": "Bakum",
        "value": 17.53,
        "display": "17,53 %",
        "status": "ok",
    }
    assert properties["id"] == Area.objects.get(key="03460001").pk
    assert properties["class"] == 4  # the highest share of the ten: the top quintile
    classes = [e for e in body["legend"]["entries"] if e["kind"] == "class"]
    assert properties["colour"] == classes[4]["colour"]


def test_every_feature_has_the_colour_of_its_legend_class(client, u15):
    body = client.get(map_url("vechta", u15, year=2013)).json()
    classes = [e for e in body["legend"]["entries"] if e["kind"] == "class"]
    for feature in body["features"]:
        properties = feature["properties"]
        legend_class = classes[properties["class"]]
        assert properties["colour"] == legend_class["colour"]
        assert legend_class["lower"] <= properties["value"] <= legend_class["upper"]


def test_the_legend_has_german_labels_and_counts_that_add_up(client, u15):
    body = client.get(map_url("vechta", u15, year=2013, classes=4)).json()
    legend = body["legend"]
    assert legend["method_label"] == "Quantile"
    assert legend["title"] == "Anteil unter 15-Jähriger an der Gesamtbevölkerung 2013"
    classes = [e for e in legend["entries"] if e["kind"] == "class"]
    assert len(classes) == 4
    assert classes[0]["label"] == "15,03 % – 15,87 %"
    assert sum(e["count"] for e in legend["entries"]) == 10
    assert [e["kind"] for e in legend["entries"][-2:]] == ["suppressed", "missing"]
    assert entry(body, "suppressed")["label"] == "k. A."
    assert entry(body, "suppressed")["colour"] == SUPPRESSED_COLOUR
    assert entry(body, "missing")["label"] == "–"
    assert entry(body, "missing")["colour"] == MISSING_COLOUR


def test_the_municipal_reference_is_the_published_landkreis_value(client, u15):
    body = client.get(map_url("vechta", u15, year=2013)).json()
    assert body["reference"] == {
        "key": "03460",
        "name": "Landkreis Vechta",
        "value": 16.15,
        "display": "16,15 %",
        "status": "ok",
        "kind": "published",
        "kind_label": "veröffentlicht",
    }


def test_official_geometries_come_with_the_bkg_source_note(client, u15):
    body = client.get(map_url("vechta", u15, year=2013)).json()
    assert body["source_note"] == {
        "text": "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "url": "https://www.bkg.bund.de",
    }


def test_areas_without_geometry_come_without_geometry_and_source_note(client, small_counts):
    body = client.get(map_url("musterstadt", small_counts)).json()
    assert [f["geometry"] for f in body["features"]] == [None] * 4
    assert body["source_note"] is None


# --- classification ------------------------------------------------------------------------


def test_equal_intervals_split_the_range_evenly(client, u15):
    body = client.get(map_url("vechta", u15, year=2013, method="equal_interval", classes=3))
    breaks = body.json()["legend"]["breaks"]
    assert breaks == pytest.approx([15.863333, 16.696667, 17.53], abs=1e-5)
    assert body.json()["legend"]["method_label"] == "Gleiche Intervalle"


def test_manual_breaks_define_the_classes(client, u15):
    body = client.get(map_url("vechta", u15, year=2013, method="manual", breaks="16;17")).json()
    assert body["legend"]["breaks"] == [16, 17, 17.53]
    assert [e["count"] for e in body["legend"]["entries"] if e["kind"] == "class"] == [3, 5, 2]
    assert by_key(body)["03460009"]["class"] == 0  # Vechta, 15,03 %
    assert by_key(body)["03460001"]["class"] == 2  # Bakum, 17,53 %


def test_natural_breaks_give_the_requested_number_of_classes(client, u15):
    body = client.get(map_url("vechta", u15, year=2013, method="natural_breaks", classes=3))
    assert len(body.json()["legend"]["breaks"]) == 3


def test_the_colours_follow_the_polarity_of_the_indicator(client, u15):
    u15.polarity = Indicator.Polarity.HIGHER_WORSE
    u15.save()
    body = client.get(map_url("vechta", u15, year=2013)).json()
    colours = [e["colour"] for e in body["legend"]["entries"] if e["kind"] == "class"]
    assert colours == palette(5, "higher_worse")
    u15.polarity = Indicator.Polarity.HIGHER_BETTER
    u15.save()
    body = client.get(map_url("vechta", u15, year=2013)).json()
    assert [e["colour"] for e in body["legend"]["entries"] if e["kind"] == "class"] == palette(
        5, "higher_better"
    )


@pytest.mark.parametrize(
    "params",
    [
        {"classes": 9},
        {"classes": "x"},
        {"method": "kmeans"},
        {"method": "manual"},
        {"method": "manual", "breaks": "zehn"},
    ],
)
def test_a_wrong_classification_is_a_bad_request_with_a_message(client, u15, params):
    response = client.get(map_url("vechta", u15, year=2013, **params))
    assert response.status_code == 400
    assert list(response.json().values())[0]


def test_an_unknown_level_is_a_bad_request(client, u15):
    assert client.get(map_url("vechta", u15, year=2013, level="quartiere")).status_code == 400


# --- k. A. and – ---------------------------------------------------------------------------


def test_suppressed_areas_have_no_value_no_colour_and_count_as_k_a(client, small_counts):
    body = client.get(map_url("musterstadt", small_counts)).json()
    features = list(by_key(body).values())
    assert [(f["value"], f["display"], f["status"], f["class"], f["colour"]) for f in features] == [
        (None, "k. A.", "suppressed", None, None),
        (None, "k. A.", "suppressed", None, None),
        (50, "50", "ok", 0, features[2]["colour"]),
        (60, "60", "ok", 1, features[3]["colour"]),
    ]
    assert entry(body, "suppressed")["count"] == 2
    assert sum(e["count"] for e in body["legend"]["entries"] if e["kind"] == "class") == 2


def test_data_admins_get_suppressed_numbers_marked_and_classified(
    client, municipality, small_counts, data_admin
):
    client.force_login(data_admin(municipality))
    body = client.get(map_url("musterstadt", small_counts)).json()
    first = by_key(body)["001"]
    assert (first["value"], first["status"], first["class"]) == (2, "suppressed", 0)
    assert entry(body, "suppressed")["count"] == 0


def test_data_admins_get_the_public_view_with_public_1(
    client, municipality, small_counts, data_admin
):
    client.force_login(data_admin(municipality))
    body = client.get(map_url("musterstadt", small_counts, public=1)).json()
    assert by_key(body)["001"]["display"] == "k. A."


def test_areas_without_a_value_are_the_dash_class(client, luechow, inhabitants, data_admin):
    complete_metadata(inhabitants)
    release(user=data_admin(luechow), indicator=inhabitants, year=2014)
    body = client.get(map_url("luechow-dannenberg", inhabitants, year=2014)).json()
    missing = [f for f in by_key(body).values() if f["status"] == "missing"]
    assert {f["display"] for f in missing} == {"–"}
    assert all(f["class"] is None and f["colour"] is None for f in missing)
    assert entry(body, "missing")["count"] == len(missing) == 2


# --- compression and queries ---------------------------------------------------------------


def test_the_map_data_is_gzip_compressed_for_clients_that_accept_it(client, u15):
    url = map_url("vechta", u15, year=2013)
    plain = client.get(url)
    compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(compressed.content)) == plain.json()
    assert len(compressed.content) < len(plain.content) / 2


@pytest.mark.parametrize("districts", [10, 120])
def test_map_data_runs_a_constant_number_of_queries(
    client, municipality, data_admin, django_assert_num_queries, districts
):
    tree = make_tree(municipality, districts=districts)
    indicator = complete_metadata(count_indicator(municipality))
    store(indicator, 2024, {area: 10 + n for n, area in enumerate(tree["Bezirke"])})
    release(user=data_admin(municipality), indicator=indicator, year=2024)
    # municipality (once for ETag and view), indicator, its valid levels, years, releases,
    # level, release check, areas, values, geometries, the citation
    with django_assert_num_queries(11):
        response = client.get(map_url("musterstadt", indicator, year=2024, level="bezirke"))
    assert len(response.json()["features"]) == districts


def test_the_104_gemeinden_of_trier_saarburg_come_in_one_request_of_few_queries(
    client, trier_saarburg, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client.get(map_url("trier-saarburg", trier_saarburg, level="gemeinden"))
    body = response.json()
    assert len(body["features"]) == 104
    assert all(f["geometry"] for f in body["features"])
    assert sum(e["count"] for e in body["legend"]["entries"] if e["kind"] == "class") == 104
    assert body["source_note"]["url"] == "https://www.bkg.bund.de"


# --- who sees what -------------------------------------------------------------------------


@pytest.fixture
def draft(vechta):
    indicator = count_indicator(vechta, name="Kinder unter 6 Jahren (Entwurf)")
    store(
        indicator,
        2013,
        dict.fromkeys(Area.objects.filter(municipality=vechta, level__depth=1), 500),
    )
    return indicator


def test_the_public_gets_no_map_of_a_draft(client, vechta, draft, member_of):
    url = map_url("vechta", draft, year=2013)
    assert client.get(url).status_code == 404
    client.force_login(member_of(vechta, Role.MEMBER))
    assert client.get(url).status_code == 200
    assert client.get(url + "&public=1").status_code == 404


def test_the_public_gets_no_map_of_an_unreleased_year(client, vechta, u15, member_of):
    root = Area.objects.get(municipality=vechta, level__depth=0)
    Value.objects.create(indicator=u15, area=root, year=2031, value=15.9)
    url = map_url("vechta", u15, year=2031)
    assert client.get(url).status_code == 404
    client.force_login(member_of(vechta, Role.MEMBER))
    assert client.get(url).json()["released"] is False


def test_the_map_of_an_indicator_of_another_municipality_is_not_found(
    client, vechta, u15, other_municipality, member_of
):
    client.force_login(member_of(other_municipality, Role.DATA_ADMIN))
    assert client.get(map_url("andere-stadt", u15, year=2013)).status_code == 404


def test_the_schema_documents_the_map_endpoint(client, db):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/municipalities/{slug}/indicators/{id}/map/" in schema["paths"]
