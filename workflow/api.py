"""API of the control cycle: the cycles of a municipality with where each stands
(/api/v1/municipalities/{slug}/cycles/ and …/cycles/{id}/: step states, area grid, deadlines,
history), the task inbox of the caller (/api/v1/tasks/ over all their municipalities,
…/municipalities/{slug}/tasks/ in one) and the actions on a task (complete with the step's
outputs as ids, skip with a reason, send the mandate back, assign, reassign, unassign).

Members of the municipality read; who may act on a step is decided in accounts.permissions
(through the rule of the step's node); everybody else, the public included, gets 404. Thin:
reads through workflow.selectors, writes through workflow.services, whose German refusals come
back as 400 with the field at fault.
"""

from __future__ import annotations

from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from viewflow.workflow.models import Task

from accounts import permissions
from accounts.models import Municipality
from atlas_data.api import internal_municipality_for_request

from . import selectors, services
from .flows import Step
from .models import Cycle
from .serializers import (
    ActionResultSerializer,
    AssignSerializer,
    CompleteStepSerializer,
    CycleDetailSerializer,
    CycleSerializer,
    InboxSerializer,
    SendBackSerializer,
    SkipStepSerializer,
)

# --- access ------------------------------------------------------------------------------------


class MunicipalityScoped(GenericAPIView):
    """Resolves the municipality of the URL: members read, anyone else gets 404."""

    municipality: Municipality

    def resolve(self, *, write: bool = False) -> Municipality:
        self.municipality = internal_municipality_for_request(
            self.request, self.kwargs["slug"], write=write
        )
        return self.municipality


def _service(call):
    """Run a service; its refusal becomes a 400 naming the field."""
    try:
        return call()
    except services.WorkflowError as exc:
        raise ValidationError({exc.field or "detail": [exc.message]}) from exc


class _ListSchema(AutoSchema):
    """GET of a list view returns a list (the URL has no id)."""

    def _is_list_view(self, serializer=None) -> bool:
        return self.method == "GET" or super()._is_list_view(serializer)


# --- cycles ------------------------------------------------------------------------------------


class CycleList(MunicipalityScoped):
    """The cycles of the municipality, newest first: number, title, topic, state, period,
    the social planning conference and the titles of the steps open now."""

    serializer_class = CycleSerializer
    queryset = Cycle.objects.none()
    schema = _ListSchema()

    @extend_schema(
        operation_id="municipality_cycles",
        parameters=[
            OpenApiParameter(
                "state",
                OpenApiTypes.STR,
                enum=Cycle.State.values,
                description="Only cycles in this state.",
            ),
            OpenApiParameter(
                "running",
                OpenApiTypes.BOOL,
                description="true: cycles not finished; false: finished cycles.",
            ),
        ],
    )
    def get(self, request, slug):
        self.resolve()
        cycles = selectors.cycles_for(user=request.user, municipality=self.municipality)
        state = request.query_params.get("state", "")
        if state:
            if state not in Cycle.State.values:
                raise ValidationError(
                    {
                        "state": [
                            f"Unknown state: {state}. Possible: {', '.join(Cycle.State.values)}"
                        ]
                    }
                )
            cycles = cycles.filter(state=state)
        running = request.query_params.get("running", "").lower()
        if running in ("1", "true", "yes"):
            cycles = cycles.exclude(state=Cycle.State.FINISHED)
        elif running in ("0", "false", "no"):
            cycles = cycles.filter(state=Cycle.State.FINISHED)
        elif running:
            raise ValidationError({"running": [f"Use true or false, not {running}."]})
        cycles = list(cycles)
        context = {"current_steps": selectors.current_steps(cycles)}
        return Response(CycleSerializer(cycles, many=True, context=context).data)


class CycleDetail(MunicipalityScoped):
    """One cycle: the outputs of every step, the state of every step (done, active, pending,
    skipped) with owner and deadline, the area processes as a grid of area × step, the
    deadlines and the history of who did what when."""

    serializer_class = CycleDetailSerializer
    queryset = Cycle.objects.none()

    @extend_schema(operation_id="municipality_cycle")
    def get(self, request, slug, pk):
        self.resolve()
        try:
            cycle = selectors.cycle_for(user=request.user, municipality=self.municipality, pk=pk)
        except Cycle.DoesNotExist as exc:
            raise Http404 from exc
        cycle = _detailed(request.user, cycle)
        context = {"current_steps": selectors.current_steps([cycle])}
        return Response(CycleDetailSerializer(cycle, context=context).data)


def _detailed(user, cycle: Cycle) -> Cycle:
    """The cycle with its detail (`cycle.detail`) and every relation the serializer reads
    loaded in a fixed number of queries."""
    cycle.detail = selectors.cycle_detail(user=user, cycle=cycle)
    prefetch_related_objects(
        [cycle],
        "indicators",
        "swot_entries",
        "findings",
        "needs",
        "goals",
        "hypotheses",
        "measures",
        "prioritisation",
    )
    prefetch_related_objects(
        [row.area_cycle for row in cycle.detail.area_rows],
        "goals_to_refine",
        "swot_entries",
        "fields_of_action",
        "goals",
        "measures",
    )
    return cycle


# --- the task inbox ----------------------------------------------------------------------------


class Inbox(GenericAPIView):
    """The caller's task inbox over all their municipalities: the steps assigned to them
    (`mine`) and their group's steps (`group`: open steps they may complete by role, or of
    conferences they are a member of), each with deadline and whether it is overdue."""

    serializer_class = InboxSerializer

    @extend_schema(operation_id="task_inbox")
    def get(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        inbox = selectors.inbox_for(user=request.user)
        return Response(InboxSerializer(inbox).data)


class MunicipalityInbox(MunicipalityScoped):
    """The caller's task inbox in this municipality (see /api/v1/tasks/)."""

    serializer_class = InboxSerializer

    @extend_schema(operation_id="municipality_task_inbox")
    def get(self, request, slug):
        self.resolve()
        inbox = selectors.inbox_for(user=request.user, municipality=self.municipality)
        return Response(InboxSerializer(inbox).data)


# --- task actions ------------------------------------------------------------------------------


class _TaskAction(MunicipalityScoped):
    """POST on …/tasks/{task}/<action>/: the open step of a cycle of this municipality.
    Subclasses define `perform(task, data)`, the service call."""

    serializer_class = None
    action_name = ""

    def task(self) -> Task:
        municipality = self.municipality
        task = (
            Task.objects.filter(pk=self.kwargs["task"])
            .filter(
                Q(process__cycle__municipality=municipality)
                | Q(process__area_cycle__cycle__municipality=municipality)
            )
            .select_related("process", "owner")
            .first()
        )
        # Gateways and the wait for the area processes are no steps anybody acts on.
        if task is None or not isinstance(task.flow_task, Step):
            raise Http404
        return task

    def check(self, task: Task, ctx: services.StepContext) -> None:
        """Refuse (403) before reading the input when the caller may not act on the step."""
        if not ctx.node.rule(self.request.user, ctx.conference):
            raise PermissionDenied(_("You are not allowed to complete this step."))

    def post(self, request, slug, task):
        self.resolve(write=True)
        target = self.task()
        self.check(target, services.context_of(target))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = _service(lambda: self.perform(target, dict(serializer.validated_data)))
        result.refresh_from_db()
        ctx = services.context_of(result)
        cycle = selectors.cycle_for(
            user=request.user, municipality=self.municipality, pk=ctx.cycle.pk
        )
        context = {"current_steps": selectors.current_steps([cycle])}
        return Response(
            ActionResultSerializer({"task": result, "cycle": cycle}, context=context).data
        )


class CompleteStep(_TaskAction):
    """Complete the step with its outputs (ids of the objects it links, see the fields).
    Only the coordinator of the step's conference (or a municipal administrator) completes
    its steps; leadership the mandate; leadership or the coordinator the Nachphase."""

    serializer_class = CompleteStepSerializer

    @extend_schema(
        operation_id="task_complete",
        request=CompleteStepSerializer,
        responses=ActionResultSerializer,
    )
    def post(self, request, slug, task):
        return super().post(request, slug, task)

    def perform(self, task, data):
        return services.complete_step(user=self.request.user, task=task, data=data)


class SkipStep(_TaskAction):
    """Skip the step for a reason kept in the history (the mandate cannot be skipped)."""

    serializer_class = SkipStepSerializer

    @extend_schema(
        operation_id="task_skip", request=SkipStepSerializer, responses=ActionResultSerializer
    )
    def post(self, request, slug, task):
        return super().post(request, slug, task)

    def perform(self, task, data):
        return services.skip_step(user=self.request.user, task=task, reason=data["reason"])


class SendBack(_TaskAction):
    """Leadership sends the Vorphase back to the coordinator with a comment (mandate only)."""

    serializer_class = SendBackSerializer

    @extend_schema(
        operation_id="task_send_back",
        request=SendBackSerializer,
        responses=ActionResultSerializer,
    )
    def post(self, request, slug, task):
        return super().post(request, slug, task)

    def perform(self, task, data):
        if task.flow_task.name != "mandate":
            raise services.WorkflowError(_("Only the mandate is sent back."), None)
        ctx = services.context_of(task)
        services.send_back(user=self.request.user, cycle=ctx.cycle, comment=data["comment"])
        return task


class _Assignment(_TaskAction):
    # May the owner act on the step even without the right to assign it (unassign: yes)?
    own_allowed = False

    def check(self, task, ctx):
        user = self.request.user
        if not (
            ctx.node.rule(user, ctx.conference)
            or permissions.can_complete_conference_step(user, ctx.cycle.conference)
            or (self.own_allowed and task.owner_id == user.pk)
        ):
            raise PermissionDenied(_("You are not allowed to assign this step."))


class AssignTask(_Assignment):
    """Give the step to a user who may complete it (or to another one: reassign); they get
    an e-mail."""

    serializer_class = AssignSerializer

    @extend_schema(
        operation_id="task_assign", request=AssignSerializer, responses=ActionResultSerializer
    )
    def post(self, request, slug, task):
        return super().post(request, slug, task)

    def perform(self, task, data):
        return services.assign_task(
            user=self.request.user, task=task, assignee=data.get("assignee")
        )


class ReassignTask(AssignTask):
    """Give an assigned step to somebody else."""

    @extend_schema(
        operation_id="task_reassign", request=AssignSerializer, responses=ActionResultSerializer
    )
    def post(self, request, slug, task):
        return super().post(request, slug, task)

    def perform(self, task, data):
        return services.reassign_task(
            user=self.request.user, task=task, assignee=data.get("assignee")
        )


class UnassignTask(_Assignment):
    """Give the step back to the group (its owner, or whoever may assign it)."""

    serializer_class = serializers.Serializer  # no input
    own_allowed = True

    @extend_schema(operation_id="task_unassign", request=None, responses=ActionResultSerializer)
    def post(self, request, slug, task):
        return super().post(request, slug, task)

    def perform(self, task, data):
        return services.unassign_task(user=self.request.user, task=task)


_M = "municipalities/<slug:slug>/"
_T = _M + "tasks/<int:task>/"

urlpatterns = [
    path(_M + "cycles/", CycleList.as_view(), name="api-cycles"),
    path(_M + "cycles/<int:pk>/", CycleDetail.as_view(), name="api-cycle"),
    path("tasks/", Inbox.as_view(), name="api-task-inbox"),
    path(_M + "tasks/", MunicipalityInbox.as_view(), name="api-municipality-tasks"),
    path(_T + "complete/", CompleteStep.as_view(), name="api-task-complete"),
    path(_T + "skip/", SkipStep.as_view(), name="api-task-skip"),
    path(_T + "send-back/", SendBack.as_view(), name="api-task-send-back"),
    path(_T + "assign/", AssignTask.as_view(), name="api-task-assign"),
    path(_T + "reassign/", ReassignTask.as_view(), name="api-task-reassign"),
    path(_T + "unassign/", UnassignTask.as_view(), name="api-task-unassign"),
]
