"""Reading area files (Shapefile, zip, GeoJSON, GeoPackage, CSV/XLSX lists) and preparing geometry.

Pure functions on files and geometries; the import service in `services/areas.py` decides what is
written. Everything spatial happens here with geopandas/shapely/pyproj (no PostGIS needed).
"""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from django.utils.translation import gettext as _
from pyproj import CRS
from shapely.geometry import mapping, shape

WEB_CRS = "EPSG:4326"
GEO_SUFFIXES = {".shp", ".zip", ".geojson", ".json", ".gpkg"}
LIST_SUFFIXES = {".csv", ".txt", ".xlsx"}
KEY_FIELD_CANDIDATES = ("AGS", "ags", "key", "Key", "KEY", "schluessel", "Schlüssel", "id", "ID")
NAME_FIELD_CANDIDATES = ("GEN", "name", "Name", "NAME", "gebiet", "Gebiet", "bezeichnung")
# Coordinates in the web geometry are rounded to ~1 m: more digits only make the payload larger.
WEB_COORDINATE_DIGITS = 5


class GeoFileError(Exception):
    """A problem with an area file, in words a data admin understands."""

    def __init__(self, message: str, problems: list[dict] | None = None):
        super().__init__(message)
        self.problems = problems or [{"row": None, "column": None, "message": message}]


@dataclass
class AreaRecord:
    key: str
    name: str
    geometry: object | None = None  # shapely geometry in EPSG:4326
    parent_key: str | None = None
    row: int = 0


@dataclass
class AreaFile:
    records: list[AreaRecord]
    source_crs: str | None
    has_geometry: bool
    key_field: str
    name_field: str
    problems: list[dict] = field(default_factory=list)


def normalize_key(value) -> str:
    """A key as text: numbers read as floats by a spreadsheet lose their `.0`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _layers_in_zip(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise GeoFileError(_("The zip file is damaged or not a zip file.")) from exc
    return [name for name in names if name.lower().endswith((".shp", ".gpkg", ".geojson"))]


def read_geo_frame(path: Path, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read any supported geo file into a GeoDataFrame in its own CRS."""
    suffix = path.suffix.lower()
    source = str(path)
    if suffix == ".zip":
        members = _layers_in_zip(path)
        if not members:
            raise GeoFileError(_("The zip file contains no Shapefile, GeoPackage or GeoJSON."))
        if layer:
            chosen = [m for m in members if Path(m).stem == layer or m == layer]
            if not chosen:
                raise GeoFileError(
                    _("Layer %(layer)s is not in the zip file. It contains: %(layers)s")
                    % {"layer": layer, "layers": ", ".join(Path(m).stem for m in members)}
                )
            member = chosen[0]
        elif len(members) == 1:
            member = members[0]
        else:
            raise GeoFileError(
                _("The zip file contains several layers; choose one with --layer: %(layers)s")
                % {"layers": ", ".join(Path(m).stem for m in members)}
            )
        source = f"zip://{path}!{member}"
        layer = None
    try:
        frame = gpd.read_file(source, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, …
        raise GeoFileError(
            _("The file could not be read as geodata: %(error)s") % {"error": exc}
        ) from exc
    if frame.empty:
        raise GeoFileError(_("The file contains no areas."))
    return frame


def _pick_field(columns, wanted: str | None, candidates, what: str) -> str:
    if wanted:
        if wanted not in columns:
            raise GeoFileError(
                _("Column %(column)s (%(what)s) is missing. Columns in the file: %(columns)s")
                % {"column": wanted, "what": what, "columns": ", ".join(map(str, columns))}
            )
        return wanted
    for candidate in candidates:
        if candidate in columns:
            return candidate
    raise GeoFileError(
        _("No %(what)s column found; name it with an option. Columns in the file: %(columns)s")
        % {"what": what, "columns": ", ".join(map(str, columns))}
    )


def to_web_crs(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326 and check that the coordinates fit the declared CRS."""
    if frame.crs is None:
        raise GeoFileError(
            _(
                "The file has no coordinate reference system (for a Shapefile the .prj file is "
                "missing). Add it, or save the file as GeoPackage with its CRS."
            )
        )
    declared = CRS.from_user_input(frame.crs)
    minx, miny, maxx, maxy = frame.total_bounds
    if declared.is_geographic and (
        abs(minx) > 180 or abs(maxx) > 180 or abs(miny) > 90 or abs(maxy) > 90
    ):
        raise GeoFileError(
            _(
                "The coordinates do not fit the declared reference system %(crs)s: they look like "
                "projected metres (e.g. %(x).0f, %(y).0f). Check the .prj file or the CRS of the "
                "file."
            )
            % {"crs": declared.to_string(), "x": minx, "y": miny}
        )
    frame = frame.to_crs(WEB_CRS)
    minx, miny, maxx, maxy = frame.total_bounds
    if not all(map(math.isfinite, (minx, miny, maxx, maxy))) or not (
        -180 <= minx <= 180 and -90 <= miny <= 90 and -180 <= maxx <= 180 and -90 <= maxy <= 90
    ):
        raise GeoFileError(
            _(
                "After conversion to WGS 84 the coordinates lie outside the earth: the declared "
                "reference system %(crs)s does not match the coordinates."
            )
            % {"crs": declared.to_string()}
        )
    return frame


def read_area_file(
    path: Path,
    *,
    key_field: str | None = None,
    name_field: str | None = None,
    parent_field: str | None = None,
    layer: str | None = None,
) -> AreaFile:
    """Read areas from a geo file or a key/name list, validated, geometries in EPSG:4326."""
    suffix = path.suffix.lower()
    if suffix in LIST_SUFFIXES:
        return _read_area_list(
            path, key_field=key_field, name_field=name_field, parent_field=parent_field
        )
    if suffix not in GEO_SUFFIXES:
        raise GeoFileError(
            _("Unknown file type %(suffix)s: use .zip, .shp, .geojson, .gpkg, .csv or .xlsx.")
            % {"suffix": suffix or "?"}
        )
    frame = read_geo_frame(path, layer=layer)
    source_crs = frame.crs.to_string() if frame.crs is not None else None
    frame = to_web_crs(frame)
    key_column = _pick_field(frame.columns, key_field, KEY_FIELD_CANDIDATES, _("key"))
    name_column = _pick_field(frame.columns, name_field, NAME_FIELD_CANDIDATES, _("name"))
    parent_column = parent_field if parent_field in frame.columns else None

    records: list[AreaRecord] = []
    problems: list[dict] = []
    seen: dict[str, int] = {}
    geometries = shapely.make_valid(frame.geometry.values)
    for index, (raw_key, raw_name, geometry) in enumerate(
        zip(frame[key_column], frame[name_column], geometries, strict=True), start=1
    ):
        key = normalize_key(raw_key)
        name = (
            ""
            if raw_name is None or (isinstance(raw_name, float) and math.isnan(raw_name))
            else str(raw_name).strip()
        )
        if not key:
            problems.append({"row": index, "column": key_column, "message": _("The key is empty.")})
            continue
        if key in seen:
            problems.append(
                {
                    "row": index,
                    "column": key_column,
                    "message": _("Key %(key)s appears twice (also in row %(other)s).")
                    % {"key": key, "other": seen[key]},
                }
            )
            continue
        seen[key] = index
        if geometry is None or geometry.is_empty:
            problems.append(
                {"row": index, "column": "geometry", "message": _("The geometry is empty.")}
            )
            continue
        geometry = _polygonal(geometry)
        if geometry is None:
            problems.append(
                {"row": index, "column": "geometry", "message": _("The geometry is not a polygon.")}
            )
            continue
        parent_key = normalize_key(frame[parent_column].iloc[index - 1]) if parent_column else None
        records.append(
            AreaRecord(
                key=key,
                name=name or key,
                geometry=geometry,
                parent_key=parent_key or None,
                row=index,
            )
        )
    return AreaFile(records, source_crs, True, key_column, name_column, problems)


def _polygonal(geometry):
    """Keep the polygonal part (make_valid may add slivers of lines or points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    if geometry.geom_type == "GeometryCollection":
        polygons = [g for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        if polygons:
            return shapely.union_all(polygons)
    return None


def _read_area_list(path, *, key_field, name_field, parent_field) -> AreaFile:
    from .tables import read_table  # the same CSV/XLSX reader as for values

    frame = read_table(path)
    key_column = _pick_field(
        frame.columns, key_field, KEY_FIELD_CANDIDATES + ("Schlüssel",), _("key")
    )
    name_column = _pick_field(frame.columns, name_field, NAME_FIELD_CANDIDATES, _("name"))
    parent_candidates = [parent_field] if parent_field else ["parent_key", "parent", "Oberbezirk"]
    parent_column = next((c for c in parent_candidates if c in frame.columns), None)
    records, problems, seen = [], [], {}
    for index, row in enumerate(frame.itertuples(index=False), start=2):
        values = dict(zip(frame.columns, row, strict=True))
        key = normalize_key(values[key_column])
        name = normalize_key(values[name_column])
        if not key:
            problems.append({"row": index, "column": key_column, "message": _("The key is empty.")})
            continue
        if key in seen:
            problems.append(
                {
                    "row": index,
                    "column": key_column,
                    "message": _("Key %(key)s appears twice (also in row %(other)s).")
                    % {"key": key, "other": seen[key]},
                }
            )
            continue
        seen[key] = index
        parent_key = normalize_key(values[parent_column]) if parent_column else ""
        records.append(
            AreaRecord(key=key, name=name or key, parent_key=parent_key or None, row=index)
        )
    return AreaFile(records, None, False, key_column, name_column, problems)


def simplify_coverage(geometries: list, *, tolerance: float | None = None) -> list:
    """Simplify polygons for the web while keeping shared borders identical (no gaps/slivers)."""
    if not geometries:
        return []
    array = shapely.make_valid(pd.array(geometries, dtype=object).to_numpy())
    if tolerance is None:
        # About one pixel when the whole extent fills a map of ~1,000 pixels: the map shows
        # every area at once, and a finer level gets its own, smaller extent. For the 10,997
        # Gemeinden of Germany (VG5000, itself generalised for 1:5,000,000) this keeps the map
        # data under 5 MB (bench/README.md, "Map payload").
        minx, miny, maxx, maxy = shapely.total_bounds(array)
        tolerance = max(math.hypot(maxx - minx, maxy - miny) * 1e-3, 1e-5)
    try:
        simplified = shapely.coverage_simplify(array, tolerance)
    except shapely.errors.GEOSException:
        # Not a clean coverage (overlaps): simplify each polygon on its own.
        simplified = shapely.simplify(array, tolerance, preserve_topology=True)
    simplified = shapely.make_valid(simplified)
    return [
        g if g is not None and not g.is_empty else o for g, o in zip(simplified, array, strict=True)
    ]


def _round_coordinates(value, digits):
    if isinstance(value, (list, tuple)):
        return [_round_coordinates(v, digits) for v in value]
    return round(value, digits)


def to_geojson(geometry, *, digits: int | None = None) -> dict | None:
    """A shapely geometry as a GeoJSON geometry dict (coordinates rounded when `digits`)."""
    if geometry is None:
        return None
    data = mapping(geometry)
    if digits is not None:
        data = {
            "type": data["type"],
            "coordinates": _round_coordinates(data["coordinates"], digits),
        }
    return json.loads(json.dumps(data))


def from_geojson(data: dict | None):
    return shape(data) if data else None
