"""Read API of the atlas: areas (JSON, GeoJSON), indicators and values, scoped by permissions."""

from __future__ import annotations

import pytest

from accounts.models import Role
from atlas_data.models import Area, Indicator, Value
from atlas_data.services.release import release

from .conftest import complete_metadata, count_indicator, make_tree, store

API = "/api/v1/municipalities"


@pytest.fixture
def draft(vechta):
    """An indicator of Vechta with 2013 values that was never released."""
    indicator = count_indicator(vechta, name="Kinder unter 6 Jahren")
    store(
        indicator,
        2013,
        dict.fromkeys(Area.objects.filter(municipality=vechta, level__depth=1), 500),
    )
    return indicator


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER)


# --- areas ---------------------------------------------------------------------------------


def test_areas_of_a_level_as_json(client, vechta):
    response = client.get(f"{API}/vechta/areas/?level=gemeinden")
    assert response.status_code == 200
    areas = response.json()
    assert len(areas) == 10
    bakum = areas[0]
    assert {k: v for k, v in bakum.items() if k != "id"} == {
        "key": "03460001",
        "name": "Bakum",
        "level": "gemeinden",
        "depth": 1,
        "parent_key": "03460",
        "population": None,
        "has_geometry": True,
    }


def test_areas_as_geojson_feature_collection_with_the_web_geometry(client, vechta):
    response = client.get(f"{API}/vechta/areas/?level=gemeinden&format=geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 10
    feature = collection["features"][0]
    assert feature["geometry"] == Area.objects.get(key="03460001").web_geometry
    assert feature["properties"] == {
        "key": "03460001",
        "name": "Bakum",
        "level": "gemeinden",
        "parent_key": "03460",
        "population": None,
    }


def test_all_areas_without_a_level(client, vechta):
    assert len(client.get(f"{API}/vechta/areas/").json()) == 11


def test_an_unknown_level_is_a_bad_request(client, vechta):
    assert client.get(f"{API}/vechta/areas/?level=quartiere").status_code == 400


def test_a_municipality_without_public_atlas_is_not_found_for_outsiders(
    client, other_municipality, member_of, vechta
):
    other_municipality.public_atlas_enabled = False
    other_municipality.save()
    client.force_login(member_of(vechta, Role.DATA_ADMIN))
    for endpoint in ("areas/", "indicators/", "levels/"):
        assert client.get(f"{API}/andere-stadt/{endpoint}").status_code == 404


def test_members_see_their_municipality_without_public_atlas(client, vechta, member):
    vechta.public_atlas_enabled = False
    vechta.save()
    client.force_login(member)
    assert client.get(f"{API}/vechta/areas/").status_code == 200
    client.logout()
    assert client.get(f"{API}/vechta/areas/").status_code == 404


# --- indicators ----------------------------------------------------------------------------


def test_the_public_lists_released_indicators_only(client, vechta, draft):
    names = {i["name"] for i in client.get(f"{API}/vechta/indicators/").json()}
    assert "Anteil unter 15-Jähriger an der Gesamtbevölkerung" in names
    assert draft.name not in names
    released = Indicator.objects.filter(municipality=vechta, releases__isnull=False)
    assert names == set(released.values_list("name", flat=True))


def test_members_list_drafts_too(client, vechta, draft, member):
    client.force_login(member)
    names = {i["name"] for i in client.get(f"{API}/vechta/indicators/").json()}
    assert "Kinder unter 6 Jahren" in names
    assert names == set(
        Indicator.objects.filter(municipality=vechta).values_list("name", flat=True)
    )


def test_indicator_metadata_shape(client, vechta, u15):
    (indicator,) = [i for i in client.get(f"{API}/vechta/indicators/").json() if i["id"] == u15.pk]
    assert indicator["topic"] == {"code": "demografie", "name": "Demografie"}
    assert indicator["valid_levels"] == ["landkreis", "gemeinden"]
    assert (indicator["kind"], indicator["unit"], indicator["decimals"]) == ("share", "%", 2)
    # 2013 as published, 2014 and 2015 synthetic years of the demo
    assert (indicator["years"], indicator["released_years"]) == ([2013, 2014, 2015],) * 2
    assert indicator["catalogue_code"] == "anteil-unter-15"
    assert indicator["data_holder"]


def test_indicators_by_topic(client, vechta, member, draft):
    client.force_login(member)
    demografie = Indicator.objects.filter(municipality=vechta, topic__code="demografie")
    assert len(client.get(f"{API}/vechta/indicators/?topic=demografie").json()) == len(demografie)
    assert draft in demografie
    assert client.get(f"{API}/vechta/indicators/?topic=gesundheit").json() == []


def test_the_public_learns_only_of_released_years(client, vechta, u15, member):
    root = Area.objects.get(municipality=vechta, level__depth=0)
    Value.objects.create(indicator=u15, area=root, year=2016, value=15.9)
    (public,) = [i for i in client.get(f"{API}/vechta/indicators/").json() if i["id"] == u15.pk]
    assert public["years"] == [2013, 2014, 2015]
    client.force_login(member)
    (internal,) = [i for i in client.get(f"{API}/vechta/indicators/").json() if i["id"] == u15.pk]
    assert internal["years"] == [2013, 2014, 2015, 2016]


# --- values ----------------------------------------------------------------------------------


def test_values_response_shape(client, vechta, u15):
    response = client.get(f"{API}/vechta/indicators/{u15.pk}/values/?year=2013&level=gemeinden")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "indicator",
        "year",
        "level",
        "released",
        "valid_for_level",
        "areas",
        "reference",
        "parents",
        "citation",
    }
    assert (body["year"], body["level"]["slug"], body["released"]) == (2013, "gemeinden", True)
    assert len(body["areas"]) == 10
    assert body["areas"][0] == {
        "area_key": "03460001",
        "area_name": "Bakum",
        "value": 17.53,
        "display": "17,53 %",
        "status": "ok",
        "parent_key": "03460",
        "origin": "published",
        "suppressed_but_visible": False,
        "reason": None,
        "corrected_on": None,
    }
    assert body["reference"] == {
        "area_key": "03460",
        "area_name": "Landkreis Vechta",
        "value": 16.15,
        "display": "16,15 %",
        "status": "ok",
        "kind": "published",
        "areas_included": None,
        "areas_total": None,
    }


def test_values_default_to_the_latest_year_and_the_first_level(client, vechta, u15):
    body = client.get(f"{API}/vechta/indicators/{u15.pk}/values/").json()
    assert (body["year"], body["level"]["slug"]) == (2015, "gemeinden")


def test_the_public_gets_no_values_of_a_draft(client, vechta, draft, member):
    url = f"{API}/vechta/indicators/{draft.pk}/values/?year=2013"
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_the_public_gets_no_values_of_an_unreleased_year(client, vechta, u15, member):
    root = Area.objects.get(municipality=vechta, level__depth=0)
    Value.objects.create(indicator=u15, area=root, year=2016, value=15.9)
    url = f"{API}/vechta/indicators/{u15.pk}/values/?year=2016"
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).json()["released"] is False


def test_values_of_another_municipality_are_not_found(client, vechta, u15, other_municipality):
    assert client.get(f"{API}/andere-stadt/indicators/{u15.pk}/values/").status_code == 404


@pytest.fixture
def small_counts(municipality, data_admin):
    """Musterstadt: 4 Bezirke with 2, 48, 50, 60 children under 6, released for 2024."""
    tree = make_tree(municipality, districts=4)
    indicator = complete_metadata(count_indicator(municipality))
    store(indicator, 2024, dict(zip(tree["Bezirke"], [2, 48, 50, 60], strict=True)))
    release(user=data_admin(municipality), indicator=indicator, year=2024)
    return indicator


def test_the_public_api_gets_k_a_and_null_for_small_and_secondary_counts(
    client, municipality, small_counts
):
    body = client.get(f"{API}/musterstadt/indicators/{small_counts.pk}/values/").json()
    assert [(a["value"], a["display"], a["status"], a["reason"]) for a in body["areas"]] == [
        (None, "k. A.", "suppressed", None),
        (None, "k. A.", "suppressed", None),
        (50, "50", "ok", None),
        (60, "60", "ok", None),
    ]
    assert (body["reference"]["value"], body["reference"]["kind"]) == (160, "computed")


def test_data_admins_get_true_values_marked_as_suppressed(
    client, municipality, small_counts, data_admin
):
    client.force_login(data_admin(municipality))
    body = client.get(f"{API}/musterstadt/indicators/{small_counts.pk}/values/").json()
    assert [
        (a["value"], a["display"], a["status"], a["suppressed_but_visible"], a["reason"])
        for a in body["areas"][:2]
    ] == [
        (2, "2", "suppressed", True, "small_count"),
        (48, "48", "suppressed", True, "secondary"),
    ]


def test_members_without_data_rights_see_k_a_like_the_public(
    client, municipality, small_counts, member_of
):
    client.force_login(member_of(municipality, Role.LEADERSHIP))
    body = client.get(f"{API}/musterstadt/indicators/{small_counts.pk}/values/").json()
    assert [a["display"] for a in body["areas"]] == ["k. A.", "k. A.", "50", "60"]


def test_a_finer_level_carries_its_parents_as_references(client, municipality, data_admin):
    tree = make_tree(municipality, districts=2, quarters_per_district=2)
    indicator = complete_metadata(count_indicator(municipality))
    store(indicator, 2024, dict(zip(tree["Quartiere"], [10, 20, 30, 40], strict=True)))
    release(user=data_admin(municipality), indicator=indicator, year=2024)
    body = client.get(f"{API}/musterstadt/indicators/{indicator.pk}/values/?level=quartiere").json()
    assert [(p["area_key"], p["value"], p["kind"]) for p in body["parents"]] == [
        ("001", 30, "computed"),
        ("002", 70, "computed"),
    ]
    assert (body["reference"]["value"], body["reference"]["areas_included"]) == (100, 2)


@pytest.mark.parametrize("districts", [10, 120])
def test_values_endpoint_runs_a_constant_number_of_queries(
    client, municipality, data_admin, django_assert_num_queries, districts
):
    tree = make_tree(municipality, districts=districts)
    indicator = complete_metadata(count_indicator(municipality))
    store(indicator, 2024, {area: n for n, area in enumerate(tree["Bezirke"])})
    release(user=data_admin(municipality), indicator=indicator, year=2024)
    url = f"{API}/musterstadt/indicators/{indicator.pk}/values/?year=2024&level=bezirke"
    # municipality, indicator, its valid levels, years, releases, level, release check,
    # areas, values, the citation
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.json()["areas"]) == districts


@pytest.mark.parametrize("districts", [10, 120])
def test_indicator_and_area_lists_run_a_constant_number_of_queries(
    client, municipality, data_admin, django_assert_num_queries, districts
):
    tree = make_tree(municipality, districts=districts)
    for n in range(3):
        indicator = complete_metadata(count_indicator(municipality, name=f"Indikator {n}"))
        store(indicator, 2024, dict.fromkeys(tree["Bezirke"], 10))
        release(user=data_admin(municipality), indicator=indicator, year=2024)
    with django_assert_num_queries(5):  # municipality, indicators, levels, years, releases
        assert len(client.get(f"{API}/musterstadt/indicators/").json()) == 3
    with django_assert_num_queries(2):  # municipality, areas
        assert len(client.get(f"{API}/musterstadt/areas/?format=geojson").json()["features"]) == (
            districts + 1
        )


def test_the_schema_documents_the_atlas_endpoints(client, db):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/v1/municipalities/{slug}/indicators/{id}/values/" in paths
    areas = paths["/api/v1/municipalities/{slug}/areas/"]["get"]
    assert set(areas["responses"]["200"]["content"]) == {"application/json", "application/geo+json"}
