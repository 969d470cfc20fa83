"""API of points of interest: JSON and GeoJSON, filters, the public's view, write endpoints."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.models import Role
from atlas_data.models import Poi
from tests.factories import MunicipalityFactory

from .poi_helpers import (
    BAKUM,
    IMPORT_EXAMPLE,
    VECHTA,
    area_keys,
    inside,
    read_rows,
    vechta_with_pois,
    write_csv,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/municipalities/vechta/pois/"


@pytest.fixture(autouse=True)
def english(settings):
    """Answers in English, so that assertions do not depend on the German catalogue."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def vechta(db):
    return vechta_with_pois()


@pytest.fixture
def as_member(client, vechta, member_of):
    client.force_login(member_of(vechta, Role.MEMBER))
    return client


@pytest.fixture
def as_admin(client, vechta, member_of):
    client.force_login(member_of(vechta, Role.DATA_ADMIN))
    return client


def names(response) -> set[str]:
    body = response.json()
    rows = body["features"] if isinstance(body, dict) else body
    return {row["properties"]["name"] if "properties" in row else row["name"] for row in rows}


# --- reading ---------------------------------------------------------------------------------


def test_the_public_gets_the_released_pois_as_json(client, vechta):
    response = client.get(API)

    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 58
    assert "Waldkindergarten Füchse" not in names(response)
    kita = next(row for row in rows if row["name"] == "Kita Bakum")
    assert {k: kita[k] for k in ("category", "category_name", "capacity", "is_released")} == {
        "category": "kita",
        "category_name": "Kita",
        "capacity": 70,
        "is_released": True,
    }
    assert [(a["key"], a["level"]) for a in kita["areas"]] == [
        ("03460", "landkreis"),
        (BAKUM, "gemeinden"),
    ]


def test_geojson_is_a_feature_collection_of_points_with_the_popup_attributes(client, vechta):
    response = client.get(API, {"format": "geojson"})

    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    feature = next(f for f in body["features"] if f["properties"]["name"] == "Kita Bakum")
    poi = Poi.objects.get(name="Kita Bakum")
    assert feature["geometry"] == {"type": "Point", "coordinates": [poi.longitude, poi.latitude]}
    assert {k: feature["properties"][k] for k in ("color", "icon", "target_age_min", "url")} == {
        "color": "#d95f02",
        "icon": "K",
        "target_age_min": 1,
        "url": None,  # no link into the internal area for the public
    }


def test_members_get_the_internal_pois_and_links_to_their_pages(as_member):
    response = as_member.get(API, {"format": "geojson"})

    assert len(response.json()["features"]) == 60
    feature = response.json()["features"][0]
    assert feature["properties"]["url"] == f"/app/atlas/pois/{feature['id']}/"


def test_public_true_gives_a_member_the_public_view(as_member):
    assert len(as_member.get(API, {"public": "true"}).json()) == 58


def test_filter_by_category_code(client, vechta):
    assert len(client.get(API, {"category": "kita"}).json()) == 19  # one Kita is internal


def test_filter_by_area_key_or_id(client, vechta):
    from atlas_data.models import Area

    by_key = names(client.get(API, {"area": BAKUM}))
    by_id = names(client.get(API, {"area": Area.objects.get(key=BAKUM).pk}))

    assert (
        by_key
        == by_id
        == {
            "Kita Bakum",
            "Grundschule Bakum",
            "Spielplatz Dorfmitte",
            "Bolzplatz an der Gemeindegrenze Bakum/Vechta",
        }
    )


def test_filter_by_target_age(client, vechta):
    found = names(client.get(API, {"target_age": "16", "area": BAKUM}))

    assert found == set()  # Bolzplatz is for 6 to under 16
    assert names(client.get(API, {"target_age": "15", "area": BAKUM})) == {
        "Bolzplatz an der Gemeindegrenze Bakum/Vechta"
    }


def test_filter_released_is_for_members(as_member, client, vechta):
    internal = names(as_member.get(API, {"released": "false"}))

    assert internal == {"Waldkindergarten Füchse", "Tennisverein Damme, Jugend"}


def test_bad_filters_are_bad_requests(client, vechta):
    assert client.get(API, {"category": "zoo"}).status_code == 400
    assert client.get(API, {"area": "99999999"}).status_code == 400
    assert client.get(API, {"target_age": "vier"}).status_code == 400


def test_an_internal_poi_is_not_found_for_the_public(client, vechta):
    poi = Poi.objects.get(name="Waldkindergarten Füchse")

    assert client.get(f"{API}{poi.pk}/").status_code == 404


def test_a_member_gets_an_internal_poi(as_member, vechta):
    poi = Poi.objects.get(name="Waldkindergarten Füchse")

    response = as_member.get(f"{API}{poi.pk}/")

    assert (response.status_code, response.json()["is_released"]) == (200, False)


def test_members_of_another_municipality_see_only_released_pois(client, vechta, member_of):
    other = MunicipalityFactory(slug="andere", name="Andere")
    client.force_login(member_of(other, Role.DATA_ADMIN))

    assert len(client.get(API).json()) == 58


# --- writing ---------------------------------------------------------------------------------


def new_poi(**changes):
    lat, lon = inside(VECHTA)
    data = {
        "name": "Jugendcafé Mitte",
        "category": "jugendzentrum",
        "address": "Marktplatz 1",
        "latitude": lat,
        "longitude": lon,
        "target_age_min": 12,
        "target_age_max": 21,
    }
    data.update(changes)
    return data


def test_a_data_admin_creates_a_poi(as_admin):
    response = as_admin.post(API, new_poi(), content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"{API}{body['id']}/"
    assert [a["key"] for a in body["areas"]] == ["03460", VECHTA]
    assert body["is_released"] is False


def test_a_poi_outside_is_a_bad_request_naming_the_field(as_admin):
    response = as_admin.post(
        API, new_poi(latitude=53.0793, longitude=8.8017), content_type="application/json"
    )

    assert response.status_code == 400
    assert "lie outside Landkreis Vechta" in response.json()["latitude"][0]


def test_an_unknown_category_is_a_bad_request(as_admin):
    response = as_admin.post(API, new_poi(category="zoo"), content_type="application/json")

    assert response.status_code == 400
    assert "category" in response.json()


def test_a_member_may_not_write(as_member):
    assert as_member.post(API, new_poi(), content_type="application/json").status_code == 403


def test_the_public_may_not_write(client, vechta):
    response = client.post(API, new_poi(), content_type="application/json")

    assert response.status_code in (401, 403)
    assert not Poi.objects.filter(name="Jugendcafé Mitte").exists()


def test_a_data_admin_of_another_municipality_gets_not_found(client, vechta, member_of):
    other = MunicipalityFactory(slug="andere", name="Andere")
    client.force_login(member_of(other, Role.DATA_ADMIN))

    assert client.post(API, new_poi(), content_type="application/json").status_code == 404


def test_patch_changes_one_field_and_delete_removes(as_admin):
    poi = Poi.objects.get(name="Kita Bakum")

    response = as_admin.patch(f"{API}{poi.pk}/", {"capacity": 75}, content_type="application/json")
    assert (response.status_code, response.json()["capacity"]) == (200, 75)
    assert Poi.objects.get(pk=poi.pk).capacity == 75

    assert as_admin.delete(f"{API}{poi.pk}/").status_code == 204
    assert not Poi.objects.filter(pk=poi.pk).exists()


def test_patch_of_the_coordinates_moves_the_poi(as_admin):
    poi = Poi.objects.get(name="Kita Bakum")
    lat, lon = inside(VECHTA)

    as_admin.patch(
        f"{API}{poi.pk}/", {"latitude": lat, "longitude": lon}, content_type="application/json"
    )

    assert area_keys(poi) == ["03460", VECHTA]


def test_the_import_endpoint_lists_the_problems_and_writes_nothing(as_admin):
    count = Poi.objects.count()

    with IMPORT_EXAMPLE.open("rb") as file:
        response = as_admin.post(f"{API}import/", {"file": file})

    assert response.status_code == 400
    assert response.json()["problems"] == [
        {
            "row": 5,
            "column": "Breite",
            "message": "The coordinates 52.836500, 8.041200 lie outside Landkreis Vechta.",
        }
    ]
    assert Poi.objects.count() == count


def test_the_import_endpoint_imports_a_valid_file(as_admin, tmp_path):
    header, rows = read_rows(IMPORT_EXAMPLE)
    path = write_csv(tmp_path / "ok.csv", [r for r in rows if r[5] != "Cloppenburg"], header=header)

    with path.open("rb") as file:
        response = as_admin.post(f"{API}import/", {"file": file})

    assert response.status_code == 201
    assert (response.json()["created"], response.json()["updated"]) == (4, 0)


def test_a_member_may_not_import(as_member):
    with IMPORT_EXAMPLE.open("rb") as file:
        assert as_member.post(f"{API}import/", {"file": file}).status_code == 403
