"""Points of interest: categories, single edits, the file import and the assignment to areas.

Every POI is assigned to one area of every spatial level that contains it (point in polygon
over `Area.geometry` with shapely and an STRtree). The rule for points on a border, where two
areas touch: the area whose interior contains the point wins; a point that lies only on
boundaries (or in a gap of at most `BORDER_TOLERANCE` degrees between two polygons) goes to the
touching area with the smallest key. So every point gets exactly one area per level, the same
one whichever order the areas were imported in.

Derived indicators (counts and capacities per area) live in `poi_indicators.py`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely import STRtree
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Municipality
from accounts.permissions import Action, require

from ..geo import GeoFileError, from_geojson, read_geo_frame, to_web_crs
from ..models import Area, Poi, PoiCategory
from ..tables import TableError, parse_number, read_table
from .errors import AtlasError, ImportProblems, ProblemList, uploaded_import_file

# About 10 cm: closes the hairline gaps that rounding leaves between neighbouring polygons.
BORDER_TOLERANCE = 1e-6
WGS84 = "EPSG:4326"
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx")
GEO_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip")
POI_SUFFIXES = TABLE_SUFFIXES + GEO_SUFFIXES
MAX_LISTED_PROBLEMS = 500
MAX_AGE = 120


# --------------------------------------------------------------------------------------------
# Categories


@dataclass(frozen=True)
class DefaultCategory:
    code: str
    name: str
    icon: str  # one or two characters shown in the map marker
    color: str
    order: int


# The names are data (German, as municipalities use them), not interface text. The colours
# come from ColorBrewer's qualitative schemes; the letters tell the markers apart without
# colour.
DEFAULT_CATEGORIES = (
    DefaultCategory("kita", "Kita", "K", "#d95f02", 10),
    DefaultCategory("grundschule", "Grundschule", "G", "#1b9e77", 20),
    DefaultCategory("weiterfuehrende-schule", "weiterführende Schule", "S", "#7570b3", 30),
    DefaultCategory("spielplatz", "Spielplatz", "P", "#4d9221", 40),
    DefaultCategory("jugendzentrum", "Jugendzentrum", "J", "#c51b7d", 50),
    DefaultCategory("familienzentrum", "Familienzentrum", "F", "#b8860b", 60),
    DefaultCategory("beratungsstelle", "Beratungsstelle", "B", "#8c510a", 70),
    DefaultCategory("gesundheitsdienst", "Gesundheitsdienst", "+", "#d7191c", 80),
    DefaultCategory("sportverein", "Sportverein", "V", "#2c7bb6", 90),
    DefaultCategory("seniorenangebot", "Seniorenangebot", "A", "#525252", 100),
)


@transaction.atomic
def create_default_categories(*, municipality: Municipality, user) -> list[PoiCategory]:
    """Create the default categories that the municipality does not have yet (by code)."""
    require(user, Action.MANAGE_POIS, municipality)
    existing = set(
        PoiCategory.objects.filter(municipality=municipality).values_list("code", flat=True)
    )
    created = [
        PoiCategory(
            municipality=municipality,
            code=spec.code,
            name=spec.name,
            icon=spec.icon,
            color=spec.color,
            order=spec.order,
        )
        for spec in DEFAULT_CATEGORIES
        if spec.code not in existing
    ]
    return PoiCategory.objects.bulk_create(created)


@transaction.atomic
def save_category(*, user, category: PoiCategory) -> PoiCategory:
    """Create or change a category; its parent must be of the same municipality, no cycles."""
    municipality = category.municipality
    require(user, Action.MANAGE_POIS, municipality)
    others = PoiCategory.objects.filter(municipality=municipality).exclude(pk=category.pk)
    if others.filter(code=category.code).exists():
        raise AtlasError(
            _("Another category already has the code %(code)s.") % {"code": category.code}
        )
    if category.parent_id is not None:
        parents = dict(
            PoiCategory.objects.filter(municipality=municipality).values_list("id", "parent_id")
        )
        if category.parent_id not in parents:
            raise AtlasError(_("The parent category belongs to another municipality."))
        step = category.parent_id
        while step is not None:
            if step == category.pk:
                raise AtlasError(_("A category cannot lie below itself."))
            step = parents.get(step)
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", category.color or ""):
        raise AtlasError(_("The colour must be written as #rrggbb, e.g. #1d5c7a."))
    category.save()
    return category


@transaction.atomic
def delete_category(*, user, category: PoiCategory) -> None:
    require(user, Action.MANAGE_POIS, category.municipality)
    if category.children.exists():
        raise AtlasError(_("The category has subcategories; move or delete them first."))
    if category.pois.exists():
        raise AtlasError(
            _("%(count)d points of interest belong to the category; move or delete them first.")
            % {"count": category.pois.count()}
        )
    category.delete()


# --------------------------------------------------------------------------------------------
# Areas of points


@dataclass
class _LevelIndex:
    depth: int
    ids: list[int]
    keys: list[str]
    shapes: np.ndarray
    tree: STRtree


def _level_indexes(municipality: Municipality) -> list[_LevelIndex]:
    """One spatial index per level over the areas that have a geometry (one query)."""
    by_level: dict[int, list[tuple]] = defaultdict(list)
    for area_id, key, level_id, depth, geometry in (
        Area.objects.filter(municipality=municipality, geometry__isnull=False)
        .values_list("id", "key", "level_id", "level__depth", "geometry")
        .order_by("level__depth", "key")
    ):
        shape = from_geojson(geometry)
        if shape is not None and not shape.is_empty:
            by_level[level_id].append((area_id, key, depth, shape))
    indexes = []
    for rows in by_level.values():
        shapes = np.array([row[3] for row in rows], dtype=object)
        shapely.prepare(shapes)
        indexes.append(
            _LevelIndex(
                depth=rows[0][2],
                ids=[row[0] for row in rows],
                keys=[row[1] for row in rows],
                shapes=shapes,
                tree=STRtree(shapes),
            )
        )
    return sorted(indexes, key=lambda index: index.depth)


def locate(indexes: list[_LevelIndex], points: np.ndarray) -> list[list[int]]:
    """For every point the ids of the areas containing it, at most one per level.

    See the module docstring for the rule at borders.
    """
    found: list[list[int]] = [[] for _point in points]
    if not len(points):
        return found
    for index in indexes:
        point_idx, area_idx = index.tree.query(points, predicate="intersects")
        inside = shapely.contains(index.shapes[area_idx], points[point_idx])
        best: dict[int, tuple[bool, str, int]] = {}
        for p, a, interior in zip(
            point_idx.tolist(), area_idx.tolist(), inside.tolist(), strict=True
        ):
            # False sorts first: interior hits win, then the smallest key.
            rank = (not interior, index.keys[a], a)
            if p not in best or rank < best[p]:
                best[p] = rank
        missing = np.array([p for p in range(len(points)) if p not in best], dtype=int)
        if len(missing):
            near_p, near_a = index.tree.query_nearest(
                points[missing], max_distance=BORDER_TOLERANCE, all_matches=True
            )
            for p, a in zip(missing[near_p].tolist(), near_a.tolist(), strict=True):
                rank = (True, index.keys[a], a)
                if p not in best or rank < best[p]:
                    best[p] = rank
        for p, (_interior, _key, a) in best.items():
            found[p].append(index.ids[a])
    return found


def assign_areas(
    *, municipality: Municipality, poi_ids: Iterable[int] | None = None, user=None
) -> int:
    """Assign POIs (all of the municipality, or those given) to their areas of every level.

    Called after POIs change and after areas are (re-)imported. Writes only the differences;
    returns how many assignments changed. The values of institutions whose areas changed are
    rolled up to their new areas (with `user` in the value history).
    """
    pois = Poi.objects.filter(municipality=municipality)
    if poi_ids is not None:
        pois = pois.filter(pk__in=list(poi_ids))
    rows = list(pois.values_list("id", "longitude", "latitude"))
    if not rows:
        return 0
    indexes = _level_indexes(municipality)
    points = shapely.points(np.array([[row[1], row[2]] for row in rows], dtype=float))
    located = locate(indexes, points)
    wanted = {
        (row[0], area_id)
        for row, area_ids in zip(rows, located, strict=True)
        for area_id in area_ids
    }
    through = Poi.areas.through
    current = {
        (poi_id, area_id): pk
        for pk, poi_id, area_id in through.objects.filter(
            poi_id__in=[row[0] for row in rows]
        ).values_list("pk", "poi_id", "area_id")
    }
    stale = [pk for pair, pk in current.items() if pair not in wanted]
    new = [through(poi_id=poi_id, area_id=area_id) for poi_id, area_id in wanted - set(current)]
    moved = {poi_id for poi_id, _area in wanted ^ set(current)}
    with transaction.atomic():
        if stale:
            through.objects.filter(pk__in=stale).delete()
        through.objects.bulk_create(new, batch_size=1000)
        if moved:
            # Imported here: the institution values' module uses this one's name matching.
            from .institutions import roll_up_moved_institutions

            roll_up_moved_institutions(municipality=municipality, poi_ids=moved, user=user)
    return len(stale) + len(new)


def _outline(municipality: Municipality):
    """The whole municipality's polygon (the root area's geometry), or None when unknown."""
    geometry = (
        Area.objects.filter(municipality=municipality, level__depth=0)
        .values_list("geometry", flat=True)
        .first()
    )
    shape = from_geojson(geometry)
    if shape is not None:
        shapely.prepare(shape)
    return shape


def _inside(outline, longitude: float, latitude: float) -> bool:
    point = shapely.Point(longitude, latitude)
    return outline.covers(point) or outline.distance(point) <= BORDER_TOLERANCE


# --------------------------------------------------------------------------------------------
# Single POIs


class PoiInvalid(AtlasError):
    """A POI that cannot be saved; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))


def _dedupe_key(name: str, address: str) -> tuple[str, str]:
    """Name and address compared without case, spacing and the usual spellings of `Straße`."""

    def fold(text: str) -> str:
        text = " ".join((text or "").split()).casefold()
        text = re.sub(r"stra(ss|ß)e\b", "str.", text)
        return text.replace("str ", "str. ")

    return fold(name), fold(address)


def validate_poi(poi: Poi) -> dict[str, list[str]]:
    """Problems of one POI by field: category, coordinates inside the municipality, ages,
    validity dates and duplicates (same name and address)."""
    errors: dict[str, list[str]] = defaultdict(list)
    municipality = poi.municipality
    if poi.category_id is not None and poi.category.municipality_id != municipality.pk:
        errors["category"].append(_("The category belongs to another municipality."))
    coordinates_ok = True
    if poi.latitude is None or not -90 <= poi.latitude <= 90:
        errors["latitude"].append(_("The latitude must lie between -90 and 90."))
        coordinates_ok = False
    if poi.longitude is None or not -180 <= poi.longitude <= 180:
        errors["longitude"].append(_("The longitude must lie between -180 and 180."))
        coordinates_ok = False
    if coordinates_ok:
        outline = _outline(municipality)
        if outline is not None and not _inside(outline, poi.longitude, poi.latitude):
            errors["latitude"].append(
                _("The coordinates %(lat)s, %(lon)s lie outside %(municipality)s.")
                % {"lat": poi.latitude, "lon": poi.longitude, "municipality": municipality.name}
            )
    age_problem = _age_problem(poi.target_age_min, poi.target_age_max)
    if age_problem:
        errors["target_age_max"].append(age_problem)
    if poi.valid_from and poi.valid_to and poi.valid_to < poi.valid_from:
        errors["valid_to"].append(_("“Valid to” lies before “valid from”."))
    key = _dedupe_key(poi.name, poi.address)
    others = Poi.objects.filter(municipality=municipality).exclude(pk=poi.pk)
    for other_id, name, address in others.filter(name__iexact=poi.name.strip()).values_list(
        "id", "name", "address"
    ):
        if _dedupe_key(name, address) == key:
            errors["name"].append(
                _("A point of interest with this name and address already exists (id %(id)s).")
                % {"id": other_id}
            )
            break
    return dict(errors)


def _age_problem(age_min: int | None, age_max: int | None) -> str | None:
    for age in (age_min, age_max):
        if age is not None and not 0 <= age <= MAX_AGE:
            return _("Ages lie between 0 and %(max)d.") % {"max": MAX_AGE}
    if age_min is not None and age_max is not None and age_max <= age_min:
        return _(
            "The target age “to” must be greater than “from”: it means “up to under” "
            "(0 to 6 = children who are not yet 6)."
        )
    return None


@transaction.atomic
def save_poi(*, user, poi: Poi) -> Poi:
    """Create or change one POI after validation, and assign it to its areas."""
    require(user, Action.MANAGE_POIS, poi.municipality)
    errors = validate_poi(poi)
    if errors:
        raise PoiInvalid(errors)
    poi._history_user = user
    poi.save()
    assign_areas(municipality=poi.municipality, poi_ids=[poi.pk], user=user)
    return poi


@transaction.atomic
def delete_poi(*, user, poi: Poi) -> None:
    """Delete one POI. Its institution values go with it, and the areas they were rolled up
    to are rolled up again without them (with history and the atlas cache told)."""
    require(user, Action.MANAGE_POIS, poi.municipality)
    # Imported here: the institution values' module uses this one's name matching.
    from .institutions import delete_institutions

    delete_institutions(
        municipality=poi.municipality, pois=Poi.objects.filter(pk=poi.pk), user=user
    )


@transaction.atomic
def set_released(*, user, poi: Poi, released: bool) -> Poi:
    """Release a POI to the public (or take it back to internal)."""
    require(user, Action.MANAGE_POIS, poi.municipality)
    if poi.is_released != released:
        poi.is_released = released
        poi._history_user = user
        poi.save(update_fields=["is_released", "updated"])
    return poi


# --------------------------------------------------------------------------------------------
# Import


# Column names a file may use (compared without case, `_`, `-` and surrounding spaces).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "poi id", "poi_id"),
    "name": ("name", "bezeichnung", "einrichtung", "titel"),
    "category": ("category", "kategorie", "art", "typ"),
    "provider": ("provider", "träger", "traeger"),
    "address": ("address", "adresse", "anschrift", "straße", "strasse", "street"),
    "house_number": ("house number", "hausnummer", "hnr", "nr"),
    "postcode": ("postcode", "plz", "postleitzahl", "zip"),
    "city": ("city", "ort", "stadt"),
    "latitude": ("latitude", "lat", "breite", "breitengrad"),
    "longitude": ("longitude", "lon", "lng", "länge", "laenge", "längengrad", "laengengrad"),
    "x": ("x", "rechtswert", "ostwert", "easting"),
    "y": ("y", "hochwert", "nordwert", "northing"),
    "crs": ("crs", "epsg", "koordinatensystem", "bezugssystem"),
    "capacity": ("capacity", "plätze", "plaetze", "kapazität", "kapazitaet"),
    "opening_hours": ("opening hours", "öffnungszeiten", "oeffnungszeiten"),
    "target_age_min": ("target age min", "age from", "alter von", "alter ab"),
    "target_age_max": ("target age max", "age to", "alter bis", "alter bis unter"),
    "target_group": ("target group", "zielgruppe"),
    "website": ("website", "webseite", "internet", "homepage", "url"),
    "contact": ("contact", "kontakt"),
    "concept_notes": ("concept notes", "notes", "konzept", "hinweise", "bemerkung", "bemerkungen"),
    "valid_from": ("valid from", "gültig ab", "gueltig ab"),
    "valid_to": ("valid to", "gültig bis", "gueltig bis"),
    "is_released": ("released", "is released", "freigegeben", "öffentlich", "oeffentlich"),
}
TEXT_FIELDS = (
    "provider",
    "postcode",
    "city",
    "opening_hours",
    "target_group",
    "contact",
    "concept_notes",
)
_TRUE = {"ja", "j", "yes", "y", "true", "wahr", "1", "x"}
_FALSE = {"nein", "n", "no", "false", "falsch", "0", ""}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def _fold_header(text: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", str(text)).split()).casefold()


@dataclass
class _Row:
    row: int
    fields: dict = field(default_factory=dict)  # model field -> value, only columns in the file
    poi_id: int | None = None
    projected: str | None = None  # the CRS of projected coordinates, for hints


@dataclass
class _Source:
    """A file read into text cells, with its columns mapped to POI fields."""

    frame: pd.DataFrame
    columns: dict[str, str]  # field -> column of the file
    first_row: int  # the file's row number of the frame's first row
    points: list | None = None  # (lon, lat) or None per row, for geo files
    geo: bool = False


def import_pois(*, municipality: Municipality, path, user=None, crs: str | None = None) -> dict:
    """Import POIs from CSV/XLSX (coordinates as latitude/longitude or x/y with a CRS) or from a
    GeoJSON/GeoPackage of points.

    Validates every row first (coordinates inside the municipality, known category, numbers,
    duplicates by name and address in the file and against existing POIs unless the row
    updates one by its `id`) and raises ImportProblems listing row, column and message; then
    writes everything in one transaction and assigns the POIs to their areas. Returns counts.
    """
    return _import(municipality=municipality, path=path, user=user, crs=crs, match_existing=False)


def sync_pois(*, municipality: Municipality, path, user=None, crs: str | None = None) -> dict:
    """Like `import_pois`, for a file that is the municipality's whole register, imported again
    and again: a row with the name and address of an existing POI changes that POI instead of
    being a duplicate. Rows that change nothing write nothing (no history entry)."""
    return _import(municipality=municipality, path=path, user=user, crs=crs, match_existing=True)


def import_uploaded_pois(*, municipality: Municipality, upload, user, crs: str | None) -> dict:
    """`import_pois` for an uploaded file (POI files are small: imported while one waits)."""
    with uploaded_import_file(upload, allowed=POI_SUFFIXES, prefix="keck-pois-") as path:
        return import_pois(municipality=municipality, path=path, user=user, crs=crs or None)


def _import(*, municipality, path, user, crs, match_existing: bool) -> dict:
    if user is not None:
        require(user, Action.MANAGE_POIS, municipality)
    path = Path(path)
    default_crs = _parse_crs(crs) if crs else None
    if crs and default_crs is None:
        raise ImportProblems(
            [
                {
                    "row": None,
                    "column": "crs",
                    "message": _("Unknown coordinate reference system %(crs)s.") % {"crs": crs},
                }
            ]
        )
    source = _read_source(path)
    problems = ProblemList(limit=MAX_LISTED_PROBLEMS)
    warnings = []
    for column in source.frame.columns:
        if column not in source.columns.values():
            warnings.append(
                {"row": None, "column": column, "message": _("The column is not used.")}
            )
    _check_columns(source, problems)
    problems.raise_if_any()

    categories = _category_lookup(municipality)
    outline = _outline(municipality)
    if outline is None:
        warnings.append(
            {
                "row": None,
                "column": None,
                "message": _(
                    "The municipality has no outline yet (no areas with geometry), so it was not "
                    "checked whether the coordinates lie inside it."
                ),
            }
        )
    existing = {
        poi.pk: poi
        for poi in Poi.objects.filter(municipality=municipality).select_related("category")
    }
    existing_keys = {_dedupe_key(poi.name, poi.address): poi.pk for poi in existing.values()}
    rows = _parse_rows(
        source,
        problems=problems,
        categories=categories,
        default_crs=default_crs,
        existing=existing,
    )
    if match_existing:
        for row in rows:
            if row.poi_id is None and row.fields.get("name"):
                key = _dedupe_key(row.fields["name"], row.fields.get("address", ""))
                row.poi_id = existing_keys.get(key)
    _check_rows(
        rows,
        source=source,
        problems=problems,
        outline=outline,
        municipality=municipality,
        existing=existing,
        existing_keys=existing_keys,
    )
    problems.raise_if_any()

    with transaction.atomic():
        created, updated = _write(
            municipality=municipality, rows=rows, existing=existing, user=user
        )
        assign_areas(
            municipality=municipality, poi_ids=[poi.pk for poi in created + updated], user=user
        )
    return {
        "created": len(created),
        "updated": len(updated),
        "unchanged": len(rows) - len(created) - len(updated),
        "warnings": warnings,
    }


def _read_source(path: Path) -> _Source:
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        try:
            frame = read_table(path)
        except TableError as exc:
            raise ImportProblems([{"row": None, "column": None, "message": str(exc)}]) from exc
        return _Source(frame=frame, columns=_map_columns(frame.columns), first_row=2)
    if suffix in GEO_SUFFIXES:
        try:
            geo_frame = to_web_crs(read_geo_frame(path))
        except GeoFileError as exc:
            raise ImportProblems(exc.problems) from exc
        points = []
        for geometry in geo_frame.geometry.values:
            if (
                geometry is not None
                and geometry.geom_type == "MultiPoint"
                and len(geometry.geoms) == 1
            ):
                geometry = geometry.geoms[0]
            if geometry is None or geometry.is_empty:
                points.append(None)
            elif geometry.geom_type != "Point":
                points.append(geometry.geom_type)
            else:
                points.append((geometry.x, geometry.y))
        frame = pd.DataFrame(geo_frame.drop(columns=geo_frame.geometry.name))
        frame.columns = [str(column).strip() for column in frame.columns]
        frame = frame.astype(object).where(frame.notna(), "")
        frame = frame.map(
            lambda cell: str(cell).strip() if not isinstance(cell, str) else cell.strip()
        )
        columns = _map_columns(frame.columns)
        for coordinate in ("latitude", "longitude", "x", "y", "crs"):
            columns.pop(coordinate, None)
        return _Source(frame=frame, columns=columns, first_row=1, points=points, geo=True)
    raise ImportProblems(
        [
            {
                "row": None,
                "column": None,
                "message": _("Unknown file type %(suffix)s: use %(allowed)s.")
                % {"suffix": suffix or "?", "allowed": ", ".join(POI_SUFFIXES)},
            }
        ]
    )


def _map_columns(columns: Iterable[str]) -> dict[str, str]:
    folded = {}
    for column in columns:
        folded.setdefault(_fold_header(column), column)
    mapped = {}
    for name, candidates in COLUMN_NAMES.items():
        for candidate in candidates:
            column = folded.get(_fold_header(candidate))
            if column is not None and column not in mapped.values():
                mapped[name] = column
                break
    return mapped


def _check_columns(source: _Source, problems: ProblemList) -> None:
    columns = source.columns
    for required in ("name", "category"):
        if required not in columns:
            problems.add(
                None,
                required,
                _("The column %(column)s is missing (accepted names: %(names)s).")
                % {"column": required, "names": ", ".join(COLUMN_NAMES[required])},
            )
    if source.geo:
        return
    has_latlon = "latitude" in columns and "longitude" in columns
    has_xy = "x" in columns and "y" in columns
    if not has_latlon and not has_xy:
        problems.add(
            None,
            None,
            _(
                "No coordinates: the file needs the columns latitude and longitude (WGS 84), or "
                "x and y with a CRS (column crs or the option --crs)."
            ),
        )
    for one, other in (("latitude", "longitude"), ("x", "y")):
        if (one in columns) != (other in columns):
            present, absent = (one, other) if one in columns else (other, one)
            problems.add(
                None,
                absent,
                _("The column %(present)s needs a column %(absent)s.")
                % {"present": present, "absent": absent},
            )


def _category_lookup(municipality: Municipality) -> dict[str, PoiCategory]:
    lookup: dict[str, PoiCategory] = {}
    categories = list(PoiCategory.objects.filter(municipality=municipality))
    for category in categories:
        lookup.setdefault(category.name.casefold(), category)
    for category in categories:  # codes win over names
        lookup[category.code.casefold()] = category
    return lookup


def _parse_rows(source, *, problems, categories, default_crs, existing) -> list[_Row]:
    columns = source.columns
    frame = source.frame
    rows: list[_Row] = []
    transformers: dict[str, Transformer] = {}
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = dict(zip(frame.columns, values, strict=True))
        number = source.first_row + position
        row = _Row(row=number)

        def cell(name, cells=cells):
            column = columns.get(name)
            return "" if column is None else str(cells[column] or "").strip()

        def add(name, message, number=number):
            problems.add(number, columns.get(name, name), message)

        if all(not str(value).strip() for value in values) and not source.geo:
            continue  # empty line at the end of a spreadsheet

        raw_id = cell("id")
        if raw_id:
            if not raw_id.isdigit():
                add("id", _("The id must be a whole number (the id of an existing POI)."))
            elif int(raw_id) not in existing:
                add("id", _("There is no point of interest with id %(id)s here.") % {"id": raw_id})
            else:
                row.poi_id = int(raw_id)

        name = cell("name")
        if not name:
            add("name", _("The name is empty."))
        row.fields["name"] = name

        raw_category = cell("category")
        category = categories.get(raw_category.casefold()) if raw_category else None
        if not raw_category:
            add("category", _("The category is empty."))
        elif category is None:
            known = sorted({c.code for c in categories.values()})
            add(
                "category",
                _("Unknown category “%(category)s”. Known categories: %(known)s")
                % {
                    "category": raw_category,
                    "known": ", ".join(known) or _("none yet (create the default categories)"),
                },
            )
        row.fields["category"] = category

        if "address" in columns:
            address = cell("address")
            if "house_number" in columns and cell("house_number"):
                address = f"{address} {cell('house_number')}".strip()
            row.fields["address"] = address
        for name_ in TEXT_FIELDS:
            if name_ in columns:
                row.fields[name_] = cell(name_)

        _parse_coordinates(row, source, position, cell, add, default_crs, transformers)

        if "capacity" in columns:
            row.fields["capacity"] = _whole_number(
                cell("capacity"), "capacity", add, maximum=1_000_000
            )
        for age_field in ("target_age_min", "target_age_max"):
            if age_field in columns:
                row.fields[age_field] = _whole_number(
                    cell(age_field), age_field, add, maximum=MAX_AGE
                )
        if "website" in columns:
            row.fields["website"] = _website(cell("website"), add)
        for date_field in ("valid_from", "valid_to"):
            if date_field in columns:
                row.fields[date_field] = _date(cell(date_field), date_field, add)
        if "is_released" in columns:
            raw = cell("is_released").casefold()
            if raw in _TRUE:
                row.fields["is_released"] = True
            elif raw in _FALSE:
                row.fields["is_released"] = False
            else:
                add("is_released", _("Write ja or nein (yes or no)."))
        _check_lengths(row, add)
        rows.append(row)
    return rows


def _parse_coordinates(row, source, position, cell, add, default_crs, transformers) -> None:
    if source.geo:
        point = source.points[position]
        if point is None:
            problems_column = "geometry"
            add(problems_column, _("The feature has no coordinates."))
        elif isinstance(point, str):
            add("geometry", _("The geometry is a %(type)s, not a point.") % {"type": point})
        else:
            row.fields["longitude"], row.fields["latitude"] = point
        return
    columns = source.columns
    lat_text, lon_text = cell("latitude"), cell("longitude")
    x_text, y_text = cell("x"), cell("y")
    if lat_text or lon_text:
        if not (lat_text and lon_text):
            add(
                "longitude" if lat_text else "latitude",
                _("Latitude and longitude must both be given."),
            )
            return
        latitude, longitude = (
            _coordinate(lat_text, "latitude", add),
            _coordinate(lon_text, "longitude", add),
        )
        if latitude is None or longitude is None:
            return
        if abs(latitude) > 90 or abs(longitude) > 180:
            add(
                "latitude",
                _(
                    "%(lat)s, %(lon)s are no degrees of latitude and longitude; they look like "
                    "projected metres. Put them in the columns x and y and name the CRS "
                    "(e.g. EPSG:25832)."
                )
                % {"lat": lat_text, "lon": lon_text},
            )
            return
        if 5 <= latitude <= 16 and 47 <= longitude <= 56:
            add(
                "latitude",
                _(
                    "Latitude and longitude seem to be swapped: in Germany the latitude lies "
                    "between 47 and 55."
                ),
            )
            return
        row.fields["latitude"], row.fields["longitude"] = latitude, longitude
        return
    if x_text or y_text:
        if not (x_text and y_text):
            add("y" if x_text else "x", _("x and y must both be given."))
            return
        x, y = _coordinate(x_text, "x", add), _coordinate(y_text, "y", add)
        raw_crs = cell("crs")
        crs = _parse_crs(raw_crs) if raw_crs else default_crs
        if raw_crs and crs is None:
            add("crs", _("Unknown coordinate reference system %(crs)s.") % {"crs": raw_crs})
            return
        if crs is None:
            add(
                "crs",
                _(
                    "x and y need a coordinate reference system: a column crs or the option "
                    "--crs (e.g. EPSG:25832)."
                ),
            )
            return
        if x is None or y is None:
            return
        if crs not in transformers:
            transformers[crs] = Transformer.from_crs(crs, WGS84, always_xy=True)
        longitude, latitude = transformers[crs].transform(x, y)
        if (
            not (math.isfinite(longitude) and math.isfinite(latitude))
            or abs(latitude) > 90
            or abs(longitude) > 180
        ):
            add("x", _("x and y cannot be converted from %(crs)s to WGS 84.") % {"crs": crs})
            return
        row.fields["latitude"], row.fields["longitude"] = round(latitude, 7), round(longitude, 7)
        row.projected = crs
        return
    if "latitude" in columns or "x" in columns:
        add("latitude" if "latitude" in columns else "x", _("The coordinates are missing."))


def _parse_crs(text: str) -> str | None:
    """A CRS as `EPSG:nnnn`, from `EPSG:25832`, `25832` or `epsg 25832`; None when unknown."""
    text = text.strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    text = re.sub(r"^epsg[\s:]*", "EPSG:", text, flags=re.IGNORECASE)
    try:
        found = CRS.from_user_input(text)
    except CRSError:
        return None
    epsg = found.to_epsg()
    return f"EPSG:{epsg}" if epsg else found.to_string()


def _coordinate(text: str, name: str, add) -> float | None:
    """A coordinate: `52.73`, `52,73`, `437512,3`, `437.512,3` (German) or `437,512.3`."""
    compact = text.replace(" ", "").replace("\u00a0", "")
    if "," in compact and "." in compact:
        if compact.rfind(",") > compact.rfind("."):
            compact = compact.replace(".", "").replace(",", ".")
        else:
            compact = compact.replace(",", "")
    else:
        compact = compact.replace(",", ".")
    try:
        number = float(compact)
    except ValueError:
        add(name, _("“%(cell)s” is not a number.") % {"cell": text})
        return None
    if not math.isfinite(number):
        add(name, _("“%(cell)s” is not a number.") % {"cell": text})
        return None
    return number


def _whole_number(text: str, name: str, add, *, maximum: int) -> int | None:
    if not text:
        return None
    try:
        parsed = parse_number(text)
    except ValueError as exc:
        add(name, str(exc))
        return None
    if parsed.status != "ok":
        return None
    number = parsed.value
    if not number.is_integer() or not 0 <= number <= maximum:
        add(
            name,
            _("“%(cell)s” must be a whole number from 0 to %(max)s.")
            % {"cell": text, "max": maximum},
        )
        return None
    return int(number)


def _website(text: str, add) -> str:
    if not text:
        return ""
    url = text if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) else f"https://{text}"
    try:
        URLValidator()(url)
    except ValidationError:
        add("website", _("“%(cell)s” is not a web address.") % {"cell": text})
        return ""
    return url


def _date(text: str, name: str, add) -> dt.date | None:
    if not text:
        return None
    try:
        match = _ISO_DATE.match(text)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = _GERMAN_DATE.match(text)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    add(name, _("“%(cell)s” is not a date (write 31.12.2024 or 2024-12-31).") % {"cell": text})
    return None


def _check_lengths(row: _Row, add) -> None:
    for name, value in row.fields.items():
        if not isinstance(value, str):
            continue
        limit = Poi._meta.get_field(name).max_length
        if limit and len(value) > limit:
            add(name, _("The text is longer than %(limit)d characters.") % {"limit": limit})


def _check_rows(rows, *, source, problems, outline, municipality, existing, existing_keys) -> None:
    """Checks across rows and against the database: outside, ages, dates, ids, duplicates."""
    columns = source.columns
    seen_keys: dict[tuple[str, str], int] = {}
    seen_ids: dict[int, int] = {}

    def column(name):
        return columns.get(name, name)

    for row in rows:
        fields = row.fields
        current = existing.get(row.poi_id)
        latitude, longitude = fields.get("latitude"), fields.get("longitude")
        if (
            outline is not None
            and latitude is not None
            and not _inside(outline, longitude, latitude)
        ):
            message = _("The coordinates %(lat).6f, %(lon).6f lie outside %(municipality)s.") % {
                "lat": latitude,
                "lon": longitude,
                "municipality": municipality.name,
            }
            if row.projected:
                message += " " + _("Check the coordinate reference system (%(crs)s).") % {
                    "crs": row.projected
                }
            where = "geometry" if source.geo else column("x" if row.projected else "latitude")
            problems.add(row.row, where, message)
        age_min = fields.get("target_age_min", current.target_age_min if current else None)
        age_max = fields.get("target_age_max", current.target_age_max if current else None)
        age_problem = _age_problem(age_min, age_max)
        if age_problem and ("target_age_min" in fields or "target_age_max" in fields):
            problems.add(row.row, column("target_age_max"), age_problem)
        valid_from = fields.get("valid_from", current.valid_from if current else None)
        valid_to = fields.get("valid_to", current.valid_to if current else None)
        if valid_from and valid_to and valid_to < valid_from:
            problems.add(row.row, column("valid_to"), _("“Valid to” lies before “valid from”."))
        if row.poi_id is not None:
            if row.poi_id in seen_ids:
                problems.add(
                    row.row,
                    column("id"),
                    _("The id %(id)s appears twice (also in row %(other)s).")
                    % {"id": row.poi_id, "other": seen_ids[row.poi_id]},
                )
            seen_ids.setdefault(row.poi_id, row.row)
        if current is None and fields.get("latitude") is None and not source.geo:
            pass  # the coordinate problem is already listed
        if not fields.get("name"):
            continue
        address = fields.get("address", current.address if current else "")
        key = _dedupe_key(fields["name"], address)
        if key in seen_keys:
            problems.add(
                row.row,
                column("name"),
                _("“%(name)s” at “%(address)s” appears twice (also in row %(other)s).")
                % {"name": fields["name"], "address": address, "other": seen_keys[key]},
            )
            continue
        seen_keys[key] = row.row
        other = existing_keys.get(key)
        if other is not None and other != row.poi_id:
            problems.add(
                row.row,
                column("name"),
                _(
                    "“%(name)s” at “%(address)s” already exists (id %(id)s). To change it, give "
                    "its id in a column id."
                )
                % {"name": fields["name"], "address": address, "id": other},
            )


def _write(*, municipality, rows: list[_Row], existing: dict[int, Poi], user):
    """Create the new POIs and change the existing ones; untouched POIs get no history entry."""
    new, changed = [], []
    changed_fields: set[str] = set()
    now = timezone.now()
    for row in rows:
        if row.poi_id is None:
            new.append(Poi(municipality=municipality, **row.fields))
            continue
        poi = existing[row.poi_id]
        differs = [name for name, value in row.fields.items() if getattr(poi, name) != value]
        if differs:
            for name in differs:
                setattr(poi, name, row.fields[name])
            poi.updated = now
            changed_fields.update(differs)
            changed.append(poi)
    created = bulk_create_with_history(new, Poi, batch_size=500, default_user=user) if new else []
    if changed:
        bulk_update_with_history(
            changed, Poi, sorted(changed_fields | {"updated"}), batch_size=500, default_user=user
        )
    return list(created), changed
