"""The kinds of the history page (keck.history) of goals, measures and sub-steps: members read
the history, who may edit the object restores a version through measures.services."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.permissions import Action, can, can_update_measure, current_municipality
from keck.history import Kind, int_ref, record_data, record_of, record_versions, register, scoped

from . import selectors, services
from .models import SubStep

GOAL_SHOWN = (*services.GOAL_FIELDS, "baseline_value")
MEASURE_REFLECTION = ("outcome", "outcome_reason", "lessons")
MEASURE_SHOWN = (*services.MEASURE_FIELDS, *MEASURE_REFLECTION)
SUBSTEP_FIELDS = ("title", "responsible_user", "responsible_member", "deadline", "progress", "done")


def _goal(request, ref):
    municipality = current_municipality(request)
    return scoped(selectors.goals_for(user=request.user, municipality=municipality), int_ref(ref))


def _restore_goal(user, goal, ref, version):
    data = record_data(record_of(goal, ref), services.GOAL_FIELDS)
    services.update_goal(user=user, goal=goal, data=data, version=version)


register(
    Kind(
        name="goal",
        app="measures",
        label=gettext_lazy("Impact goal"),
        get=_goal,
        title=lambda goal: goal.title,
        back_url=lambda goal: reverse("measures:goal_detail", args=[goal.pk]),
        versions=lambda user, goal: record_versions(goal, GOAL_SHOWN),
        may_restore=lambda user, goal: can(user, Action.EDIT_GOALS_AND_MEASURES, goal.municipality),
        restore=_restore_goal,
        version_of=lambda goal: goal.version,
        errors=(services.MeasuresError,),
    )
)


def _measure(request, ref):
    municipality = current_municipality(request)
    measures = selectors.measures_for(user=request.user, municipality=municipality)
    return scoped(measures, int_ref(ref))


def _restore_measure(user, measure, ref, version):
    record = record_of(measure, ref)
    data = record_data(record, services.MEASURE_FIELDS)
    with transaction.atomic():
        services.update_measure(user=user, measure=measure, data=data, version=version)
        if any(getattr(measure, name) != getattr(record, name) for name in MEASURE_REFLECTION):
            services.save_reflection(
                user=user,
                measure=measure,
                outcome=record.outcome,
                reason=record.outcome_reason,
                lessons=record.lessons,
            )


register(
    Kind(
        name="measure",
        app="measures",
        label=gettext_lazy("Measure"),
        get=_measure,
        title=lambda measure: measure.title,
        back_url=lambda measure: reverse("measures:measure_detail", args=[measure.pk]),
        versions=lambda user, measure: record_versions(measure, MEASURE_SHOWN),
        may_restore=lambda user, measure: can(
            user, Action.EDIT_GOALS_AND_MEASURES, measure.municipality
        ),
        restore=_restore_measure,
        version_of=lambda measure: measure.version,
        errors=(services.MeasuresError,),
    )
)


def _substep(request, ref):
    municipality = current_municipality(request)
    measures = selectors.measures_for(user=request.user, municipality=municipality)
    steps = SubStep.objects.filter(measure__in=measures).select_related("measure__municipality")
    return scoped(steps, int_ref(ref))


def _restore_substep(user, step, ref, version):
    data = record_data(record_of(step, ref), SUBSTEP_FIELDS)
    services.save_substep(user=user, measure=step.measure, data=data, substep=step, version=version)


register(
    Kind(
        name="substep",
        app="measures",
        label=gettext_lazy("Sub-step"),
        get=_substep,
        title=lambda step: f"{step.measure.title}: {step.title}",
        back_url=lambda step: (
            reverse("measures:measure_detail", args=[step.measure_id]) + "#substeps"
        ),
        versions=lambda user, step: record_versions(step, SUBSTEP_FIELDS),
        # Restoring may change every field: the measure's responsible person and coordinators.
        may_restore=lambda user, step: can_update_measure(user, step.measure),
        restore=_restore_substep,
        version_of=lambda step: step.version,
        errors=(services.MeasuresError,),
    )
)
