"""Pages of the cycles under /app/process/: the list, opening a cycle, the cycle overview with
its chart, the area processes and the history, and what the coordinator does with a cycle
(deadlines, impulses, closing an area process, reopening a step, the next cycle).

Members read; the coordinator of the social planning conference (or a municipal admin)
manages; reads go through workflow.selectors, writes through workflow.services; a cycle of
another municipality is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Municipality
from accounts.permissions import (
    Action,
    can,
    can_complete_conference_step,
    can_open_cycle,
    current_municipality,
)
from conferences.models import Conference

from . import selectors, services
from .flows import AreaFlow, CycleFlow
from .forms import (
    CycleForm,
    CycleSettingsForm,
    DeadlinesForm,
    ImpulseForm,
    OpenCycleForm,
    ReasonForm,
    ReopenForm,
)
from .models import AreaCycle, Cycle, StepRecord
from .selectors_pages import cycle_outputs, impulses_of, reopenable
from .views_chart import flow_chart, state_labels


def _cycle(request, municipality: Municipality, pk: int) -> Cycle:
    try:
        return selectors.cycle_for(user=request.user, municipality=municipality, pk=pk)
    except Cycle.DoesNotExist as exc:
        raise Http404 from exc


def _area_cycle(cycle: Cycle, pk: int) -> AreaCycle:
    try:
        return AreaCycle.objects.select_related("area", "conference", "cycle", "process").get(
            cycle=cycle, pk=pk
        )
    except AreaCycle.DoesNotExist as exc:
        raise Http404 from exc


def may_manage(user, cycle: Cycle) -> bool:
    return can_complete_conference_step(user, cycle.conference)


def _require_manage(request, cycle: Cycle) -> None:
    if not may_manage(request.user, cycle):
        raise PermissionDenied(
            _("Only the coordinator of the social planning conference manages this cycle.")
        )


def node_titles() -> dict[tuple[str, str], str]:
    """The title of every node of both flows by (flow, node)."""
    return {
        (flow, node.name): str(node.task_title or node.name)
        for flow, flow_class in (("cycle", CycleFlow), ("area", AreaFlow))
        for node in flow_class.instance.nodes()
    }


def record_title(record: StepRecord, titles) -> str:
    # Impulses and closed area processes concern an area but name a node of the cycle.
    flow = "area" if record.area_cycle_id and record.node.startswith("area_") else "cycle"
    return titles.get((flow, record.node), record.node)


def _openable_conferences(user, municipality: Municipality) -> list[Conference]:
    return [
        conference
        for conference in Conference.objects.filter(
            municipality=municipality, kind=Conference.Kind.PLANNING, is_active=True
        )
        .select_related("municipality")
        .order_by("name")
        if can_open_cycle(user, conference)
    ]


# --------------------------------------------------------------------------------------------
# The list of cycles


@login_required
def index(request):
    """The municipality's cycles with their state and current steps."""
    municipality = current_municipality(request)
    cycles = list(selectors.cycles_for(user=request.user, municipality=municipality))
    steps = selectors.current_steps(cycles)
    may_configure = can(request.user, Action.MANAGE_MUNICIPALITY, municipality)
    return render(
        request,
        "workflow/cycle_list.html",
        {
            "municipality": municipality,
            "rows": [(cycle, steps.get(cycle.pk, [])) for cycle in cycles],
            "may_open": bool(_openable_conferences(request.user, municipality)),
            "may_configure": may_configure,
            "allows_overlapping": services.allows_overlapping_cycles(municipality),
            "settings_form": CycleSettingsForm(
                initial={
                    "allow_overlapping_cycles": services.allows_overlapping_cycles(municipality)
                }
            )
            if may_configure
            else None,
        },
    )


@login_required
def cycle_new(request):
    """The coordinator opens a cycle: title, topic and period."""
    municipality = current_municipality(request)
    conferences = _openable_conferences(request.user, municipality)
    if not conferences:
        raise PermissionDenied(
            _("Only the coordinator of a social planning conference opens a cycle.")
        )
    form = OpenCycleForm(request.POST or None, conferences=conferences)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.open_cycle(
                user=request.user,
                conference=data["conference"],
                title=data["title"],
                topic=data["topic"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        except services.WorkflowError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Cycle %(number)s is open; its preliminary phase is the coordinator's task.")
                % {"number": cycle.number},
            )
            return redirect("process:cycle", pk=cycle.pk)
    return render(
        request,
        "workflow/cycle_form.html",
        {"form": form, "title": _("Open a cycle"), "cancel": reverse("process:index")},
    )


@login_required
@require_POST
def cycle_settings(request):
    """The municipal admin allows or forbids overlapping cycles."""
    municipality = current_municipality(request)
    form = CycleSettingsForm(request.POST)
    form.is_valid()
    services.set_cycle_settings(
        user=request.user,
        municipality=municipality,
        allow_overlapping_cycles=form.cleaned_data.get("allow_overlapping_cycles", False),
    )
    if form.cleaned_data.get("allow_overlapping_cycles"):
        messages.success(request, _("Cycles may overlap now."))
    else:
        messages.success(request, _("A new cycle starts only once the running one has finished."))
    return redirect("process:index")


# --------------------------------------------------------------------------------------------
# The overview of a cycle


@login_required
def cycle_detail(request, pk):
    """Where the cycle stands: the chart, the steps as a list, the area processes as a grid,
    the outputs and the history."""
    municipality = current_municipality(request)
    cycle = _cycle(request, municipality, pk)
    detail = selectors.cycle_detail(user=request.user, cycle=cycle)
    manager = may_manage(request.user, cycle)
    links = {
        step.node: reverse("process:step", args=[step.task.pk])
        for step in detail.steps
        if step.task is not None and step.kind == "step"
    }
    if detail.node_states.get("wait_areas") == "active":
        links["wait_areas"] = "#areas"
    titles = node_titles()
    running = cycle.process is not None and cycle.is_running
    planning_4_open = detail.node_states.get("planning_4") == "active"
    impulses = []
    if planning_4_open:
        given = impulses_of(cycle)
        impulses = [(area, given.get(area.pk)) for area in services.prioritised_areas(cycle)]
    area_rows = [
        {
            "row": row,
            "may_close": manager and row.area_cycle.is_running,
            "may_reopen": row.area_cycle.is_running
            and can_complete_conference_step(request.user, row.area_cycle.conference)
            and bool(reopenable(row.cells)),
        }
        for row in detail.area_rows
    ]
    return render(
        request,
        "workflow/cycle_detail.html",
        {
            "cycle": cycle,
            "detail": detail,
            "chart": flow_chart(
                CycleFlow,
                detail.node_states,
                links=links,
                label=_("Chart of cycle %(number)s") % {"number": cycle.number},
            ),
            "state_labels": state_labels(),
            "area_rows": area_rows,
            "history": [(record, record_title(record, titles)) for record in detail.history],
            "outputs": cycle_outputs(cycle),
            "impulses": impulses,
            "may_manage": manager,
            "may_reopen": manager and running and bool(reopenable(detail.steps)),
            "may_start_next": manager
            and cycle.state == Cycle.State.FINISHED
            and not cycle.carried_into.exists(),
            "next_cycles": list(cycle.carried_into.order_by("number")),
            "today": timezone.localdate(),
        },
    )


# --------------------------------------------------------------------------------------------
# Deadlines


def _deadline_rows(detail) -> list[tuple[str, str, object, object, str]]:
    """(key, label, due, target, node) of the steps still to do, of the cycle and of its running
    area processes, and of every step that has a deadline."""
    rows = []
    for step in detail.steps:
        if step.kind == "step" and (step.state in ("active", "pending") or step.due):
            rows.append((step.node, step.title, step.due, detail.cycle, step.node))
    for row in detail.area_rows:
        area_cycle = row.area_cycle
        for cell in row.cells:
            keep = area_cycle.is_running and cell.state in ("active", "pending")
            if keep or cell.due:
                label = f"{area_cycle.area.name}: {cell.title}"
                rows.append(
                    (f"{area_cycle.pk}-{cell.node}", label, cell.due, area_cycle, cell.node)
                )
    return rows


@login_required
def deadlines(request, pk):
    """The coordinator sets the deadline of each step still to do; all or nothing."""
    municipality = current_municipality(request)
    cycle = _cycle(request, municipality, pk)
    _require_manage(request, cycle)
    detail = selectors.cycle_detail(user=request.user, cycle=cycle)
    rows = _deadline_rows(detail)
    targets = {key: (target, node) for key, _label, _due, target, node in rows}
    form = DeadlinesForm(
        request.POST or None, rows=[(key, label, due) for key, label, due, _t, _n in rows]
    )
    if request.method == "POST" and form.is_valid():
        key = None
        try:
            with transaction.atomic():
                changed = form.changed_rows()
                for key, due in changed:
                    target, node = targets[key]
                    services.set_deadline(user=request.user, target=target, node=node, due=due)
        except services.WorkflowError as error:
            form.add_error(f"due-{key}" if key else None, error.message)
        else:
            if changed:
                messages.success(request, _("The deadlines were saved."))
            else:
                messages.info(request, _("No deadline was changed."))
            return redirect("process:cycle", pk=cycle.pk)
    return render(
        request,
        "workflow/deadlines.html",
        {"cycle": cycle, "form": form, "fields": [form[f"due-{key}"] for key, *_rest in rows]},
    )


# --------------------------------------------------------------------------------------------
# Step 4: impulses to the social area conferences


@login_required
def impulse(request, pk, area_pk):
    """Step 4: the impulse to the social area conference of one prioritised area."""
    municipality = current_municipality(request)
    cycle = _cycle(request, municipality, pk)
    _require_manage(request, cycle)
    area = next((a for a in services.prioritised_areas(cycle) if a.pk == area_pk), None)
    if area is None:
        raise Http404
    given = impulses_of(cycle).get(area.pk)
    form = ImpulseForm(
        request.POST or None,
        cycle=cycle,
        area=area,
        initial={"goals": list(cycle.goals.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.give_impulse(
                user=request.user,
                cycle=cycle,
                area=area,
                text=data["text"],
                goals=list(data["goals"]),
                conference=data["conference"],
            )
        except services.WorkflowError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _(
                    "The impulse went to the social area conference; the process of %(area)s "
                    "has started."
                )
                % {"area": area.name},
            )
            task = selectors.active_task(cycle, "planning_4")
            if task is not None:
                return redirect("process:step", pk=task.pk)
            return redirect("process:cycle", pk=cycle.pk)
    return render(
        request,
        "workflow/impulse.html",
        {
            "cycle": cycle,
            "area": area,
            "given": given,
            "form": form,
            "planning_4": selectors.active_task(cycle, "planning_4"),
        },
    )


# --------------------------------------------------------------------------------------------
# Closing an area process, reopening a step


@login_required
def area_close(request, pk, area_cycle_pk):
    """The coordinator closes a running area process, for a reason."""
    municipality = current_municipality(request)
    cycle = _cycle(request, municipality, pk)
    area_cycle = _area_cycle(cycle, area_cycle_pk)
    _require_manage(request, cycle)
    form = ReasonForm(request.POST or None)
    form.fields["reason"].help_text = _(
        "Kept in the history. Step 5 no longer waits for this area's recommendation."
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.close_area(
                user=request.user, area_cycle=area_cycle, reason=form.cleaned_data["reason"]
            )
        except services.WorkflowError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The process of %(area)s is closed.") % {"area": area_cycle.area.name},
            )
            return redirect(reverse("process:cycle", args=[cycle.pk]) + "#areas")
    return render(
        request,
        "workflow/reason_form.html",
        {
            "cycle": cycle,
            "form": form,
            "title": _("Close the process of %(area)s") % {"area": area_cycle.area.name},
            "intro": _(
                "The social area conference %(conference)s has not delivered its "
                "recommendation yet. Closing its process ends its open step."
            )
            % {"conference": area_cycle.conference.name},
            "submit": _("Close the process"),
            "danger": True,
        },
    )


def _reopen(request, cycle: Cycle, target, steps, title: str):
    candidates = reopenable(steps)
    if not candidates:
        raise Http404
    form = ReopenForm(request.POST or None, steps=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.reopen_step(
                user=request.user,
                target=target,
                node=form.cleaned_data["node"],
                reason=form.cleaned_data["reason"],
            )
        except services.WorkflowError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The step is open again."))
            return redirect("process:step", pk=task.pk)
    return render(
        request,
        "workflow/reason_form.html",
        {
            "cycle": cycle,
            "form": form,
            "title": title,
            "intro": _(
                "The open step is cancelled; the chosen step gets a new task, and the steps "
                "after it follow again."
            ),
            "submit": _("Reopen"),
        },
    )


@login_required
def reopen(request, pk):
    """The coordinator goes back to a completed step of the cycle."""
    municipality = current_municipality(request)
    cycle = _cycle(request, municipality, pk)
    _require_manage(request, cycle)
    if cycle.process is None or not cycle.is_running:
        raise Http404
    detail = selectors.cycle_detail(user=request.user, cycle=cycle)
    return _reopen(
        request,
        cycle,
        cycle,
        detail.steps,
        _("Reopen a step of cycle %(number)s") % {"number": cycle.number},
    )


@login_required
def area_reopen(request, pk, area_cycle_pk):
    """The coordinator of the area conference goes back to a completed step of its process."""
    municipality = current_municipality(request)
    cycle = _cycle(request, municipality, pk)
    area_cycle = _area_cycle(cycle, area_cycle_pk)
    if not can_complete_conference_step(request.user, area_cycle.conference):
        raise PermissionDenied(_("Only the coordinator of the conference reopens its steps."))
    if not area_cycle.is_running:
        raise Http404
    detail = selectors.cycle_detail(user=request.user, cycle=cycle)
    row = next(row for row in detail.area_rows if row.area_cycle.pk == area_cycle.pk)
    return _reopen(
        request,
        cycle,
        area_cycle,
        row.cells,
        _("Reopen a step of the process of %(area)s") % {"area": area_cycle.area.name},
    )


# --------------------------------------------------------------------------------------------
# The next cycle


@login_required
def next_cycle(request, pk):
    """After a finished cycle: the next one, carrying over open goals, measures and findings."""
    municipality = current_municipality(request)
    cycle = _cycle(request, municipality, pk)
    _require_manage(request, cycle)
    if cycle.state != Cycle.State.FINISHED:
        raise Http404
    carried = services.carry_over_from(user=request.user, cycle=cycle)
    form = CycleForm(
        request.POST or None,
        initial={"title": cycle.title, "topic": cycle.topic},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.start_next_cycle(
                user=request.user,
                cycle=cycle,
                title=data["title"],
                topic=data["topic"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        except services.WorkflowError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Cycle %(number)s is open and carries over what cycle %(previous)s left open.")
                % {"number": new.number, "previous": cycle.number},
            )
            return redirect("process:cycle", pk=new.pk)
    return render(
        request,
        "workflow/cycle_form.html",
        {
            "form": form,
            "cycle": cycle,
            "carried": carried,
            "title": _("Start the next cycle"),
            "cancel": reverse("process:cycle", args=[cycle.pk]),
        },
    )


# Included into ProcessApp (namespace "process") with one line.
urlpatterns = [
    path("cycles/new/", cycle_new, name="cycle_new"),
    path("settings/", cycle_settings, name="settings"),
    path("cycles/<int:pk>/", cycle_detail, name="cycle"),
    path("cycles/<int:pk>/deadlines/", deadlines, name="deadlines"),
    path("cycles/<int:pk>/impulses/<int:area_pk>/", impulse, name="impulse"),
    path("cycles/<int:pk>/reopen/", reopen, name="reopen"),
    path("cycles/<int:pk>/areas/<int:area_cycle_pk>/close/", area_close, name="area_close"),
    path("cycles/<int:pk>/areas/<int:area_cycle_pk>/reopen/", area_reopen, name="area_reopen"),
    path("cycles/<int:pk>/next/", next_cycle, name="next_cycle"),
]
