"""Reads of the analysis steps, scoped through the permission module: members and leadership
read, coordinators write (through services_analysis). A fixed number of queries per list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from accounts.models import Municipality
from accounts.permissions import Action, can, require
from atlas_data.models import Area, Bookmark
from atlas_data.selectors import values_table
from atlas_data.suppression import STATUS_SUPPRESSED

from .models import (
    Conference,
    FieldOfAction,
    Finding,
    NeedForAction,
    Prioritisation,
    PrioritisationIndicator,
    SwotEntry,
)


def may_edit(user, municipality: Municipality) -> bool:
    return can(user, Action.MANAGE_CONFERENCES, municipality)


def conferences_for(*, user, municipality: Municipality) -> QuerySet[Conference]:
    require(user, Action.VIEW_INTERNAL, municipality)
    return (
        Conference.objects.filter(municipality=municipality)
        .select_related("municipality")
        .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("key")))
        .order_by("kind", "name")
    )


def conference_for(*, user, municipality: Municipality, pk: int) -> Conference:
    """One conference of the municipality; Conference.DoesNotExist (404) otherwise."""
    return conferences_for(user=user, municipality=municipality).get(pk=pk)


# ---------------------------------------------------------------------------------------------
# SWOT


def swot_entries_for(
    *, user, conference: Conference, area: Area | None = None, all_areas: bool = False
) -> QuerySet[SwotEntry]:
    """The SWOT of the conference (area None) or of one area; `all_areas` gives every entry."""
    require(user, Action.VIEW_INTERNAL, conference.municipality)
    queryset = SwotEntry.objects.filter(conference=conference).select_related(
        "area",
        "indicator",
        "indicator__municipality",
        "evidence_area",
        "evidence_area__level",
        "bookmark",
        "created_by",
    )
    if not all_areas:
        queryset = queryset.filter(area=area)
    return queryset.order_by("quadrant", "order", "pk")


@dataclass(frozen=True)
class Evidence:
    """What backs a SWOT entry, as the viewer may see it."""

    kind: str
    label: str
    value_display: str | None = None
    suppressed: bool = False
    reference_display: str | None = None
    reference_name: str | None = None
    explore_url: str | None = None
    bookmark_title: str | None = None
    bookmark_url: str | None = None
    note: str = ""


def evidence_for(
    *, user, municipality: Municipality, entries: list[SwotEntry]
) -> dict[int, Evidence]:
    """The evidence of each entry; data values through values_table, one table per indicator,
    year and level however many entries share it."""
    from atlas_data.bookmark_selectors import bookmarks_for, internal_url

    result: dict[int, Evidence] = {}
    groups: dict[tuple[int, int, int], list[SwotEntry]] = defaultdict(list)
    bookmark_ids = set()
    for entry in entries:
        if entry.evidence_kind != SwotEntry.Evidence.DATA:
            continue
        if entry.indicator_id and entry.evidence_area_id and entry.evidence_year:
            key = (entry.indicator_id, entry.evidence_year, entry.evidence_area.level_id)
            groups[key].append(entry)
        if entry.bookmark_id:
            bookmark_ids.add(entry.bookmark_id)
    tables = {}
    for (_indicator, year, _level), members in groups.items():
        first = members[0]
        tables[(_indicator, year, _level)] = values_table(
            user=user, indicator=first.indicator, year=year, level=first.evidence_area.level
        )
    visible_bookmarks = set()
    if bookmark_ids:
        visible_bookmarks = set(
            bookmarks_for(user=user, municipality=municipality)
            .filter(pk__in=bookmark_ids)
            .values_list("pk", flat=True)
        )
    explore = reverse("atlas:explore")
    for entry in entries:
        label = SwotEntry.Evidence(entry.evidence_kind).label if entry.evidence_kind else ""
        if entry.evidence_kind != SwotEntry.Evidence.DATA:
            result[entry.pk] = Evidence(
                kind=entry.evidence_kind, label=label, note=entry.evidence_note
            )
            continue
        fields = {"kind": entry.evidence_kind, "label": label, "note": entry.evidence_note}
        if entry.indicator_id and entry.evidence_area_id and entry.evidence_year:
            table = tables[(entry.indicator_id, entry.evidence_year, entry.evidence_area.level_id)]
            row = next((r for r in table.rows if r.area_id == entry.evidence_area_id), None)
            if row is not None:
                fields["value_display"] = row.shown.display
                fields["suppressed"] = row.shown.status == STATUS_SUPPRESSED
            if table.reference is not None and entry.evidence_area.level.depth > 0:
                fields["reference_display"] = table.reference.shown.display
                fields["reference_name"] = table.reference.area_name
            fields["explore_url"] = (
                explore
                + "?"
                + urlencode(
                    {
                        "level": entry.evidence_area.level.slug,
                        "indicator": entry.indicator_id,
                        "year": entry.evidence_year,
                    }
                )
            )
        if entry.bookmark_id:
            if entry.bookmark_id in visible_bookmarks:
                fields["bookmark_title"] = entry.bookmark.title
                fields["bookmark_url"] = internal_url(entry.bookmark)
            else:
                fields["bookmark_title"] = None
        result[entry.pk] = Evidence(**fields)
    return result


@dataclass(frozen=True)
class BoardEntry:
    entry: SwotEntry
    evidence: Evidence


def swot_board(*, user, conference: Conference, area: Area | None = None) -> dict[str, list]:
    """The four quadrants of one SWOT, in the board's order, with each entry's evidence."""
    entries = list(swot_entries_for(user=user, conference=conference, area=area))
    evidence = evidence_for(user=user, municipality=conference.municipality, entries=entries)
    board = {quadrant: [] for quadrant in SwotEntry.Quadrant.values}
    for entry in entries:
        board[entry.quadrant].append(BoardEntry(entry, evidence[entry.pk]))
    return board


def swot_areas(*, conference: Conference) -> list[Area]:
    """The areas a SWOT may be about: the conference's areas; for a municipal conference the
    areas of the first level below the municipality."""
    own = list(conference.areas.all())
    if own:
        return own
    return list(
        Area.objects.filter(municipality_id=conference.municipality_id, level__depth=1).order_by(
            "key"
        )
    )


# ---------------------------------------------------------------------------------------------
# Findings, needs, fields of action


def findings_for(*, user, conference: Conference, state: str | None = None) -> QuerySet[Finding]:
    require(user, Action.VIEW_INTERNAL, conference.municipality)
    queryset = Finding.objects.filter(conference=conference).select_related(
        "indicator", "area", "decided_by"
    )
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-year", "indicator__name", "kind", "area__key")


def needs_for(*, user, conference: Conference) -> QuerySet[NeedForAction]:
    require(user, Action.VIEW_INTERNAL, conference.municipality)
    return (
        NeedForAction.objects.filter(conference=conference)
        .select_related("area")
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("area", "indicator")),
            Prefetch("swot_entries", queryset=SwotEntry.objects.order_by("quadrant", "pk")),
        )
        .order_by("priority", "pk")
    )


def fields_for(*, user, conference: Conference) -> QuerySet[FieldOfAction]:
    require(user, Action.VIEW_INTERNAL, conference.municipality)
    return (
        FieldOfAction.objects.filter(conference=conference)
        .select_related("derived_from", "derived_from__conference")
        .prefetch_related(Prefetch("needs", queryset=NeedForAction.objects.order_by("pk")))
        .order_by("priority", "title", "pk")
    )


def municipal_fields(*, user, municipality: Municipality) -> QuerySet[FieldOfAction]:
    """Fields of action of the social planning conferences: what area conferences derive from."""
    require(user, Action.VIEW_INTERNAL, municipality)
    return (
        FieldOfAction.objects.filter(
            conference__municipality=municipality, conference__kind=Conference.Kind.PLANNING
        )
        .select_related("conference")
        .order_by("conference__name", "priority", "title")
    )


# ---------------------------------------------------------------------------------------------
# Prioritisations


def prioritisations_for(*, user, conference: Conference) -> QuerySet[Prioritisation]:
    require(user, Action.VIEW_INTERNAL, conference.municipality)
    return (
        Prioritisation.objects.filter(conference=conference)
        .select_related("level", "confirmed_by", "computed_by", "conference")
        .prefetch_related(
            Prefetch("urgent_areas", queryset=Area.objects.order_by("key")),
            Prefetch("good_areas", queryset=Area.objects.order_by("key")),
            Prefetch(
                "inputs",
                queryset=PrioritisationIndicator.objects.select_related(
                    "indicator", "indicator__municipality"
                ).order_by("order", "pk"),
            ),
        )
    )


def prioritisation_for(*, user, conference: Conference, pk: int) -> Prioritisation:
    return prioritisations_for(user=user, conference=conference).get(pk=pk)


def bookmarks_for_evidence(*, user, municipality: Municipality) -> QuerySet[Bookmark]:
    from atlas_data.bookmark_selectors import bookmarks_for

    return bookmarks_for(user=user, municipality=municipality)
