"""Reads behind the print and table exports, always as a file reader sees the data.

Files travel, so they are built for `accounts.permissions.file_reader(user, municipality)`: the
public for callers who are no members, a member without sight of suppressed values for all
others, data admins included. Every number comes out of `selectors.values_table`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can, file_reader

from . import selectors
from .models import Area, Indicator, SpatialLevel, Value
from .selectors import ValuesTable

CHART_TYPES = ("column", "bar", "scatter", "line")
MAX_LINE_AREAS = 8  # more lines than a printed chart can tell apart


class ExportError(ValueError):
    """A request that cannot give a file, with a message for the caller (HTTP 400)."""


class NotVisible(LookupError):
    """Something the caller may not see or that does not exist (HTTP 404)."""


@dataclass(frozen=True)
class MapData:
    municipality: Municipality
    table: ValuesTable
    geometries: dict[int, dict]  # area id -> full GeoJSON geometry in EPSG:4326
    geometry_sources: list[str]
    value_notes: list[str]  # source notes stored with the values


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    table: ValuesTable


@dataclass(frozen=True)
class ChartData:
    municipality: Municipality
    chart_type: str
    level: SpatialLevel
    year: int | None  # None for the line chart over all years
    tables: list[ValuesTable]  # column, bar, scatter: one per indicator
    series: list[tuple[Indicator, list[SeriesPoint]]]  # line: per indicator, every year
    area_ids: list[int]  # line: the areas drawn beside the municipality
    value_notes: list[str]


@dataclass(frozen=True)
class TableData:
    municipality: Municipality
    level: SpatialLevel
    year: int
    tables: list[ValuesTable]  # one per indicator, rows in the same area order
    value_notes: list[str]


def parse_ids(raw: str | None, *, name: str) -> list[int]:
    """`12,15` -> [12, 15], keeping the order and dropping repeats."""
    parts = [part.strip() for part in (raw or "").split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise ExportError(
            _("%(name)s must be numbers separated by commas, e.g. 12,15.") % {"name": name}
        )
    return list(dict.fromkeys(int(part) for part in parts))


def _indicators(*, reader, municipality: Municipality, ids: list[int]) -> list[Indicator]:
    if not ids:
        raise ExportError(_("Choose at least one indicator."))
    found = {
        indicator.pk: indicator
        for indicator in selectors.indicators_for(user=reader, municipality=municipality).filter(
            pk__in=ids
        )
    }
    if len(found) != len(ids):
        raise NotVisible
    return [found[pk] for pk in ids]


def _level(*, reader, municipality: Municipality, ref: str | None) -> SpatialLevel:
    if ref:
        level = selectors.level_for(user=reader, municipality=municipality, ref=ref)
        if level is None:
            raise ExportError(_("Unknown spatial level: %(level)s") % {"level": ref})
        return level
    level = selectors.default_level(user=reader, municipality=municipality)
    if level is None:
        raise NotVisible
    return level


def _year(*, reader, municipality, indicators, year: int | None, years) -> int:
    """The requested year, or the latest one all indicators have; the public only released."""
    internal = can(reader, Action.VIEW_INTERNAL, municipality)
    if year is not None:
        if not internal and any(year not in years[i.pk].years for i in indicators):
            raise NotVisible
        return year
    sets = [set(years[i.pk].years) for i in indicators]
    common = set.intersection(*sets) if sets else set()
    candidates = common or set.union(*sets) if sets else set()
    if not candidates:
        raise NotVisible
    return max(candidates)


def _value_notes(indicators, years) -> list[str]:
    return list(
        Value.objects.filter(indicator__in=indicators, year__in=list(years))
        .exclude(source_note="")
        .order_by("source_note")
        .values_list("source_note", flat=True)
        .distinct()
    )


def _tables(*, reader, indicators, year, level, years) -> list[ValuesTable]:
    return [
        selectors.values_table(
            user=reader,
            indicator=indicator,
            year=year,
            level=level,
            released=year in years[indicator.pk].released,
        )
        for indicator in indicators
    ]


def map_export(
    *, user, municipality: Municipality, indicator_id: int, year: int | None, level: str | None
) -> MapData:
    """One indicator of one level and year with the full geometries, for a print map."""
    reader = file_reader(user, municipality)
    [indicator] = _indicators(reader=reader, municipality=municipality, ids=[indicator_id])
    years = selectors.indicator_years(
        user=reader, municipality=municipality, indicators=[indicator]
    )
    year = _year(
        reader=reader, municipality=municipality, indicators=[indicator], year=year, years=years
    )
    spatial_level = _level(reader=reader, municipality=municipality, ref=level)
    [table] = _tables(
        reader=reader, indicators=[indicator], year=year, level=spatial_level, years=years
    )
    geometries, sources = {}, set()
    for area_id, geometry, source in Area.objects.filter(
        level=spatial_level, geometry__isnull=False
    ).values_list("id", "geometry", "geometry_source"):
        geometries[area_id] = geometry
        sources.add(source)
    return MapData(
        municipality=municipality,
        table=table,
        geometries=geometries,
        geometry_sources=sorted(sources),
        value_notes=_value_notes([indicator], [year]),
    )


def table_export(
    *, user, municipality: Municipality, indicator_ids: list[int], year: int | None, level
) -> TableData:
    """Several indicators for every area of a level, for XLSX and CSV."""
    reader = file_reader(user, municipality)
    indicators = _indicators(reader=reader, municipality=municipality, ids=indicator_ids)
    years = selectors.indicator_years(user=reader, municipality=municipality, indicators=indicators)
    year = _year(
        reader=reader, municipality=municipality, indicators=indicators, year=year, years=years
    )
    spatial_level = _level(reader=reader, municipality=municipality, ref=level)
    return TableData(
        municipality=municipality,
        level=spatial_level,
        year=year,
        tables=_tables(
            reader=reader, indicators=indicators, year=year, level=spatial_level, years=years
        ),
        value_notes=_value_notes(indicators, [year]),
    )


def chart_export(
    *,
    user,
    municipality: Municipality,
    indicator_ids: list[int],
    year: int | None,
    level: str | None,
    chart_type: str,
    area_ids: list[int],
) -> ChartData:
    """The data of a column, bar, scatter or line chart (line: every year the reader may see)."""
    if chart_type not in CHART_TYPES:
        raise ExportError(
            _("Unknown chart type %(type)s; possible: %(types)s.")
            % {"type": chart_type, "types": ", ".join(CHART_TYPES)}
        )
    reader = file_reader(user, municipality)
    indicators = _indicators(reader=reader, municipality=municipality, ids=indicator_ids)
    if chart_type == "scatter" and len(indicators) != 2:
        raise ExportError(_("A scatter chart needs exactly two indicators."))
    years = selectors.indicator_years(user=reader, municipality=municipality, indicators=indicators)
    if chart_type != "line":
        year = _year(
            reader=reader, municipality=municipality, indicators=indicators, year=year, years=years
        )
        spatial_level = _level(reader=reader, municipality=municipality, ref=level)
        return ChartData(
            municipality=municipality,
            chart_type=chart_type,
            level=spatial_level,
            year=year,
            tables=_tables(
                reader=reader, indicators=indicators, year=year, level=spatial_level, years=years
            ),
            series=[],
            area_ids=[],
            value_notes=_value_notes(indicators, [year]),
        )
    if len(area_ids) > MAX_LINE_AREAS:
        raise ExportError(
            _("A line chart shows at most %(count)d areas beside the municipality.")
            % {"count": MAX_LINE_AREAS}
        )
    areas = {
        area.pk: area
        for area in selectors.areas_for(user=reader, municipality=municipality).filter(
            pk__in=area_ids
        )
    }
    if len(areas) != len(area_ids):
        raise ExportError(
            _("Some of the areas do not belong to %(municipality)s.")
            % {"municipality": municipality.name}
        )
    level_ids = {area.level_id for area in areas.values()}
    if len(level_ids) > 1:
        raise ExportError(_("Choose areas of one spatial level for a line chart."))
    spatial_level = (
        next(iter(areas.values())).level
        if areas
        else _level(reader=reader, municipality=municipality, ref=level)
    )
    series = []
    all_years: set[int] = set()
    for indicator in indicators:
        visible = years[indicator.pk].years
        if not visible:
            raise NotVisible
        all_years.update(visible)
        series.append(
            (
                indicator,
                [
                    SeriesPoint(
                        year=y,
                        table=selectors.values_table(
                            user=reader,
                            indicator=indicator,
                            year=y,
                            level=spatial_level,
                            released=y in years[indicator.pk].released,
                        ),
                    )
                    for y in visible
                ],
            )
        )
    return ChartData(
        municipality=municipality,
        chart_type=chart_type,
        level=spatial_level,
        year=None,
        tables=[],
        series=series,
        area_ids=area_ids,
        value_notes=_value_notes(indicators, all_years),
    )
