"""Reads of goals and measures: who may see which, their attainment from the atlas, roll-ups.

Every number of the atlas comes through `selectors_explore.indicator_values_many`, so it passes
the one suppression function; suppressed numbers are no data points for anyone.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Municipality
from accounts.permissions import Action, require
from atlas_data.models import Area
from atlas_data.selectors import indicator_years
from atlas_data.selectors_explore import indicator_values_many
from atlas_data.suppression import STATUS_OK, STATUS_SUPPRESSED

from .attainment import Attainment, Point, attainment
from .models import Goal, ImpactHypothesis, Measure, MeasureUpdate, SubStep


def _named_areas() -> QuerySet[Area]:
    """Areas as goals and measures name them: without their polygons, which can be megabytes
    per area and which no page of goals and measures draws."""
    return Area.objects.defer("geometry", "web_geometry")


def goals_for(*, user, municipality: Municipality) -> QuerySet[Goal]:
    """The goals of a municipality with what their pages and lists show, for members."""
    require(user, Action.VIEW_INTERNAL, municipality)
    return (
        Goal.objects.filter(municipality=municipality)
        .select_related(
            "municipality",
            "conference",
            "parent",
            "field_of_action",
            "indicator",
            "measurement_area",
            "measurement_area__level",
        )
        .prefetch_related(Prefetch("areas", queryset=_named_areas()))
    )


def measures_for(*, user, municipality: Municipality) -> QuerySet[Measure]:
    """The measures of a municipality with their sub-steps, goals and areas, for members.

    A fixed number of queries for any number of measures (one per prefetched relation); the
    municipality comes along, so that permission checks on a measure cost no query."""
    require(user, Action.VIEW_INTERNAL, municipality)
    return (
        Measure.objects.filter(municipality=municipality)
        .select_related(
            "municipality",
            "conference",
            "field_of_action",
            "responsible_user",
            "responsible_member",
            "existing_offer",
        )
        .prefetch_related(
            "goals",
            Prefetch("areas", queryset=_named_areas()),
            "supporters",
            Prefetch(
                "substeps",
                queryset=SubStep.objects.select_related("responsible_user", "responsible_member"),
            ),
        )
    )


def measure_for_update(*, user, municipality: Municipality, pk: int) -> Measure:
    """One measure with what recording its progress reads (its municipality and sub-steps):
    the timeline's POST needs neither goals, areas nor supporters. Measure.DoesNotExist
    otherwise."""
    require(user, Action.VIEW_INTERNAL, municipality)
    return (
        Measure.objects.filter(municipality=municipality)
        .select_related("municipality", "responsible_member")
        .prefetch_related("substeps")
        .get(pk=pk)
    )


def hypotheses_for(*, user, municipality: Municipality) -> QuerySet[ImpactHypothesis]:
    """The impact hypotheses of a municipality with their links, for members."""
    require(user, Action.VIEW_INTERNAL, municipality)
    return (
        ImpactHypothesis.objects.filter(municipality=municipality)
        .select_related("conference", "created_by")
        .prefetch_related("goals", "measures")
        .order_by("conference__kind", "conference__name", "pk")
    )


def latest_updates(measures: Iterable[Measure], *, per_measure: int = 3) -> dict[int, list]:
    """The newest timeline entries of each measure, in one query."""
    ids = [measure.pk for measure in measures]
    result: dict[int, list[MeasureUpdate]] = defaultdict(list)
    for update in MeasureUpdate.objects.filter(measure_id__in=ids).select_related("author"):
        if len(result[update.measure_id]) < per_measure:
            result[update.measure_id].append(update)
    return result


def goal_points(*, user, goals: Iterable[Goal]) -> dict[int, list[Point]]:
    """Per goal, its indicator in its measurement area in every year the viewer may see.

    A fixed number of queries for any number of goals: the years of all indicators at once,
    then the values of every (indicator, year) pair through `indicator_values_many`.
    """
    goals = [g for g in goals if g.indicator_id and g.measurement_area_id]
    if not goals:
        return {}
    municipality = goals[0].municipality
    indicators = {goal.indicator_id: goal.indicator for goal in goals}
    years = indicator_years(
        user=user, municipality=municipality, indicators=list(indicators.values())
    )
    wanted = {indicator: years[pk].years for pk, indicator in indicators.items()}
    data = indicator_values_many(user=user, municipality=municipality, wanted=wanted)
    result = {}
    for goal in goals:
        points = []
        for year in years[goal.indicator_id].years:
            values = data.get((goal.indicator_id, year))
            if values is None or goal.measurement_area_id not in values.shown:
                continue
            shown = values.shown[goal.measurement_area_id]
            suppressed = shown.status == STATUS_SUPPRESSED
            usable = shown.status == STATUS_OK and shown.value is not None
            points.append(
                Point(
                    year=year,
                    value=shown.value if usable else None,
                    # Data admins see suppressed numbers elsewhere; here no one does.
                    display=shown.display if not suppressed else "k. A.",
                    suppressed=suppressed,
                )
            )
        result[goal.pk] = points
    return result


def goal_attainments(
    *, user, goals: Iterable[Goal], today: datetime.date | None = None
) -> dict[int, Attainment]:
    """The attainment of every goal as `user` may see it (qualitative goals: no data)."""
    goals = list(goals)
    today = today or timezone.localdate()
    points = goal_points(user=user, goals=goals)
    result = {}
    for goal in goals:
        result[goal.pk] = attainment(
            baseline_year=goal.baseline_year,
            baseline=goal.baseline_value,
            target=goal.target_value,
            deadline=goal.deadline,
            points=points.get(goal.pk, []),
            today=today,
        )
    return result


def rolled_up_progress(measure: Measure) -> int:
    """A measure's progress: the mean of its sub-steps (a done one counts 100 %), or its own
    progress when it has none. Uses prefetched sub-steps."""
    steps = list(measure.substeps.all())
    if not steps:
        return measure.progress
    return round(sum(100 if step.done else step.progress for step in steps) / len(steps))
