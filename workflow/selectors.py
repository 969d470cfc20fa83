"""Reads of the control cycle: the cycles of a municipality, where a cycle stands (the state
of every step, the grid of the area processes, the history) and the task inbox of a user."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts import permissions
from accounts.models import Municipality
from conferences.models import ConferenceMember

from .flows import AreaFlow, CycleFlow, Step
from .models import AreaCycle, Cycle, StepDeadline, StepRecord

ACTIVE = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

DONE, ACTIVE_STATE, PENDING, SKIPPED = "done", "active", "pending", "skipped"


def _flow_class(target) -> type:
    return AreaFlow if isinstance(target, AreaCycle) else CycleFlow


def active_task(target: Cycle | AreaCycle, node: str) -> Task | None:
    """The open task of step `node` of a cycle or an area cycle, if any."""
    if target.process_id is None:
        return None
    flow_node = _flow_class(target).instance.node(node, no_obsolete=True)
    if flow_node is None:
        return None
    return (
        Task.objects.filter(process_id=target.process_id, flow_task=flow_node, status__in=ACTIVE)
        .select_related("process", "owner")
        .first()
    )


def cycles_for(*, user, municipality: Municipality) -> QuerySet[Cycle]:
    """The cycles of a municipality, newest first, for its members."""
    permissions.require(user, permissions.Action.VIEW_INTERNAL, municipality)
    return (
        Cycle.objects.filter(municipality=municipality)
        .select_related("conference", "process", "carried_over_from", "created_by")
        .order_by("-number")
    )


def current_steps(cycles: Iterable[Cycle]) -> dict[int, list[str]]:
    """The titles of the open steps of each cycle (its own and its area processes'), by cycle
    id; one query."""
    cycles = list(cycles)
    by_process = {cycle.process_id: cycle.pk for cycle in cycles if cycle.process_id}
    area_names: dict[int, str] = {}
    for process_id, cycle_id, area_name in AreaCycle.objects.filter(
        cycle__in=cycles, process__isnull=False
    ).values_list("process_id", "cycle_id", "area__name"):
        by_process[process_id] = cycle_id
        area_names[process_id] = area_name
    result: dict[int, list[str]] = {cycle.pk: [] for cycle in cycles}
    tasks = Task.objects.filter(process_id__in=list(by_process), status__in=ACTIVE).order_by("pk")
    for task in tasks:
        title = str(task.flow_task.task_title)
        if task.process_id in area_names:
            # Two areas at the same step must not read the same.
            title = _("%(area)s: %(step)s") % {"area": area_names[task.process_id], "step": title}
        result[by_process[task.process_id]].append(title)
    return result


@dataclass
class StepState:
    """One node of a flow in one process: done, active, pending or skipped."""

    node: str
    title: str
    kind: str  # "step", "wait", "gateway", "start", "end", "function"
    state: str
    task: Task | None = None  # the open task, when active
    owner: object = None
    finished: datetime.datetime | None = None
    finished_by: object = None
    due: datetime.date | None = None
    overdue: bool = False
    catalogue_step: str = ""


@dataclass
class AreaRow:
    area_cycle: AreaCycle
    cells: list[StepState]


@dataclass
class CycleDetail:
    cycle: Cycle
    steps: list[StepState]  # the steps and the wait node, in the order of the chart
    node_states: dict[str, str]  # every node of CycleFlow, for colouring the chart
    area_columns: list[tuple[str, str]]  # (node, title) of the area steps
    area_rows: list[AreaRow]
    history: list[StepRecord]
    deadlines: list[StepDeadline] = field(default_factory=list)

    @property
    def active(self) -> list[StepState]:
        return [step for step in self.steps if step.state == ACTIVE_STATE]


def _kind(node) -> str:
    if isinstance(node, Step):
        return "step"
    name = type(node).__name__
    return {
        "Handle": "wait",
        "If": "gateway",
        "Switch": "gateway",
        "StartHandle": "start",
        "End": "end",
        "Function": "function",
    }.get(name, name.lower())


def _states(
    flow_class,
    tasks: list[Task],
    records: list[StepRecord],
    deadlines: dict[str, datetime.date],
    today: datetime.date,
) -> list[StepState]:
    """The state of every node of one process from its tasks (ordered by pk) and the history.

    While a node is open, the nodes after it are pending again (a loop back or a reopened step
    sends the cycle back); a node passed is done or, when its last completion was a skip,
    skipped."""
    by_node: dict[str, list[Task]] = defaultdict(list)
    for task in tasks:
        by_node[task.flow_task.name].append(task)
    last_action = {}
    for record in records:
        if record.action in (StepRecord.Action.DONE, StepRecord.Action.SKIPPED):
            last_action[record.node] = record.action
    order = flow_class.sequence
    open_indexes = [
        order.index(name)
        for name, node_tasks in by_node.items()
        if name in order and any(task.status in ACTIVE for task in node_tasks)
    ]
    first_open = min(open_indexes, default=None)
    states = []
    for index, name in enumerate(order):
        node = flow_class.instance.node(name, no_obsolete=True)
        node_tasks = by_node.get(name, [])
        open_task = next((task for task in node_tasks if task.status in ACTIVE), None)
        done = [task for task in node_tasks if task.status == STATUS.DONE]
        if open_task is not None:
            state = ACTIVE_STATE
        elif first_open is not None and index > first_open:
            state = PENDING
        elif done:
            state = SKIPPED if last_action.get(name) == StepRecord.Action.SKIPPED else DONE
        else:
            state = PENDING
        due = deadlines.get(name)
        states.append(
            StepState(
                node=name,
                title=str(node.task_title),
                kind=_kind(node),
                state=state,
                task=open_task,
                owner=open_task.owner if open_task else None,
                finished=done[-1].finished if done else None,
                finished_by=done[-1].owner if done else None,
                due=due,
                overdue=bool(due and due < today and state in (ACTIVE_STATE, PENDING)),
                catalogue_step=getattr(node, "catalogue_step", ""),
            )
        )
    return states


def cycle_for(*, user, municipality: Municipality, pk: int) -> Cycle:
    return cycles_for(user=user, municipality=municipality).get(pk=pk)


def cycle_detail(*, user, cycle: Cycle, today: datetime.date | None = None) -> CycleDetail:
    """Where the cycle stands: every step with its state, the area processes as a grid
    (area × step) and the history of who did what when; a constant number of queries."""
    permissions.require(user, permissions.Action.VIEW_INTERNAL, cycle.municipality)
    today = today or timezone.localdate()
    area_cycles = list(
        AreaCycle.objects.filter(cycle=cycle)
        .select_related("area", "conference", "conference__coordinator", "process")
        .order_by("round", "area__key", "pk")
    )
    process_ids = [cycle.process_id] + [ac.process_id for ac in area_cycles if ac.process_id]
    tasks_by_process: dict[int, list[Task]] = defaultdict(list)
    for task in (
        Task.objects.filter(process_id__in=[pk for pk in process_ids if pk])
        .select_related("owner")
        .order_by("pk")
    ):
        tasks_by_process[task.process_id].append(task)
    history = list(
        StepRecord.objects.filter(cycle=cycle)
        .select_related("user", "assignee", "session", "area_cycle", "area_cycle__area")
        .order_by("at", "pk")
    )
    records_by_area: dict[int | None, list[StepRecord]] = defaultdict(list)
    for record in history:
        records_by_area[record.area_cycle_id].append(record)
    deadlines = list(StepDeadline.objects.filter(cycle=cycle).order_by("due", "pk"))
    due_by_area: dict[int | None, dict[str, datetime.date]] = defaultdict(dict)
    for deadline in deadlines:
        due_by_area[deadline.area_cycle_id][deadline.node] = deadline.due

    # History records of impulses and closed areas name the cycle's nodes but concern an area.
    cycle_records = [
        record
        for record in history
        if record.area_cycle_id is None or not record.node.startswith("area_")
    ]
    nodes = _states(
        CycleFlow,
        tasks_by_process.get(cycle.process_id, []),
        cycle_records,
        due_by_area[None],
        today,
    )
    area_nodes = [name for name in AreaFlow.sequence if name.startswith("area_")]
    rows = []
    for area_cycle in area_cycles:
        cells = _states(
            AreaFlow,
            tasks_by_process.get(area_cycle.process_id, []),
            records_by_area.get(area_cycle.pk, []),
            due_by_area[area_cycle.pk],
            today,
        )
        rows.append(AreaRow(area_cycle, [cell for cell in cells if cell.node in area_nodes]))
    return CycleDetail(
        cycle=cycle,
        steps=[state for state in nodes if state.kind in ("step", "wait")],
        node_states={state.node: state.state for state in nodes},
        area_columns=[
            (name, str(AreaFlow.instance.node(name, no_obsolete=True).task_title))
            for name in area_nodes
        ],
        area_rows=rows,
        history=history,
        deadlines=deadlines,
    )


# --- task inbox -----------------------------------------------------------------------------


@dataclass
class InboxItem:
    task: Task
    node: str
    title: str
    cycle: Cycle
    area_cycle: AreaCycle | None
    conference: object
    owner: object
    due: datetime.date | None
    overdue: bool
    can_complete: bool


@dataclass
class Inbox:
    mine: list[InboxItem]
    group: list[InboxItem]

    @property
    def overdue(self) -> list[InboxItem]:
        return [item for item in [*self.mine, *self.group] if item.overdue]


def _open_items(
    *, user, municipalities: Iterable[Municipality], today: datetime.date
) -> list[InboxItem]:
    municipality_ids = [m.pk for m in municipalities]
    tasks = (
        Task.objects.filter(status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED))
        .filter(
            Q(process__cycle__municipality_id__in=municipality_ids)
            | Q(process__area_cycle__cycle__municipality_id__in=municipality_ids)
        )
        .select_related(
            "owner",
            "process__cycle__conference__municipality",
            "process__cycle__municipality",
            "process__area_cycle__conference__municipality",
            "process__area_cycle__area",
            "process__area_cycle__cycle__municipality",
            "process__area_cycle__cycle__conference",
        )
        .order_by("created", "pk")
    )
    tasks = [task for task in tasks if isinstance(task.flow_task, Step)]
    cycle_ids = set()
    for task in tasks:
        area_cycle = _reverse_one(task.process, "area_cycle")
        cycle_ids.add(area_cycle.cycle_id if area_cycle else task.process.cycle.pk)
    dues = {
        (deadline.cycle_id, deadline.area_cycle_id, deadline.node): deadline.due
        for deadline in StepDeadline.objects.filter(cycle_id__in=cycle_ids)
    }
    items = []
    for task in tasks:
        area_cycle = _reverse_one(task.process, "area_cycle")
        cycle = area_cycle.cycle if area_cycle else task.process.cycle
        conference = area_cycle.conference if area_cycle else cycle.conference
        node = task.flow_task
        due = dues.get((cycle.pk, area_cycle.pk if area_cycle else None, node.name))
        items.append(
            InboxItem(
                task=task,
                node=node.name,
                title=str(node.task_title),
                cycle=cycle,
                area_cycle=area_cycle,
                conference=conference,
                owner=task.owner,
                due=due,
                overdue=bool(due and due < today),
                can_complete=bool(user) and node.rule(user, conference),
            )
        )
    return items


def _reverse_one(process, name: str):
    try:
        return getattr(process, name)
    except AreaCycle.DoesNotExist:
        return None
    except Cycle.DoesNotExist:
        return None


def open_steps(
    *, user, municipality: Municipality, today: datetime.date | None = None
) -> list[InboxItem]:
    """Every open step of the municipality's cycles and area processes with its deadline
    (for the cycle overview and the leadership dashboard: `[i for i in … if i.overdue]`)."""
    permissions.require(user, permissions.Action.VIEW_INTERNAL, municipality)
    return _open_items(
        user=user, municipalities=[municipality], today=today or timezone.localdate()
    )


def inbox_for(
    *, user, municipality: Municipality | None = None, today: datetime.date | None = None
) -> Inbox:
    """The task inbox of `user`: the steps assigned to them, and their group's steps – those
    they may complete by role (e.g. leadership: the mandate) and those of the conferences they
    are a member of –, with deadlines and overdue ones; in `municipality` or in all of theirs."""
    today = today or timezone.localdate()
    if municipality is not None:
        permissions.require(user, permissions.Action.VIEW_INTERNAL, municipality)
        municipalities = [municipality]
    else:
        municipalities = [
            m
            for m in permissions.member_municipalities(user)
            if permissions.can(user, permissions.Action.VIEW_INTERNAL, m)
        ]
    items = _open_items(user=user, municipalities=municipalities, today=today)
    my_conferences = set(
        ConferenceMember.objects.filter(user=user, active=True).values_list(
            "conference_id", flat=True
        )
    )
    mine, group = [], []
    for item in items:
        if item.owner is not None and item.owner.pk == user.pk:
            mine.append(item)
        elif item.can_complete or item.conference.pk in my_conferences:
            group.append(item)
    return Inbox(mine=mine, group=group)
