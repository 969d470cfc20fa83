"""Reads of the interactive atlas explorer (map, table, charts) and of the area pages.

Every number of one level and year comes from `selectors.values_table`. Where many indicators
and years are needed at once (an area's page, the line chart over the years),
`indicator_values_many` loads them in a fixed number of queries and passes each indicator and
year through the same `suppression.shown_values` as `suppression.indicator_values` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Municipality
from accounts.permissions import Action, can, require

from .classification import Classification, classify
from .models import Area, Indicator, IndicatorRelease, SpatialLevel
from .selectors import (
    IndicatorYears,
    Reference,
    ValuesTable,
    indicator_years,
    indicators_for,
    values_table,
    values_tables,
)
from .suppression import (
    MISSING_TEXT,
    STATUS_MISSING,
    STATUS_SUPPRESSED,
    IndicatorValues,
    Shown,
    compute_indicator_values,
    format_number,
)

NO_VALUE = Shown(value=None, display=MISSING_TEXT, status=STATUS_MISSING)
REFERENCE_KINDS = {
    "published": gettext_lazy("published"),
    "computed": gettext_lazy("computed"),
    "unweighted_mean": gettext_lazy("unweighted mean"),
}
BKG_URL = "https://www.bkg.bund.de"


def reference_kind_label(kind: str | None) -> str:
    return str(REFERENCE_KINDS.get(kind, "")) if kind else ""


# ---------------------------------------------------------------------------------------------
# The indicators a viewer may explore


@dataclass(frozen=True)
class Catalogue:
    """The indicators a viewer may explore (those with a visible year), grouped by topic."""

    indicators: list[Indicator]
    years: dict[int, IndicatorYears]

    def get(self, pk: int | None) -> Indicator | None:
        return next((i for i in self.indicators if i.pk == pk), None)

    def groups(self) -> list[tuple[str, list[Indicator]]]:
        """(topic name, indicators) in the topics' order; indicators without topic last."""
        groups: dict[str, list[Indicator]] = {}
        for indicator in self.indicators:
            if indicator.topic is not None:
                groups.setdefault(indicator.topic.name, []).append(indicator)
        others = [indicator for indicator in self.indicators if indicator.topic is None]
        if others:
            groups.setdefault(str(_("Other indicators")), []).extend(others)
        return list(groups.items())


def explorer_catalogue(*, user, municipality: Municipality) -> Catalogue:
    """Indicators with the years the viewer may see (the public: released ones). 4 queries."""
    indicators = list(indicators_for(user=user, municipality=municipality))
    years = indicator_years(user=user, municipality=municipality, indicators=indicators)
    visible = [indicator for indicator in indicators if years[indicator.pk].years]
    return Catalogue(indicators=visible, years={i.pk: years[i.pk] for i in visible})


# ---------------------------------------------------------------------------------------------
# The choropleth of one indicator, year and level


@dataclass(frozen=True)
class MapArea:
    id: int
    key: str
    name: str
    geometry_json: str | None  # the web geometry as compact GeoJSON text
    shown: Shown
    class_index: int | None
    colour: str | None


@dataclass(frozen=True)
class MapLayer:
    table: ValuesTable
    classification: Classification | None
    areas: list[MapArea]
    source_note: dict | None  # {"text", "url"} of the geometries shown

    @property
    def suppressed_count(self) -> int:
        return sum(
            1 for a in self.areas if a.shown.status == STATUS_SUPPRESSED and a.colour is None
        )

    @property
    def missing_count(self) -> int:
        return sum(1 for a in self.areas if a.shown.status == STATUS_MISSING)


def number_formatter(indicator: Indicator):
    """German text of a number of this indicator, as in tables: `16,15 %`."""

    def fmt(number: float) -> str:
        return format_number(
            number, decimals=indicator.decimals, unit=indicator.unit, kind=indicator.kind
        )

    return fmt


def map_layer(
    *,
    user,
    indicator: Indicator,
    year: int,
    level: SpatialLevel,
    released: bool,
    method: str,
    classes: int,
    manual_breaks: list[float] | None = None,
) -> MapLayer:
    """Geometry, values and classes of every area of `level`. Raises ClassificationError."""
    table = values_table(user=user, indicator=indicator, year=year, level=level, released=released)
    # The stored GeoJSON as text: decoding thousands of geometries only to encode them again
    # would take most of the request.
    geometries = {
        pk: (_compact(text), source)
        for pk, text, source in Area.objects.filter(level=level)
        .annotate(geometry_text=Cast("web_geometry", TextField()))
        .values_list("id", "geometry_text", "geometry_source")
    }
    classification = classify(
        [row.shown.value for row in table.rows],
        method=method,
        classes=classes,
        manual_breaks=manual_breaks,
        polarity=indicator.polarity,
        formatter=number_formatter(indicator),
    )
    areas = []
    for row in table.rows:
        index = classification.class_of(row.shown.value) if classification else None
        areas.append(
            MapArea(
                id=row.area_id,
                key=row.area_key,
                name=row.area_name,
                geometry_json=geometries.get(row.area_id, (None, ""))[0],
                shown=row.shown,
                class_index=index,
                colour=classification.classes[index].colour if index is not None else None,
            )
        )
    sources = sorted(
        {source for geometry, source in geometries.values() if geometry is not None and source}
    )
    return MapLayer(
        table=table,
        classification=classification,
        areas=areas,
        source_note=geometry_source_note(sources),
    )


def _compact(text: str | None) -> str | None:
    """GeoJSON geometry text without blanks (it holds numbers and type names only)."""
    if text is None or text == "null":
        return None
    return text.replace(" ", "").replace("\n", "")


def geometry_source_note(sources: Iterable[str]) -> dict | None:
    """The source note of the geometries shown; official BKG geometries were simplified."""
    texts, url = [], None
    for source in sources:
        if "GeoBasis-DE" in source or "BKG" in source:
            texts.append(f"{source} ({_('data modified')})")
            url = BKG_URL
        else:
            texts.append(source)
    if not texts:
        return None
    return {"text": "; ".join(texts), "url": url}


# ---------------------------------------------------------------------------------------------
# The table: several indicators for all areas of a level and one year


@dataclass(frozen=True)
class TableColumn:
    indicator: Indicator
    table: ValuesTable | None  # None: the viewer has no values of the indicator in that year

    @property
    def reference(self) -> Reference | None:
        return self.table.reference if self.table else None


@dataclass(frozen=True)
class TableRow:
    area_id: int
    key: str
    name: str
    cells: list[Shown]


@dataclass(frozen=True)
class ExploreTable:
    year: int
    level: SpatialLevel
    columns: list[TableColumn]
    rows: list[TableRow]
    reference_name: str | None = None
    reference_cells: list[tuple[Shown, str]] = field(default_factory=list)  # (shown, kind)

    @property
    def reference_kinds(self) -> set[str]:
        return {kind for _shown, kind in self.reference_cells if kind}

    @property
    def reference_label(self) -> str:
        """`Landkreis Vechta (published)` when every column has the same kind of reference."""
        if self.reference_name is None:
            return ""
        kinds = self.reference_kinds
        if len(kinds) == 1:
            return f"{self.reference_name} ({reference_kind_label(next(iter(kinds)))})"
        return self.reference_name

    @property
    def mixed_reference_kinds(self) -> bool:
        return len(self.reference_kinds) > 1

    @property
    def reference_cells_labelled(self) -> list[tuple[Shown, str]]:
        return [(shown, reference_kind_label(kind)) for shown, kind in self.reference_cells]

    @property
    def has_visible_suppressed(self) -> bool:
        return any(cell.suppressed_but_visible for row in self.rows for cell in row.cells)

    def select(self, indicators: list[Indicator]) -> ExploreTable:
        """The same table with only the columns of `indicators`, in their order."""
        index = {column.indicator.pk: n for n, column in enumerate(self.columns)}
        chosen = [index[indicator.pk] for indicator in indicators]
        return ExploreTable(
            year=self.year,
            level=self.level,
            columns=[self.columns[n] for n in chosen],
            rows=[
                TableRow(row.area_id, row.key, row.name, [row.cells[n] for n in chosen])
                for row in self.rows
            ],
            reference_name=self.reference_name,
            reference_cells=[self.reference_cells[n] for n in chosen]
            if self.reference_cells
            else [],
        )


def explore_table(
    *,
    user,
    catalogue: Catalogue,
    indicators: list[Indicator],
    year: int,
    level: SpatialLevel,
) -> ExploreTable:
    """The values of `indicators` for every area of `level` in `year`, with the reference row.

    A fixed number of queries however many indicators (`values_tables`).
    """
    areas = list(Area.objects.filter(level=level).order_by("key").values_list("id", "key", "name"))
    with_year = [i for i in indicators if year in catalogue.years[i.pk].years]
    tables = values_tables(
        user=user,
        items=[(indicator, year) for indicator in with_year],
        level=level,
        released={(i.pk, year): year in catalogue.years[i.pk].released for i in with_year},
    )
    by_indicator = {table.indicator.pk: table for table in tables}
    columns = [
        TableColumn(indicator=indicator, table=by_indicator.get(indicator.pk))
        for indicator in indicators
    ]
    by_area = [
        {row.area_id: row.shown for row in column.table.rows} if column.table else {}
        for column in columns
    ]
    rows = [
        TableRow(pk, key, name, [shown.get(pk, NO_VALUE) for shown in by_area])
        for pk, key, name in areas
    ]
    reference_name = next((c.reference.area_name for c in columns if c.reference is not None), None)
    reference_cells = []
    if reference_name is not None:
        for column in columns:
            reference = column.reference
            if reference is None:
                reference_cells.append((NO_VALUE, ""))
            else:
                reference_cells.append((reference.shown, reference.kind or ""))
    return ExploreTable(
        year=year,
        level=level,
        columns=columns,
        rows=rows,
        reference_name=reference_name,
        reference_cells=reference_cells,
    )


# ---------------------------------------------------------------------------------------------
# Many indicators and years at once


def indicator_values_many(
    *, user, municipality: Municipality, wanted: Mapping[Indicator, Iterable[int]]
) -> dict[tuple[int, int], IndicatorValues]:
    """`suppression.indicator_values` for many (indicator, year) pairs in three queries.

    Builds the same cells from the stored values as `indicator_values` and passes each pair
    through `shown_values`. The public gets released pairs only; others are left out.
    """
    pairs = {(indicator.pk, year) for indicator, years in wanted.items() for year in years}
    indicators = {indicator.pk: indicator for indicator in wanted}
    if any(i.municipality_id != municipality.pk for i in indicators.values()):
        raise ValueError("All indicators must belong to the municipality.")
    if not can(user, Action.VIEW_INTERNAL, municipality):
        require(user, Action.VIEW_PUBLIC, municipality)
        released = set(
            IndicatorRelease.objects.filter(indicator_id__in=list(indicators)).values_list(
                "indicator_id", "year"
            )
        )
        pairs &= released
    if not pairs:
        return {}
    return compute_indicator_values(
        municipality=municipality,
        indicators=list(indicators.values()),
        pairs=pairs,
        sees=can(user, Action.VIEW_SUPPRESSED_VALUES, municipality),
    )


def _root_reference(data: IndicatorValues, level_id: int) -> Shown | None:
    """The whole municipality as the reference of the areas of a level (as in values_table)."""
    root = next((a for a in data.areas.values() if a.depth == 0), None)
    if root is None:
        return None
    return data.reference(root.id, [shown for _area, shown in data.rows(level_id)])


# ---------------------------------------------------------------------------------------------
# Time series for the line chart


@dataclass(frozen=True)
class Series:
    indicator: Indicator
    years: list[int]
    reference_name: str | None
    reference: list[Shown]  # one per year
    areas: list[tuple[str, str, list[Shown]]]  # (key, name, one per year)


def time_series(
    *,
    user,
    municipality: Municipality,
    catalogue: Catalogue,
    indicators: list[Indicator],
    level: SpatialLevel,
    area_keys: list[str],
) -> list[Series]:
    """Every year the viewer may see of `indicators`, for the municipality and some areas."""
    wanted = {indicator: catalogue.years[indicator.pk].years for indicator in indicators}
    data = indicator_values_many(user=user, municipality=municipality, wanted=wanted)
    result = []
    for indicator in indicators:
        years = [y for y in wanted[indicator] if (indicator.pk, y) in data]
        per_year = [data[(indicator.pk, y)] for y in years]
        root_name, references = None, []
        for values in per_year:
            reference = _root_reference(values, level.pk)
            references.append(reference or NO_VALUE)
            if root_name is None:
                root_name = next((a.name for a in values.areas.values() if a.depth == 0), None)
        areas = []
        if per_year:
            by_key = {
                area.key: area for area in per_year[0].areas.values() if area.level_id == level.pk
            }
            for key in area_keys:
                area = by_key.get(key)
                if area is not None:
                    areas.append((key, area.name, [values.shown[area.id] for values in per_year]))
        result.append(
            Series(
                indicator=indicator,
                years=years,
                reference_name=root_name,
                reference=references,
                areas=areas,
            )
        )
    return result


# ---------------------------------------------------------------------------------------------
# The page of one area


def area_for(*, user, municipality: Municipality, pk: int) -> Area:
    """One area of the municipality; raises Area.DoesNotExist for areas of others."""
    require(user, Action.VIEW_PUBLIC, municipality)
    return Area.objects.select_related("level", "parent", "parent__level").get(
        pk=pk, municipality=municipality
    )


def area_children(*, area: Area) -> list[Area]:
    return list(Area.objects.filter(parent=area).select_related("level").order_by("key"))


@dataclass(frozen=True)
class ProfileRow:
    indicator: Indicator
    cells: list[tuple[int, Shown]]  # the latest years first
    reference_name: str | None
    reference: Shown | None  # the municipality in the latest year
    reference_kind: str

    @property
    def reference_kind_label(self) -> str:
        return reference_kind_label(self.reference_kind)


@dataclass(frozen=True)
class AreaProfile:
    area: Area
    groups: list[tuple[str, list[ProfileRow]]]
    years_shown: int

    @property
    def reference_name(self) -> str | None:
        """The whole municipality, the reference of every row."""
        return next(
            (row.reference_name for _t, rows in self.groups for row in rows if row.reference_name),
            None,
        )


def area_profile(
    *, user, municipality: Municipality, area: Area, catalogue: Catalogue, last_years: int = 3
) -> AreaProfile:
    """Every indicator the viewer may see with the area's values of its latest years."""
    wanted = {
        indicator: catalogue.years[indicator.pk].years[-last_years:]
        for indicator in catalogue.indicators
    }
    data = indicator_values_many(user=user, municipality=municipality, wanted=wanted)
    groups: dict[str, list[ProfileRow]] = {}
    for topic, indicators in catalogue.groups():
        for indicator in indicators:
            years = sorted(
                (y for y in wanted[indicator] if (indicator.pk, y) in data), reverse=True
            )
            if not years:
                continue
            cells = [(year, data[(indicator.pk, year)].shown[area.pk]) for year in years]
            reference, kind, root_name = None, "", None
            if area.level.depth > 0:
                latest = data[(indicator.pk, years[0])]
                root = next((a for a in latest.areas.values() if a.depth == 0), None)
                if root is not None:
                    root_name = root.name
                    reference = _root_reference(latest, area.level_id)
                    if reference is not None and reference.status != STATUS_MISSING:
                        kind = reference.origin or ""
            groups.setdefault(topic, []).append(
                ProfileRow(
                    indicator=indicator,
                    cells=cells,
                    reference_name=root_name,
                    reference=reference,
                    reference_kind=kind,
                )
            )
    return AreaProfile(area=area, groups=list(groups.items()), years_shown=last_years)
