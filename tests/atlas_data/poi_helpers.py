"""Helpers of the points-of-interest tests: the demo files, border points of real Gemeinden,
POIs for set-up and small files written on the fly."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings

from accounts.models import Municipality, Role
from atlas_data.models import Area, Poi, PoiCategory
from atlas_data.services import import_areas
from atlas_data.services.pois import assign_areas, create_default_categories, sync_pois
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

DEMO_DATA = Path(__file__).resolve().parents[2] / "atlas_data" / "demo_data"
IMPORT_EXAMPLE = DEMO_DATA / "vechta_pois.csv"
DEMO_REGISTER = DEMO_DATA / "vechta_pois_demo.csv"

# Vertices that two Gemeinden of the VG5000 share (latitude, longitude): exactly on the border.
BAKUM_VECHTA = (52.7550652, 8.2431785)
LOHNE_VECHTA = (52.7019071, 8.2719684)
BAKUM, VECHTA, LOHNE, HOLDORF = "03460001", "03460009", "03460006", "03460005"


def vechta_with_pois(*, pois: bool = True) -> Municipality:
    """Landkreis Vechta with its real Gemeinden, the default categories and (unless `pois` is
    False) the demo's register of invented POIs: the POI part of the demo without its values,
    bookmarks and users, so that a test sets up in a fraction of the time."""
    municipality = MunicipalityFactory(
        slug="vechta",
        name="Landkreis Vechta",
        kind=Municipality.Kind.DISTRICT,
        official_key="03460",
    )
    import_areas(
        municipality=municipality,
        path=DEMO_DATA / "vechta_gemeinden.gpkg",
        level_name="Gemeinden",
        key_field="AGS",
        name_field="GEN",
        source_note=settings.KECK_BKG_SOURCE_NOTE,
    )
    admin = UserFactory(username="poi-setup")
    MembershipFactory(user=admin, municipality=municipality, roles=[Role.DATA_ADMIN])
    create_default_categories(municipality=municipality, user=admin)
    if pois:
        sync_pois(municipality=municipality, path=DEMO_REGISTER, user=admin)
    return municipality


def category(municipality, code: str) -> PoiCategory:
    return PoiCategory.objects.get(municipality=municipality, code=code)


def make_poi(municipality, *, code: str = "kita", name: str, at: tuple[float, float], **fields):
    """A POI stored directly (the set-up of a test), assigned to its areas."""
    poi = Poi.objects.create(
        municipality=municipality,
        category=category(municipality, code),
        name=name,
        latitude=at[0],
        longitude=at[1],
        **fields,
    )
    assign_areas(municipality=municipality, poi_ids=[poi.pk])
    return poi


def inside(key: str) -> tuple[float, float]:
    """A point well inside an area (its representative point), as latitude, longitude."""
    from shapely.geometry import shape

    point = shape(Area.objects.get(key=key).geometry).representative_point()
    return point.y, point.x


def area_keys(poi: Poi) -> list[str]:
    return [area.key for area in poi.areas.order_by("level__depth")]


def write_csv(path: Path, rows: list[list], *, header: list[str] | None = None) -> Path:
    header = header or ["Name", "Kategorie", "Adresse", "Breite", "Länge"]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8") as file:
        rows = list(csv.reader(file, delimiter=";"))
    return rows[0], rows[1:]
