"""Pages of the tasks under /app/process/: the task inbox and one page per step (task) with the
step's working questions, links, its output form, skipping and assignment.

Whoever the step's rule in accounts.permissions allows (the coordinator of the conference or a
municipal admin; leadership for the mandate) sees the forms; members read. A task of another
municipality is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Municipality
from accounts.permissions import (
    Action,
    can,
    can_complete_conference_step,
    current_municipality,
)
from conferences.models import Catalogue
from conferences.services_sheets import unresolved_questions

from . import selectors, services
from .flows import Step
from .forms import STEP_FORMS, AssignForm, SendBackForm, SkipForm
from .models import AreaCycle, Cycle, StepDeadline, StepRecord
from .selectors_pages import (
    assignee_candidates,
    current_catalogue,
    impulses_of,
    working_questions,
)
from .views_cycles import may_manage

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def _context(request, municipality: Municipality, pk: int) -> services.StepContext:
    """The step task `pk` of the municipality, with its cycle, area cycle and conference."""
    task = Task.objects.filter(pk=pk).select_related("process", "owner").first()
    if task is None or not isinstance(task.flow_task, Step):
        raise Http404
    try:
        ctx = services.context_of(task)
    except (Cycle.DoesNotExist, AreaCycle.DoesNotExist) as exc:
        raise Http404 from exc
    if ctx.municipality.pk != municipality.pk:
        raise Http404
    return ctx


def _may_assign(user, ctx) -> bool:
    # As workflow.services.assign_task decides.
    return ctx.node.rule(user, ctx.conference) or can_complete_conference_step(
        user, ctx.cycle.conference
    )


def _next_url(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return default


def _after_step_url(ctx) -> str:
    url = reverse("process:cycle", args=[ctx.cycle.pk])
    return url + "#areas" if ctx.area_cycle else url


# --------------------------------------------------------------------------------------------
# The task inbox


@login_required
def inbox(request):
    """My tasks and my group's tasks in the current municipality, with deadlines."""
    municipality = current_municipality(request)
    box = selectors.inbox_for(user=request.user, municipality=municipality)
    return render(
        request,
        "workflow/inbox.html",
        {
            "municipality": municipality,
            "inbox": box,
            "sections": [
                ("mine", _("My tasks"), box.mine),
                ("group", _("Tasks of my group"), box.group),
            ],
        },
    )


@login_required
@require_POST
def task_take(request, pk):
    """Assign the step to me."""
    municipality = current_municipality(request)
    ctx = _context(request, municipality, pk)
    try:
        services.assign_task(user=request.user, task=ctx.task, assignee=request.user)
    except services.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The step is yours now: %(step)s") % {"step": _title(ctx)})
    return redirect(_next_url(request, reverse("process:inbox")))


@login_required
@require_POST
def task_unassign(request, pk):
    """Give the step back to the group."""
    municipality = current_municipality(request)
    ctx = _context(request, municipality, pk)
    try:
        services.unassign_task(user=request.user, task=ctx.task)
    except services.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The step is back with the group: %(step)s") % {"step": _title(ctx)}
        )
    return redirect(_next_url(request, reverse("process:inbox")))


@login_required
def task_assign(request, pk):
    """Assign or reassign the step to someone allowed to complete it."""
    municipality = current_municipality(request)
    ctx = _context(request, municipality, pk)
    if not _may_assign(request.user, ctx):
        raise PermissionDenied(_("You are not allowed to assign this step."))
    if ctx.task.status not in OPEN:
        raise Http404
    candidates = assignee_candidates(ctx=ctx)
    form = AssignForm(
        request.POST or None, users=candidates, initial={"assignee": ctx.task.owner_id}
    )
    back = _next_url(request, reverse("process:step", args=[ctx.task.pk]))
    if request.method == "POST" and form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            if ctx.task.owner_id:
                services.reassign_task(user=request.user, task=ctx.task, assignee=assignee)
            else:
                services.assign_task(user=request.user, task=ctx.task, assignee=assignee)
        except services.WorkflowError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s has the step now and was told by e-mail.")
                % {"name": assignee.get_full_name() or assignee.username},
            )
            return redirect(back)
    return render(
        request,
        "workflow/task_assign.html",
        {"ctx": ctx, "title": _title(ctx), "form": form, "back": back, "candidates": candidates},
    )


def _title(ctx) -> str:
    title = str(ctx.node.task_title)
    return f"{title} – {ctx.area_cycle.area.name}" if ctx.area_cycle else title


# --------------------------------------------------------------------------------------------
# The step page


def _links(ctx) -> list[tuple[str, str]]:
    """Links to the atlas and to the pages where the step's outputs are made."""
    node, conference, cycle = ctx.node.name, ctx.conference, ctx.cycle
    analysis = reverse("conferences:analysis_conference", args=[conference.pk])
    links = []
    if ctx.area_cycle:
        links.append(
            (
                _("Area page of %(area)s") % {"area": ctx.area_cycle.area.name},
                reverse("atlas:area", args=[ctx.area_cycle.area.pk]),
            )
        )
    if node in ("planning_1", "planning_2", "area_1", "area_2"):
        links.append((_("Atlas: explore the data"), reverse("atlas:explore")))
        links.append((_("Atlas: bookmarks"), reverse("atlas:bookmarks")))
    if node in ("planning_2", "planning_3", "area_2", "area_3"):
        links.append(
            (_("Analysis of the conference (SWOT, findings, needs, fields of action)"), analysis)
        )
    if node == "planning_2":
        if cycle.prioritisation_id:
            links.append(
                (
                    _("The prioritisation of the areas"),
                    reverse(
                        "conferences:analysis_prioritisation",
                        args=[conference.pk, cycle.prioritisation_id],
                    ),
                )
            )
        links.append(
            (
                _("New prioritisation of the areas"),
                reverse("conferences:analysis_prioritisation_new", args=[conference.pk]),
            )
        )
    if node in ("planning_3", "area_3", "planning_5", "area_5"):
        links.append((_("Impact goals"), reverse("measures:goals")))
    if node in ("planning_3",):
        links.append((_("Impact hypotheses"), reverse("measures:hypotheses")))
    if node in ("planning_4", "area_4", "planning_5", "area_5"):
        links.append((_("Measure plan"), reverse("measures:measures")))
    if node == "planning_5":
        links.append((_("Leadership dashboard"), reverse("measures:index")))
    links.append(
        (
            _("Sessions of %(conference)s") % {"conference": conference.name},
            reverse("conferences:conference", args=[conference.pk]),
        )
    )
    return links


def _sheet_of(ctx):
    if ctx.node.name in ("vorphase", "mandate"):
        return ctx.cycle.vorphase_sheet
    if ctx.node.name == "nachphase":
        return ctx.cycle.evaluation_sheet
    return None


def _step_context(request, ctx, *, form=None, skip_form=None, send_back_form=None) -> dict:
    user, task, node = request.user, ctx.task, ctx.node
    is_open = task.status in OPEN
    allowed = is_open and node.rule(user, ctx.conference)
    if allowed and form is None:
        form = STEP_FORMS[node.name](ctx=ctx, user=user)
    if allowed and skip_form is None and node.name != "mandate":
        skip_form = SkipForm()
    if allowed and send_back_form is None and node.name == "mandate":
        send_back_form = SendBackForm()
    deadline = StepDeadline.objects.filter(
        cycle=ctx.cycle, area_cycle=ctx.area_cycle, node=node.name
    ).first()
    today = timezone.localdate()
    history = list(
        StepRecord.objects.filter(cycle=ctx.cycle, area_cycle=ctx.area_cycle, node=node.name)
        .select_related("user", "assignee", "session")
        .order_by("at", "pk")
    )
    sheet = _sheet_of(ctx)
    outcome = next(
        (
            record.action
            for record in reversed(history)
            if record.task_id == task.pk
            and record.action
            in (StepRecord.Action.DONE, StepRecord.Action.SKIPPED, StepRecord.Action.SENT_BACK)
        ),
        None,
    )
    context = {
        "outcome": outcome,
        "ctx": ctx,
        "task": task,
        "title": _title(ctx),
        "cycle": ctx.cycle,
        "area_cycle": ctx.area_cycle,
        "conference": ctx.conference,
        "is_open": is_open,
        "may_complete": allowed,
        "may_assign": is_open and _may_assign(user, ctx),
        "is_owner": task.owner_id == user.pk,
        "form": form if allowed else None,
        "skip_form": skip_form if allowed else None,
        "send_back_form": send_back_form if allowed else None,
        "due": deadline.due if deadline else None,
        "overdue": bool(deadline and is_open and deadline.due < today),
        "history": history,
        "links": _links(ctx),
        "sheet": sheet,
        "unresolved": len(unresolved_questions(sheet)) if sheet and sheet.is_open else 0,
        "may_create_sheet": allowed
        and sheet is None
        and node.name in ("vorphase", "nachphase")
        and may_manage(user, ctx.cycle),
    }
    if node.catalogue_step:
        context["questions"] = working_questions(
            user=user,
            cycle=ctx.cycle,
            conference=ctx.conference,
            catalogue_step=node.catalogue_step,
        )
        if context["questions"].sheet is None and can(
            user, Action.MANAGE_CONFERENCES, ctx.municipality
        ):
            catalogue = current_catalogue(ctx.municipality, Catalogue.Kind.CONFERENCE_STEPS)
            context["new_sheet_url"] = (
                reverse("conferences:sheet_new") + f"?catalogue={catalogue.pk}" if catalogue else ""
            )
    if node.name == "planning_4":
        given = impulses_of(ctx.cycle)
        context["impulses"] = [
            (area, given.get(area.pk)) for area in services.prioritised_areas(ctx.cycle)
        ]
        context["may_give_impulse"] = is_open and may_manage(user, ctx.cycle)
    if node.name == "planning_5":
        context["recommendations"] = list(
            AreaCycle.objects.filter(cycle=ctx.cycle, round=ctx.cycle.round)
            .select_related("area", "conference")
            .order_by("area__key", "pk")
        )
    if ctx.area_cycle:
        context["goals_to_refine"] = list(ctx.area_cycle.goals_to_refine.order_by("title"))
    return context


def _complete(request, ctx, form) -> None:
    """Complete the step with the form's outputs, through the service of the step."""
    data = form.data_for_service()
    node, user = ctx.node.name, request.user
    if node == "vorphase":
        services.consolidate_vorphase(
            user=user, cycle=ctx.cycle, session=data.get("session"), note=data.get("note", "")
        )
    elif node == "mandate":
        services.confirm_mandate(
            user=user,
            cycle=ctx.cycle,
            political_decision=data.get("political_decision"),
            reference=data.get("reference", ""),
            date=data.get("date"),
            session=data.get("session"),
            note=data.get("note", ""),
        )
    else:
        services.complete_step(user=user, task=ctx.task, data=data)


@login_required
def step_page(request, pk):
    """One step (task) of a cycle or of an area process."""
    municipality = current_municipality(request)
    ctx = _context(request, municipality, pk)
    if request.method != "POST":
        return render(request, "workflow/step.html", _step_context(request, ctx))
    action = request.POST.get("action", "complete")
    if not ctx.node.rule(request.user, ctx.conference):
        raise PermissionDenied(_("You are not allowed to complete this step."))
    forms, form = {}, None
    try:
        if action == "complete":
            form = forms["form"] = STEP_FORMS[ctx.node.name](
                request.POST, ctx=ctx, user=request.user
            )
            if form.is_valid():
                _complete(request, ctx, form)
                messages.success(request, _("Completed: %(step)s") % {"step": _title(ctx)})
                return redirect(_after_step_url(ctx))
        elif action == "skip":
            form = forms["skip_form"] = SkipForm(request.POST)
            if form.is_valid():
                services.skip_step(
                    user=request.user, task=ctx.task, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Skipped: %(step)s") % {"step": _title(ctx)})
                return redirect(_after_step_url(ctx))
        elif action == "send_back" and ctx.node.name == "mandate":
            form = forms["send_back_form"] = SendBackForm(request.POST)
            if form.is_valid():
                services.send_back(
                    user=request.user, cycle=ctx.cycle, comment=form.cleaned_data["comment"]
                )
                messages.success(request, _("The preliminary phase went back to the coordinator."))
                return redirect(_after_step_url(ctx))
        elif action == "create_sheet" and ctx.node.name in ("vorphase", "nachphase"):
            create = (
                services.create_vorphase_sheet
                if ctx.node.name == "vorphase"
                else services.create_evaluation_sheet
            )
            sheet = create(user=request.user, cycle=ctx.cycle)
            messages.success(request, _("The reflection sheet was created. Fill it in together."))
            return redirect("conferences:sheet", pk=sheet.pk)
        else:
            raise Http404
    except services.WorkflowError as error:
        ctx.task.refresh_from_db()
        if form is None or ctx.task.status not in OPEN:
            # No form to show the message at (the step is closed meanwhile): above the page.
            messages.error(request, error.message)
            return redirect("process:step", pk=ctx.task.pk)
        form.add_service_error(error)
    ctx.cycle.refresh_from_db()
    return render(request, "workflow/step.html", _step_context(request, ctx, **forms))


urlpatterns = [
    path("inbox/", inbox, name="inbox"),
    path("tasks/<int:pk>/", step_page, name="step"),
    path("tasks/<int:pk>/assign/", task_assign, name="task_assign"),
    path("tasks/<int:pk>/take/", task_take, name="task_take"),
    path("tasks/<int:pk>/unassign/", task_unassign, name="task_unassign"),
]
