"""Import of points of interest: validation first, clear errors per row, nothing half-written."""

from __future__ import annotations

from io import StringIO

import geopandas as gpd
import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pyproj import Transformer
from shapely.geometry import Point, Polygon

from accounts.models import Role
from atlas_data.models import Poi
from atlas_data.services import ImportProblems
from atlas_data.services.pois import import_pois

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


@pytest.fixture
def vechta(db):
    """The POI part of the Vechta demo (see poi_helpers.vechta_with_pois)."""
    return vechta_with_pois()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def problems_of(vechta, path, **options) -> list[dict]:
    with pytest.raises(ImportProblems) as error:
        import_pois(municipality=vechta, path=path, **options)
    return error.value.problems


def kita_row(name="Kita Neu", *, at=None, address="Neue Straße 1", category="kita"):
    lat, lon = at or (52.7301, 8.2869)
    return [name, category, address, f"{lat:.7f}", f"{lon:.7f}"]


# --- the demo's import example ---------------------------------------------------------------


def test_the_demo_import_file_is_rejected_for_the_poi_outside_the_district(vechta):
    before = Poi.objects.count()

    problems = problems_of(vechta, IMPORT_EXAMPLE)

    assert problems == [
        {
            "row": 5,
            "column": "Breite",
            "message": "The coordinates 52.836500, 8.041200 lie outside Landkreis Vechta.",
        }
    ]
    assert Poi.objects.count() == before


def test_the_import_example_without_the_outside_row_is_imported_with_areas(vechta, tmp_path):
    header, rows = read_rows(IMPORT_EXAMPLE)
    valid = [row for row in rows if row[5] != "Cloppenburg"]
    path = write_csv(tmp_path / "valid.csv", valid, header=header)

    summary = import_pois(municipality=vechta, path=path)

    assert (summary["created"], summary["updated"]) == (4, 0)
    kita = Poi.objects.get(name="Kita Löwenzahn")
    assert (kita.category.code, kita.capacity, kita.target_age_min, kita.target_age_max) == (
        "kita",
        70,
        1,
        6,
    )
    assert area_keys(kita) == ["03460", "03460002"]  # Damme
    assert not kita.is_released  # internal until a data admin releases it


# --- one kind of error each, nothing written -------------------------------------------------


def test_an_unknown_category_is_a_row_error(vechta, tmp_path):
    path = write_csv(tmp_path / "p.csv", [kita_row(), kita_row("Zoo", category="Tierpark")])

    (problem,) = problems_of(vechta, path)

    assert (problem["row"], problem["column"]) == (3, "Kategorie")
    assert problem["message"].startswith("Unknown category “Tierpark”. Known categories: ")
    assert not Poi.objects.filter(name="Kita Neu").exists()


def test_a_category_may_be_given_by_its_name(vechta, tmp_path):
    path = write_csv(tmp_path / "p.csv", [kita_row(category="weiterführende Schule")])

    import_pois(municipality=vechta, path=path)

    assert Poi.objects.get(name="Kita Neu").category.code == "weiterfuehrende-schule"


def test_the_same_name_and_address_twice_in_the_file_is_an_error(vechta, tmp_path):
    rows = [kita_row(address="Hauptstraße 1"), kita_row(address="Hauptstr. 1")]
    path = write_csv(tmp_path / "p.csv", rows)

    (problem,) = problems_of(vechta, path)

    assert (problem["row"], problem["column"]) == (3, "Name")
    assert "appears twice (also in row 2)" in problem["message"]


def test_a_poi_that_exists_already_is_an_error_that_names_its_id(vechta, tmp_path):
    existing = Poi.objects.get(name="Kita Sonnenblume")
    row = kita_row("Kita Sonnenblume", address=existing.address, at=inside(VECHTA))
    path = write_csv(tmp_path / "p.csv", [row])

    (problem,) = problems_of(vechta, path)

    assert problem["row"] == 2
    assert f"already exists (id {existing.pk})" in problem["message"]


def test_a_row_with_the_id_of_an_existing_poi_changes_it(vechta, tmp_path):
    existing = Poi.objects.get(name="Kita Sonnenblume")
    header = ["id", "Name", "Kategorie", "Adresse", "Breite", "Länge", "Plätze"]
    lat, lon = inside(BAKUM)
    row = [existing.pk, existing.name, "kita", existing.address, lat, lon, "95"]
    path = write_csv(tmp_path / "p.csv", [row], header=header)

    summary = import_pois(municipality=vechta, path=path)

    existing.refresh_from_db()
    assert (summary["created"], summary["updated"]) == (0, 1)
    assert existing.capacity == 95
    assert area_keys(existing) == ["03460", BAKUM]  # moved, assigned again
    assert existing.history.count() == 2


def test_an_unknown_id_is_a_row_error(vechta, tmp_path):
    header = ["id", "Name", "Kategorie", "Breite", "Länge"]
    path = write_csv(tmp_path / "p.csv", [[999999, "Kita X", "kita", 52.73, 8.29]], header=header)

    (problem,) = problems_of(vechta, path)

    assert (problem["row"], problem["column"]) == (2, "id")
    assert problem["message"] == "There is no point of interest with id 999999 here."


def test_missing_coordinates_are_a_row_error(vechta, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Kita Ohne Ort", "kita", "Weg 1", "", ""]])

    (problem,) = problems_of(vechta, path)

    assert problem == {"row": 2, "column": "Breite", "message": "The coordinates are missing."}


def test_bad_numbers_are_listed_with_row_and_column(vechta, tmp_path):
    header = ["Name", "Kategorie", "Breite", "Länge", "Plätze", "Alter von", "Alter bis"]
    rows = [
        ["Kita A", "kita", "zweiundfünfzig", "8.29", "", "", ""],
        ["Kita B", "kita", "52.73", "8.29", "viele", "", ""],
        ["Kita C", "kita", "52.73", "8.29", "12,5", "6", "3"],
    ]
    path = write_csv(tmp_path / "p.csv", rows, header=header)

    problems = problems_of(vechta, path)

    assert [(p["row"], p["column"]) for p in problems] == [
        (2, "Breite"),
        (3, "Plätze"),
        (4, "Plätze"),
        (4, "Alter bis"),
    ]
    assert problems[0]["message"] == "“zweiundfünfzig” is not a number."
    assert problems[2]["message"] == "“12,5” must be a whole number from 0 to 1000000."
    assert problems[3]["message"].startswith("The target age “to” must be greater than “from”")


def test_a_file_without_a_category_column_is_rejected_before_any_row(vechta, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Kita", 52.73, 8.29]], header=["Name", "lat", "lon"])

    (problem,) = problems_of(vechta, path)

    assert (problem["row"], problem["column"]) == (None, "category")


def test_swapped_latitude_and_longitude_are_recognised(vechta, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Kita", "kita", "Weg 1", "8.2869", "52.7301"]])

    (problem,) = problems_of(vechta, path)

    assert "seem to be swapped" in problem["message"]


def test_one_bad_row_among_good_ones_writes_nothing(vechta, tmp_path):
    rows = [kita_row(f"Kita {n}", at=inside(VECHTA)) for n in range(5)]
    rows.append(kita_row("Kita Bremen", at=(53.0793, 8.8017)))
    path = write_csv(tmp_path / "p.csv", rows)
    count, history = Poi.objects.count(), Poi.history.count()

    (problem,) = problems_of(vechta, path)

    assert problem["row"] == 7
    assert (Poi.objects.count(), Poi.history.count()) == (count, history)


# --- projected coordinates and geodata ------------------------------------------------------


def _utm(lat, lon, crs="EPSG:25832"):
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)


def test_utm_coordinates_with_the_crs_option_are_reprojected(vechta, tmp_path):
    lat, lon = inside(BAKUM)
    x, y = _utm(lat, lon)
    header = ["Name", "Kategorie", "Rechtswert", "Hochwert"]
    rows = [["Kita UTM", "kita", f"{x:.2f}".replace(".", ","), f"{y:.2f}".replace(".", ",")]]
    path = write_csv(tmp_path / "p.csv", rows, header=header)

    import_pois(municipality=vechta, path=path, crs="EPSG:25832")

    poi = Poi.objects.get(name="Kita UTM")
    assert poi.latitude == pytest.approx(lat, abs=1e-6)
    assert poi.longitude == pytest.approx(lon, abs=1e-6)
    assert area_keys(poi) == ["03460", BAKUM]


def test_a_crs_column_per_row_wins_over_the_option(vechta, tmp_path):
    lat, lon = inside(VECHTA)
    x, y = _utm(lat, lon, "EPSG:31467")  # Gauß-Krüger zone 3
    header = ["Name", "Kategorie", "x", "y", "crs"]
    path = write_csv(tmp_path / "p.csv", [["Kita GK", "kita", x, y, "31467"]], header=header)

    import_pois(municipality=vechta, path=path, crs="EPSG:25832")

    poi = Poi.objects.get(name="Kita GK")
    assert (poi.latitude, poi.longitude) == (
        pytest.approx(lat, abs=1e-6),
        pytest.approx(lon, abs=1e-6),
    )


def test_x_and_y_without_a_crs_are_a_row_error(vechta, tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [["Kita", "kita", 437000, 5843000]],
        header=["Name", "Kategorie", "x", "y"],
    )

    (problem,) = problems_of(vechta, path)

    assert (problem["row"], problem["column"]) == (2, "crs")


def test_utm_coordinates_in_latitude_columns_get_a_hint(vechta, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Kita", "kita", "Weg 1", "5843000", "437000"]])

    (problem,) = problems_of(vechta, path)

    assert "look like projected metres" in problem["message"]


def test_a_wrong_crs_puts_the_points_outside_and_says_so(vechta, tmp_path):
    lat, lon = inside(VECHTA)
    x, y = _utm(lat, lon, "EPSG:25832")
    path = write_csv(
        tmp_path / "p.csv", [["Kita", "kita", x, y]], header=["Name", "Kategorie", "x", "y"]
    )

    (problem,) = problems_of(vechta, path, crs="EPSG:25833")

    assert problem["column"] == "x"
    assert problem["message"].endswith("Check the coordinate reference system (EPSG:25833).")


def test_a_geopackage_of_points_in_utm_is_imported(vechta, tmp_path):
    lat, lon = inside(VECHTA)
    frame = gpd.GeoDataFrame(
        {"name": ["Jugendtreff GPKG"], "category": ["jugendzentrum"], "alter_von": ["12"]},
        geometry=[Point(*_utm(lat, lon))],
        crs="EPSG:25832",
    )
    path = tmp_path / "pois.gpkg"
    frame.to_file(path, driver="GPKG")

    import_pois(municipality=vechta, path=path)

    poi = Poi.objects.get(name="Jugendtreff GPKG")
    assert (poi.latitude, poi.longitude) == (
        pytest.approx(lat, abs=1e-6),
        pytest.approx(lon, abs=1e-6),
    )
    assert poi.target_age_min == 12
    assert area_keys(poi) == ["03460", VECHTA]


def test_a_geojson_feature_that_is_no_point_is_a_row_error(vechta, tmp_path):
    lat, lon = inside(VECHTA)
    square = Polygon([(lon, lat), (lon + 0.001, lat), (lon, lat + 0.001)])
    frame = gpd.GeoDataFrame(
        {"name": ["A", "B"], "category": ["kita", "kita"]},
        geometry=[Point(lon, lat), square],
        crs="EPSG:4326",
    )
    path = tmp_path / "pois.geojson"
    frame.to_file(path, driver="GeoJSON")

    (problem,) = problems_of(vechta, path)

    assert problem == {
        "row": 2,
        "column": "geometry",
        "message": "The geometry is a Polygon, not a point.",
    }


def test_an_excel_file_is_read_like_a_csv(vechta, tmp_path):
    lat, lon = inside(VECHTA)
    path = tmp_path / "pois.xlsx"
    pd.DataFrame(
        [
            {
                "Name": "Kita Excel",
                "Kategorie": "Kita",
                "Breite": lat,
                "Länge": lon,
                "gültig ab": "01.08.2024",
            }
        ]
    ).to_excel(path, index=False)

    import_pois(municipality=vechta, path=path)

    poi = Poi.objects.get(name="Kita Excel")
    assert str(poi.valid_from) == "2024-08-01"


# --- permissions and the command -------------------------------------------------------------


def test_a_member_may_not_import(vechta, member_of, tmp_path):
    from django.core.exceptions import PermissionDenied

    path = write_csv(tmp_path / "p.csv", [kita_row()])

    with pytest.raises(PermissionDenied):
        import_pois(municipality=vechta, path=path, user=member_of(vechta, Role.MEMBER))


def test_the_history_names_the_importing_data_admin(vechta, member_of, tmp_path):
    admin = member_of(vechta, Role.DATA_ADMIN)
    path = write_csv(tmp_path / "p.csv", [kita_row(at=inside(VECHTA))])

    import_pois(municipality=vechta, path=path, user=admin)

    assert Poi.objects.get(name="Kita Neu").history.get().history_user == admin


def test_the_command_lists_the_problems_and_fails(vechta):
    errors = StringIO()

    with pytest.raises(CommandError):
        call_command("import_pois", "vechta", str(IMPORT_EXAMPLE), stderr=errors)

    assert (
        "row 5, column Breite: The coordinates 52.836500, 8.041200 lie outside" in errors.getvalue()
    )


def test_the_command_imports_projected_coordinates_with_crs(vechta, tmp_path):
    lat, lon = inside(VECHTA)
    x, y = _utm(lat, lon)
    path = write_csv(
        tmp_path / "p.csv", [["Kita CLI", "kita", x, y]], header=["Name", "Kategorie", "x", "y"]
    )
    out = StringIO()

    call_command("import_pois", "vechta", str(path), "--crs", "EPSG:25832", stdout=out)

    assert "1 points of interest created" in out.getvalue()
    assert area_keys(Poi.objects.get(name="Kita CLI")) == ["03460", VECHTA]
