"""The atlas explorer (map, table and charts linked on one page) and the page of an area.

Internal at /app/atlas/explore/ and /app/atlas/areas/<id>/ for members, public at
/atlas/<slug>/explore/ and /atlas/<slug>/areas/<id>/ with released data only. The whole view
state lives in the URL query, so that a URL (or a bookmark of it) reproduces the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Municipality
from accounts.permissions import Action, can, require

from . import selectors, selectors_explore
from .citation import load_citations
from .classification import (
    DEFAULT_CLASSES,
    DEFAULT_METHOD,
    MAX_CLASSES,
    METHODS,
    MIN_CLASSES,
    MISSING_COLOUR,
    SUPPRESSED_COLOUR,
    ClassificationError,
    parse_breaks,
)
from .models import Area, Indicator, SpatialLevel
from .selectors_explore import Catalogue, ExploreTable, Series, reference_kind_label
from .suppression import SUPPRESSED_TEXT

CHART_TYPES = {
    "column": gettext_lazy("Columns"),
    "bar": gettext_lazy("Bars"),
    "scatter": gettext_lazy("Scatter plot"),
    "line": gettext_lazy("Line chart over the years"),
}
DEFAULT_CHART = "column"
MAX_TABLE_INDICATORS = 12  # the map's indicator and up to 11 more
MAX_BARS = 3
# Without a selection the line chart draws every area of levels this small.
LINE_CHART_ALL_AREAS = 12
# Bar columns on the map: distinguishable by lightness in grey, and beside every palette.
BAR_COLOURS = ["#222222", "#2c7fb8", "#f6c141"]


@dataclass
class ExplorerState:
    """What the explorer shows, parsed from the URL query (unknown values fall back)."""

    level: SpatialLevel | None = None
    indicator: Indicator | None = None
    year: int | None = None
    indicators: list[Indicator] = field(default_factory=list)  # further table/chart columns
    bars: list[Indicator] = field(default_factory=list)
    method: str = DEFAULT_METHOD
    classes: int = DEFAULT_CLASSES
    breaks: str = ""
    chart: str = DEFAULT_CHART
    areas: list[str] = field(default_factory=list)
    breaks_error: str = ""

    @property
    def table_indicators(self) -> list[Indicator]:
        return ([self.indicator] if self.indicator else []) + self.indicators

    def params(self) -> list[tuple[str, str]]:
        """The state as ordered query parameters: the canonical URL of the view."""
        params = []
        if self.level is not None:
            params.append(("level", self.level.slug))
        if self.indicator is not None:
            params.append(("indicator", str(self.indicator.pk)))
        if self.year is not None:
            params.append(("year", str(self.year)))
        if self.indicators:
            params.append(("indicators", ",".join(str(i.pk) for i in self.indicators)))
        if self.bars:
            params.append(("bars", ",".join(str(i.pk) for i in self.bars)))
        params += [("method", self.method), ("classes", str(self.classes))]
        if self.method == "manual" and self.breaks:
            params.append(("breaks", self.breaks))
        params.append(("chart", self.chart))
        if self.areas:
            params.append(("areas", ",".join(self.areas)))
        return params

    def query(self) -> str:
        return urlencode(self.params(), safe=",;")


def _ids(query, name: str) -> list[int]:
    """`indicators=3,5` or `indicators=3&indicators=5` (a form without JavaScript)."""
    ids = []
    for raw in query.getlist(name):
        for part in raw.split(","):
            part = part.strip()
            if part.isdigit() and int(part) not in ids:
                ids.append(int(part))
    return ids


def parse_state(query, *, catalogue: Catalogue, levels: list[SpatialLevel]) -> ExplorerState:
    state = ExplorerState()
    by_slug = {level.slug: level for level in levels}
    state.level = by_slug.get(query.get("level", "")) or next(
        (level for level in levels if level.depth > 0), levels[0] if levels else None
    )
    indicator = catalogue.get(_ids(query, "indicator")[0] if _ids(query, "indicator") else None)
    state.indicator = indicator or (catalogue.indicators[0] if catalogue.indicators else None)
    if state.indicator is not None:
        years = catalogue.years[state.indicator.pk].years
        raw_year = query.get("year", "")
        state.year = int(raw_year) if raw_year.isdigit() and int(raw_year) in years else years[-1]
    further = [catalogue.get(pk) for pk in _ids(query, "indicators")]
    state.indicators = [i for i in further if i is not None and i != state.indicator][
        : MAX_TABLE_INDICATORS - 1
    ]
    state.bars = [i for i in map(catalogue.get, _ids(query, "bars")) if i is not None][:MAX_BARS]
    method = query.get("method", "")
    state.method = method if method in METHODS else DEFAULT_METHOD
    classes = query.get("classes", "")
    if classes.isdigit() and MIN_CLASSES <= int(classes) <= MAX_CLASSES:
        state.classes = int(classes)
    if state.method == "manual":
        state.breaks = query.get("breaks", "").strip()
        try:
            if not parse_breaks(state.breaks):
                state.breaks_error = _("Manual classification needs at least one break.")
        except ClassificationError as exc:
            state.breaks_error = str(exc)
    chart = query.get("chart", "")
    state.chart = chart if chart in CHART_TYPES else DEFAULT_CHART
    keys = []
    for raw in query.getlist("areas"):
        keys += [key.strip() for key in raw.split(",") if key.strip() and key.strip() not in keys]
    state.areas = keys
    return state


# ---------------------------------------------------------------------------------------------
# Pages


def _member_municipality(request) -> Municipality:
    municipality = request.municipality
    if not municipality:
        raise PermissionDenied(_("You are not a member of any municipality."))
    require(request.user, Action.VIEW_INTERNAL, municipality)
    return municipality


def _public_municipality(request, slug) -> Municipality:
    municipality = get_object_or_404(Municipality, slug=slug)
    if not can(request.user, Action.VIEW_PUBLIC, municipality):
        raise Http404
    return municipality


@login_required
def explore(request):
    municipality = _member_municipality(request)
    return _explore(request, municipality, viewer=request.user, public=False)


def public_explore(request, slug):
    """The public explorer: released data only, also for members who are logged in."""
    municipality = _public_municipality(request, slug)
    return _explore(request, municipality, viewer=None, public=True)


@login_required
def area_detail(request, pk):
    municipality = _member_municipality(request)
    return _area(request, municipality, pk, viewer=request.user, public=False)


def public_area_detail(request, slug, pk):
    municipality = _public_municipality(request, slug)
    return _area(request, municipality, pk, viewer=None, public=True)


def _urls(municipality: Municipality, *, public: bool) -> dict:
    # /api/v1/municipalities/<slug>/
    api = reverse("api-levels", kwargs={"slug": municipality.slug}).removesuffix("levels/")
    if public:
        page = reverse("public_explore", kwargs={"slug": municipality.slug})
        area = reverse("public_area", kwargs={"slug": municipality.slug, "pk": 0})
    else:
        page = reverse("atlas:explore")
        area = reverse("atlas:area", kwargs={"pk": 0})
    return {
        "page": page,
        "area": area,  # …/areas/0/: the scripts put in the area's id
        "area_base": area.removesuffix("0/"),
        "map": reverse("api-indicator-map", kwargs={"slug": municipality.slug, "pk": 0}),
        "api": api,
    }


def _explore(request, municipality: Municipality, *, viewer, public: bool):
    catalogue = selectors_explore.explorer_catalogue(user=viewer, municipality=municipality)
    levels = list(selectors.levels_for(user=viewer, municipality=municipality))
    state = parse_state(request.GET, catalogue=catalogue, levels=levels)
    urls = _urls(municipality, public=public)
    table = None
    data = None
    if state.indicator is not None and state.level is not None:
        table, data = _table_and_data(
            request, municipality, viewer=viewer, state=state, catalogue=catalogue, urls=urls
        )
    if request.GET.get("partial") == "data":
        if data is None:
            raise Http404
        return JsonResponse(data)
    # The page shows the table itself; the scripts get it only with later updates.
    table_html = data.pop("table_html") if data else ""
    config = {
        "public": public,
        "municipality": municipality.slug,
        "urls": urls,
        "query": state.query(),
        "years": {str(pk): years.years for pk, years in catalogue.years.items()},
        "tiles": {"url": settings.KECK_TILE_URL, "attribution": settings.KECK_TILE_ATTRIBUTION},
        "colours": {"suppressed": SUPPRESSED_COLOUR, "missing": MISSING_COLOUR},
        "data": data,
        "text": _script_texts(),
    }
    return render(
        request,
        "atlas_data/explore_public.html" if public else "atlas_data/explore.html",
        {
            "municipality": municipality,
            "public": public,
            "state": state,
            "levels": levels,
            "groups": catalogue.groups(),
            "years": catalogue.years[state.indicator.pk].years if state.indicator else [],
            "methods": list(METHODS.items()),
            "class_numbers": list(range(MIN_CLASSES, MAX_CLASSES + 1)),
            "chart_types": list(CHART_TYPES.items()),
            "bar_slots": _bar_slots(state),
            "further_ids": {i.pk for i in state.indicators},
            "table": table,
            "table_html": table_html,
            "urls": urls,
            "config": config,
            "tile_url": settings.KECK_TILE_URL,
            "canonical_url": (
                request.build_absolute_uri(f"{urls['page']}?{state.query()}")
                if public and state.indicator is not None
                else None
            ),
        },
    )


def _bar_slots(state: ExplorerState) -> list[tuple[int, int | None, str]]:
    """Three choices of bar indicators: (number, chosen id or None, colour)."""
    chosen = [i.pk for i in state.bars] + [None] * MAX_BARS
    return [(n + 1, chosen[n], BAR_COLOURS[n]) for n in range(MAX_BARS)]


def _table_and_data(request, municipality, *, viewer, state, catalogue, urls):
    """The table (server-rendered, the map's text alternative) and the data of the scripts."""
    # One table for the columns and the bar columns: an indicator in both is read once.
    wanted = state.table_indicators + [i for i in state.bars if i not in state.table_indicators]
    everything = selectors_explore.explore_table(
        user=viewer, catalogue=catalogue, indicators=wanted, year=state.year, level=state.level
    )
    table = everything.select(state.table_indicators)
    bars = everything.select(state.bars) if state.bars else None
    area_keys = {row.key for row in table.rows}
    state.areas = [key for key in state.areas if key in area_keys]
    series = None
    if state.chart == "line":
        focus = state.areas or (
            [row.key for row in table.rows] if len(table.rows) <= LINE_CHART_ALL_AREAS else []
        )
        series = selectors_explore.time_series(
            user=viewer,
            municipality=municipality,
            catalogue=catalogue,
            indicators=state.table_indicators,
            level=state.level,
            area_keys=focus,
        )
    exports = _export_links(urls, state)
    # The released columns are cited, values changed after their release marked (one query).
    citations = load_citations(
        municipality=municipality,
        pairs=[(indicator, state.year) for indicator in state.table_indicators],
        base=request,
    )
    table_html = render_to_string(
        "atlas_data/explore_table.html",
        {
            "table": table,
            "state": state,
            "urls": urls,
            "exports": exports,
            "citations": citations,
            "citation_list": citations.listed((i.pk, state.year) for i in state.table_indicators),
        },
        request=request,
    )
    data = {
        "query": state.query(),
        "table_html": table_html,
        "chart": _chart_data(table, state, series),
        "bars": _bar_data(bars) if bars else [],
    }
    return table, data


def _export_links(urls: dict, state: ExplorerState) -> list[tuple[str, str]]:
    query = urlencode(
        [
            ("indicators", ",".join(str(i.pk) for i in state.table_indicators)),
            ("year", str(state.year)),
            ("level", state.level.slug),
        ],
        safe=",",
    )
    return [
        (label, f"{urls['api']}table.{suffix}?{query}")
        for label, suffix in (("Excel (XLSX)", "xlsx"), ("CSV", "csv"))
    ]


def _label(indicator: Indicator) -> str:
    name = indicator.short_name or indicator.name
    return f"{name} ({indicator.unit})" if indicator.unit else name


def _values(shown_list) -> dict:
    return {
        "values": [s.value for s in shown_list],
        "displays": [s.display for s in shown_list],
        "statuses": [s.status for s in shown_list],
    }


def _chart_data(table: ExploreTable, state: ExplorerState, series: list[Series] | None) -> dict:
    indicators = []
    for index, column in enumerate(table.columns):
        reference = None
        if column.reference is not None and column.reference.shown.value is not None:
            reference = {
                "value": column.reference.shown.value,
                "display": column.reference.shown.display,
                "name": column.reference.area_name,
                "kind_label": reference_kind_label(column.reference.kind),
            }
        indicators.append(
            {
                "id": column.indicator.pk,
                "name": column.indicator.name,
                "label": _label(column.indicator),
                "unit": column.indicator.unit,
                "kind": column.indicator.kind,
                "has_data": column.table is not None,
                "reference": reference,
                **_values([row.cells[index] for row in table.rows]),
            }
        )
    lines = None
    if series is not None:
        lines = [
            {
                "id": s.indicator.pk,
                "label": _label(s.indicator),
                "kind": s.indicator.kind,
                "years": s.years,
                "reference": {"name": s.reference_name or "", **_values(s.reference)},
                "areas": [
                    {"key": key, "name": name, **_values(shown)} for key, name, shown in s.areas
                ],
            }
            for s in series
        ]
    return {
        "type": state.chart,
        "year": state.year,
        "level": state.level.name,
        "areas": [{"key": row.key, "name": row.name, "id": row.area_id} for row in table.rows],
        "indicators": indicators,
        "series": lines,
    }


def _bar_data(bars: ExploreTable) -> list[dict]:
    result = []
    for index, column in enumerate(bars.columns):
        cells = [row.cells[index] for row in bars.rows]
        numbers = [abs(s.value) for s in cells if s.value is not None]
        result.append(
            {
                "id": column.indicator.pk,
                "label": _label(column.indicator),
                "colour": BAR_COLOURS[index],
                "max": max(numbers) if numbers else None,
                "values": {
                    row.key: [s.value, s.display, s.status]
                    for row, s in zip(bars.rows, cells, strict=True)
                },
            }
        )
    return result


def _script_texts() -> dict:
    """German texts the scripts show."""
    return {
        "map": _("Map"),
        "legend": _("Legend"),
        "suppressed": SUPPRESSED_TEXT,
        "reference": _("Reference"),
        "geometries": _("Geometries:"),
        "loading": _("Loading …"),
        "loadFailed": _("The data could not be loaded."),
        "suppressedForOthers": _("suppressed for others"),
        "selected": _("selected"),
        "notValid": _("The indicator is not valid for this level."),
        "noGeometry": _("The areas of this level have no geometry yet: see the table."),
        "scatterNeedsTwo": _("A scatter plot needs at least two indicators: add one below."),
        "noSeries": _(
            "Select areas in the table or on the map (Shift+click) to compare them over the years."
        ),
        "noData": _("No values for this year."),
        # A count's reference is the total of all areas: as a line it would dwarf the areas.
        "totalNote": _("%(name)s: %(value)s in total (not drawn as a line)"),
        "barsTitle": _("Bar columns"),
        "barsScale": _("Height relative to the largest value of each indicator."),
    }


def _area(request, municipality: Municipality, pk: int, *, viewer, public: bool):
    try:
        area = selectors_explore.area_for(user=viewer, municipality=municipality, pk=pk)
    except Area.DoesNotExist as exc:
        raise Http404 from exc
    catalogue = selectors_explore.explorer_catalogue(user=viewer, municipality=municipality)
    profile = selectors_explore.area_profile(
        user=viewer, municipality=municipality, area=area, catalogue=catalogue
    )
    urls = _urls(municipality, public=public)
    explore_query = urlencode(
        [("level", area.level.slug), ("areas", area.key)] if area.level.depth > 0 else []
    )
    source_note = selectors_explore.geometry_source_note(
        [area.geometry_source] if area.web_geometry and area.geometry_source else []
    )
    # Every value shown is checked for a correction after its release; the latest year of each
    # indicator is cited (one query).
    shown_pairs = [
        (row.indicator, year)
        for _topic, rows in profile.groups
        for row in rows
        for year, _s in row.cells
    ]
    citations = load_citations(municipality=municipality, pairs=shown_pairs, base=request)
    return render(
        request,
        "atlas_data/area_public.html" if public else "atlas_data/area.html",
        {
            "municipality": municipality,
            "public": public,
            "area": area,
            "children": selectors_explore.area_children(area=area),
            "profile": profile,
            "urls": urls,
            "explore_url": f"{urls['page']}?{explore_query}" if explore_query else urls["page"],
            "source_note": source_note,
            "citations": citations,
            "citation_list": citations.listed(
                (row.indicator.pk, row.cells[0][0]) for _t, rows in profile.groups for row in rows
            ),
            "canonical_url": request.build_absolute_uri(request.path) if public else None,
            "area_config": {
                "geometry": area.web_geometry,
                "tiles": {
                    "url": settings.KECK_TILE_URL,
                    "attribution": settings.KECK_TILE_ATTRIBUTION,
                },
            },
        },
    )
