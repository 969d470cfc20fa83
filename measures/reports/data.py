"""What the reports show, read as a file reader sees it and turned into plain texts.

The measure plan (domain.md §7) groups the rows by goal; the interim report adds the goals'
attainment (from `measures.selectors.goal_attainments`), the timeline of every measure, atlas
maps and the reflections. Every atlas number comes through the selectors as
`accounts.permissions.file_reader(user, municipality)` sees it, so a suppressed number never
reaches a file, not even when a data admin generates it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, file_reader, require
from atlas_data import selectors as atlas
from atlas_data.suppression import MISSING_TEXT, SYMBOL_UNITS, format_number
from conferences.models import Conference, ConferenceMember

from ..attainment import NO_DATA, STATUS_ORDER, Attainment
from ..models import Goal, Measure
from ..selectors import goal_attainments, goals_for, latest_updates, measures_for
from ..services import MeasuresError

Progress = Callable[[int, str], None]  # (percent, step) for the background run


def _no_progress(_percent: int, _step: str) -> None:
    return None


def day(value: datetime.date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def member_label(member: ConferenceMember) -> str:
    return f"{member.name} ({member.institution})" if member.institution else member.name


def money(amount) -> str:
    return f"{format_number(float(amount), decimals=2)} €"


def conference_of(*, municipality: Municipality, conference_id) -> Conference | None:
    """The conference to filter by, or None; a MeasuresError for one of another municipality."""
    if conference_id in (None, ""):
        return None
    try:
        return Conference.objects.get(municipality=municipality, pk=int(conference_id))
    except (Conference.DoesNotExist, TypeError, ValueError) as exc:
        raise MeasuresError(
            _("Unknown conference: %(conference)s.") % {"conference": conference_id},
            field="conference",
        ) from exc


def ordered_goals(goals) -> list[Goal]:
    """Municipal goals by title, each followed by the area goals refining it; then the rest."""
    goals = sorted(goals, key=lambda g: (g.title.lower(), g.pk))
    result = []
    for goal in goals:
        if goal.level == Goal.Level.MUNICIPAL:
            result.append(goal)
            result += [g for g in goals if g.parent_id == goal.pk and g.level == Goal.Level.AREA]
    placed = {goal.pk for goal in result}
    result += [g for g in goals if g.pk not in placed]
    return result


# --------------------------------------------------------------------------------------------
# The measure plan


@dataclass(frozen=True)
class PlanStep:
    title: str
    responsible: str
    deadline: str
    done: bool
    progress: int
    overdue: bool

    @property
    def line(self) -> str:
        """`Elternbriefe drucken – Mia Mitglied, bis 31.03.2026 (erledigt)`"""
        details = [part for part in (self.responsible, self._until()) if part]
        text = self.title + (f" – {', '.join(details)}" if details else "")
        if self.done:
            return f"{text} ({_('done')})"
        if self.overdue:
            return f"{text} ({_('overdue')})"
        return text

    def _until(self) -> str:
        return _("by %(date)s") % {"date": self.deadline} if self.deadline else ""


@dataclass(frozen=True)
class PlanRow:
    pk: int
    title: str
    description: str
    status: str  # the label
    status_code: str
    progress: int
    overdue: bool
    responsible: str
    support: str
    deadline: str
    deadline_date: datetime.date | None
    start: str
    goals: list[str]
    areas: list[str]
    field_of_action: str
    conference: str
    resources: list[str]
    continues_existing_offer: str
    substeps: list[PlanStep]
    outcome: str
    outcome_reason: str
    lessons: str

    @property
    def status_line(self) -> str:
        """`Läuft · 60 %` (and `überfällig` when the deadline has passed)."""
        parts = [self.status, f"{self.progress} %"]
        if self.overdue:
            parts.append(_("overdue"))
        return " · ".join(parts)

    @property
    def reference(self) -> str:
        return "\n".join(self.goals) if self.goals else MISSING_TEXT


@dataclass(frozen=True)
class PlanGroup:
    title: str
    goal_pk: int | None
    note: str
    rows: list[PlanRow]


@dataclass(frozen=True)
class MeasurePlan:
    municipality: Municipality
    conference: Conference | None
    created: datetime.date
    groups: list[PlanGroup]
    rows: list[PlanRow]  # every measure once, in plan order


def _responsible(measure: Measure) -> str:
    name = measure.responsible_name
    institution = measure.responsible_institution
    if measure.responsible_member_id and measure.responsible_member.institution:
        institution = institution or measure.responsible_member.institution
    if institution and name != institution:
        return f"{name}, {institution}"
    return name


def _resources(measure: Measure) -> list[str]:
    lines = []
    if measure.resources_time:
        lines.append(_("Time: %(text)s") % {"text": measure.resources_time})
    if measure.resources_staff:
        lines.append(_("Staff: %(text)s") % {"text": measure.resources_staff})
    if measure.resources_money is not None:
        lines.append(_("Money: %(amount)s") % {"amount": money(measure.resources_money)})
    if measure.resources_note:
        lines.append(measure.resources_note)
    if measure.own_contribution:
        lines.append(_("The area contributes: %(text)s") % {"text": measure.own_contribution})
    return lines


def plan_row(measure: Measure, *, today: datetime.date) -> PlanRow:
    """One row of the plan from a measure with prefetched goals, areas, supporters, sub-steps."""
    support = [member_label(member) for member in measure.supporters.all()]
    if measure.support:
        support.append(measure.support)
    goals = ordered_goals(measure.goals.all())
    offer = ""
    if measure.continues_existing_offer:
        offer = (
            _("continues %(offer)s") % {"offer": measure.existing_offer.name}
            if measure.existing_offer_id
            else _("continues an existing offer")
        )
    return PlanRow(
        pk=measure.pk,
        title=measure.title,
        description=measure.description,
        status=str(measure.get_status_display()),
        status_code=measure.status,
        progress=measure.progress,
        overdue=measure.is_overdue(today),
        responsible=_responsible(measure),
        support="\n".join(support),
        deadline=day(measure.deadline),
        deadline_date=measure.deadline,
        start=day(measure.start),
        goals=[goal.title for goal in goals],
        areas=[area.name for area in sorted(measure.areas.all(), key=lambda a: a.key)],
        field_of_action=measure.field_of_action.title if measure.field_of_action_id else "",
        conference=measure.conference.name,
        resources=_resources(measure),
        continues_existing_offer=offer,
        substeps=[
            PlanStep(
                title=step.title,
                responsible=step.responsible_name,
                deadline=day(step.deadline),
                done=step.done,
                progress=100 if step.done else step.progress,
                overdue=not step.done
                and step.deadline is not None
                and step.deadline < today
                and measure.status != Measure.Status.DROPPED,
            )
            for step in measure.substeps.all()
        ],
        outcome=str(measure.get_outcome_display()) if measure.outcome else "",
        outcome_reason=measure.outcome_reason,
        lessons=measure.lessons,
    )


def _plan_measures(*, reader, municipality, conference):
    measures = measures_for(user=reader, municipality=municipality).order_by(
        "deadline", "title", "pk"
    )
    if conference is not None:
        measures = measures.filter(conference=conference)
    # Measures without a deadline go last, in title order.
    return sorted(measures, key=lambda m: (m.deadline is None, m.deadline or today(), m.title))


def today() -> datetime.date:
    return timezone.localdate()


def measure_plan(*, user, municipality: Municipality, conference_id=None) -> MeasurePlan:
    """The measure plan of a municipality (or of one conference), grouped by goal; measures
    without a goal form the last group. A measure serving two goals appears under both."""
    require(user, Action.VIEW_INTERNAL, municipality)
    reader = file_reader(user, municipality)
    conference = conference_of(municipality=municipality, conference_id=conference_id)
    measures = _plan_measures(reader=reader, municipality=municipality, conference=conference)
    now = today()
    rows = {measure.pk: plan_row(measure, today=now) for measure in measures}
    goals = ordered_goals({goal for measure in measures for goal in measure.goals.all()})
    groups = []
    for goal in goals:
        members = [rows[m.pk] for m in measures if goal in m.goals.all()]
        groups.append(
            PlanGroup(
                title=goal.title,
                goal_pk=goal.pk,
                note=" · ".join(
                    part
                    for part in (
                        str(goal.get_level_display()),
                        _("deadline %(date)s") % {"date": day(goal.deadline)}
                        if goal.deadline
                        else "",
                    )
                    if part
                ),
                rows=members,
            )
        )
    without = [rows[m.pk] for m in measures if not m.goals.all()]
    if without:
        groups.append(
            PlanGroup(
                title=_("Measures without a goal"),
                goal_pk=None,
                note="",
                rows=without,
            )
        )
    return MeasurePlan(
        municipality=municipality,
        conference=conference,
        created=now,
        groups=groups,
        rows=[rows[m.pk] for m in measures],
    )


# --------------------------------------------------------------------------------------------
# The interim report


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass
class GoalEntry:
    pk: int
    title: str
    meta: str
    figures: list[Figure]
    status: str
    status_code: str
    reason: str
    attainment: Attainment
    indicator_name: str
    unit: str
    decimals: int
    kind: str
    deadline: datetime.date | None
    measures: list[str]
    chart: bytes | None = None


@dataclass(frozen=True)
class UpdateEntry:
    date: str
    text: str
    author: str
    status: str
    progress: str

    @property
    def line(self) -> str:
        details = [part for part in (self.status, self.progress, self.author) if part]
        suffix = f" ({', '.join(details)})" if details else ""
        return f"{self.date}: {self.text}{suffix}"


@dataclass(frozen=True)
class MeasureEntry:
    row: PlanRow
    updates: list[UpdateEntry]

    @property
    def meta(self) -> str:
        parts = [self.row.status_line]
        if self.row.deadline:
            parts.append(_("deadline %(date)s") % {"date": self.row.deadline})
        if self.row.responsible:
            parts.append(self.row.responsible)
        return " · ".join(parts)


@dataclass(frozen=True)
class Reflection:
    title: str
    outcome: str
    reason: str
    lessons: str


@dataclass(frozen=True)
class MapChoice:
    """An atlas map the report may include: one indicator, year and level."""

    indicator_id: int
    year: int
    level: str  # the level's slug
    label: str

    @property
    def key(self) -> str:
        return f"{self.indicator_id}:{self.year}:{self.level}"


@dataclass
class MapEntry:
    title: str
    image: bytes


@dataclass
class InterimReport:
    municipality: Municipality
    conference: Conference | None
    created: datetime.date
    goals: list[GoalEntry]
    measures: list[MeasureEntry]
    reflections: list[Reflection]
    maps: list[MapEntry] = field(default_factory=list)

    @property
    def goal_summary(self) -> str:
        counts = {}
        for goal in self.goals:
            counts[goal.status_code] = counts.get(goal.status_code, 0) + 1
        parts = [
            f"{next(g.status for g in self.goals if g.status_code == code)}: {counts[code]}"
            for code in STATUS_ORDER
            if code in counts
        ]
        return " · ".join(parts)

    @property
    def measure_summary(self) -> str:
        counts = {}
        for entry in self.measures:
            counts[entry.row.status_code] = counts.get(entry.row.status_code, 0) + 1
        parts = [
            f"{label}: {counts[code]}" for code, label in Measure.Status.choices if code in counts
        ]
        overdue = sum(1 for entry in self.measures if entry.row.overdue)
        if overdue:
            parts.append(_("overdue: %(count)d") % {"count": overdue})
        return " · ".join(parts)


def value_text(value: float | None, *, goal: Goal) -> str:
    if value is None:
        return MISSING_TEXT
    indicator = goal.indicator
    return format_number(
        value, decimals=indicator.decimals, unit=indicator.unit, kind=indicator.kind
    )


def percent_text(percent: float | None) -> str:
    return MISSING_TEXT if percent is None else f"{format_number(percent, decimals=0)} %"


def _baseline_text(goal: Goal, result: Attainment) -> str:
    if goal.baseline_value is not None:
        return value_text(goal.baseline_value, goal=goal)
    point = next((p for p in result.points if p.year == goal.baseline_year), None)
    # The atlas's own text for a hidden or missing number: k. A. or –.
    return point.display if point is not None else MISSING_TEXT


def goal_figures(goal: Goal, result: Attainment) -> list[Figure]:
    """The lines of a goal's attainment table, in the reader's language."""
    if not goal.is_quantitative:
        figures = [
            Figure(_("Status"), _("Qualitative goal: the conference judges whether it is reached."))
        ]
        figures.append(
            Figure(_("Qualitative criterion"), goal.qualitative_criterion or MISSING_TEXT)
        )
        if goal.deadline:
            figures.append(Figure(_("Deadline"), day(goal.deadline)))
        return figures
    status = result.label + (f" – {result.reason}" if result.reason else "")
    figures = [Figure(_("Status"), status)]
    indicator = goal.indicator
    unit = f" ({indicator.unit})" if indicator.unit and indicator.unit not in SYMBOL_UNITS else ""
    figures += [
        Figure(_("Indicator"), indicator.name + unit),
        Figure(_("Measured in"), goal.measurement_area.name if goal.measurement_area else ""),
        Figure(
            _("Baseline %(year)s") % {"year": goal.baseline_year},
            _baseline_text(goal, result),
        ),
    ]
    if result.latest_year is not None:
        figures.append(
            Figure(
                _("Latest value %(year)s") % {"year": result.latest_year},
                value_text(result.latest, goal=goal),
            )
        )
    else:
        figures.append(Figure(_("Latest value"), MISSING_TEXT))
    target_label = (
        _("Target by %(date)s") % {"date": day(goal.deadline)} if goal.deadline else _("Target")
    )
    figures.append(Figure(target_label, value_text(goal.target_value, goal=goal)))
    figures.append(Figure(_("Share of the way"), percent_text(result.percent)))
    if result.forecast is not None and goal.deadline:
        figures.append(
            Figure(
                _("Forecast for %(year)s (linear trend)") % {"year": goal.deadline.year},
                _("%(value)s (%(percent)s of the way)")
                % {
                    "value": value_text(result.forecast, goal=goal),
                    "percent": percent_text(result.forecast_percent),
                },
            )
        )
    return figures


def _goal_meta(goal: Goal) -> str:
    parts = [str(goal.get_level_display()), goal.conference.name]
    if goal.field_of_action_id:
        parts.append(goal.field_of_action.title)
    if goal.target_group:
        parts.append(goal.target_group)
    return " · ".join(parts)


def _report_goals(*, reader, municipality, conference, measures) -> list[Goal]:
    goals = goals_for(user=reader, municipality=municipality).select_related("municipality")
    if conference is None:
        return ordered_goals(goals)
    # The conference's own goals and those its measures serve.
    served = {goal.pk for measure in measures for goal in measure.goals.all()}
    return ordered_goals(g for g in goals if g.conference_id == conference.pk or g.pk in served)


def map_choices(*, user, municipality: Municipality, conference_id=None) -> list[MapChoice]:
    """The maps the form offers: each goal indicator in its latest year, on the level of the
    goal's areas (the first level below the municipality for municipal goals)."""
    require(user, Action.VIEW_INTERNAL, municipality)
    reader = file_reader(user, municipality)
    conference = conference_of(municipality=municipality, conference_id=conference_id)
    measures = list(measures_for(user=reader, municipality=municipality))
    if conference is not None:
        measures = [m for m in measures if m.conference_id == conference.pk]
    goals = [
        goal
        for goal in _report_goals(
            reader=reader, municipality=municipality, conference=conference, measures=measures
        )
        if goal.indicator_id
    ]
    if not goals:
        return []
    default = atlas.default_level(user=reader, municipality=municipality)
    years = atlas.indicator_years(
        user=reader, municipality=municipality, indicators=[goal.indicator for goal in goals]
    )
    choices: dict[tuple[int, str], MapChoice] = {}
    for goal in goals:
        visible = years[goal.indicator_id].years
        area = goal.measurement_area
        level = area.level if area is not None and area.level.depth > 0 else default
        if not visible or level is None or (goal.indicator_id, level.slug) in choices:
            continue
        choices[(goal.indicator_id, level.slug)] = MapChoice(
            indicator_id=goal.indicator_id,
            year=visible[-1],
            level=level.slug,
            label=f"{goal.indicator.name} · {level.name} · {visible[-1]}",
        )
    return list(choices.values())


def parse_map_key(key: str) -> tuple[int, int, str]:
    """`12:2015:gemeinden` -> (12, 2015, "gemeinden"); a MeasuresError for anything else."""
    parts = str(key).split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or not parts[2]:
        raise MeasuresError(_("Unknown map: %(map)s.") % {"map": key}, field="maps")
    return int(parts[0]), int(parts[1]), parts[2]


def interim_report(
    *,
    user,
    municipality: Municipality,
    conference_id=None,
    progress: Progress = _no_progress,
) -> InterimReport:
    """Goals with attainment, measures with their latest timeline entries, reflections.

    The charts and maps are drawn by the caller (`runs.perform_report`), which reports progress
    between them.
    """
    require(user, Action.VIEW_INTERNAL, municipality)
    reader = file_reader(user, municipality)
    conference = conference_of(municipality=municipality, conference_id=conference_id)
    progress(5, _("Reading goals and measures"))
    measures = _plan_measures(reader=reader, municipality=municipality, conference=conference)
    goals = _report_goals(
        reader=reader, municipality=municipality, conference=conference, measures=measures
    )
    now = today()
    attainments = goal_attainments(user=reader, goals=goals, today=now)
    measures_by_goal: dict[int, list[str]] = {}
    for measure in measures:
        for goal in measure.goals.all():
            measures_by_goal.setdefault(goal.pk, []).append(measure.title)
    goal_entries = []
    for goal in goals:
        result = attainments[goal.pk]
        indicator = goal.indicator
        goal_entries.append(
            GoalEntry(
                pk=goal.pk,
                title=goal.title,
                meta=_goal_meta(goal),
                figures=goal_figures(goal, result),
                status=result.label,
                status_code=result.status if goal.is_quantitative else NO_DATA,
                reason=result.reason,
                attainment=result,
                indicator_name=indicator.name if indicator else "",
                unit=indicator.unit if indicator else "",
                decimals=indicator.decimals if indicator else 1,
                kind=indicator.kind if indicator else "",
                deadline=goal.deadline,
                measures=measures_by_goal.get(goal.pk, []),
            )
        )
    updates = latest_updates(measures, per_measure=3)
    measure_entries = []
    reflections = []
    for measure in measures:
        row = plan_row(measure, today=now)
        measure_entries.append(
            MeasureEntry(
                row=row,
                updates=[
                    UpdateEntry(
                        date=day(update.date),
                        text=update.text,
                        author=person_name(update.author) if update.author_id else "",
                        status=str(update.get_status_display()) if update.status else "",
                        progress=f"{update.progress} %" if update.progress is not None else "",
                    )
                    for update in updates.get(measure.pk, [])
                ],
            )
        )
        if measure.outcome or measure.outcome_reason or measure.lessons:
            reflections.append(
                Reflection(
                    title=measure.title,
                    outcome=row.outcome or MISSING_TEXT,
                    reason=measure.outcome_reason,
                    lessons=measure.lessons,
                )
            )
    return InterimReport(
        municipality=municipality,
        conference=conference,
        created=now,
        goals=goal_entries,
        measures=measure_entries,
        reflections=reflections,
    )
