"""Pages of the impact goals and impact hypotheses under /app/measures/goals/ and hypotheses/.

Thin: reads through measures.selectors (attainment included), writes through measures.services.
Members and leadership read; coordinators (EDIT_GOALS_AND_MEASURES) create, edit and delete.
The SMART check (measures.smart) is shown on the goal page and, without saving, in the form.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, can, current_municipality, require
from atlas_data.suppression import format_number
from keck.history import history_url
from keck.locking import renew_version

from . import selectors, services, smart
from .attainment import Attainment
from .forms import GoalFilterForm, GoalForm, HypothesisForm
from .models import Goal


def _get(queryset, pk: int):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def _may_edit(request, municipality) -> bool:
    return can(request.user, Action.EDIT_GOALS_AND_MEASURES, municipality)


# ---------------------------------------------------------------------------------------------
# What a goal's numbers look like on a page


def _number(goal: Goal, value: float | None) -> str:
    if value is None or goal.indicator_id is None:
        return "–"
    indicator = goal.indicator
    return format_number(
        value, decimals=indicator.decimals, unit=indicator.unit, kind=indicator.kind
    )


def _percent(value: float | None) -> str:
    return "–" if value is None else format_number(value, decimals=0, unit="%")


def goal_row(goal: Goal, attainment: Attainment) -> dict:
    """A goal with its attainment as a page shows it (German numbers, bar width)."""
    return {
        "goal": goal,
        "attainment": attainment,
        "baseline": _number(goal, goal.baseline_value),
        "target": _number(goal, goal.target_value),
        "latest": _number(goal, attainment.latest),
        "forecast": _number(goal, attainment.forecast),
        "percent": _percent(attainment.percent),
        "forecast_percent": _percent(attainment.forecast_percent),
        "bar": round(attainment.bar_percent),
    }


CHART_WIDTH, CHART_HEIGHT = 560, 240
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 64, 16, 16, 36


CHART_TICK_GAP = 40  # the least distance of two year labels, in chart units


def _thinned(ticks: list[tuple[float, int]]) -> list[dict]:
    """Year labels that do not overlap: the last year (the deadline) always stays."""
    kept: list[tuple[float, int]] = []
    for x, year in ticks:
        if kept and x - kept[-1][0] < CHART_TICK_GAP:
            if (x, year) != ticks[-1]:
                continue
            if len(kept) > 1:
                kept.pop()
        kept.append((x, year))
    return [{"x": x, "label": year} for x, year in kept]


def goal_chart(goal: Goal, attainment: Attainment) -> dict | None:
    """Geometry of a small line chart of the goal's indicator: the values the viewer may see
    (gaps where suppressed or missing), the target as a line and the trend to the deadline."""
    known = [p for p in attainment.points if p.value is not None]
    if goal.indicator_id is None or not attainment.points:
        return None
    years = [p.year for p in attainment.points]
    values = [p.value for p in known]
    for extra in (goal.baseline_value, goal.target_value, attainment.forecast):
        if extra is not None:
            values.append(extra)
    if goal.baseline_year is not None:
        years.append(goal.baseline_year)
    if attainment.forecast is not None and goal.deadline is not None:
        years.append(goal.deadline.year)
    if not values:
        return None
    first, last = min(years), max(years)
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1
    low, high = low - pad, high + pad
    if min(values) >= 0 > low:
        low = 0
    plot_w = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_h = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM

    def x(year):
        return round(CHART_LEFT + (year - first) / ((last - first) or 1) * plot_w, 1)

    def y(value):
        return round(CHART_TOP + (high - value) / (high - low) * plot_h, 1)

    segments, current = [], []
    for point in attainment.points:
        if point.value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{x(point.year)},{y(point.value)}")
    if current:
        segments.append(current)
    chart = {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "bottom": CHART_HEIGHT - CHART_BOTTOM,
        "segments": [" ".join(s) for s in segments],
        "dots": [
            {"x": x(p.year), "y": y(p.value), "label": f"{p.year}: {p.display}"} for p in known
        ],
        "gaps": [
            {"x": x(p.year), "label": p.display} for p in attainment.points if p.value is None
        ],
        "x_ticks": _thinned([(x(year), year) for year in sorted(set(years))]),
        "y_ticks": [
            {"y": y(value), "label": _number(goal, value)}
            for value in (low, (low + high) / 2, high)
        ],
    }
    if goal.target_value is not None:
        chart["target"] = {"y": y(goal.target_value), "label": _number(goal, goal.target_value)}
    if attainment.forecast is not None and attainment.latest_year is not None and goal.deadline:
        chart["forecast"] = {
            "x1": x(attainment.latest_year),
            "y1": y(attainment.latest),
            "x2": x(goal.deadline.year),
            "y2": y(attainment.forecast),
        }
    return chart


def explorer_url(goal: Goal, attainment: Attainment) -> str | None:
    """The atlas explorer with the goal's indicator, its area's level and the latest year."""
    if goal.indicator_id is None or goal.measurement_area_id is None:
        return None
    area = goal.measurement_area
    year = attainment.latest_year or goal.baseline_year
    query = {"level": area.level.slug, "indicator": goal.indicator_id, "areas": area.key}
    if year:
        query["year"] = year
    return reverse("atlas:explore") + "?" + urlencode(query)


# ---------------------------------------------------------------------------------------------
# Goals


@login_required
def goal_list(request):
    municipality = current_municipality(request)
    user = request.user
    filters = GoalFilterForm(request.GET or None, user=user, municipality=municipality)
    goals = selectors.goals_for(user=user, municipality=municipality).annotate(
        measure_count=Count("measures", distinct=True)
    )
    chosen = filters.filters()
    if "conference" in chosen:
        goals = goals.filter(conference=chosen["conference"])
    if "field_of_action" in chosen:
        goals = goals.filter(field_of_action=chosen["field_of_action"])
    goals = list(goals)
    attainments = selectors.goal_attainments(user=user, goals=goals)
    shown = {goal.pk for goal in goals}
    children: dict[int, list[dict]] = {}
    for goal in goals:
        if goal.parent_id in shown:
            children.setdefault(goal.parent_id, []).append(goal_row(goal, attainments[goal.pk]))
    groups = [
        {**goal_row(goal, attainments[goal.pk]), "children": children.get(goal.pk, [])}
        for goal in goals
        if goal.parent_id not in shown
    ]
    groups.sort(key=lambda row: (row["goal"].level != Goal.Level.MUNICIPAL, row["goal"].title))
    return render(
        request,
        "measures/goal_list.html",
        {
            "municipality": municipality,
            "filters": filters,
            "filtered": bool(chosen),
            "groups": groups,
            "count": len(goals),
            "may_edit": _may_edit(request, municipality),
        },
    )


@login_required
def goal_detail(request, pk: int):
    municipality = current_municipality(request)
    user = request.user
    goal = _get(
        selectors.goals_for(user=user, municipality=municipality).prefetch_related(
            "needs__conference"
        ),
        pk,
    )
    today = timezone.localdate()
    attainment = selectors.goal_attainments(user=user, goals=[goal], today=today)[goal.pk]
    refinements = list(
        selectors.goals_for(user=user, municipality=municipality)
        .filter(parent=goal)
        .annotate(measure_count=Count("measures", distinct=True))
    )
    refinement_attainments = selectors.goal_attainments(user=user, goals=refinements, today=today)
    measures = list(selectors.measures_for(user=user, municipality=municipality).filter(goals=goal))
    return render(
        request,
        "measures/goal_detail.html",
        {
            "municipality": municipality,
            "row": goal_row(goal, attainment),
            "goal": goal,
            "attainment": attainment,
            "smart": smart.check_goal(user=user, goal=goal, today=today),
            "chart": goal_chart(goal, attainment),
            "explorer_url": explorer_url(goal, attainment),
            "refinements": [goal_row(g, refinement_attainments[g.pk]) for g in refinements],
            "measures": [(m, selectors.rolled_up_progress(m)) for m in measures],
            "hypotheses": goal.hypotheses.select_related("conference"),
            "may_edit": _may_edit(request, municipality),
            "history_url": history_url("goal", goal.pk),
        },
    )


@login_required
def goal_form(request, pk: int | None = None):
    municipality = current_municipality(request)
    user = request.user
    require(user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    goal = None
    if pk is not None:
        goal = _get(selectors.goals_for(user=user, municipality=municipality), pk)
    initial = GoalForm.initial_for(goal) if goal else {"conference": request.GET.get("conference")}
    if goal is None and request.GET.get("parent"):
        initial.update(parent=request.GET["parent"], level=Goal.Level.AREA)
    form = GoalForm(
        request.POST or None, initial=initial, user=user, municipality=municipality, goal=goal
    )
    today = timezone.localdate()
    check = smart.check_goal(user=user, goal=goal, today=today) if goal else None
    checked = False
    conflict = None
    if request.method == "POST":
        check = None
    if request.method == "POST" and form.is_valid():
        check = smart.check_data(
            user=user, municipality=municipality, data=form.cleaned_data, today=today
        )
        checked = True
        if "check" not in request.POST:
            try:
                if goal is None:
                    goal = services.create_goal(
                        user=user, municipality=municipality, data=form.cleaned_data
                    )
                else:
                    goal = services.update_goal(
                        user=user,
                        goal=goal,
                        data=form.cleaned_data,
                        version=form.cleaned_data.get("version"),
                    )
            except services.MeasuresConflict as exc:
                conflict = exc
                renew_version(form, exc)
            except services.MeasuresError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("The goal was saved."))
                return redirect("measures:goal_detail", pk=goal.pk)
    back = reverse("measures:goal_detail", args=[goal.pk]) if goal else reverse("measures:goals")
    return render(
        request,
        "measures/goal_form.html",
        {
            "municipality": municipality,
            "form": form,
            "goal": goal,
            "smart": check,
            "checked": checked,
            "title": _("New impact goal") if goal is None else _("Edit impact goal"),
            "back": back,
            "conflict": conflict,
            "history_url": history_url("goal", goal.pk) if goal else None,
        },
    )


@login_required
def goal_delete(request, pk: int):
    municipality = current_municipality(request)
    require(request.user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    goal = _get(selectors.goals_for(user=request.user, municipality=municipality), pk)
    if request.method == "POST":
        try:
            services.delete_goal(user=request.user, goal=goal)
        except services.MeasuresError as exc:
            messages.error(request, exc.message)
            return redirect("measures:goal_detail", pk=goal.pk)
        messages.success(request, _("The goal was deleted."))
        return redirect("measures:goals")
    return render(
        request,
        "measures/goal_confirm_delete.html",
        {
            "municipality": municipality,
            "goal": goal,
            "measure_count": goal.measures.count(),
            "refinement_count": goal.refinements.count(),
            "back": reverse("measures:goal_detail", args=[goal.pk]),
        },
    )


# ---------------------------------------------------------------------------------------------
# Impact hypotheses


@login_required
def hypothesis_list(request):
    municipality = current_municipality(request)
    return render(
        request,
        "measures/hypothesis_list.html",
        {
            "municipality": municipality,
            "hypotheses": selectors.hypotheses_for(user=request.user, municipality=municipality),
            "may_edit": _may_edit(request, municipality),
        },
    )


@login_required
def hypothesis_form(request, pk: int | None = None):
    municipality = current_municipality(request)
    user = request.user
    require(user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    hypothesis = (
        _get(selectors.hypotheses_for(user=request.user, municipality=municipality), pk)
        if pk is not None
        else None
    )
    initial = HypothesisForm.initial_for(hypothesis) if hypothesis else {}
    if hypothesis is None and request.GET.get("goal"):
        initial["goals"] = [request.GET["goal"]]
    form = HypothesisForm(
        request.POST or None, initial=initial, user=user, municipality=municipality
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_hypothesis(
                user=user, municipality=municipality, data=form.cleaned_data, hypothesis=hypothesis
            )
        except services.MeasuresError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The impact hypothesis was saved."))
            return redirect("measures:hypotheses")
    return render(
        request,
        "measures/hypothesis_form.html",
        {
            "municipality": municipality,
            "form": form,
            "hypothesis": hypothesis,
            "title": _("New impact hypothesis")
            if hypothesis is None
            else _("Edit impact hypothesis"),
            "back": reverse("measures:hypotheses"),
        },
    )


@login_required
def hypothesis_delete(request, pk: int):
    municipality = current_municipality(request)
    require(request.user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    hypothesis = _get(selectors.hypotheses_for(user=request.user, municipality=municipality), pk)
    if request.method == "POST":
        services.delete_hypothesis(user=request.user, hypothesis=hypothesis)
        messages.success(request, _("The impact hypothesis was deleted."))
        return redirect("measures:hypotheses")
    return render(
        request,
        "measures/measure_confirm_delete.html",
        {
            "municipality": municipality,
            "what": str(hypothesis),
            "back": reverse("measures:hypothesis_edit", args=[hypothesis.pk]),
        },
    )


urlpatterns = [
    path("goals/", goal_list, name="goals"),
    path("goals/new/", goal_form, name="goal_new"),
    path("goals/<int:pk>/", goal_detail, name="goal_detail"),
    path("goals/<int:pk>/edit/", goal_form, name="goal_edit"),
    path("goals/<int:pk>/delete/", goal_delete, name="goal_delete"),
    path("hypotheses/", hypothesis_list, name="hypotheses"),
    path("hypotheses/new/", hypothesis_form, name="hypothesis_new"),
    path("hypotheses/<int:pk>/", hypothesis_form, name="hypothesis_edit"),
    path("hypotheses/<int:pk>/delete/", hypothesis_delete, name="hypothesis_delete"),
]
