"""Every write of the analysis steps: SWOT entries, findings proposed from the data and decided
by people, needs and fields of action, and prioritisations of areas.

Values come only through `atlas_data.selectors.values_table`, read as a member reads them
(`accounts.permissions.file_reader`): what is stored here (proposal texts, numbers, ranking
snapshots) is shown to everyone who reads the conference, so it never holds a suppressed number,
not even when a data admin triggers the computation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, file_reader, require
from atlas_data.aggregation import COUNT, SHARE, UNWEIGHTED_MEAN
from atlas_data.models import Area, Indicator, SpatialLevel
from atlas_data.selectors import indicator_years, values_table
from atlas_data.suppression import SYMBOL_UNITS, format_number

from . import analysis_math
from .models import (
    Conference,
    FieldOfAction,
    Finding,
    NeedForAction,
    Prioritisation,
    PrioritisationIndicator,
    SwotEntry,
)
from .models.analysis import Priority


class AnalysisError(Exception):
    """An analysis operation that cannot be done; `field` names the input at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _require_manage(user, conference: Conference) -> None:
    require(user, Action.MANAGE_CONFERENCES, conference.municipality)


def _reader(user, municipality):
    """A member's view of the atlas: suppressed values as None, whoever asks."""
    reader = file_reader(user, municipality)
    if reader is None:
        raise PermissionDenied(_("You are not allowed to do this in this municipality."))
    return reader


def _text(value, *, field_name: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise AnalysisError(_("Please fill in: %(field)s.") % {"field": label}, field=field_name)
    return text


def _priority(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in Priority.values:
        raise AnalysisError(_("The priority is 1 (high), 2 (medium) or 3 (low)."), field="priority")
    return number


def _own(obj, municipality, *, field_name: str, what: str):
    """`obj` unless it belongs to another municipality."""
    if obj is not None and obj.municipality_id != municipality.pk:
        raise AnalysisError(
            _("%(what)s does not belong to %(municipality)s.")
            % {"what": what, "municipality": municipality.name},
            field=field_name,
        )
    return obj


def conference_area_ids(conference: Conference, areas: Iterable[Area] | None = None) -> set[int]:
    """The areas of an area conference and every area below them (empty: no restriction)."""
    own = {area.pk for area in conference.areas.all()}
    if not own:
        return set()
    if areas is None:
        areas = Area.objects.filter(municipality_id=conference.municipality_id).only(
            "id", "parent_id"
        )
    parents = {area.pk: area.parent_id for area in areas}
    result = set()
    for area_id in parents:
        node = area_id
        while node is not None:
            if node in own:
                result.add(area_id)
                break
            node = parents.get(node)
    return result


def _check_area(conference: Conference, area: Area | None, *, field_name: str) -> Area | None:
    if area is None:
        return None
    _own(area, conference.municipality, field_name=field_name, what=area.name)
    allowed = conference_area_ids(conference)
    if allowed and area.pk not in allowed:
        raise AnalysisError(
            _("%(area)s is not an area of this conference.") % {"area": area.name},
            field=field_name,
        )
    return area


# ---------------------------------------------------------------------------------------------
# SWOT

SWOT_FIELDS = (
    "quadrant",
    "text",
    "area",
    "evidence_kind",
    "indicator",
    "evidence_area",
    "evidence_year",
    "bookmark",
    "evidence_note",
    "order",
)


def _clean_swot(*, user, conference: Conference, data: dict) -> dict:
    municipality = conference.municipality
    quadrant = data.get("quadrant")
    if quadrant not in SwotEntry.Quadrant.values:
        raise AnalysisError(_("Choose strength, weakness, opportunity or risk."), field="quadrant")
    kind = data.get("evidence_kind") or ""
    if kind not in SwotEntry.Evidence.values:
        raise AnalysisError(_("Unknown kind of evidence."), field="evidence_kind")
    cleaned = {
        "quadrant": quadrant,
        "text": _text(data.get("text"), field_name="text", label=_("text")),
        "area": _check_area(conference, data.get("area"), field_name="area"),
        "evidence_kind": kind,
        "evidence_note": (data.get("evidence_note") or "").strip(),
        "order": int(data.get("order") or 0),
        "indicator": None,
        "evidence_area": None,
        "evidence_year": None,
        "bookmark": None,
    }
    if kind != SwotEntry.Evidence.DATA:
        return cleaned
    indicator = _own(
        data.get("indicator"), municipality, field_name="indicator", what=_("The indicator")
    )
    area = data.get("evidence_area")
    if area is not None:
        _own(area, municipality, field_name="evidence_area", what=area.name)
    year = data.get("evidence_year")
    bookmark = data.get("bookmark")
    if bookmark is not None:
        from atlas_data.bookmark_selectors import bookmarks_for

        _own(bookmark, municipality, field_name="bookmark", what=_("The bookmark"))
        if not bookmarks_for(user=user, municipality=municipality).filter(pk=bookmark.pk).exists():
            raise AnalysisError(_("You cannot see this bookmark."), field="bookmark")
    value_parts = [indicator, area, year]
    if any(part is not None for part in value_parts):
        if indicator is None:
            raise AnalysisError(_("Choose the indicator of the value."), field="indicator")
        if area is None:
            raise AnalysisError(_("Choose the area of the value."), field="evidence_area")
        if year is None:
            raise AnalysisError(_("Choose the year of the value."), field="evidence_year")
        years = indicator_years(user=user, municipality=municipality, indicators=[indicator])
        if year not in years[indicator.pk].years:
            raise AnalysisError(
                _("%(indicator)s has no values for %(year)s.")
                % {"indicator": indicator, "year": year},
                field="evidence_year",
            )
    elif bookmark is None:
        raise AnalysisError(
            _("Data as evidence needs an indicator with area and year, or a bookmark."),
            field="indicator",
        )
    cleaned.update(indicator=indicator, evidence_area=area, evidence_year=year, bookmark=bookmark)
    return cleaned


@transaction.atomic
def create_swot_entry(*, user, conference: Conference, data: dict) -> SwotEntry:
    _require_manage(user, conference)
    cleaned = _clean_swot(user=user, conference=conference, data=data)
    return SwotEntry.objects.create(
        municipality=conference.municipality, conference=conference, created_by=user, **cleaned
    )


@transaction.atomic
def update_swot_entry(*, user, entry: SwotEntry, data: dict) -> SwotEntry:
    _require_manage(user, entry.conference)
    merged = {name: getattr(entry, name) for name in SWOT_FIELDS} | data
    cleaned = _clean_swot(user=user, conference=entry.conference, data=merged)
    for name, value in cleaned.items():
        setattr(entry, name, value)
    entry.save()
    return entry


@transaction.atomic
def delete_swot_entry(*, user, entry: SwotEntry) -> None:
    _require_manage(user, entry.conference)
    entry.delete()


# ---------------------------------------------------------------------------------------------
# Findings

DEFAULT_K = 1.0
DEFAULT_TOP = 3
MAX_TOP = 20


@dataclass
class ProposalResult:
    created: list[Finding] = field(default_factory=list)
    already_there: int = 0  # proposed or accepted before
    dismissed_before: int = 0  # not proposed again
    notes: list[str] = field(default_factory=list)  # why some indicator gave nothing


def _number(value: float, indicator: Indicator, *, decimals: int | None = None) -> str:
    return format_number(
        value,
        decimals=indicator.decimals if decimals is None else decimals,
        unit=indicator.unit,
        kind=indicator.kind,
    )


def _change_text(change: float, indicator: Indicator) -> str:
    sign = "+" if change > 0 else ""
    number = format_number(change, decimals=indicator.decimals, kind=indicator.kind)
    if indicator.kind == SHARE:
        return _("%(number)s percentage points") % {"number": sign + number}
    if indicator.unit and indicator.unit not in SYMBOL_UNITS:
        return f"{sign}{number} {indicator.unit}"
    unit = f" {indicator.unit}" if indicator.unit else ""
    return f"{sign}{number}{unit}"


def _assessment(indicator: Indicator, *, higher: bool) -> str:
    polarity = indicator.polarity
    if polarity == Indicator.Polarity.HIGHER_WORSE:
        return Finding.Assessment.UNFAVOURABLE if higher else Finding.Assessment.FAVOURABLE
    if polarity == Indicator.Polarity.HIGHER_BETTER:
        return Finding.Assessment.FAVOURABLE if higher else Finding.Assessment.UNFAVOURABLE
    return Finding.Assessment.NEUTRAL


def _deviation_text(*, indicator, area_name, year, numbers, assessment, higher) -> str:
    if assessment == Finding.Assessment.UNFAVOURABLE:
        how = _("notably unfavourable")
    elif assessment == Finding.Assessment.FAVOURABLE:
        how = _("notably favourable")
    else:
        how = _("notably high") if higher else _("notably low")
    where = _("above the reference") if higher else _("below the reference")
    return _(
        "%(area)s: %(indicator)s %(year)s %(assessment)s: %(value)s (reference %(reference_area)s:"
        " %(reference)s), %(z)s standard deviations %(direction)s."
    ) % {
        "area": area_name,
        "indicator": indicator.name,
        "year": year,
        "assessment": how,
        "value": numbers["value_display"],
        "reference_area": numbers["reference_area"],
        "reference": numbers["reference_display"],
        "z": numbers["z_display"],
        "direction": where,
    }


def _change_text_sentence(*, indicator, area_name, numbers, assessment) -> str:
    values = {
        "area": area_name,
        "indicator": indicator.name,
        "previous_year": numbers["previous_year"],
        "year": numbers["year"],
        "previous": numbers["previous_display"],
        "current": numbers["value_display"],
        "change": numbers["change_display"],
    }
    if assessment == Finding.Assessment.NEUTRAL:
        return (
            _(
                "%(area)s: %(indicator)s changed most from %(previous_year)s to %(year)s: "
                "%(previous)s → %(current)s (%(change)s)."
            )
            % values
        )
    values["assessment"] = (
        _("an unfavourable development")
        if assessment == Finding.Assessment.UNFAVOURABLE
        else _("a favourable development")
    )
    return (
        _(
            "%(area)s: %(indicator)s changed most from %(previous_year)s to %(year)s, "
            "%(assessment)s: %(previous)s → %(current)s (%(change)s)."
        )
        % values
    )


def _reference_numbers(table) -> dict | None:
    reference = table.reference
    if reference is None or reference.shown.value is None:
        return None
    if reference.shown.origin == UNWEIGHTED_MEAN:
        label = _("unweighted mean of the areas")
    else:
        label = reference.area_name
    return {
        "reference": reference.shown.value,
        "reference_display": reference.shown.display,
        "reference_origin": reference.shown.origin,
        "reference_area": label,
    }


def _validate_proposal(*, conference, level, indicators, k, top, kinds):
    municipality = conference.municipality
    if level is None or level.municipality_id != municipality.pk:
        raise AnalysisError(_("Choose a spatial level of this municipality."), field="level")
    if level.depth == 0:
        raise AnalysisError(
            _("Choose a level below the whole municipality: findings compare its areas."),
            field="level",
        )
    if not indicators:
        raise AnalysisError(_("Choose at least one indicator."), field="indicators")
    for indicator in indicators:
        _own(indicator, municipality, field_name="indicators", what=indicator.name)
    if not kinds or not set(kinds) <= set(Finding.Kind.values):
        raise AnalysisError(
            _("Choose deviations, changes or both."),
            field="kinds",
        )
    if not (isinstance(k, int | float) and math.isfinite(k) and 0 < k <= 5):
        raise AnalysisError(
            _("The number of standard deviations lies between 0 and 5, e.g. 1."), field="k"
        )
    if not (isinstance(top, int) and 1 <= top <= MAX_TOP):
        raise AnalysisError(
            _("Propose between 1 and %(max)d areas with the largest changes.") % {"max": MAX_TOP},
            field="top",
        )


@transaction.atomic
def propose_findings(
    *,
    user,
    conference: Conference,
    level: SpatialLevel,
    year: int,
    indicators: Sequence[Indicator],
    k: float = DEFAULT_K,
    top: int = DEFAULT_TOP,
    kinds: Sequence[str] = (Finding.Kind.DEVIATION, Finding.Kind.CHANGE),
) -> ProposalResult:
    """Propose findings for the areas of `level` in `year`; never decide them.

    Deviation: the area's value lies more than `k` standard deviations (over the visible values
    of the level) from the municipality's reference value. Change: the `top` areas with the
    largest absolute change since the previous year with values (shares in percentage points).
    Counts are left out of deviations: they grow with the size of an area. Existing findings
    stay as they are; dismissed ones are not proposed again.
    """
    _require_manage(user, conference)
    _validate_proposal(
        conference=conference, level=level, indicators=indicators, k=k, top=top, kinds=kinds
    )
    municipality = conference.municipality
    reader = _reader(user, municipality)
    allowed = conference_area_ids(conference)
    existing = {
        (f.indicator_id, f.area_id, f.kind): f.state
        for f in Finding.objects.filter(
            conference=conference, year=year, indicator__in=list(indicators)
        ).only("indicator_id", "area_id", "kind", "state")
    }
    years = indicator_years(user=reader, municipality=municipality, indicators=list(indicators))
    result = ProposalResult()
    candidates: list[Finding] = []
    for indicator in indicators:
        if year not in years[indicator.pk].years:
            result.notes.append(
                _("%(indicator)s has no values for %(year)s.")
                % {"indicator": indicator.name, "year": year}
            )
            continue
        table = values_table(user=reader, indicator=indicator, year=year, level=level)
        if not table.valid_for_level:
            result.notes.append(
                _("%(indicator)s is not valid at the level %(level)s.")
                % {"indicator": indicator.name, "level": level.name}
            )
            continue
        names = {row.area_id: row.area_name for row in table.rows}
        values = {row.area_id: row.shown.value for row in table.rows}
        displays = {row.area_id: row.shown.display for row in table.rows}
        if Finding.Kind.DEVIATION in kinds:
            candidates += _deviation_candidates(
                conference=conference,
                user=user,
                indicator=indicator,
                level=level,
                year=year,
                k=k,
                table=table,
                names=names,
                values=values,
                displays=displays,
                allowed=allowed,
                notes=result.notes,
            )
        if Finding.Kind.CHANGE in kinds:
            earlier = [y for y in years[indicator.pk].years if y < year]
            if not earlier:
                result.notes.append(
                    _("%(indicator)s has no values before %(year)s to compare with.")
                    % {"indicator": indicator.name, "year": year}
                )
                continue
            previous_year = max(earlier)
            previous = values_table(
                user=reader, indicator=indicator, year=previous_year, level=level
            )
            previous_values = {row.area_id: row.shown.value for row in previous.rows}
            previous_displays = {row.area_id: row.shown.display for row in previous.rows}
            current = {a: v for a, v in values.items() if not allowed or a in allowed}
            for change in analysis_math.largest_changes(current, previous_values, top=top):
                numbers = {
                    "level": level.name,
                    "year": year,
                    "previous_year": previous_year,
                    "value": change.current,
                    "value_display": displays[change.key],
                    "previous": change.previous,
                    "previous_display": previous_displays[change.key],
                    "change": change.change,
                    "change_display": _change_text(change.change, indicator),
                    "top": top,
                }
                assessment = _assessment(indicator, higher=change.change > 0)
                candidates.append(
                    Finding(
                        conference=conference,
                        indicator=indicator,
                        area_id=change.key,
                        year=year,
                        kind=Finding.Kind.CHANGE,
                        assessment=assessment,
                        proposed_text=_change_text_sentence(
                            indicator=indicator,
                            area_name=names[change.key],
                            numbers=numbers,
                            assessment=assessment,
                        ),
                        numbers=numbers,
                        proposed_by=user,
                    )
                )
    new = []
    for finding in candidates:
        state = existing.get((finding.indicator_id, finding.area_id, finding.kind))
        if state == Finding.State.DISMISSED:
            result.dismissed_before += 1
        elif state is not None:
            result.already_there += 1
        else:
            new.append(finding)
    result.created = Finding.objects.bulk_create(new)
    return result


def _deviation_candidates(
    *, conference, user, indicator, level, year, k, table, names, values, displays, allowed, notes
) -> list[Finding]:
    if indicator.kind == COUNT:
        notes.append(
            _(
                "%(indicator)s is a count: counts grow with the size of an area, so deviations"
                " are only proposed for shares, rates, means and indices."
            )
            % {"indicator": indicator.name}
        )
        return []
    reference = _reference_numbers(table)
    if reference is None:
        notes.append(
            _("%(indicator)s %(year)s has no visible reference value for the municipality.")
            % {"indicator": indicator.name, "year": year}
        )
        return []
    found, sd = analysis_math.deviations(values, reference=reference["reference"], k=k)
    if not sd:
        notes.append(
            _("The values of %(indicator)s %(year)s do not spread: no deviations.")
            % {"indicator": indicator.name, "year": year}
        )
        return []
    visible_count = sum(1 for v in values.values() if v is not None)
    result = []
    for deviation in found:
        if allowed and deviation.key not in allowed:
            continue
        higher = deviation.z > 0
        numbers = {
            "level": level.name,
            "year": year,
            "value": deviation.value,
            "value_display": displays[deviation.key],
            **reference,
            "sd": sd,
            "sd_display": _number(sd, indicator, decimals=indicator.decimals + 1),
            "z": deviation.z,
            "z_display": format_number(abs(deviation.z), decimals=1),
            "k": k,
            "visible_areas": visible_count,
            "areas": len(values),
        }
        assessment = _assessment(indicator, higher=higher)
        result.append(
            Finding(
                conference=conference,
                indicator=indicator,
                area_id=deviation.key,
                year=year,
                kind=Finding.Kind.DEVIATION,
                assessment=assessment,
                proposed_text=_deviation_text(
                    indicator=indicator,
                    area_name=names[deviation.key],
                    year=year,
                    numbers=numbers,
                    assessment=assessment,
                    higher=higher,
                ),
                numbers=numbers,
                proposed_by=user,
            )
        )
    return result


def _decided(finding: Finding, user, state: str) -> None:
    finding.state = state
    finding.decided_by = user
    finding.decided_at = timezone.now()


def _finding_text(finding: Finding, text: str | None) -> str:
    text = (text or "").strip()
    return "" if text == finding.proposed_text else text


@transaction.atomic
def accept_finding(*, user, finding: Finding, text: str | None = None) -> Finding:
    """Accept a finding, optionally with an edited text."""
    _require_manage(user, finding.conference)
    if text is not None:
        finding.text = _finding_text(finding, text)
    _decided(finding, user, Finding.State.ACCEPTED)
    finding.save(update_fields=["text", "state", "decided_by", "decided_at"])
    return finding


@transaction.atomic
def edit_finding(*, user, finding: Finding, text: str) -> Finding:
    """Change the wording of a finding; its state stays."""
    _require_manage(user, finding.conference)
    finding.text = _finding_text(finding, _text(text, field_name="text", label=_("text")))
    finding.save(update_fields=["text"])
    return finding


@transaction.atomic
def dismiss_finding(*, user, finding: Finding) -> Finding:
    """Dismiss a finding; it stays stored so that it is not proposed again."""
    _require_manage(user, finding.conference)
    _decided(finding, user, Finding.State.DISMISSED)
    finding.save(update_fields=["state", "decided_by", "decided_at"])
    return finding


# ---------------------------------------------------------------------------------------------
# Needs and fields of action


def _same_conference(objects, conference: Conference, *, field_name: str, what: str) -> list:
    objects = list(objects or [])
    for obj in objects:
        if obj.conference_id != conference.pk:
            raise AnalysisError(
                _("%(what)s belongs to another conference.") % {"what": what}, field=field_name
            )
    return objects


def _clean_need(conference: Conference, data: dict) -> tuple[dict, dict]:
    cleaned = {
        "text": _text(data.get("text"), field_name="text", label=_("need for action")),
        "area": _check_area(conference, data.get("area"), field_name="area"),
        "priority": _priority(data.get("priority", Priority.MEDIUM)),
        "room_for_manoeuvre": (data.get("room_for_manoeuvre") or "").strip(),
    }
    links = {}
    if "findings" in data:
        links["findings"] = _same_conference(
            data["findings"], conference, field_name="findings", what=_("A finding")
        )
    if "swot_entries" in data:
        links["swot_entries"] = _same_conference(
            data["swot_entries"], conference, field_name="swot_entries", what=_("A SWOT entry")
        )
    return cleaned, links


def _save_with_links(obj, cleaned: dict, links: dict):
    """Set the cleaned fields, save, then set the many-to-many links (which need a saved row)."""
    for name, value in cleaned.items():
        setattr(obj, name, value)
    obj.save()
    for name, objects in links.items():
        getattr(obj, name).set(objects)
    return obj


@transaction.atomic
def create_need(*, user, conference: Conference, data: dict) -> NeedForAction:
    _require_manage(user, conference)
    cleaned, links = _clean_need(conference, data)
    return _save_with_links(NeedForAction(conference=conference, created_by=user), cleaned, links)


@transaction.atomic
def update_need(*, user, need: NeedForAction, data: dict) -> NeedForAction:
    _require_manage(user, need.conference)
    current = {
        "text": need.text,
        "area": need.area,
        "priority": need.priority,
        "room_for_manoeuvre": need.room_for_manoeuvre,
    }
    cleaned, links = _clean_need(need.conference, current | data)
    return _save_with_links(need, cleaned, links)


@transaction.atomic
def delete_need(*, user, need: NeedForAction) -> None:
    _require_manage(user, need.conference)
    need.delete()


def _clean_field(conference: Conference, data: dict) -> tuple[dict, dict]:
    derived_from = data.get("derived_from")
    if derived_from is not None:
        if conference.kind != Conference.Kind.AREA:
            raise AnalysisError(
                _(
                    "Only a social area conference derives its fields of action from the "
                    "municipal ones."
                ),
                field="derived_from",
            )
        source = derived_from.conference
        if (
            source.municipality_id != conference.municipality_id
            or source.kind != Conference.Kind.PLANNING
        ):
            raise AnalysisError(
                _("Choose a field of action of a social planning conference of this municipality."),
                field="derived_from",
            )
    cleaned = {
        "title": _text(data.get("title"), field_name="title", label=_("title")),
        "description": (data.get("description") or "").strip(),
        "priority": _priority(data.get("priority", Priority.MEDIUM)),
        "derived_from": derived_from,
    }
    links = {}
    if "needs" in data:
        links["needs"] = _same_conference(
            data["needs"], conference, field_name="needs", what=_("A need for action")
        )
    return cleaned, links


@transaction.atomic
def create_field_of_action(*, user, conference: Conference, data: dict) -> FieldOfAction:
    _require_manage(user, conference)
    cleaned, links = _clean_field(conference, data)
    return _save_with_links(FieldOfAction(conference=conference, created_by=user), cleaned, links)


@transaction.atomic
def update_field_of_action(*, user, item: FieldOfAction, data: dict) -> FieldOfAction:
    _require_manage(user, item.conference)
    current = {
        "title": item.title,
        "description": item.description,
        "priority": item.priority,
        "derived_from": item.derived_from,
    }
    cleaned, links = _clean_field(item.conference, current | data)
    return _save_with_links(item, cleaned, links)


@transaction.atomic
def delete_field_of_action(*, user, item: FieldOfAction) -> None:
    _require_manage(user, item.conference)
    item.delete()


# ---------------------------------------------------------------------------------------------
# Prioritisation of areas


@dataclass(frozen=True)
class InputSpec:
    indicator: Indicator
    weight: Decimal | float | int | str
    direction: str = PrioritisationIndicator.Direction.BY_POLARITY


def resolve_direction(indicator: Indicator, direction: str) -> tuple[int, str]:
    """+1 when a higher value means a higher need, −1 when a lower one does; and why."""
    if direction == PrioritisationIndicator.Direction.HIGHER_NEED:
        return 1, "chosen"
    if direction == PrioritisationIndicator.Direction.LOWER_NEED:
        return -1, "chosen"
    if indicator.polarity == Indicator.Polarity.HIGHER_WORSE:
        return 1, "polarity"
    if indicator.polarity == Indicator.Polarity.HIGHER_BETTER:
        return -1, "polarity"
    raise AnalysisError(
        _(
            "%(indicator)s has no polarity: choose whether a higher or a lower value means a "
            "higher need."
        )
        % {"indicator": indicator.name},
        field="inputs",
    )


def _weight(value) -> Decimal:
    try:
        weight = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        weight = Decimal(-1)
    if not weight.is_finite() or not (0 < weight <= 100):
        raise AnalysisError(
            _("A weight is a number above 0 and at most 100, e.g. 1 or 2,5."), field="inputs"
        )
    return weight.quantize(Decimal("0.01"))


def _clean_prioritisation(*, user, conference, title, level, year, method, inputs):
    municipality = conference.municipality
    if level is None or level.municipality_id != municipality.pk:
        raise AnalysisError(_("Choose a spatial level of this municipality."), field="level")
    if level.depth == 0:
        raise AnalysisError(
            _("Choose a level below the whole municipality: the ranking compares its areas."),
            field="level",
        )
    if method not in Prioritisation.Method.values:
        raise AnalysisError(_("Choose z-scores or ranks."), field="method")
    if not isinstance(year, int):
        raise AnalysisError(_("Choose a year."), field="year")
    inputs = list(inputs)
    if not inputs:
        raise AnalysisError(_("Choose at least one indicator."), field="inputs")
    seen = set()
    cleaned = []
    for spec in inputs:
        indicator = spec.indicator
        _own(indicator, municipality, field_name="inputs", what=indicator.name)
        if indicator.pk in seen:
            raise AnalysisError(
                _("%(indicator)s is chosen twice.") % {"indicator": indicator.name},
                field="inputs",
            )
        seen.add(indicator.pk)
        if spec.direction not in PrioritisationIndicator.Direction.values:
            raise AnalysisError(_("Unknown direction."), field="inputs")
        resolve_direction(indicator, spec.direction)
        cleaned.append(InputSpec(indicator, _weight(spec.weight), spec.direction))
    years = indicator_years(
        user=user, municipality=municipality, indicators=[s.indicator for s in cleaned]
    )
    for spec in cleaned:
        if year not in years[spec.indicator.pk].years:
            raise AnalysisError(
                _("%(indicator)s has no values for %(year)s.")
                % {"indicator": spec.indicator.name, "year": year},
                field="year",
            )
    title = (title or "").strip() or _("Prioritisation of the %(level)s %(year)s") % {
        "level": level.name,
        "year": year,
    }
    return title, cleaned


def _signed(number: float, decimals: int = 2) -> str:
    text = format_number(number, decimals=decimals)
    return f"+{text}" if number > 0 and text.strip("0,") else text


def compute_ranking(
    *, user, level: SpatialLevel, year: int, method: str, inputs: Sequence[InputSpec]
) -> dict:
    """The ranking as a self-contained snapshot: inputs, every value, score and contribution.

    Read as a member reads the atlas, so the snapshot never holds a suppressed value.
    """
    reader = _reader(user, level.municipality)
    tables = [
        values_table(user=reader, indicator=spec.indicator, year=year, level=level)
        for spec in inputs
    ]
    areas = {row.area_id: row for row in tables[0].rows}
    values = {
        spec.indicator.pk: {row.area_id: row.shown.value for row in table.rows}
        for spec, table in zip(inputs, tables, strict=True)
    }
    displays = {
        spec.indicator.pk: {row.area_id: row.shown.display for row in table.rows}
        for spec, table in zip(inputs, tables, strict=True)
    }
    math_inputs = []
    indicator_info = []
    for spec, table in zip(inputs, tables, strict=True):
        direction, source = resolve_direction(spec.indicator, spec.direction)
        math_inputs.append(analysis_math.Input(spec.indicator.pk, float(spec.weight), direction))
        indicator_info.append(
            {
                "id": spec.indicator.pk,
                "name": spec.indicator.name,
                "short_name": str(spec.indicator),
                "unit": spec.indicator.unit,
                "polarity": spec.indicator.polarity,
                "direction": direction,
                "direction_source": source,
                "weight": float(spec.weight),
                "reference_display": (
                    table.reference.shown.display if table.reference is not None else None
                ),
            }
        )
    ranked, spreads = analysis_math.composite_index(
        areas=list(areas), inputs=math_inputs, values=values, method=method
    )
    total_weight = sum(float(spec.weight) for spec in inputs)
    for info, spread, spec in zip(indicator_info, spreads, inputs, strict=True):
        info.update(
            weight_share=info["weight"] / total_weight,
            count=spread.count,
            mean=spread.mean,
            sd=spread.sd,
            mean_display=(
                _number(spread.mean, spec.indicator) if spread.mean is not None else None
            ),
            sd_display=(
                _number(spread.sd, spec.indicator, decimals=spec.indicator.decimals + 1)
                if spread.sd is not None
                else None
            ),
        )
    names = {info["id"]: info["short_name"] for info in indicator_info}
    rows = []
    for row in ranked:
        area = areas[row.key]
        rows.append(
            {
                "area_id": row.key,
                "area_key": area.area_key,
                "area_name": area.area_name,
                "position": row.position,
                "index": row.index,
                "index_display": (
                    None
                    if row.index is None
                    else (
                        _signed(row.index)
                        if method == Prioritisation.Method.ZSCORES
                        else format_number(row.index, decimals=2)
                    )
                ),
                "complete": row.complete,
                "weight_share": (row.available_weight / row.total_weight),
                "missing": [names[c.key] for c in row.cells if c.score is None],
                "cells": [
                    {
                        "indicator": cell.key,
                        "value": cell.value,
                        "display": displays[cell.key][row.key],
                        "score": cell.score,
                        "score_display": (
                            None
                            if cell.score is None
                            else (
                                _signed(cell.score)
                                if method == Prioritisation.Method.ZSCORES
                                else format_number(cell.score, decimals=1)
                            )
                        ),
                        "weight": cell.weight,
                        "contribution": cell.contribution,
                        "contribution_display": (
                            None
                            if cell.contribution is None
                            else (
                                _signed(cell.contribution)
                                if method == Prioritisation.Method.ZSCORES
                                else format_number(cell.contribution, decimals=2)
                            )
                        ),
                    }
                    for cell in row.cells
                ],
            }
        )
    return {
        "version": 1,
        "level": {"id": level.pk, "name": level.name},
        "year": year,
        "method": method,
        "indicators": indicator_info,
        "rows": rows,
    }


def _store_inputs(prioritisation: Prioritisation, inputs: Sequence[InputSpec]) -> None:
    prioritisation.inputs.all().delete()
    PrioritisationIndicator.objects.bulk_create(
        PrioritisationIndicator(
            prioritisation=prioritisation,
            indicator=spec.indicator,
            weight=spec.weight,
            direction=spec.direction,
            order=number,
        )
        for number, spec in enumerate(inputs)
    )


def _compute(user, prioritisation: Prioritisation, inputs: Sequence[InputSpec]) -> None:
    prioritisation.snapshot = compute_ranking(
        user=user,
        level=prioritisation.level,
        year=prioritisation.year,
        method=prioritisation.method,
        inputs=inputs,
    )
    prioritisation.computed_at = timezone.now()
    prioritisation.computed_by = user


def _refuse_if_confirmed(prioritisation: Prioritisation) -> None:
    if prioritisation.is_confirmed:
        raise AnalysisError(
            _(
                "This prioritisation was confirmed by the conference and stays as it was "
                "decided. Start a new prioritisation to work with newer data."
            )
        )


@transaction.atomic
def create_prioritisation(
    *,
    user,
    conference: Conference,
    level: SpatialLevel,
    year: int,
    method: str,
    inputs: Sequence[InputSpec],
    title: str = "",
) -> Prioritisation:
    """Create a prioritisation and compute its ranking."""
    _require_manage(user, conference)
    title, inputs = _clean_prioritisation(
        user=user,
        conference=conference,
        title=title,
        level=level,
        year=year,
        method=method,
        inputs=inputs,
    )
    prioritisation = Prioritisation(
        conference=conference,
        title=title,
        level=level,
        year=year,
        method=method,
        created_by=user,
    )
    _compute(user, prioritisation, inputs)
    prioritisation.save()
    _store_inputs(prioritisation, inputs)
    return prioritisation


@transaction.atomic
def update_prioritisation(
    *,
    user,
    prioritisation: Prioritisation,
    level: SpatialLevel,
    year: int,
    method: str,
    inputs: Sequence[InputSpec],
    title: str = "",
) -> Prioritisation:
    """Change the inputs of a prioritisation not yet confirmed, and compute it again."""
    _require_manage(user, prioritisation.conference)
    _refuse_if_confirmed(prioritisation)
    title, inputs = _clean_prioritisation(
        user=user,
        conference=prioritisation.conference,
        title=title,
        level=level,
        year=year,
        method=method,
        inputs=inputs,
    )
    prioritisation.title, prioritisation.level = title, level
    prioritisation.year, prioritisation.method = year, method
    _compute(user, prioritisation, inputs)
    prioritisation.save()
    _store_inputs(prioritisation, inputs)
    return prioritisation


def stored_inputs(prioritisation: Prioritisation) -> list[InputSpec]:
    return [
        InputSpec(item.indicator, item.weight, item.direction)
        for item in prioritisation.inputs.select_related("indicator", "indicator__municipality")
    ]


@transaction.atomic
def recompute_prioritisation(*, user, prioritisation: Prioritisation) -> Prioritisation:
    """Compute the ranking again from the current data (not once confirmed)."""
    _require_manage(user, prioritisation.conference)
    _refuse_if_confirmed(prioritisation)
    _compute(user, prioritisation, stored_inputs(prioritisation))
    prioritisation.save(update_fields=["snapshot", "computed_at", "computed_by"])
    return prioritisation


@transaction.atomic
def confirm_prioritisation(
    *,
    user,
    prioritisation: Prioritisation,
    urgent: Sequence[Area],
    good: Sequence[Area],
    note: str = "",
) -> Prioritisation:
    """The conference confirms two lists: areas with urgent need, areas with good conditions
    to build on. The snapshot shown at that moment becomes the decision's record."""
    _require_manage(user, prioritisation.conference)
    _refuse_if_confirmed(prioritisation)
    urgent, good = list(urgent), list(good)
    if not urgent:
        raise AnalysisError(_("Name at least one area with urgent need."), field="urgent_areas")
    ranked = {
        row["area_id"]
        for row in prioritisation.snapshot.get("rows", [])
        if row["position"] is not None
    }
    for area, field_name in [(a, "urgent_areas") for a in urgent] + [
        (a, "good_areas") for a in good
    ]:
        if area.pk not in ranked:
            raise AnalysisError(
                _("%(area)s is not ranked in this prioritisation.") % {"area": area.name},
                field=field_name,
            )
    both = {a.pk for a in urgent} & {a.pk for a in good}
    if both:
        names = ", ".join(sorted(a.name for a in urgent if a.pk in both))
        raise AnalysisError(
            _("An area cannot be in both lists: %(areas)s.") % {"areas": names},
            field="good_areas",
        )
    prioritisation.urgent_areas.set(urgent)
    prioritisation.good_areas.set(good)
    prioritisation.note = (note or "").strip()
    prioritisation.confirmed_by = user
    prioritisation.confirmed_at = timezone.now()
    prioritisation.save(update_fields=["note", "confirmed_by", "confirmed_at"])
    return prioritisation


@transaction.atomic
def delete_prioritisation(*, user, prioritisation: Prioritisation) -> None:
    _require_manage(user, prioritisation.conference)
    if prioritisation.is_confirmed:
        raise AnalysisError(
            _("A confirmed prioritisation is a decision of the conference and is kept.")
        )
    prioritisation.delete()


def suggested_lists(snapshot: dict) -> tuple[list[int], list[int]]:
    """A starting point for the confirmation: the top and the bottom 30 % of the ranking."""
    ranked = [row for row in snapshot.get("rows", []) if row["position"] is not None]
    count = math.ceil(len(ranked) * 0.3) if len(ranked) > 1 else len(ranked)
    urgent = [row["area_id"] for row in ranked[:count]]
    good = [row["area_id"] for row in ranked[-count:] if row["area_id"] not in urgent]
    return urgent, good


@dataclass(frozen=True)
class DriftRow:
    area_name: str
    position_then: int | None
    position_now: int | None
    index_then: str | None
    index_now: str | None
    values_then: list[str]
    values_now: list[str]


def ranking_drift(*, user, prioritisation: Prioritisation) -> list[DriftRow] | None:
    """Where today's data would rank the areas differently from the confirmed snapshot (same
    indicators, weights and directions as then). None when an indicator no longer exists.

    The confirmed decision itself never changes; this only makes a difference visible.
    """
    require(user, Action.VIEW_INTERNAL, prioritisation.conference.municipality)
    snapshot = prioritisation.snapshot
    infos = snapshot.get("indicators", [])
    indicators = Indicator.objects.select_related("municipality").in_bulk(
        [info["id"] for info in infos]
    )
    if len(indicators) != len(infos):
        return None
    inputs = [
        InputSpec(
            indicators[info["id"]],
            info["weight"],
            PrioritisationIndicator.Direction.HIGHER_NEED
            if info["direction"] > 0
            else PrioritisationIndicator.Direction.LOWER_NEED,
        )
        for info in infos
    ]
    now = compute_ranking(
        user=user,
        level=prioritisation.level,
        year=snapshot.get("year", prioritisation.year),
        method=snapshot.get("method", prioritisation.method),
        inputs=inputs,
    )
    current = {row["area_id"]: row for row in now["rows"]}
    result = []
    for row in snapshot.get("rows", []):
        today = current.get(row["area_id"])
        then_values = [cell["display"] for cell in row["cells"]]
        now_values = [cell["display"] for cell in today["cells"]] if today else []
        if (
            today is None
            or today["position"] != row["position"]
            or today["index_display"] != row["index_display"]
            or now_values != then_values
        ):
            result.append(
                DriftRow(
                    area_name=row["area_name"],
                    position_then=row["position"],
                    position_now=today["position"] if today else None,
                    index_then=row["index_display"],
                    index_now=today["index_display"] if today else None,
                    values_then=then_values,
                    values_now=now_values,
                )
            )
    return result
