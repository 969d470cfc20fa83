"""Area import from real BKG VG5000 data: whole Germany, nested levels, re-import, bad files."""

import zipfile

import geopandas as gpd
import pytest
import shapely
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import Municipality
from atlas_data.geo import from_geojson
from atlas_data.models import Area, SpatialLevel, Value
from atlas_data.services import ImportProblems, import_areas, import_values
from tests.factories import MunicipalityFactory

from .helpers import VECHTA_TABLE, VG5000, counts


def test_all_gemeinden_of_germany_load_with_valid_geometries(db):
    germany = MunicipalityFactory(slug="deutschland", name="Deutschland", official_key="00")

    summary = import_areas(
        municipality=germany,
        path=VG5000,
        layer="VG5000_GEM",
        level_name="Gemeinden",
        source_note=settings.KECK_BKG_SOURCE_NOTE,
    )

    assert summary["created"] == 10_997
    assert summary["source_crs"] == "EPSG:31467"
    gemeinden = Area.objects.filter(municipality=germany, level__name="Gemeinden")
    assert gemeinden.count() == 10_997
    geometries = [from_geojson(g) for g in gemeinden.values_list("geometry", flat=True)]
    web = [from_geojson(g) for g in gemeinden.values_list("web_geometry", flat=True)]
    assert all(g is not None and g.is_valid and not g.is_empty for g in geometries)
    assert all(g is not None and g.is_valid and not g.is_empty for g in web)
    # Reprojected to WGS 84: Germany lies between 5.8–15.1° E and 47.2–55.1° N.
    minx, miny, maxx, maxy = shapely.total_bounds(geometries)
    assert 5.5 < minx < 6.1 and 14.9 < maxx < 15.3 and 47.1 < miny < 47.4 and 54.9 < maxy < 55.2
    vechta_stadt = gemeinden.get(key="03460009")
    assert vechta_stadt.name == "Vechta"
    assert vechta_stadt.parent.level.depth == 0


def test_gemeinden_below_kreise_get_their_parent_by_the_ags_prefix(db):
    niedersachsen = MunicipalityFactory(
        slug="niedersachsen", name="Niedersachsen", official_key="03"
    )
    import_areas(
        municipality=niedersachsen,
        path=VG5000,
        layer="VG5000_KRS",
        key_prefix="03",
        level_name="Kreise",
    )
    import_areas(
        municipality=niedersachsen,
        path=VG5000,
        layer="VG5000_GEM",
        key_prefix="03",
        level_name="Gemeinden",
        parent_level_name="Kreise",
    )

    levels = SpatialLevel.objects.filter(municipality=niedersachsen, depth__gt=0)
    assert list(levels.values_list("name", "depth")) == [("Kreise", 1), ("Gemeinden", 2)]
    gemeinden = Area.objects.filter(level__municipality=niedersachsen, level__name="Gemeinden")
    assert gemeinden.count() > 900
    assert all(
        area.parent.key == area.key[:5] and area.parent.level.name == "Kreise"
        for area in gemeinden.select_related("parent__level")
    )
    assert gemeinden.get(key="03460006").parent.name == "Vechta"


def test_reimport_of_areas_keeps_their_values(vechta):
    import_values(municipality=vechta, path=VECHTA_TABLE, level_name="Gemeinden", year=2013)
    values_before = sorted(Value.objects.values_list("area__key", "indicator_id", "value"))
    ids_before = dict(Area.objects.filter(municipality=vechta).values_list("key", "id"))

    summary = import_areas(
        municipality=vechta,
        path=VG5000,
        layer="VG5000_GEM",
        key_prefix="03460",
        level_name="Gemeinden",
        source_note="VG5000 2021",
    )

    assert (summary["created"], summary["updated"]) == (0, 10)
    assert dict(Area.objects.filter(municipality=vechta).values_list("key", "id")) == ids_before
    assert sorted(Value.objects.values_list("area__key", "indicator_id", "value")) == values_before
    assert set(
        Area.objects.filter(level__name="Gemeinden").values_list("geometry_source", flat=True)
    ) == {"VG5000 2021"}


def _assert_rejected(call, *, message_part: str):
    before = counts()
    with translation.override("en"), pytest.raises(ImportProblems) as caught:
        call()
    assert counts() == before
    assert any(message_part in line for line in caught.value.lines()), caught.value.lines()
    return caught.value


def test_broken_zip_is_rejected_and_writes_nothing(vechta, tmp_path):
    broken = tmp_path / "gemeinden.zip"
    broken.write_bytes(VG5000.read_bytes()[:50_000])

    _assert_rejected(
        lambda: import_areas(municipality=vechta, path=broken, level_name="Ortsteile"),
        message_part="The zip file is damaged or not a zip file.",
    )


def _vechta_frame():
    frame = gpd.read_file(f"zip://{VG5000}!VG5000_GEM.shp", engine="pyogrio")
    return frame[frame["AGS"].str.startswith("03460")][["AGS", "GEN", "geometry"]]


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_projected_coordinates_declared_as_wgs84_are_rejected(vechta, tmp_path, suffix):
    # Gauss-Krüger metres (EPSG:31467) written with the wrong CRS, as happens when a
    # desktop GIS exports without reprojecting.
    wrong = _vechta_frame().set_crs("EPSG:4326", allow_override=True)
    path = tmp_path / f"gemeinden{suffix}"
    wrong.to_file(path, engine="pyogrio")

    _assert_rejected(
        lambda: import_areas(municipality=vechta, path=path, level_name="Ortsteile"),
        message_part="do not fit the declared reference system",
    )


def test_shapefile_without_prj_is_rejected(vechta, tmp_path):
    shapefile = tmp_path / "gemeinden.shp"
    _vechta_frame().to_file(shapefile, engine="pyogrio")
    archive = tmp_path / "gemeinden.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("gemeinden.*"):
            if part.suffix in (".shp", ".shx", ".dbf"):
                zipped.write(part, part.name)

    _assert_rejected(
        lambda: import_areas(municipality=vechta, path=archive, level_name="Ortsteile"),
        message_part="the .prj file is missing",
    )


def test_import_areas_command_loads_a_district_from_the_vg5000_zip(db, capsys):
    municipality = MunicipalityFactory(
        slug="luechow-dannenberg", official_key="03354", kind=Municipality.Kind.DISTRICT
    )

    with translation.override("en"):
        call_command(
            "import_areas",
            "luechow-dannenberg",
            str(VG5000),
            "--level",
            "Gemeinden",
            "--layer",
            "VG5000_GEM",
            "--key-prefix",
            "03354",
            "--source-note",
            settings.KECK_BKG_SOURCE_NOTE,
        )

    out = capsys.readouterr().out
    assert "Level Gemeinden: 29 areas created, 0 updated." in out
    assert "EPSG:31467" in out
    assert Area.objects.filter(municipality=municipality, level__depth=1).count() == 29
    root = Area.objects.get(municipality=municipality, level__depth=0)
    assert root.geometry is not None and root.geometry_source == settings.KECK_BKG_SOURCE_NOTE


def test_import_areas_command_prints_every_problem(vechta, tmp_path, capsys):
    broken = tmp_path / "kaputt.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")

    with translation.override("en"), pytest.raises(CommandError, match="1 problem"):
        call_command("import_areas", "vechta", str(broken), "--level", "Ortsteile")

    assert "The zip file is damaged or not a zip file." in capsys.readouterr().err
    assert not SpatialLevel.objects.filter(name="Ortsteile").exists()
