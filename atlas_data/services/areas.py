"""Spatial levels and areas: the root area, level creation and the area import."""

from __future__ import annotations

import shapely
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from shapely import STRtree

from accounts.models import Municipality

from .. import cache as atlas_cache
from ..geo import (
    WEB_COORDINATE_DIGITS,
    AreaFile,
    GeoFileError,
    from_geojson,
    read_area_file,
    simplify_coverage,
    to_geojson,
)
from ..models import Area, ImportRun, SpatialLevel
from ..tables import TableError
from .errors import AtlasError, ImportProblems
from .pois import assign_areas

ROOT_LEVEL_NAMES = {
    Municipality.Kind.DISTRICT: "Landkreis",
    Municipality.Kind.CITY: "Gesamtstadt",
    Municipality.Kind.TOWN: "Gesamtgemeinde",
}


@transaction.atomic
def ensure_root(*, municipality: Municipality) -> Area:
    """The root level (depth 0) and root area (the whole municipality), created when missing."""
    level = SpatialLevel.objects.filter(municipality=municipality, depth=0).first()
    if level is None:
        name = ROOT_LEVEL_NAMES.get(municipality.kind, "Gesamtkommune")
        level = SpatialLevel.objects.create(
            municipality=municipality, name=name, slug=slugify(name), depth=0
        )
    root = Area.objects.filter(level=level).first()
    if root is None:
        root = Area.objects.create(
            municipality=municipality,
            level=level,
            key=municipality.official_key or municipality.slug,
            name=municipality.name,
        )
    return root


@transaction.atomic
def ensure_level(
    *, municipality: Municipality, name: str, parent_level_name: str | None = None
) -> SpatialLevel:
    """The level called `name`; created below `parent_level_name` (or the root) if missing."""
    ensure_root(municipality=municipality)
    levels = list(SpatialLevel.objects.filter(municipality=municipality).order_by("depth"))
    for level in levels:
        if name in (level.name, level.slug):
            return level
    if parent_level_name:
        parent = next((lv for lv in levels if parent_level_name in (lv.name, lv.slug)), None)
        if parent is None:
            raise AtlasError(
                _("The parent level %(name)s does not exist. Levels: %(levels)s")
                % {"name": parent_level_name, "levels": ", ".join(lv.name for lv in levels)}
            )
    else:
        parent = levels[0]
    # Make room directly below the parent: finer levels move one step down, deepest first.
    for level in sorted(levels, key=lambda lv: -lv.depth):
        if level.depth > parent.depth:
            level.depth += 1
            level.save(update_fields=["depth"])
    slug = slugify(name) or f"ebene-{parent.depth + 1}"
    return SpatialLevel.objects.create(
        municipality=municipality, name=name, slug=slug, depth=parent.depth + 1
    )


def parent_level_of(level: SpatialLevel) -> SpatialLevel | None:
    return (
        SpatialLevel.objects.filter(municipality_id=level.municipality_id, depth__lt=level.depth)
        .order_by("-depth")
        .first()
    )


def import_areas(
    *,
    municipality: Municipality,
    path,
    level_name: str,
    parent_level_name: str | None = None,
    key_field: str | None = None,
    name_field: str | None = None,
    parent_field: str | None = None,
    layer: str | None = None,
    key_prefix: str | None = None,
    source_note: str = "",
    user=None,
    import_run: ImportRun | None = None,
) -> dict:
    """Import areas of one level from a geo file or a key/name list.

    Validates everything first and writes in one transaction; raises ImportProblems (nothing
    written) listing every problem. Re-importing updates names and geometries by key and keeps
    the values of the areas. Returns a summary with counts and warnings.
    """
    from pathlib import Path

    path = Path(path)
    try:
        area_file = read_area_file(
            path, key_field=key_field, name_field=name_field, parent_field=parent_field, layer=layer
        )
    except (GeoFileError, TableError) as exc:
        problems = getattr(exc, "problems", None) or [
            {"row": None, "column": None, "message": str(exc)}
        ]
        raise ImportProblems(problems) from exc
    if key_prefix:
        area_file.records = [r for r in area_file.records if r.key.startswith(key_prefix)]
        if not area_file.records:
            raise ImportProblems(
                [
                    {
                        "row": None,
                        "column": area_file.key_field,
                        "message": _("No area key starts with %(prefix)s.")
                        % {"prefix": key_prefix},
                    }
                ]
            )
    if area_file.problems:
        raise ImportProblems(area_file.problems)

    with transaction.atomic():
        level = ensure_level(
            municipality=municipality, name=level_name, parent_level_name=parent_level_name
        )
        if level.depth == 0:
            raise ImportProblems(
                [
                    {
                        "row": None,
                        "column": None,
                        "message": _(
                            "The root level holds only the whole municipality; "
                            "import areas into a finer level."
                        ),
                    }
                ]
            )
        parent_level = parent_level_of(level)
        parents = list(Area.objects.filter(level=parent_level))
        assignment, warnings = _assign_parents(area_file, parents, parent_level)
        summary = _write_areas(
            municipality=municipality,
            level=level,
            area_file=area_file,
            assignment=assignment,
            source_note=source_note,
        )
        if parent_level.depth == 0:
            _fill_root_geometry(parents[0] if parents else ensure_root(municipality=municipality))
        # Points of interest follow their new areas, and their institution values with them.
        assign_areas(municipality=municipality, user=user)
        atlas_cache.bump(municipality.pk)  # bulk writes send no signals
        if import_run is not None:
            import_run.total = import_run.progress = len(area_file.records)
            import_run.save(update_fields=["total", "progress"])
    summary["warnings"] = warnings
    summary["level"] = level.name
    return summary


def _assign_parents(area_file: AreaFile, parents: list[Area], parent_level) -> tuple[dict, list]:
    """Parent of each record: by key prefix when keys nest (AGS), else by spatial containment."""
    warnings: list[dict] = []
    if len(parents) == 1 and parent_level.depth == 0:
        return {record.key: parents[0] for record in area_file.records}, warnings
    by_key = {parent.key: parent for parent in parents}
    assignment: dict[str, Area] = {}
    problems: list[dict] = []

    explicit = [r for r in area_file.records if r.parent_key]
    if explicit:
        for record in area_file.records:
            parent = by_key.get(record.parent_key or "")
            if parent is None:
                problems.append(
                    {
                        "row": record.row,
                        "column": "parent",
                        "message": _("Parent area %(key)s does not exist in level %(level)s.")
                        % {"key": record.parent_key or "–", "level": parent_level.name},
                    }
                )
            else:
                assignment[record.key] = parent
        if problems:
            raise ImportProblems(problems)
        return assignment, warnings

    prefixed = {}
    for record in area_file.records:
        matches = [
            p for p in parents if record.key.startswith(p.key) and len(record.key) > len(p.key)
        ]
        if matches:
            prefixed[record.key] = max(matches, key=lambda p: len(p.key))
    if len(prefixed) == len(area_file.records):
        return prefixed, warnings

    shapes = [from_geojson(p.geometry) for p in parents]
    with_shape = [(p, s) for p, s in zip(parents, shapes, strict=True) if s is not None]
    if not area_file.has_geometry or not with_shape:
        for record in area_file.records:
            if record.key not in prefixed:
                problems.append(
                    {
                        "row": record.row,
                        "column": area_file.key_field,
                        "message": _(
                            "No parent area found for %(key)s: keys do not nest and there is "
                            "no geometry to place it."
                        )
                        % {"key": record.key},
                    }
                )
        raise ImportProblems(problems)
    tree = STRtree([s for _, s in with_shape])
    for record in area_file.records:
        point = record.geometry.representative_point()
        hits = [with_shape[i] for i in tree.query(point, predicate="within")]
        if not hits:
            problems.append(
                {
                    "row": record.row,
                    "column": "geometry",
                    "message": _("Area %(key)s lies in no area of level %(level)s.")
                    % {"key": record.key, "level": parent_level.name},
                }
            )
            continue
        parent, parent_shape = hits[0]
        assignment[record.key] = parent
        overlap = record.geometry.intersection(parent_shape).area / max(record.geometry.area, 1e-12)
        if overlap < 0.9:
            warnings.append(
                {
                    "row": record.row,
                    "column": "geometry",
                    "message": _(
                        "Area %(key)s lies only %(share).0f %% inside its parent %(parent)s."
                    )
                    % {"key": record.key, "share": overlap * 100, "parent": parent.name},
                }
            )
    if problems:
        raise ImportProblems(problems)
    return assignment, warnings


def _write_areas(*, municipality, level, area_file: AreaFile, assignment, source_note) -> dict:
    records = area_file.records
    web = (
        simplify_coverage([r.geometry for r in records])
        if area_file.has_geometry
        else [None] * len(records)
    )
    existing = {area.key: area for area in Area.objects.filter(level=level)}
    to_create, to_update = [], []
    for record, web_geometry in zip(records, web, strict=True):
        area = existing.get(record.key)
        fields = {
            "name": record.name,
            "parent": assignment[record.key],
        }
        if area_file.has_geometry:
            fields["geometry"] = to_geojson(record.geometry, digits=7)
            fields["web_geometry"] = to_geojson(web_geometry, digits=WEB_COORDINATE_DIGITS)
            fields["geometry_source"] = source_note
        if area is None:
            to_create.append(Area(municipality=municipality, level=level, key=record.key, **fields))
        else:
            for name, value in fields.items():
                setattr(area, name, value)
            to_update.append(area)
    Area.objects.bulk_create(to_create, batch_size=500)
    update_fields = ["name", "parent"]
    if area_file.has_geometry:
        update_fields += ["geometry", "web_geometry", "geometry_source"]
    Area.objects.bulk_update(to_update, update_fields, batch_size=500)
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged_not_in_file": len(set(existing) - {r.key for r in records}),
        "source_crs": area_file.source_crs,
    }


def _fill_root_geometry(root: Area) -> None:
    """The whole municipality's outline as the union of the areas directly below it."""
    children = [from_geojson(g) for g in root.children.values_list("geometry", flat=True) if g]
    if not children:
        return
    outline = shapely.union_all(children)
    root.geometry = to_geojson(outline, digits=7)
    root.web_geometry = to_geojson(simplify_coverage([outline])[0], digits=WEB_COORDINATE_DIGITS)
    root.geometry_source = (
        root.children.exclude(geometry_source="").values_list("geometry_source", flat=True).first()
        or ""
    )
    root.save(update_fields=["geometry", "web_geometry", "geometry_source"])
