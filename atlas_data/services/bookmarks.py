"""Bookmarks (Lesezeichen): saving, changing, deleting and publishing saved atlas views.

A bookmark keeps the query parameters of the view it saves (`Bookmark.state`), so opening it
reproduces that view exactly. The state is validated when it is saved: only the query keys the
atlas views understand (STATE_KEYS), with values of the right kind, and only ids of indicators,
levels and areas of the bookmark's own municipality.

Permissions: every member may create bookmarks and change or delete their own drafts; data
admins (PUBLISH_BOOKMARK) publish and withdraw bookmarks and may change any bookmark. A
published bookmark speaks to the public, so only those who may publish change or delete it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can, require

from ..classification import MAX_CLASSES, METHODS, MIN_CLASSES
from ..models import Area, Bookmark, Indicator, SpatialLevel
from .errors import AtlasError

MAX_TITLE = Bookmark._meta.get_field("title").max_length
MAX_VALUE_LENGTH = 500
MIN_YEAR, MAX_YEAR = 1900, 2100
EXPLORE_VIEWS = (Bookmark.View.MAP, Bookmark.View.TABLE, Bookmark.View.CHART)

# The query keys of the atlas views and what their values are: the explorer
# (views_explore.ExplorerState.params: level, indicator, year, indicators, bars, method,
# classes, breaks, chart, areas as keys) and the area report (areas as ids, year). Lists are
# comma-separated or repeated keys. Everything else is refused.
INDICATOR_KEYS = frozenset({"indicator", "indicators", "bars"})
LEVEL_KEYS = frozenset({"level"})
AREA_KEYS = frozenset({"areas"})
YEAR_KEYS = frozenset({"year"})
CHOICE_KEYS = {
    "method": tuple(METHODS),
    "chart": ("column", "bar", "scatter", "line"),
}
NUMBER_KEYS = {"classes": (MIN_CLASSES, MAX_CLASSES)}
# Manual class breaks as a person types them: "10; 15,5; 20".
TEXT_KEYS = {"breaks": re.compile(r"^[0-9.,;\s+-]*$")}
STATE_KEYS = (
    INDICATOR_KEYS | LEVEL_KEYS | AREA_KEYS | YEAR_KEYS | set(CHOICE_KEYS) | set(NUMBER_KEYS)
) | set(TEXT_KEYS)
# The order in which a state is written as a query string: the explorer's own, so that the
# URL is the same on every database.
_KEY_ORDER = (
    "level",
    "indicator",
    "year",
    "indicators",
    "bars",
    "method",
    "classes",
    "breaks",
    "chart",
    "areas",
)


class BookmarkError(AtlasError):
    """A bookmark that cannot be saved or changed, with a message a member can read."""


State = dict[str, str | list[str]]


# --- the state ---------------------------------------------------------------------------------


def parse_state(query: str | Mapping) -> State:
    """A query string (`level=gemeinden&indicator=3`) or a mapping as a state dict.

    Keys that repeat keep all their values as a list; empty values are dropped.
    """
    if isinstance(query, Mapping):
        pairs = []
        for key, value in query.items():
            values = value if isinstance(value, list | tuple) else [value]
            pairs += [(str(key), "" if v is None else str(v)) for v in values]
    else:
        pairs = parse_qsl(str(query or "").lstrip("?"), keep_blank_values=False)
    state: dict[str, list[str]] = {}
    for key, value in pairs:
        value = value.strip()
        if value:
            state.setdefault(key.strip(), []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in state.items()}


def state_query(state: Mapping) -> str:
    """The query string of a state, keys in a fixed order, so the URL is the same every time."""
    keys = sorted(state, key=lambda k: (_KEY_ORDER.index(k) if k in _KEY_ORDER else 99, k))
    return urlencode([(key, state[key]) for key in keys], doseq=True, safe=",;")


def _values(value: str | list[str]) -> list[str]:
    """The single values of one key: repeated keys and comma-separated lists alike."""
    items = value if isinstance(value, list) else [value]
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


@dataclass(frozen=True)
class StateRefs:
    """What a state refers to: indicator ids, the level, area ids and years."""

    indicator_ids: list[int]
    level: SpatialLevel | None
    area_ids: list[int]
    years: list[int]


def validate_state(*, municipality: Municipality, state: Mapping, view: str) -> State:
    """The state cleaned and checked, or a BookmarkError naming the first problem in German.

    The explorer shows map, table and chart on one page, so the view type is kept in the
    bookmark, not in the state (a `view` parameter is dropped). The area report needs at least
    one area, the explorer views an indicator.
    """
    state = parse_state(state)
    state.pop("view", None)
    if view not in Bookmark.View.values:
        raise BookmarkError(_("Unknown view “%(view)s”.") % {"view": view})
    unknown = sorted(set(state) - STATE_KEYS)
    if unknown:
        raise BookmarkError(
            _("The view state contains unknown parameters: %(keys)s.")
            % {"keys": ", ".join(unknown)}
        )
    for key, value in state.items():
        _check_value(key, value if isinstance(value, list) else [value])
    refs = state_refs(municipality=municipality, state=state)
    if view == Bookmark.View.REPORT and not refs.area_ids:
        raise BookmarkError(_("An area report bookmark needs at least one area."))
    if view in EXPLORE_VIEWS and not refs.indicator_ids:
        raise BookmarkError(_("The view state names no indicator."))
    return state


def _check_value(key: str, items: list[str]) -> None:
    """The values of one key have the kind the key needs; ids are checked in `state_refs`."""
    if any(len(item) > MAX_VALUE_LENGTH for item in items):
        raise BookmarkError(_("The parameter “%(key)s” is too long.") % {"key": key})
    single = len(items) == 1
    if key in CHOICE_KEYS:
        if not single or items[0] not in CHOICE_KEYS[key]:
            raise BookmarkError(
                _("“%(value)s” is not a valid value for “%(key)s”.")
                % {"value": ", ".join(items), "key": key}
            )
    elif key in NUMBER_KEYS:
        low, high = NUMBER_KEYS[key]
        if not (single and items[0].isdigit() and low <= int(items[0]) <= high):
            raise BookmarkError(
                _("“%(key)s” must be a whole number from %(min)d to %(max)d.")
                % {"key": key, "min": low, "max": high}
            )
    elif key in TEXT_KEYS:
        if not single or not TEXT_KEYS[key].match(items[0]):
            raise BookmarkError(
                _("“%(value)s” is not a valid value for “%(key)s”.")
                % {"value": ", ".join(items), "key": key}
            )
    elif key in YEAR_KEYS and not (
        single and items[0].isdigit() and MIN_YEAR <= int(items[0]) <= MAX_YEAR
    ):
        raise BookmarkError(_("“%(value)s” is not a year.") % {"value": ", ".join(items)})


def state_refs(*, municipality: Municipality, state: Mapping) -> StateRefs:
    """Resolve the ids in a state within `municipality`; a BookmarkError for any foreign one.

    Three queries at most, however many ids the state names.
    """
    indicator_refs = [v for key in INDICATOR_KEYS if key in state for v in _values(state[key])]
    bad = [ref for ref in indicator_refs if not ref.isdigit()]
    if bad:
        raise BookmarkError(_("“%(value)s” is not an indicator id.") % {"value": bad[0]})
    wanted = {int(ref) for ref in indicator_refs}
    found = set(
        Indicator.objects.filter(municipality=municipality, pk__in=wanted).values_list(
            "pk", flat=True
        )
    )
    if wanted - found:
        raise BookmarkError(
            _("Indicator %(id)s does not exist in %(municipality)s.")
            % {"id": min(wanted - found), "municipality": municipality.name}
        )
    level = None
    if "level" in state:
        (ref,) = _values(state["level"])[:1] or [""]
        levels = SpatialLevel.objects.filter(municipality=municipality)
        lookup = Q(slug=ref) | Q(pk=int(ref)) if ref.isdigit() else Q(slug=ref)
        level = levels.filter(lookup).first()
        if level is None or len(_values(state["level"])) > 1:
            raise BookmarkError(
                _("Level “%(level)s” does not exist in %(municipality)s.")
                % {"level": state["level"], "municipality": municipality.name}
            )
    area_refs = [v for key in AREA_KEYS if key in state for v in _values(state[key])]
    area_ids: list[int] = []
    if area_refs:
        numeric = [int(ref) for ref in area_refs if ref.isdigit()]
        rows = Area.objects.filter(municipality=municipality).filter(
            Q(pk__in=numeric) | Q(key__in=area_refs)
        )
        by_ref = {}
        for pk, key in rows.values_list("pk", "key"):
            by_ref[str(pk)] = pk
            by_ref.setdefault(key, pk)
        for ref in area_refs:
            if ref not in by_ref:
                raise BookmarkError(
                    _("Area “%(area)s” does not exist in %(municipality)s.")
                    % {"area": ref, "municipality": municipality.name}
                )
            area_ids.append(by_ref[ref])
    years = [int(state["year"])] if "year" in state else []
    return StateRefs(
        indicator_ids=sorted(wanted), level=level, area_ids=area_ids, years=sorted(set(years))
    )


# --- permissions -------------------------------------------------------------------------------


def may_change(user, bookmark: Bookmark) -> bool:
    """Own drafts for every member; every bookmark (published ones too) for those who publish."""
    municipality = bookmark.municipality
    if can(user, Action.PUBLISH_BOOKMARK, municipality):
        return True
    return (
        not bookmark.is_published
        and bookmark.created_by_id is not None
        and bookmark.created_by_id == getattr(user, "pk", None)
        and can(user, Action.CREATE_BOOKMARK, municipality)
    )


def refusal(user, bookmark: Bookmark) -> str | None:
    """Why `user` may not change or delete `bookmark`, in words; None when they may."""
    if may_change(user, bookmark):
        return None
    if bookmark.is_published and bookmark.created_by_id == getattr(user, "pk", None):
        return _(
            "This bookmark is published. Ask a data administrator to withdraw it before "
            "you change or delete it."
        )
    return _("Only its author or a data administrator may change this bookmark.")


def _require_change(user, bookmark: Bookmark) -> None:
    require(user, Action.CREATE_BOOKMARK, bookmark.municipality)
    reason = refusal(user, bookmark)
    if reason:
        raise BookmarkError(reason)


# --- writes ------------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join(str(title or "").split())
    if not title:
        raise BookmarkError(_("A bookmark needs a title."))
    if len(title) > MAX_TITLE:
        raise BookmarkError(
            _("The title may have at most %(max)d characters.") % {"max": MAX_TITLE}
        )
    return title


@transaction.atomic
def create_bookmark(
    *,
    user,
    municipality: Municipality,
    title: str,
    view: str,
    state: Mapping | str,
    interpretation: str = "",
) -> Bookmark:
    """Save a view as a new (unpublished) bookmark of `user`."""
    require(user, Action.CREATE_BOOKMARK, municipality)
    bookmark = Bookmark(
        municipality=municipality,
        title=_clean_title(title),
        interpretation=str(interpretation or "").strip(),
        view=view,
        state=validate_state(municipality=municipality, state=state, view=view),
        created_by=user,
    )
    bookmark._history_user = user
    bookmark.save()
    return bookmark


@transaction.atomic
def update_bookmark(
    *,
    user,
    bookmark: Bookmark,
    title: str | None = None,
    view: str | None = None,
    state: Mapping | str | None = None,
    interpretation: str | None = None,
) -> Bookmark:
    """Change title, interpretation, view or state; an edit that changes nothing writes nothing."""
    _require_change(user, bookmark)
    view = bookmark.view if view is None else view
    new = {
        "title": bookmark.title if title is None else _clean_title(title),
        "interpretation": (
            bookmark.interpretation if interpretation is None else str(interpretation).strip()
        ),
        "view": view,
        "state": validate_state(
            municipality=bookmark.municipality,
            state=bookmark.state if state is None else state,
            view=view,
        ),
    }
    changed = [name for name, value in new.items() if getattr(bookmark, name) != value]
    if not changed:
        return bookmark
    for name in changed:
        setattr(bookmark, name, new[name])
    bookmark._history_user = user
    bookmark.save()
    return bookmark


@transaction.atomic
def delete_bookmark(*, user, bookmark: Bookmark) -> None:
    _require_change(user, bookmark)
    bookmark._history_user = user  # the history keeps who deleted it
    bookmark.delete()


@transaction.atomic
def publish_bookmark(*, user, bookmark: Bookmark) -> Bookmark:
    """Show a bookmark in the public atlas (once all its data is released); again: no change."""
    require(user, Action.PUBLISH_BOOKMARK, bookmark.municipality)
    if bookmark.is_published:
        return bookmark
    bookmark.is_published = True
    bookmark.published_at = timezone.now()
    bookmark._history_user = user
    bookmark.save()
    return bookmark


@transaction.atomic
def unpublish_bookmark(*, user, bookmark: Bookmark) -> Bookmark:
    """Take a bookmark back from the public atlas."""
    require(user, Action.PUBLISH_BOOKMARK, bookmark.municipality)
    if not bookmark.is_published:
        return bookmark
    bookmark.is_published = False
    bookmark.published_at = None
    bookmark._history_user = user
    bookmark.save()
    return bookmark
