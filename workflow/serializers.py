"""Serializers of the control cycle API: cycles with their step states, area grid, deadlines and
history, the task inbox, and the input of the task actions (complete, skip, assign …).

Read-only serializers take what workflow.selectors returns; the input serializers only check
the shape of the data, the services check the content (ids of the right conference etc.).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .flows import AreaFlow, CycleFlow
from .models import Cycle
from .services import INVENTORY_STATUSES, prioritised_areas

# --- small parts -------------------------------------------------------------------------------


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class IdsField(serializers.Field):
    """The ids of a many-to-many relation, sorted (reads a prefetched relation without a
    query)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, manager):
        return sorted(obj.pk for obj in manager.all())


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class ConferenceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="planning (Sozialplanungskonferenz) or area")


class AreaRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()


def _node_title(name: str) -> str:
    flow_class = AreaFlow if name.startswith("area_") else CycleFlow
    node = flow_class.instance.node(name, no_obsolete=True)
    return str(node.task_title) if node is not None else name


# --- cycles ------------------------------------------------------------------------------------


class CycleSerializer(serializers.Serializer):
    """A cycle in the list: where it stands in a few fields."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    topic = serializers.CharField()
    state = serializers.CharField(help_text="vorphase, main, nachphase or finished")
    state_label = serializers.CharField(source="get_state_display")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    conference = ConferenceRefSerializer(help_text="The social planning conference")
    round = serializers.IntegerField(help_text="1, and one more after every loop back")
    mandate = serializers.CharField(help_text="pending, confirmed or sent_back")
    mandate_label = serializers.CharField(source="get_mandate_display")
    carried_over_from = serializers.IntegerField(
        source="carried_over_from_id", allow_null=True, help_text="The previous cycle (id)"
    )
    created = serializers.DateTimeField()
    finished = serializers.DateTimeField(allow_null=True)
    current_steps = serializers.SerializerMethodField(
        help_text="Titles of the open steps of the cycle and of its area processes"
    )

    def get_current_steps(self, cycle) -> list[str]:
        return self.context["current_steps"].get(cycle.pk, [])


class StepStateSerializer(serializers.Serializer):
    node = serializers.CharField(help_text="The node of the flow, e.g. planning_3 or area_2")
    title = serializers.CharField()
    kind = serializers.CharField(help_text="step or wait")
    state = serializers.CharField(help_text="done, active, pending or skipped")
    task = serializers.IntegerField(
        source="task.pk", allow_null=True, default=None, help_text="The open task (id)"
    )
    owner = PersonSerializer(allow_null=True, help_text="Who the open task is assigned to")
    finished = serializers.DateTimeField(allow_null=True)
    finished_by = PersonSerializer(allow_null=True)
    due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    catalogue_step = serializers.CharField(
        help_text="The step of the step catalogue whose working questions belong to the step"
    )


class AreaColumnSerializer(serializers.Serializer):
    node = serializers.CharField()
    title = serializers.CharField()


class AreaRowSerializer(serializers.Serializer):
    """One area process: its impulse, outputs and the state of its five steps."""

    id = serializers.IntegerField(source="area_cycle.pk")
    round = serializers.IntegerField(source="area_cycle.round")
    area = AreaRefSerializer(source="area_cycle.area")
    conference = ConferenceRefSerializer(source="area_cycle.conference")
    state = serializers.CharField(
        source="area_cycle.state", help_text="running, delivered or closed"
    )
    state_label = serializers.CharField(source="area_cycle.get_state_display")
    impulse = serializers.CharField(source="area_cycle.impulse")
    goals_to_refine = IdsField(source="area_cycle.goals_to_refine")
    swot_entries = IdsField(source="area_cycle.swot_entries")
    fields_of_action = IdsField(source="area_cycle.fields_of_action")
    goals = IdsField(source="area_cycle.goals", help_text="The area goals (step 3)")
    measures = IdsField(source="area_cycle.measures")
    reflection = serializers.CharField(source="area_cycle.reflection")
    recommendation = serializers.CharField(source="area_cycle.recommendation")
    closed_reason = serializers.CharField(source="area_cycle.closed_reason")
    finished = serializers.DateTimeField(source="area_cycle.finished", allow_null=True)
    steps = StepStateSerializer(source="cells", many=True)


class DeadlineSerializer(serializers.Serializer):
    node = serializers.CharField()
    title = serializers.SerializerMethodField()
    area_cycle = serializers.IntegerField(source="area_cycle_id", allow_null=True)
    due = serializers.DateField()

    def get_title(self, deadline) -> str:
        return _node_title(deadline.node)


class HistorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    node = serializers.CharField()
    title = serializers.SerializerMethodField()
    action = serializers.CharField(
        help_text="done, skipped, reopened, assigned, unassigned, sent_back, started, closed "
        "or impulse"
    )
    action_label = serializers.CharField(source="get_action_display")
    user = PersonSerializer(allow_null=True, help_text="null: the system")
    assignee = PersonSerializer(allow_null=True)
    reason = serializers.CharField()
    note = serializers.CharField()
    data = serializers.JSONField(help_text="The ids of the outputs the step linked")
    session = serializers.IntegerField(source="session_id", allow_null=True)
    area_cycle = serializers.IntegerField(source="area_cycle_id", allow_null=True)
    area = serializers.CharField(source="area_cycle.area.name", allow_null=True, default=None)

    def get_title(self, record) -> str:
        return _node_title(record.node)


class InventoryRowSerializer(serializers.Serializer):
    data = serializers.CharField(help_text="Which data")
    holder = serializers.CharField(required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=INVENTORY_STATUSES, default="available")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CycleDetailSerializer(CycleSerializer):
    """A cycle with the outputs of every step, the state of every step, the area processes
    as a grid (area × step), the deadlines and the history of who did what when."""

    # Vorphase and mandate
    vorphase_sheet = serializers.IntegerField(source="vorphase_sheet_id", allow_null=True)
    political_decision = serializers.BooleanField(allow_null=True)
    mandate_reference = serializers.CharField()
    mandate_date = serializers.DateField(allow_null=True)
    mandate_comment = serializers.CharField(help_text="Why leadership sent the Vorphase back")
    mandate_by = PersonSerializer(allow_null=True)
    mandate_at = serializers.DateTimeField(allow_null=True)
    # steps 1–5 of the Sozialplanungskonferenz
    indicators = IdsField()
    data_inventory = InventoryRowSerializer(many=True, read_only=True)
    swot_entries = IdsField()
    findings = IdsField()
    prioritisation = serializers.IntegerField(source="prioritisation_id", allow_null=True)
    prioritised_areas = serializers.SerializerMethodField(
        help_text="The urgent areas of the prioritisation"
    )
    needs = IdsField()
    goals = IdsField(help_text="The municipal goals (step 3)")
    hypotheses = IdsField()
    measures = IdsField(help_text="The strategic measures (step 4)")
    impact_analysis = serializers.CharField()
    reality_check = serializers.CharField()
    decision = serializers.CharField(help_text="continue, back_to_2, back_to_3 or empty")
    # Nachphase
    evaluation_sheet = serializers.IntegerField(source="evaluation_sheet_id", allow_null=True)
    # where it stands
    steps = StepStateSerializer(source="detail.steps", many=True)
    node_states = serializers.DictField(
        source="detail.node_states",
        child=serializers.CharField(),
        help_text="Every node of the flow chart: done, active, pending or skipped",
    )
    area_columns = serializers.SerializerMethodField(help_text="The steps of the area grid")
    areas = AreaRowSerializer(source="detail.area_rows", many=True)
    deadlines = DeadlineSerializer(source="detail.deadlines", many=True)
    history = HistorySerializer(source="detail.history", many=True)

    @extend_schema_field(AreaRefSerializer(many=True))
    def get_prioritised_areas(self, cycle) -> list[dict]:
        return AreaRefSerializer(prioritised_areas(cycle), many=True).data

    @extend_schema_field(AreaColumnSerializer(many=True))
    def get_area_columns(self, cycle) -> list[dict]:
        columns = [{"node": node, "title": title} for node, title in cycle.detail.area_columns]
        return AreaColumnSerializer(columns, many=True).data


# --- the task inbox ----------------------------------------------------------------------------


class CycleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    municipality = serializers.CharField(source="municipality.slug")


class InboxItemSerializer(serializers.Serializer):
    task = serializers.IntegerField(source="task.pk", help_text="Id of the task (for actions)")
    node = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField(source="task.status", help_text="NEW (group) or ASSIGNED")
    created = serializers.DateTimeField(source="task.created")
    cycle = CycleRefSerializer()
    area_cycle = serializers.IntegerField(source="area_cycle.pk", allow_null=True, default=None)
    area = AreaRefSerializer(source="area_cycle.area", allow_null=True, default=None)
    conference = ConferenceRefSerializer()
    owner = PersonSerializer(allow_null=True, help_text="null: a task of the group")
    due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    can_complete = serializers.BooleanField(help_text="May the caller complete the step?")


class InboxSerializer(serializers.Serializer):
    mine = InboxItemSerializer(many=True, help_text="Steps assigned to the caller")
    group = InboxItemSerializer(
        many=True,
        help_text="Open steps of others or of nobody that the caller may complete by role, "
        "or of conferences the caller is a member of",
    )
    overdue = serializers.SerializerMethodField(help_text="How many of them are overdue")

    def get_overdue(self, inbox) -> int:
        return len(inbox.overdue)


# --- task actions ------------------------------------------------------------------------------


class _Ids(serializers.ListField):
    def __init__(self, **kwargs):
        super().__init__(child=serializers.IntegerField(min_value=1), required=False, **kwargs)


class CompleteStepSerializer(serializers.Serializer):
    """The outputs of a step; which of them a step takes is listed with each field."""

    session = serializers.IntegerField(
        required=False, allow_null=True, help_text="Every step: the session it was discussed in"
    )
    note = serializers.CharField(required=False, allow_blank=True, help_text="Every step")
    sheet = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="vorphase, nachphase: the consolidated reflection sheet (default: the cycle's)",
    )
    political_decision = serializers.BooleanField(
        required=False, allow_null=True, help_text="mandate: is there a political decision?"
    )
    reference = serializers.CharField(
        required=False, allow_blank=True, help_text="mandate: reference of the decision"
    )
    date = serializers.DateField(
        required=False, allow_null=True, help_text="mandate: date of the decision"
    )
    indicators = _Ids(help_text="planning_1: the selected indicators (at least one)")
    data_inventory = InventoryRowSerializer(
        many=True, required=False, help_text="planning_1: which data exist, holder, to obtain"
    )
    prioritisation = serializers.IntegerField(
        required=False, allow_null=True, help_text="planning_2: the confirmed prioritisation"
    )
    swot_entries = _Ids(help_text="planning_2, area_2")
    findings = _Ids(help_text="planning_2: accepted findings")
    needs = _Ids(help_text="planning_3")
    goals = _Ids(help_text="planning_3: municipal goals; area_3: area goals (at least one)")
    hypotheses = _Ids(help_text="planning_3")
    measures = _Ids(help_text="planning_4, area_4 (at least one)")
    fields_of_action = _Ids(help_text="area_3")
    impact_analysis = serializers.CharField(
        required=False, allow_blank=True, help_text="planning_5 (required)"
    )
    reality_check = serializers.CharField(required=False, allow_blank=True, help_text="planning_5")
    decision = serializers.ChoiceField(
        choices=Cycle.Decision.choices,
        required=False,
        allow_blank=True,
        help_text="planning_5: continue, back_to_2 or back_to_3",
    )
    recommendation = serializers.CharField(
        required=False, allow_blank=True, help_text="area_5 (required)"
    )
    reflection = serializers.CharField(required=False, allow_blank=True, help_text="area_5")


class SkipStepSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required: kept in the history"
    )


class SendBackSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required: why"
    )


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The user (id) who gets the step; they must be allowed to complete it",
    )


class TaskStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    node = serializers.CharField(source="flow_task.name")
    title = serializers.CharField(source="flow_task.task_title")
    status = serializers.CharField(help_text="NEW, ASSIGNED, DONE or CANCELED")
    owner = PersonSerializer(allow_null=True)
    finished = serializers.DateTimeField(allow_null=True)


class ActionResultSerializer(serializers.Serializer):
    task = TaskStateSerializer(help_text="The task after the action")
    cycle = CycleSerializer(help_text="Its cycle, with the steps now open")
