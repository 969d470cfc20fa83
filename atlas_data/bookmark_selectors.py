"""Reads of bookmarks, scoped by permission: own and published ones, and what the public may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can, require

from .models import Bookmark, Indicator, IndicatorRelease
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
        Bookmark.objects.filter(municipality=municipality, is_published=True).order_by(
            "-published_at", "-pk"
        )
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


def internal_url(bookmark: Bookmark) -> str:
    """The internal view with exactly the stored state: explorer or area report."""
    base = reverse("atlas:index")
    page = "report/" if bookmark.view == Bookmark.View.REPORT else "explore/"
    query = state_query(bookmark.state or {})
    return f"{base}{page}?{query}" if query else f"{base}{page}"


def public_target(bookmark: Bookmark) -> Target:
    """The public view of a published bookmark, when the public atlas offers that view."""
    base = reverse("public_atlas", kwargs={"slug": bookmark.municipality.slug})
    if bookmark.view in EXPLORE_VIEWS:
        page, label = "explore/", _("Open this view in the atlas")
    else:
        page, label = "report/", _("Open the area report")
    query = state_query(bookmark.state or {})
    if not _exists(base + page):
        return Target(None, label)
    return Target(f"{base}{page}?{query}" if query else base + page, label)
