"""The leadership dashboard of a municipality: goals by attainment status with their indicator's
course, measures by status, the overdue list (measures, sub-steps and steps of the control
cycle), counts per area and per field of action, and what
changed since the viewer's last visit, filtered by conference, area and field of action.

A fixed number of queries for any number of goals and measures: everything is selected or
prefetched, and the attainment comes from `selectors.goal_attainments`, so every atlas number
passes the one suppression function and a suppressed number never reaches the dashboard.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, require
from atlas_data.models import Area, Indicator
from atlas_data.suppression import format_number
from conferences.models import Conference, FieldOfAction

from .attainment import STATUS_LABELS, STATUS_ORDER, Attainment, Point
from .models import DashboardVisit, Goal, Measure, MeasureUpdate, SubStep
from .selectors import goal_attainments, goals_for, measures_for

# Without an earlier visit the dashboard shows the changes of this many days.
FIRST_VISIT_DAYS = 30


# --------------------------------------------------------------------------------------------
# Filters


@dataclass(frozen=True)
class Filters:
    """What the dashboard is limited to; None means no limit."""

    conference: Conference | None = None
    area: Area | None = None
    field_of_action: FieldOfAction | None = None

    @property
    def active(self) -> bool:
        return any((self.conference, self.area, self.field_of_action))


def filter_conferences(municipality: Municipality) -> QuerySet[Conference]:
    return Conference.objects.filter(municipality=municipality).order_by("kind", "name")


def filter_areas(municipality: Municipality) -> QuerySet[Area]:
    """The areas that goals, measures or conferences of the municipality refer to."""
    return (
        Area.objects.filter(municipality=municipality)
        .filter(
            Q(goals__isnull=False)
            | Q(measured_goals__isnull=False)
            | Q(measures__isnull=False)
            | Q(conferences__isnull=False)
        )
        .select_related("level")
        .distinct()
        .order_by("level__depth", "name", "pk")
    )


def filter_fields_of_action(municipality: Municipality) -> QuerySet[FieldOfAction]:
    return (
        FieldOfAction.objects.filter(conference__municipality=municipality)
        .select_related("conference")
        .order_by("conference__kind", "conference__name", "priority", "title", "pk")
    )


def _goal_filter(filters: Filters) -> Q:
    query = Q()
    if filters.conference:
        query &= Q(conference=filters.conference)
    if filters.area:
        query &= Q(measurement_area=filters.area) | Q(areas=filters.area)
    if filters.field_of_action:
        # A field of action of an area conference concretises a municipal one.
        query &= Q(field_of_action=filters.field_of_action) | Q(
            field_of_action__derived_from=filters.field_of_action
        )
    return query


def _measure_filter(filters: Filters) -> Q:
    query = Q()
    if filters.conference:
        query &= Q(conference=filters.conference)
    if filters.area:
        query &= Q(areas=filters.area)
    if filters.field_of_action:
        query &= Q(field_of_action=filters.field_of_action) | Q(
            field_of_action__derived_from=filters.field_of_action
        )
    return query


# --------------------------------------------------------------------------------------------
# Sparklines: inline SVG drawn on the server from the points a viewer may see


@dataclass(frozen=True)
class SparkDot:
    year: int
    x: float
    y: float | None  # None: no number shown for this year (suppressed or missing)
    display: str


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    paths: list[str]  # one SVG path per run of years with numbers; gaps break the line
    dots: list[SparkDot]  # years with a number
    gaps: list[SparkDot]  # years without one: drawn as a tick, labelled `k. A.` or `–`
    target_y: float | None
    label: str  # the same content as text, for screen readers


def sparkline(
    points: list[Point],
    *,
    target: float | None = None,
    target_display: str = "",
    width: int = 160,
    height: int = 40,
    pad: int = 4,
) -> Sparkline | None:
    """The course of a goal's indicator as SVG coordinates; None without any number."""
    points = sorted(points, key=lambda p: p.year)
    known = [p for p in points if p.value is not None]
    if not known:
        return None
    first, last = points[0].year, points[-1].year
    values = [p.value for p in known] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1

    def x_of(year: int) -> float:
        if last == first:
            return width / 2
        return round(pad + (year - first) / (last - first) * (width - 2 * pad), 1)

    def y_of(value: float) -> float:
        return round(pad + (high - value) / (high - low) * (height - 2 * pad), 1)

    paths, run, dots, gaps = [], [], [], []
    for point in points:
        if point.value is None:
            gaps.append(SparkDot(point.year, x_of(point.year), None, point.display))
            if len(run) > 1:
                paths.append(run)
            run = []
            continue
        dot = SparkDot(point.year, x_of(point.year), y_of(point.value), point.display)
        dots.append(dot)
        run.append(dot)
    if len(run) > 1:
        paths.append(run)
    label = "; ".join(f"{p.year}: {p.display}" for p in points)
    if target is not None and target_display:
        label += "; " + _("target: %(value)s") % {"value": target_display}
    return Sparkline(
        width=width,
        height=height,
        paths=["M " + " L ".join(f"{dot.x},{dot.y}" for dot in segment) for segment in paths],
        dots=dots,
        gaps=gaps,
        target_y=y_of(target) if target is not None else None,
        label=label,
    )


# --------------------------------------------------------------------------------------------
# The parts of the dashboard


@dataclass(frozen=True)
class GoalRow:
    goal: Goal
    attainment: Attainment
    sparkline: Sparkline | None
    baseline_display: str
    latest_display: str
    target_display: str
    forecast_display: str = ""  # the linear trend's value at the deadline, in the unit

    @property
    def status(self) -> str:
        return self.attainment.status

    @property
    def label(self) -> str:
        return self.attainment.label

    @property
    def percent(self) -> int | None:
        percent = self.attainment.percent
        return None if percent is None else round(percent)

    @property
    def forecast_percent(self) -> int | None:
        percent = self.attainment.forecast_percent
        return None if percent is None else round(percent)

    @property
    def bar_percent(self) -> float:
        return round(self.attainment.bar_percent, 1)

    @property
    def forecast_bar_percent(self) -> float | None:
        percent = self.attainment.forecast_percent
        return None if percent is None else round(max(0.0, min(100.0, percent)), 1)


@dataclass(frozen=True)
class StatusGroup:
    status: str
    label: str
    goals: list[GoalRow]


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class OverdueItem:
    measure: Measure
    substep: SubStep | None
    deadline: datetime.date
    days_overdue: int
    responsible: str

    @property
    def kind(self) -> str:
        return "substep" if self.substep is not None else "measure"

    @property
    def title(self) -> str:
        return self.substep.title if self.substep is not None else self.measure.title


@dataclass(frozen=True)
class OverdueStep:
    """An open step of the control cycle past its deadline (workflow.selectors.open_steps)."""

    task_id: int
    node: str
    title: str
    cycle: object  # workflow.models.Cycle
    area: Area | None  # the area of a Sozialraumkonferenz step
    conference: Conference
    deadline: datetime.date
    days_overdue: int
    owner: object  # None: nobody has taken the step yet (e.g. the mandate of the leadership)

    @property
    def responsible(self) -> str:
        return _name(self.owner)


@dataclass(frozen=True)
class GroupCount:
    pk: int | None  # None: goals and measures without an area / field of action
    label: str
    goals: int
    measures: int


@dataclass(frozen=True)
class Change:
    kind: str  # goal, measure, update
    action: str  # created, changed, update
    when: datetime.datetime
    who: str
    title: str
    goal: Goal | None = None
    measure: Measure | None = None
    update: MeasureUpdate | None = None


@dataclass(frozen=True)
class Dashboard:
    municipality: Municipality
    filters: Filters
    today: datetime.date
    since: datetime.datetime
    first_visit: bool
    goal_rows: list[GoalRow]
    goal_groups: list[StatusGroup]
    goals_by_status: list[StatusCount]
    measure_count: int
    measures_by_status: list[StatusCount]
    overdue: list[OverdueItem]
    per_area: list[GroupCount]
    per_field_of_action: list[GroupCount]
    changes: list[Change] = field(default_factory=list)
    overdue_steps: list[OverdueStep] = field(default_factory=list)

    @property
    def goal_count(self) -> int:
        return len(self.goal_rows)

    @property
    def overdue_count(self) -> int:
        """Overdue measures, sub-steps and steps of the control cycle."""
        return len(self.overdue) + len(self.overdue_steps)


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _number(goal: Goal, value: float | None) -> str:
    if value is None:
        return ""
    indicator = goal.indicator
    return format_number(
        value, decimals=indicator.decimals, unit=indicator.unit, kind=indicator.kind
    )


def _forecast_number(goal: Goal, value: float | None) -> str:
    """The trend's value at the deadline, within what the kind of indicator can take: a count,
    share or rate is never negative and a share never over 100 %."""
    if value is None:
        return ""
    kind = goal.indicator.kind
    if kind in (Indicator.Kind.COUNT, Indicator.Kind.SHARE, Indicator.Kind.RATE):
        value = max(0.0, value)
    if kind == Indicator.Kind.SHARE:
        value = min(100.0, value)
    return _number(goal, value)


def _goal_row(goal: Goal, result: Attainment) -> GoalRow:
    if not goal.is_quantitative:
        return GoalRow(goal, result, None, "", "", "")
    latest = next((p.display for p in result.points if p.year == result.latest_year), "")
    target_display = _number(goal, result.target)
    return GoalRow(
        goal=goal,
        attainment=result,
        sparkline=sparkline(result.points, target=result.target, target_display=target_display),
        baseline_display=_number(goal, result.baseline),
        latest_display=latest if result.latest_year is not None else "",
        target_display=target_display,
        forecast_display=_forecast_number(goal, result.forecast),
    )


def _overdue(measures: list[Measure], today: datetime.date) -> list[OverdueItem]:
    items = []
    for measure in measures:
        if measure.is_overdue(today):
            items.append(
                OverdueItem(
                    measure=measure,
                    substep=None,
                    deadline=measure.deadline,
                    days_overdue=(today - measure.deadline).days,
                    responsible=measure.responsible_name,
                )
            )
        for step in measure.substeps.all():
            if step.is_overdue(today):
                items.append(
                    OverdueItem(
                        measure=measure,
                        substep=step,
                        deadline=step.deadline,
                        days_overdue=(today - step.deadline).days,
                        responsible=step.responsible_name or measure.responsible_name,
                    )
                )
    items.sort(key=lambda item: (item.deadline, item.measure.pk, item.substep is not None))
    return items


def _overdue_steps(
    user, municipality: Municipality, filters: Filters, today: datetime.date
) -> list[OverdueStep]:
    """The overdue open steps of the municipality's cycles and area processes: of the filtered
    conference or area; none when filtered by field of action, which steps do not have."""
    # Imported here: the control cycle builds on goals and measures, not the other way round.
    from workflow.selectors import open_steps

    if filters.field_of_action:
        return []
    items = []
    for item in open_steps(user=user, municipality=municipality, today=today):
        area = item.area_cycle.area if item.area_cycle else None
        if not item.overdue:
            continue
        if filters.conference and item.conference.pk != filters.conference.pk:
            continue
        if filters.area and (area is None or area.pk != filters.area.pk):
            continue
        items.append(
            OverdueStep(
                task_id=item.task.pk,
                node=item.node,
                title=item.title,
                cycle=item.cycle,
                area=area,
                conference=item.conference,
                deadline=item.due,
                days_overdue=(today - item.due).days,
                owner=item.owner,
            )
        )
    items.sort(key=lambda step: (step.deadline, step.cycle.number, step.task_id))
    return items


def _counts(
    goal_keys: dict[int | None, int],
    measure_keys: dict[int | None, int],
    labels: dict[int | None, tuple],
) -> list[GroupCount]:
    keys = sorted(set(goal_keys) | set(measure_keys), key=lambda key: labels[key])
    return [
        GroupCount(
            pk=key,
            label=labels[key][-1],
            goals=goal_keys.get(key, 0),
            measures=measure_keys.get(key, 0),
        )
        for key in keys
    ]


def _per_area(goals: list[Goal], measures: list[Measure]) -> list[GroupCount]:
    none_label = (1, 0, _("No area"))
    labels: dict[int | None, tuple] = {None: none_label}
    goal_keys: dict[int | None, int] = defaultdict(int)
    measure_keys: dict[int | None, int] = defaultdict(int)
    for goal in goals:
        areas = {area.pk: area for area in goal.areas.all()}
        if goal.measurement_area_id:
            areas[goal.measurement_area_id] = goal.measurement_area
        for area in areas.values():
            labels[area.pk] = (0, area.level.depth, area.name)
            goal_keys[area.pk] += 1
        if not areas:
            goal_keys[None] += 1
    for measure in measures:
        areas = list(measure.areas.all())
        for area in areas:
            labels[area.pk] = (0, area.level.depth, area.name)
            measure_keys[area.pk] += 1
        if not areas:
            measure_keys[None] += 1
    return _counts(goal_keys, measure_keys, labels)


def _per_field(goals: list[Goal], measures: list[Measure]) -> list[GroupCount]:
    labels: dict[int | None, tuple] = {None: (1, 0, "", _("No field of action"))}
    goal_keys: dict[int | None, int] = defaultdict(int)
    measure_keys: dict[int | None, int] = defaultdict(int)
    for items, keys in ((goals, goal_keys), (measures, measure_keys)):
        for item in items:
            field_of_action = item.field_of_action
            key = field_of_action.pk if field_of_action else None
            if field_of_action:
                labels[key] = (
                    0,
                    field_of_action.priority,
                    field_of_action.title.casefold(),
                    field_of_action.title,
                )
            keys[key] += 1
    return _counts(goal_keys, measure_keys, labels)


def _editors(model, ids: list[int], since: datetime.datetime) -> dict[int, str]:
    """Who changed each object since `since`, from its history (newest first), in one query."""
    if not ids:
        return {}
    names: dict[int, list[str]] = defaultdict(list)
    records = (
        model.history.filter(id__in=ids, history_date__gt=since)
        .select_related("history_user")
        .order_by("-history_date")
    )
    for record in records:
        name = _name(record.history_user)
        if name and name not in names[record.id]:
            names[record.id].append(name)
    return {pk: ", ".join(people) for pk, people in names.items()}


def _changes(
    goals: list[Goal], measures: list[Measure], updates: list[MeasureUpdate], since
) -> list[Change]:
    changes = []
    changed_goals = [g for g in goals if g.created <= since < g.updated]
    changed_measures = [m for m in measures if m.created <= since < m.updated]
    goal_editors = _editors(Goal, [g.pk for g in changed_goals], since)
    measure_editors = _editors(Measure, [m.pk for m in changed_measures], since)
    for goal in goals:
        if goal.created > since:
            changes.append(
                Change("goal", "created", goal.created, _name(goal.created_by), goal.title, goal)
            )
    for goal in changed_goals:
        changes.append(
            Change("goal", "changed", goal.updated, goal_editors.get(goal.pk, ""), goal.title, goal)
        )
    for measure in measures:
        if measure.created > since:
            changes.append(
                Change(
                    "measure",
                    "created",
                    measure.created,
                    _name(measure.created_by),
                    measure.title,
                    measure=measure,
                )
            )
    for measure in changed_measures:
        changes.append(
            Change(
                "measure",
                "changed",
                measure.updated,
                measure_editors.get(measure.pk, ""),
                measure.title,
                measure=measure,
            )
        )
    for update in updates:
        changes.append(
            Change(
                "update",
                "update",
                update.created,
                _name(update.author),
                update.measure.title,
                measure=update.measure,
                update=update,
            )
        )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes


# --------------------------------------------------------------------------------------------
# The dashboard


def last_visit(*, user, municipality: Municipality) -> datetime.datetime | None:
    """When `user` last looked at the dashboard of `municipality`, or None."""
    return (
        DashboardVisit.objects.filter(user=user, municipality=municipality)
        .values_list("seen_at", flat=True)
        .first()
    )


def default_since(*, user, municipality: Municipality, now=None) -> tuple[datetime.datetime, bool]:
    """The time from which changes are shown: the last visit, else 30 days back (first visit)."""
    seen = last_visit(user=user, municipality=municipality)
    if seen is not None:
        return seen, False
    now = now or timezone.now()
    return now - datetime.timedelta(days=FIRST_VISIT_DAYS), True


def dashboard(
    *,
    user,
    municipality: Municipality,
    filters: Filters | None = None,
    since: datetime.datetime,
    first_visit: bool = False,
    today: datetime.date | None = None,
) -> Dashboard:
    """Everything the leadership dashboard shows, as `user` may see it."""
    require(user, Action.VIEW_DASHBOARD, municipality)
    filters = filters or Filters()
    today = today or timezone.localdate()
    areas = Prefetch("areas", queryset=Area.objects.select_related("level"))
    goals = list(
        goals_for(user=user, municipality=municipality)
        .filter(_goal_filter(filters))
        .select_related("created_by", "measurement_area__level")
        .prefetch_related(None)
        .prefetch_related(areas)
        .distinct()
    )
    measure_query = (
        measures_for(user=user, municipality=municipality)
        .filter(_measure_filter(filters))
        .select_related("created_by")
        .prefetch_related(None)
        .prefetch_related(
            areas,
            Prefetch(
                "substeps",
                queryset=SubStep.objects.select_related("responsible_user", "responsible_member"),
            ),
        )
        .distinct()
    )
    measures = list(measure_query)
    updates = list(
        MeasureUpdate.objects.filter(
            measure__in=measure_query.values("pk"), created__gt=since
        ).select_related("author", "measure")
    )

    attainments = goal_attainments(user=user, goals=goals, today=today)
    rows = [_goal_row(goal, attainments[goal.pk]) for goal in goals]
    rank = {status: index for index, status in enumerate(STATUS_ORDER)}
    rows.sort(key=lambda row: (rank[row.status], row.goal.title.casefold(), row.goal.pk))
    groups = [
        StatusGroup(status, str(STATUS_LABELS[status]), [r for r in rows if r.status == status])
        for status in STATUS_ORDER
    ]
    statuses = defaultdict(int)
    for measure in measures:
        statuses[measure.status] += 1
    return Dashboard(
        municipality=municipality,
        filters=filters,
        today=today,
        since=since,
        first_visit=first_visit,
        goal_rows=rows,
        goal_groups=[group for group in groups if group.goals],
        goals_by_status=[
            StatusCount(group.status, group.label, len(group.goals)) for group in groups
        ],
        measure_count=len(measures),
        measures_by_status=[
            StatusCount(value, str(label), statuses[value])
            for value, label in Measure.Status.choices
        ],
        overdue=_overdue(measures, today),
        per_area=_per_area(goals, measures),
        per_field_of_action=_per_field(goals, measures),
        changes=_changes(goals, measures, updates, since),
        overdue_steps=_overdue_steps(user, municipality, filters, today),
    )
