"""Reads of bookmarks, scoped by permission: own and published ones, and what the public may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can, require

from .models import Area, Bookmark, Indicator, IndicatorRelease, SpatialLevel
from .services.bookmarks import EXPLORE_VIEWS, INDICATOR_KEYS, _values, state_query

SCOPES = ("all", "own", "published", "drafts")


def bookmarks_for(
    *,
    user,
    municipality: Municipality,
    scope: str = "all",
    view: str = "",
    search: str = "",
) -> QuerySet[Bookmark]:
    """The bookmarks a member may see: their own and the published ones.

    Those who publish (data admins) see every bookmark of the municipality, so that they can
    review drafts. `scope` narrows to own / published / drafts; `view` to one view type.
    """
    require(user, Action.VIEW_INTERNAL, municipality)
    queryset = Bookmark.objects.filter(municipality=municipality).select_related(
        "created_by", "municipality"
    )
    if not can(user, Action.PUBLISH_BOOKMARK, municipality):
        queryset = queryset.filter(Q(created_by=user) | Q(is_published=True))
    if scope == "own":
        queryset = queryset.filter(created_by=user)
    elif scope == "published":
        queryset = queryset.filter(is_published=True)
    elif scope == "drafts":
        queryset = queryset.filter(is_published=False)
    if view in Bookmark.View.values:
        queryset = queryset.filter(view=view)
    if search.strip():
        queryset = queryset.filter(
            Q(title__icontains=search.strip()) | Q(interpretation__icontains=search.strip())
        )
    return queryset.order_by("-updated", "-pk")


def bookmark_for(*, user, municipality: Municipality, pk: int) -> Bookmark:
    """One bookmark the member may see; Bookmark.DoesNotExist (404) otherwise."""
    return bookmarks_for(user=user, municipality=municipality).get(pk=pk)


def _indicator_ids(bookmark: Bookmark) -> list[int]:
    state = bookmark.state or {}
    return sorted(
        {
            int(ref)
            for key in INDICATOR_KEYS
            if key in state
            for ref in _values(state[key])
            if ref.isdigit()
        }
    )


def unreleased_parts(bookmarks: list[Bookmark]) -> dict[int, list[str]]:
    """Per bookmark: the indicator years it shows that are not released (empty: all public).

    Without a year in the state the view shows the latest year, so then every indicator needs
    at least one released year. Two queries for any number of bookmarks.
    """
    ids = {pk for bookmark in bookmarks for pk in _indicator_ids(bookmark)}
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=ids)}
    released: dict[int, set[int]] = defaultdict(set)
    for indicator_id, year in IndicatorRelease.objects.filter(indicator_id__in=ids).values_list(
        "indicator_id", "year"
    ):
        released[indicator_id].add(year)
    result = {}
    for bookmark in bookmarks:
        raw_year = str((bookmark.state or {}).get("year", ""))
        year = int(raw_year) if raw_year.isdigit() else None
        missing = []
        for pk in _indicator_ids(bookmark):
            indicator = indicators.get(pk)
            if indicator is None or indicator.municipality_id != bookmark.municipality_id:
                missing.append(_("an indicator that no longer exists"))
            elif year is not None and year not in released[pk]:
                missing.append(f"{indicator} {year}")
            elif year is None and not released[pk]:
                missing.append(str(indicator))
        result[bookmark.pk] = missing
    return result


def public_bookmarks(*, municipality: Municipality) -> list[Bookmark]:
    """Published bookmarks whose every indicator year is released: what the public sees."""
    require(None, Action.VIEW_PUBLIC, municipality)
    published = list(
        Bookmark.objects.filter(municipality=municipality, is_published=True)
        .select_related("municipality")
        .order_by("-published_at", "-pk")
    )
    missing = unreleased_parts(published)
    return [bookmark for bookmark in published if not missing[bookmark.pk]]


def public_bookmark(*, municipality: Municipality, pk: int) -> Bookmark:
    """One bookmark as the public may see it; Bookmark.DoesNotExist otherwise."""
    for bookmark in public_bookmarks(municipality=municipality):
        if bookmark.pk == pk:
            return bookmark
    raise Bookmark.DoesNotExist


# --- where a bookmark leads ----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    url: str | None  # None: the view does not exist (yet) at that place
    label: str


def _exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


# The explorer shows map, table and chart on one page: a bookmark of the table or the chart
# jumps to that part.
ANCHORS = {Bookmark.View.TABLE: "#keck-table-title", Bookmark.View.CHART: "#keck-chart-title"}


def _view_url(base: str, bookmark: Bookmark) -> str:
    page = "report/" if bookmark.view == Bookmark.View.REPORT else "explore/"
    query = state_query(bookmark.state or {})
    return f"{base}{page}" + (f"?{query}" if query else "") + ANCHORS.get(bookmark.view, "")


def internal_url(bookmark: Bookmark) -> str:
    """The internal view with exactly the stored state: explorer or area report."""
    return _view_url(reverse("atlas:index"), bookmark)


def public_target(bookmark: Bookmark) -> Target:
    """The public view of a published bookmark, when the public atlas offers that view."""
    base = reverse("public_atlas", kwargs={"slug": bookmark.municipality.slug})
    if bookmark.view in EXPLORE_VIEWS:
        page, label = "explore/", _("Open this view in the atlas")
    else:
        page, label = "report/", _("Open the area report")
    if not _exists(base + page):
        return Target(None, label)
    return Target(_view_url(base, bookmark), label)


# --- what a bookmark shows, in words ---------------------------------------------------------


@dataclass(frozen=True)
class Description:
    indicators: list[str]
    level: str
    year: str
    areas: list[str]

    def __str__(self) -> str:
        parts = [", ".join(self.indicators)] if self.indicators else []
        parts += [part for part in (self.level, self.year) if part]
        if self.areas:
            parts.append(", ".join(self.areas))
        return " · ".join(parts)


def describe(*, municipality: Municipality, states: list[dict]) -> list[Description]:
    """The indicators, level, year and areas of each state as names; three queries in all."""
    indicator_ids, area_refs = set(), set()
    for state in states:
        for key in INDICATOR_KEYS:
            indicator_ids |= {int(v) for v in _values(state.get(key, "")) if v.isdigit()}
        area_refs |= set(_values(state.get("areas", "")))
    names = {
        pk: short_name or name
        for pk, short_name, name in Indicator.objects.filter(
            municipality=municipality, pk__in=indicator_ids
        ).values_list("pk", "short_name", "name")
    }
    levels = {}
    for pk, slug, name in SpatialLevel.objects.filter(municipality=municipality).values_list(
        "pk", "slug", "name"
    ):
        levels[slug] = levels[str(pk)] = name
    areas = {}
    numeric = [int(ref) for ref in area_refs if ref.isdigit()]
    for pk, key, name in (
        Area.objects.filter(municipality=municipality)
        .filter(Q(key__in=area_refs) | Q(pk__in=numeric))
        .values_list("pk", "key", "name")
    ):
        areas[key] = name
        areas.setdefault(str(pk), name)
    result = []
    for state in states:
        ids = []
        for key in ("indicator", "indicators", "bars"):
            ids += [int(v) for v in _values(state.get(key, "")) if v.isdigit()]
        result.append(
            Description(
                indicators=[names.get(pk, f"#{pk}") for pk in dict.fromkeys(ids)],
                level=levels.get(str(state.get("level", "")), ""),
                year=str(state.get("year", "")),
                areas=[areas.get(ref, ref) for ref in _values(state.get("areas", ""))],
            )
        )
    return result


def public_url(bookmark: Bookmark) -> str:
    return reverse(
        "public_bookmark", kwargs={"slug": bookmark.municipality.slug, "pk": bookmark.pk}
    )


# --- the numbers of a public bookmark ----------------------------------------------------------

MAX_TABLE_COLUMNS = 6


@dataclass(frozen=True)
class BookmarkTable:
    """The values a bookmark shows, as the public sees them: areas × indicators."""

    level: SpatialLevel
    columns: list[tuple[Indicator, int]]  # (indicator, year)
    rows: list[tuple[str, list]]  # (area name, one Shown per column)
    reference: tuple[str, list] | None  # (the municipality, one Shown per column)
    area_ids: list[int] = field(default_factory=list)  # of `rows`, in their order


def public_tables(bookmark: Bookmark) -> BookmarkTable | None:
    """The numbers of a published explorer bookmark as a table, through `values_table`.

    The public sees only released indicator years; anything else is left out. A fixed number
    of queries per indicator.
    """
    from . import selectors

    municipality = bookmark.municipality
    state = bookmark.state or {}
    if bookmark.view not in EXPLORE_VIEWS:
        return None
    ids = []
    for key in ("indicator", "indicators", "bars"):
        ids += [int(v) for v in _values(state.get(key, "")) if v.isdigit()]
    ids = list(dict.fromkeys(ids))[:MAX_TABLE_COLUMNS]
    indicators = {
        i.pk: i
        for i in selectors.indicators_for(user=None, municipality=municipality).filter(pk__in=ids)
    }
    ordered = [indicators[pk] for pk in ids if pk in indicators]
    level = None
    if state.get("level"):
        level = selectors.level_for(user=None, municipality=municipality, ref=str(state["level"]))
    level = level or selectors.default_level(user=None, municipality=municipality)
    if level is None or not ordered:
        return None
    years = selectors.indicator_years(user=None, municipality=municipality, indicators=ordered)
    raw_year = str(state.get("year", ""))
    columns, tables = [], []
    for indicator in ordered:
        released = years[indicator.pk].released
        year = int(raw_year) if raw_year.isdigit() else (released[-1] if released else None)
        if year is None or year not in released:
            continue
        columns.append((indicator, year))
        tables.append(
            selectors.values_table(
                user=None, indicator=indicator, year=year, level=level, released=True
            )
        )
    if not tables:
        return None
    names = {row.area_id: row.area_name for row in tables[0].rows}
    by_area = [{row.area_id: row.shown for row in table.rows} for table in tables]
    rows = [(names[pk], [cells.get(pk) for cells in by_area]) for pk in names]
    reference = None
    if tables[0].reference is not None:
        reference = (
            tables[0].reference.area_name,
            [table.reference.shown if table.reference else None for table in tables],
        )
    return BookmarkTable(
        level=level, columns=columns, rows=rows, reference=reference, area_ids=list(names)
    )
