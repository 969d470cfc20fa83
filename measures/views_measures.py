"""Pages of the measure plan under /app/measures/plan/: the plan table with the columns of
domain.md §7 grouped by goal, a measure's page with its sub-steps, timeline and reflection, and
the forms. Thin: reads through measures.selectors, writes through measures.services.

Coordinators (EDIT_GOALS_AND_MEASURES) plan and change measures; the responsible person of a
measure records progress, sub-steps and the reflection on the measure's page; the responsible
person of a sub-step updates that sub-step; everyone else in the municipality reads.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import (
    Action,
    can,
    can_update_measure,
    can_update_substep,
    current_municipality,
    require,
    require_measure_update,
)
from keck.history import history_url
from keck.locking import renew_version

from . import selectors, services
from .forms import (
    MeasureFilterForm,
    MeasureForm,
    ReflectionForm,
    SubStepForm,
    SubStepProgressForm,
    UpdateForm,
    substep_formset,
)
from .models import Goal, Measure, SubStep


def _get(queryset, pk: int):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def _measure(request, pk: int) -> Measure:
    municipality = current_municipality(request)
    return _get(selectors.measures_for(user=request.user, municipality=municipality), pk)


def _step(measure: Measure, pk: int) -> SubStep:
    step = next((s for s in measure.substeps.all() if s.pk == pk), None)
    if step is None:
        raise Http404
    return step


def _detail_url(measure: Measure, anchor: str = "") -> str:
    return reverse("measures:measure_detail", args=[measure.pk]) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------------------------
# The plan


def _filtered(measures, chosen: dict, *, user, today):
    if "conference" in chosen:
        measures = measures.filter(conference=chosen["conference"])
    if "field_of_action" in chosen:
        measures = measures.filter(field_of_action=chosen["field_of_action"])
    if "area" in chosen:
        measures = measures.filter(areas=chosen["area"])
    status = chosen.get("status")
    if status == MeasureFilterForm.OVERDUE:
        measures = measures.filter(deadline__lt=today).exclude(status__in=Measure.CLOSED)
    elif status:
        measures = measures.filter(status=status)
    if chosen.get("mine"):
        measures = measures.filter(
            Q(responsible_user=user)
            | Q(responsible_member__user=user)
            | Q(substeps__responsible_user=user)
            | Q(substeps__responsible_member__user=user)
        )
    # Only the joins over areas and sub-steps repeat a measure; DISTINCT over every column of
    # the measures (long texts) is the plan's most expensive query, so only then.
    return measures.distinct() if "area" in chosen or chosen.get("mine") else measures


def _goal_order(goals: list[Goal]) -> list[Goal]:
    """Municipal goals by title, each followed by the area goals refining it; then the rest."""
    municipal = sorted(
        (g for g in goals if g.level == Goal.Level.MUNICIPAL), key=lambda g: g.title.lower()
    )
    ordered = []
    for goal in municipal:
        ordered.append(goal)
        ordered += sorted(
            (g for g in goals if g.parent_id == goal.pk), key=lambda g: g.title.lower()
        )
    placed = {g.pk for g in ordered}
    ordered += sorted((g for g in goals if g.pk not in placed), key=lambda g: g.title.lower())
    return ordered


@login_required
def measure_list(request):
    municipality = current_municipality(request)
    user = request.user
    today = timezone.localdate()
    filters = MeasureFilterForm(request.GET or None, user=user, municipality=municipality)
    chosen = filters.filters()
    measures = list(
        _filtered(
            selectors.measures_for(user=user, municipality=municipality),
            chosen,
            user=user,
            today=today,
        )
    )
    rows = {m.pk: {"measure": m, "progress": selectors.rolled_up_progress(m)} for m in measures}
    by_goal: dict[int, list[dict]] = {}
    without_goal = []
    for measure in measures:
        goal_ids = [goal.pk for goal in measure.goals.all()]
        for goal_id in goal_ids:
            by_goal.setdefault(goal_id, []).append(rows[measure.pk])
        if not goal_ids:
            without_goal.append(rows[measure.pk])
    goals = _goal_order(list(selectors.goals_for(user=user, municipality=municipality)))
    groups = [{"goal": goal, "rows": by_goal[goal.pk]} for goal in goals if goal.pk in by_goal]
    if without_goal:
        groups.append({"goal": None, "rows": without_goal})
    return render(
        request,
        "measures/measure_list.html",
        {
            "municipality": municipality,
            "filters": filters,
            "filtered": bool(chosen),
            "groups": groups,
            "count": len(measures),
            "overdue_count": sum(1 for m in measures if m.is_overdue(today)),
            "may_edit": can(user, Action.EDIT_GOALS_AND_MEASURES, municipality),
        },
    )


# ---------------------------------------------------------------------------------------------
# A measure's page and what its responsible person records there


def _detail_page(
    request,
    measure: Measure,
    *,
    update_form=None,
    reflection_form=None,
    step_forms=None,
):
    user = request.user
    may_update = can_update_measure(user, measure)
    step_forms = step_forms or {}
    steps = []
    for step in measure.substeps.all():
        may_step = can_update_substep(user, step)
        form = step_forms.get(step.pk)
        if form is None and may_step:
            form = SubStepProgressForm(
                prefix=f"step{step.pk}", initial={"progress": step.progress, "done": step.done}
            )
        steps.append({"step": step, "may_update": may_step, "form": form})
    return render(
        request,
        "measures/measure_detail.html",
        {
            "municipality": measure.municipality,
            "measure": measure,
            "progress": selectors.rolled_up_progress(measure),
            "steps": steps,
            "updates": measure.updates.select_related("author"),
            "hypotheses": measure.hypotheses.all(),
            "may_edit": can(user, Action.EDIT_GOALS_AND_MEASURES, measure.municipality),
            "may_update": may_update,
            "history_url": history_url("measure", measure.pk),
            "update_form": update_form or (UpdateForm() if may_update else None),
            "reflection_form": reflection_form
            or (
                ReflectionForm(
                    initial={
                        "outcome": measure.outcome,
                        "outcome_reason": measure.outcome_reason,
                        "lessons": measure.lessons,
                    }
                )
                if may_update
                else None
            ),
        },
    )


@login_required
def measure_detail(request, pk: int):
    return _detail_page(request, _measure(request, pk))


@require_POST
@login_required
def measure_add_update(request, pk: int):
    municipality = current_municipality(request)
    try:
        measure = selectors.measure_for_update(user=request.user, municipality=municipality, pk=pk)
    except Measure.DoesNotExist as exc:
        raise Http404 from exc
    require_measure_update(request.user, measure)
    form = UpdateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_update(
                user=request.user,
                measure=measure,
                text=data["text"],
                status=data["status"],
                progress=data["progress"],
                date=data["date"],
            )
        except services.MeasuresError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The progress was recorded."))
            return redirect(_detail_url(measure, "timeline"))
    # The page with the refused form shows the whole measure again.
    return _detail_page(request, _measure(request, pk), update_form=form)


@require_POST
@login_required
def measure_reflection(request, pk: int):
    measure = _measure(request, pk)
    require_measure_update(request.user, measure)
    form = ReflectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_reflection(
                user=request.user,
                measure=measure,
                outcome=data["outcome"],
                reason=data["outcome_reason"],
                lessons=data["lessons"],
            )
        except services.MeasuresError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The reflection was saved."))
            return redirect(_detail_url(measure, "reflection"))
    return _detail_page(request, measure, reflection_form=form)


@require_POST
@login_required
def substep_progress(request, pk: int, step_pk: int):
    measure = _measure(request, pk)
    step = _step(measure, step_pk)
    if not can_update_substep(request.user, step):
        raise PermissionDenied(_("Only the responsible person and coordinators update this step."))
    form = SubStepProgressForm(request.POST, prefix=f"step{step.pk}")
    if form.is_valid():
        data = {"done": form.cleaned_data["done"]}
        if form.cleaned_data["progress"] is not None:
            data["progress"] = form.cleaned_data["progress"]
        try:
            services.save_substep(
                user=request.user,
                measure=measure,
                data=data,
                substep=step,
                version=form.cleaned_data["version"],
            )
        except services.MeasuresConflict as exc:
            form.add_service_error(exc)
            renew_version(form, exc)
        except services.MeasuresError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The sub-step was updated."))
            return redirect(_detail_url(measure, "substeps"))
    return _detail_page(request, measure, step_forms={step.pk: form})


@login_required
def substep_form(request, pk: int, step_pk: int | None = None):
    """Add or change a sub-step completely (coordinators and the measure's responsible)."""
    measure = _measure(request, pk)
    require_measure_update(request.user, measure)
    step = _step(measure, step_pk) if step_pk is not None else None
    form = SubStepForm(
        request.POST or None,
        initial=SubStepForm.initial_for(step) if step else None,
        municipality=measure.municipality,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.save_substep(
                user=request.user,
                measure=measure,
                data=form.cleaned_data,
                substep=step,
                version=form.cleaned_data["version"],
            )
        except services.MeasuresConflict as exc:
            conflict = exc
            renew_version(form, exc)
        except services.MeasuresError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The sub-step was saved."))
            return redirect(_detail_url(measure, "substeps"))
    return render(
        request,
        "measures/measure_substep_form.html",
        {
            "municipality": measure.municipality,
            "measure": measure,
            "form": form,
            "title": _("New sub-step") if step is None else _("Edit sub-step"),
            "back": _detail_url(measure, "substeps"),
            "conflict": conflict,
            "history_url": history_url("substep", step.pk) if step else None,
        },
    )


@login_required
def substep_delete(request, pk: int, step_pk: int):
    measure = _measure(request, pk)
    require_measure_update(request.user, measure)
    step = _step(measure, step_pk)
    if request.method == "POST":
        services.delete_substep(user=request.user, substep=step)
        messages.success(request, _("The sub-step was deleted."))
        return redirect(_detail_url(measure, "substeps"))
    return render(
        request,
        "measures/measure_confirm_delete.html",
        {
            "municipality": measure.municipality,
            "what": step.title,
            "back": _detail_url(measure, "substeps"),
        },
    )


# ---------------------------------------------------------------------------------------------
# Planning measures (coordinators)


@login_required
def measure_form(request, pk: int | None = None):
    municipality = current_municipality(request)
    user = request.user
    require(user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    measure = _measure(request, pk) if pk is not None else None
    if measure is not None:
        initial = MeasureForm.initial_for(measure)
    else:
        initial = {"status": Measure.Status.PLANNED, "progress": 0}
        if request.GET.get("goal"):
            initial["goals"] = [request.GET["goal"]]
    data = request.POST or None
    form = MeasureForm(data, initial=initial, user=user, municipality=municipality)
    steps = substep_formset(municipality=municipality, data=data) if measure is None else None
    conflict = None
    if request.method == "POST" and form.is_valid() and (steps is None or steps.is_valid()):
        try:
            if measure is None:
                measure = services.create_measure(
                    user=user,
                    municipality=municipality,
                    data=form.cleaned_data,
                    substeps=steps.steps(),
                )
            else:
                services.update_measure(
                    user=user,
                    measure=measure,
                    data=form.cleaned_data,
                    version=form.cleaned_data.get("version"),
                )
        except services.MeasuresConflict as exc:
            conflict = exc
            renew_version(form, exc)
        except services.MeasuresError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The measure was saved."))
            return redirect(_detail_url(measure))
    return render(
        request,
        "measures/measure_form.html",
        {
            "municipality": municipality,
            "form": form,
            "steps": steps,
            "measure": measure,
            "title": _("New measure") if measure is None else _("Edit measure"),
            "back": _detail_url(measure) if measure else reverse("measures:measures"),
            "conflict": conflict,
            "history_url": history_url("measure", measure.pk) if measure else None,
        },
    )


@login_required
def measure_delete(request, pk: int):
    municipality = current_municipality(request)
    require(request.user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    measure = _measure(request, pk)
    if request.method == "POST":
        services.delete_measure(user=request.user, measure=measure)
        messages.success(request, _("The measure was deleted."))
        return redirect("measures:measures")
    return render(
        request,
        "measures/measure_confirm_delete.html",
        {"municipality": municipality, "what": measure.title, "back": _detail_url(measure)},
    )


urlpatterns = [
    path("plan/", measure_list, name="measures"),
    path("plan/new/", measure_form, name="measure_new"),
    path("plan/<int:pk>/", measure_detail, name="measure_detail"),
    path("plan/<int:pk>/edit/", measure_form, name="measure_edit"),
    path("plan/<int:pk>/delete/", measure_delete, name="measure_delete"),
    path("plan/<int:pk>/updates/", measure_add_update, name="measure_add_update"),
    path("plan/<int:pk>/reflection/", measure_reflection, name="measure_reflection"),
    path("plan/<int:pk>/steps/new/", substep_form, name="substep_new"),
    path("plan/<int:pk>/steps/<int:step_pk>/", substep_form, name="substep_edit"),
    path("plan/<int:pk>/steps/<int:step_pk>/progress/", substep_progress, name="substep_progress"),
    path("plan/<int:pk>/steps/<int:step_pk>/delete/", substep_delete, name="substep_delete"),
]
