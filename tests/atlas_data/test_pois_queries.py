"""Pages and endpoints of points of interest run a fixed number of queries, however many areas
and POIs: Landkreis Trier-Saarburg with its 104 Gemeinden (VG5000) and a POI in each."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from shapely.geometry import shape

from accounts.models import Municipality, Role
from atlas_data.models import Area, Poi, PoiCategory
from atlas_data.services import import_areas
from atlas_data.services.pois import assign_areas, create_default_categories
from tests.factories import MunicipalityFactory

from .conftest import DATA

pytestmark = pytest.mark.django_db
MAX_QUERIES = 20


@pytest.fixture
def trier_saarburg(db, member_of):
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
    admin = member_of(municipality, Role.DATA_ADMIN)
    create_default_categories(municipality=municipality, user=admin)
    categories = list(PoiCategory.objects.filter(municipality=municipality))
    pois = []
    for n, area in enumerate(Area.objects.filter(municipality=municipality, level__depth=1)):
        point = shape(area.geometry).representative_point()
        pois.append(
            Poi(
                municipality=municipality,
                category=categories[n % len(categories)],
                name=f"Angebot {area.name}",
                latitude=point.y,
                longitude=point.x,
                target_age_min=n % 12,
                target_age_max=n % 12 + 4,
                capacity=20 + n,
                is_released=n % 3 > 0,
            )
        )
    Poi.objects.bulk_create(pois)
    assign_areas(municipality=municipality)
    return municipality


@pytest.fixture
def as_member(client, trier_saarburg, member_of):
    client.force_login(member_of(trier_saarburg, Role.MEMBER))
    return client


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(captured)


def test_the_set_up_has_more_than_100_areas_and_pois(trier_saarburg):
    assert Area.objects.filter(municipality=trier_saarburg, level__depth=1).count() == 104
    assert Poi.objects.filter(municipality=trier_saarburg, areas__level__depth=1).count() == 104


def test_the_internal_list_runs_a_fixed_number_of_queries(as_member, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = as_member.get("/app/atlas/pois/")
    assert response.status_code == 200


def test_the_filtered_list_runs_as_many_queries_as_the_plain_one(as_member, trier_saarburg):
    area = Area.objects.filter(municipality=trier_saarburg, level__depth=1).first()

    plain = queries(as_member, "/app/atlas/pois/")
    filtered = queries(as_member, "/app/atlas/pois/", {"area": area.pk, "target_age": 5})

    assert filtered <= plain + 1


def test_the_public_page_runs_a_fixed_number_of_queries(
    client, trier_saarburg, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/atlas/trier-saarburg/pois/").status_code == 200


def test_the_api_list_and_geojson_run_a_fixed_number_of_queries(
    as_member, django_assert_max_num_queries
):
    url = "/api/v1/municipalities/trier-saarburg/pois/"
    with django_assert_max_num_queries(MAX_QUERIES):
        assert len(as_member.get(url).json()) == 104
    with django_assert_max_num_queries(MAX_QUERIES):
        assert len(as_member.get(url, {"format": "geojson"}).json()["features"]) == 104


def test_the_offer_analysis_runs_a_fixed_number_of_queries(
    as_member, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = as_member.get("/app/atlas/pois/analysis/", {"level": "gemeinden"})
    assert response.status_code == 200


def test_the_categories_page_runs_a_fixed_number_of_queries(
    as_member, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        assert as_member.get("/app/atlas/pois/categories/").status_code == 200
