"""Pages of points of interest: list, detail, edit, categories, import, derived indicators,
offer analysis and the public page, with their permissions."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.models import Role
from atlas_data.models import Indicator, Poi, PoiCategory
from tests.factories import MunicipalityFactory

from .poi_helpers import (
    BAKUM,
    IMPORT_EXAMPLE,
    VECHTA,
    area_keys,
    category,
    inside,
    read_rows,
    vechta_with_pois,
    write_csv,
)

pytestmark = pytest.mark.django_db
APP = "/app/atlas/pois/"


@pytest.fixture(autouse=True)
def english(settings):
    """The pages in English, so that assertions do not depend on the German catalogue."""
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
def admin(vechta, member_of):
    return member_of(vechta, Role.DATA_ADMIN)


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


def poi_form(**changes):
    lat, lon = inside(BAKUM)
    data = {
        "name": "Kita Neubau",
        "category": str(PoiCategory.objects.get(code="kita").pk),
        "address": "Neue Straße 2",
        "postcode": "49456",
        "city": "Bakum",
        "latitude": f"{lat:.6f}",
        "longitude": f"{lon:.6f}",
        "capacity": "60",
        "target_age_min": "1",
        "target_age_max": "6",
    }
    data.update(changes)
    return data


# --- list and detail -------------------------------------------------------------------------


def test_a_member_sees_the_list_with_internal_pois_but_no_edit_links(as_member):
    page = as_member.get(APP).content.decode()

    assert "60 points of interest" in page
    assert "Waldkindergarten Füchse" in page  # internal
    assert "/app/atlas/pois/new/" not in page


def test_a_data_admin_sees_the_edit_links(as_admin):
    page = as_admin.get(APP).content.decode()

    assert "/app/atlas/pois/new/" in page
    assert "/app/atlas/pois/import/" in page


def test_the_list_filters_by_category_with_subcategories(as_member, vechta):
    kita = category(vechta, "kita")
    krippe = PoiCategory.objects.create(
        municipality=vechta, parent=kita, code="krippe", name="Krippe"
    )
    Poi.objects.filter(name="Krippe Zwergenland").update(category=krippe)

    page = as_member.get(APP, {"category": kita.pk}).content.decode()

    assert "20 points of interest" in page
    assert "Krippe Zwergenland" in page
    assert "Grundschule Bakum" not in page


def test_the_list_filters_by_area_and_target_age(as_member, vechta):
    from atlas_data.models import Area

    bakum = Area.objects.get(key=BAKUM)

    page = as_member.get(APP, {"area": bakum.pk, "target_age": "8"}).content.decode()

    assert "3 points of interest" in page  # Grundschule, Bolzplatz, Spielplatz Dorfmitte
    assert "Kita Bakum" not in page


def test_the_detail_page_shows_the_areas_and_the_history(as_member, vechta):
    poi = Poi.objects.get(name="Bolzplatz an der Gemeindegrenze Bakum/Vechta")

    page = as_member.get(f"{APP}{poi.pk}/").content.decode()

    assert "Gemeinden: Bakum (03460001)" in page
    assert "poi-setup" in page  # who created it


def test_a_poi_of_another_municipality_is_not_found(client, member_of, vechta):
    other = MunicipalityFactory(slug="andere", name="Andere")
    client.force_login(member_of(other, Role.DATA_ADMIN))
    poi = Poi.objects.filter(municipality=vechta).first()

    assert client.get(f"{APP}{poi.pk}/").status_code == 404
    assert client.get(f"{APP}{poi.pk}/edit/").status_code == 404


# --- editing ---------------------------------------------------------------------------------


def test_a_member_may_not_open_the_edit_pages(as_member):
    for url in ("new/", "import/", "categories/new/", "indicators/"):
        assert as_member.get(APP + url).status_code == 403, url


def test_a_data_admin_creates_a_poi_which_is_placed_in_its_gemeinde(as_admin, admin):
    response = as_admin.post(APP + "new/", poi_form())

    poi = Poi.objects.get(name="Kita Neubau")
    assert response.status_code == 302
    assert response["Location"] == f"{APP}{poi.pk}/"
    assert area_keys(poi) == ["03460", BAKUM]
    assert poi.history.get().history_user == admin


def test_a_poi_outside_the_district_is_refused_with_a_form_error(as_admin):
    response = as_admin.post(APP + "new/", poi_form(latitude="53.0793", longitude="8.8017"))

    assert response.status_code == 200
    assert "lie outside Landkreis Vechta" in response.content.decode()
    assert not Poi.objects.filter(name="Kita Neubau").exists()


def test_a_duplicate_is_refused_with_a_form_error(as_admin):
    existing = Poi.objects.get(name="Kita Bakum")

    response = as_admin.post(APP + "new/", poi_form(name="Kita Bakum", address=existing.address))

    assert "already exists" in response.content.decode()
    assert Poi.objects.filter(name="Kita Bakum").count() == 1


def test_editing_moves_the_poi_to_its_new_gemeinde(as_admin):
    poi = Poi.objects.get(name="Kita Bakum")
    lat, lon = inside(VECHTA)

    as_admin.post(
        f"{APP}{poi.pk}/edit/",
        poi_form(name=poi.name, address=poi.address, latitude=lat, longitude=lon),
    )

    assert area_keys(poi) == ["03460", VECHTA]


def test_releasing_and_withdrawing_a_poi(as_admin):
    poi = Poi.objects.get(name="Waldkindergarten Füchse")

    as_admin.post(f"{APP}{poi.pk}/release/", {"released": "1"})
    assert Poi.objects.get(pk=poi.pk).is_released
    as_admin.post(f"{APP}{poi.pk}/release/", {"released": "0"})
    assert not Poi.objects.get(pk=poi.pk).is_released


def test_deleting_a_poi_after_confirmation(as_admin):
    poi = Poi.objects.get(name="Kita Bakum")

    assert as_admin.get(f"{APP}{poi.pk}/delete/").status_code == 200
    assert Poi.objects.filter(pk=poi.pk).exists()
    as_admin.post(f"{APP}{poi.pk}/delete/")
    assert not Poi.objects.filter(pk=poi.pk).exists()


# --- categories ------------------------------------------------------------------------------


def test_the_default_categories_are_created_once_per_municipality(client, member_of):
    municipality = MunicipalityFactory(slug="neu", name="Neustadt")
    client.force_login(member_of(municipality, Role.DATA_ADMIN))

    client.post(APP + "categories/defaults/")
    client.post(APP + "categories/defaults/")

    names = list(
        PoiCategory.objects.filter(municipality=municipality).values_list("name", flat=True)
    )
    assert len(names) == 10
    assert {"Kita", "Grundschule", "weiterführende Schule", "Seniorenangebot"} <= set(names)


def test_a_category_gets_a_parent_in_the_tree(as_admin, vechta):
    kita = category(vechta, "kita")

    as_admin.post(
        APP + "categories/new/",
        {
            "name": "Krippe",
            "code": "krippe",
            "parent": kita.pk,
            "icon": "Kr",
            "color": "#aa5500",
            "order": 11,
        },
    )

    assert PoiCategory.objects.get(code="krippe").parent == kita
    page = as_admin.get(APP + "categories/").content.decode()
    assert "subcategory:" in page


def test_a_category_cannot_move_below_its_own_child(as_admin, vechta):
    kita = category(vechta, "kita")
    krippe = PoiCategory.objects.create(
        municipality=vechta, parent=kita, code="krippe", name="Krippe"
    )

    response = as_admin.post(
        f"{APP}categories/{kita.pk}/",
        {
            "name": "Kita",
            "code": "kita",
            "parent": krippe.pk,
            "icon": "K",
            "color": "#d95f02",
            "order": 10,
        },
    )

    assert "cannot lie below itself" in response.content.decode()
    assert PoiCategory.objects.get(pk=kita.pk).parent is None


def test_a_category_with_pois_is_not_deleted(as_admin, vechta):
    kita = category(vechta, "kita")

    as_admin.post(f"{APP}categories/{kita.pk}/delete/")

    assert PoiCategory.objects.filter(pk=kita.pk).exists()


# --- import, derived indicators, analysis ---------------------------------------------------


def test_the_import_page_lists_the_problems_and_writes_nothing(as_admin):
    count = Poi.objects.count()

    with IMPORT_EXAMPLE.open("rb") as file:
        response = as_admin.post(APP + "import/", {"file": file})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The file has 1 problem; nothing was imported." in page
    assert "lie outside Landkreis Vechta" in page
    assert Poi.objects.count() == count


def test_the_import_page_imports_a_valid_file(as_admin, tmp_path):
    header, rows = read_rows(IMPORT_EXAMPLE)
    path = write_csv(tmp_path / "ok.csv", [r for r in rows if r[5] != "Cloppenburg"], header=header)

    with path.open("rb") as file:
        response = as_admin.post(APP + "import/", {"file": file})

    assert response.status_code == 302
    assert Poi.objects.filter(name="Kita Löwenzahn").exists()


def test_the_indicator_page_derives_indicators_of_a_category(as_admin, vechta):
    kita = category(vechta, "kita")

    response = as_admin.post(APP + "indicators/", {"category": kita.pk, "year": 2024})

    assert response.status_code == 200
    assert "Einrichtungen: Kita (Anzahl)" in response.content.decode()
    assert Indicator.objects.filter(catalogue_code=f"poi:count:{kita.pk}").exists()


def test_the_analysis_page_marks_gaps_and_overlaps(as_member):
    response = as_member.get(
        APP + "analysis/", {"level": "gemeinden", "band": "10-14", "threshold": 3}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "keck-poi-cell-gap" in page
    assert "keck-poi-cell-overlap" in page
    assert '"state": "gap"' in page  # the map data


# --- public ----------------------------------------------------------------------------------


def test_the_public_page_shows_only_released_pois(client, vechta):
    page = client.get("/atlas/vechta/pois/").content.decode()

    assert "58 points of interest" in page
    assert "Kita Bakum" in page
    assert "Waldkindergarten Füchse" not in page
    assert APP not in page  # no links into the internal area


def test_a_member_sees_the_public_view_on_the_public_page(as_member):
    page = as_member.get("/atlas/vechta/pois/").content.decode()

    assert "Waldkindergarten Füchse" not in page
    assert "public=1" in page  # the map asks the API for the public view


def test_the_public_page_of_a_municipality_without_public_atlas_is_not_found(client, vechta):
    vechta.public_atlas_enabled = False
    vechta.save()

    assert client.get("/atlas/vechta/pois/").status_code == 404
