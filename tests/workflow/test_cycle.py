"""The KECK control cycle as viewflow processes, run through on the Vechta analysis fixtures:
a cycle with two prioritised areas (Vechta and Visbek, the top two of the 2013 ranking), the
wait for both area processes, loops back from step 5, skipped and reopened steps, who may do
which step, carry-over into the next cycle and overlapping cycles."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from viewflow.workflow.status import PROCESS, STATUS

from accounts.models import Role
from atlas_data.models import Area
from conferences.models import ConferenceMember, Finding
from measures.models import Measure
from tests.conferences.analysis_fixtures import U15, store_shares
from tests.factories import GoalFactory, MeasureFactory
from workflow import selectors, services
from workflow.flows import AreaFlow, CycleFlow
from workflow.models import AreaCycle, Cycle, CycleSettings, StepRecord
from workflow.services import WorkflowError

from .cycle_fixtures import *  # noqa: F403
from .cycle_fixtures import consolidate, drive_to, open_cycle, step_data

pytestmark = pytest.mark.django_db

AREA_STEPS = ["area_1", "area_2", "area_3", "area_4", "area_5"]


def complete(plan, cycle, node, user=None, **data):
    user = user or plan.conference.coordinator
    task = selectors.active_task(cycle, node)
    assert task is not None, f"{node} is not open"
    return services.complete_step(user=user, task=task, data=data or step_data(plan, node))


def run_area(plan, area_cycle, steps=AREA_STEPS):
    name = area_cycle.area.name
    for node in steps:
        services.complete_step(
            user=plan.area_coordinators[name],
            task=selectors.active_task(area_cycle, node),
            data=step_data(plan, node, name),
        )
    area_cycle.refresh_from_db()


def area_cycle_of(cycle, name, round=None):
    cycle.refresh_from_db()
    return AreaCycle.objects.get(cycle=cycle, area__name=name, round=round or cycle.round)


def states(user, cycle):
    detail = selectors.cycle_detail(user=user, cycle=cycle)
    return {step.node: step.state for step in detail.steps}


def finish(plan, cycle, coordinator):
    """From step 5 open: continue and evaluate the process."""
    complete(plan, cycle, "planning_5")
    cycle.refresh_from_db()
    sheet = services.create_evaluation_sheet(user=coordinator, cycle=cycle)
    consolidate(sheet, coordinator)
    complete(plan, cycle, "nachphase")
    cycle.refresh_from_db()


@pytest.fixture
def running(plan, coordinator, leader):
    """A cycle with step 4 completed and both area processes at step 1."""
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "wait_areas", leader=leader)
    return cycle


# --- the whole cycle ---------------------------------------------------------------------------


def test_a_cycle_runs_through_with_two_prioritised_areas(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    assert (cycle.number, cycle.state) == (1, Cycle.State.VORPHASE)
    assert selectors.active_task(cycle, "vorphase").owner == coordinator

    drive_to(plan, cycle, "wait_areas", leader=leader)
    cycle.refresh_from_db()
    assert cycle.mandate == Cycle.Mandate.CONFIRMED
    assert cycle.political_decision is True
    assert cycle.mandate_reference == "Jugendhilfeausschuss JHA/2025/017"
    assert cycle.vorphase_sheet.state == "closed"
    assert [row["status"] for row in cycle.data_inventory] == ["to_obtain", "available"]
    assert set(cycle.indicators.all()) == set(plan.indicators)
    assert cycle.prioritisation == plan.prioritisation
    assert list(cycle.goals.all()) == plan.municipal_goals
    assert list(cycle.measures.all()) == plan.measures
    for name in ("Vechta", "Visbek"):
        area_cycle = area_cycle_of(cycle, name)
        assert area_cycle.conference == plan.area_conferences[name]
        assert list(area_cycle.goals_to_refine.all()) == plan.municipal_goals
        run_area(plan, area_cycle)
        assert area_cycle.state == AreaCycle.State.DELIVERED
        assert area_cycle.recommendation == f"Sprachförderung in {name} ausbauen."
        assert list(area_cycle.goals.all()) == plan.area_goals[name]
        assert area_cycle.process.status == PROCESS.DONE

    finish(plan, cycle, coordinator)

    assert cycle.state == Cycle.State.FINISHED
    assert cycle.finished is not None
    assert cycle.process.status == PROCESS.DONE
    assert cycle.evaluation_sheet.state == "closed"
    detail = selectors.cycle_detail(user=coordinator, cycle=cycle)
    assert set(detail.node_states.values()) == {"done"}
    assert [[cell.state for cell in row.cells] for row in detail.area_rows] == [["done"] * 5] * 2
    done = [
        r.node for r in detail.history if r.action == StepRecord.Action.DONE and not r.area_cycle
    ]
    assert done == [
        "vorphase",
        "mandate",
        "planning_1",
        "planning_2",
        "planning_3",
        "planning_4",
        "wait_areas",
        "planning_5",
        "nachphase",
    ]


def test_the_mandate_goes_to_leadership_as_a_group_task(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)

    task = selectors.active_task(cycle, "mandate")
    assert task.owner is None
    inbox = selectors.inbox_for(user=leader)
    assert [item.task for item in inbox.group] == [task]
    assert inbox.mine == []
    assert selectors.inbox_for(user=coordinator).group == []


def test_leadership_sends_the_vorphase_back_with_a_comment(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)

    services.send_back(user=leader, cycle=cycle, comment="Bitte den Auftrag des JHA klären.")

    cycle.refresh_from_db()
    assert cycle.mandate == Cycle.Mandate.SENT_BACK
    assert cycle.mandate_comment == "Bitte den Auftrag des JHA klären."
    assert selectors.active_task(cycle, "vorphase").owner == coordinator
    assert states(coordinator, cycle)["mandate"] == "pending"
    record = cycle.history.get(action=StepRecord.Action.SENT_BACK)
    assert (record.user, record.reason) == (leader, "Bitte den Auftrag des JHA klären.")
    # The coordinator revises and passes it on again.
    services.consolidate_vorphase(user=coordinator, cycle=cycle)
    assert selectors.active_task(cycle, "mandate") is not None


def test_a_political_decision_needs_its_reference_and_date(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)

    with translation.override("en"), pytest.raises(WorkflowError) as error:
        services.confirm_mandate(user=leader, cycle=cycle, political_decision=True)
    assert error.value.field == "reference"
    cycle.refresh_from_db()
    assert cycle.mandate == Cycle.Mandate.PENDING
    # Without a committee decision the mandate stands on the leadership's word.
    services.confirm_mandate(user=leader, cycle=cycle, political_decision=False)
    assert selectors.active_task(cycle, "planning_1") is not None


def test_the_vorphase_needs_a_consolidated_sheet(plan, coordinator):
    cycle = open_cycle(plan, coordinator)
    with pytest.raises(WorkflowError) as error:
        services.consolidate_vorphase(user=coordinator, cycle=cycle)
    assert error.value.field == "sheet"
    services.create_vorphase_sheet(user=coordinator, cycle=cycle)
    with pytest.raises(WorkflowError) as error:
        services.consolidate_vorphase(user=coordinator, cycle=cycle)
    assert error.value.field == "sheet"
    cycle.refresh_from_db()
    assert cycle.vorphase_sheet.state == "open"
    assert selectors.active_task(cycle, "vorphase") is not None


# --- step 4 and the area processes -------------------------------------------------------------


def test_step_4_completes_only_when_every_prioritised_area_has_an_impulse(
    plan, coordinator, leader
):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_4", leader=leader)
    vechta_area, visbek = plan.urgent

    services.give_impulse(user=coordinator, cycle=cycle, area=vechta_area, text="Kita-Zugang")
    with translation.override("en"), pytest.raises(WorkflowError) as error:
        complete(plan, cycle, "planning_4")

    assert error.value.field == "impulses"
    assert "Visbek" in error.value.message
    assert list(cycle.measures.all()) == []
    services.give_impulse(user=coordinator, cycle=cycle, area=visbek, text="Kita-Zugang")
    complete(plan, cycle, "planning_4")
    assert selectors.active_task(cycle, "wait_areas") is not None


def test_an_impulse_starts_the_area_process_while_step_4_stays_open(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_4", leader=leader)

    area_cycle = services.give_impulse(
        user=coordinator,
        cycle=cycle,
        area=plan.urgent[0],
        text="Zugang zur Kita verbessern",
        goals=plan.municipal_goals,
    )

    assert area_cycle.process.flow_class is AreaFlow
    assert selectors.active_task(area_cycle, "area_1").owner == plan.area_coordinators["Vechta"]
    assert selectors.active_task(cycle, "planning_4") is not None
    assert [a.name for a in services.areas_without_impulse(cycle)] == ["Visbek"]


def test_impulses_go_only_to_prioritised_areas_once_per_round(plan, coordinator, leader, vechta):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_4", leader=leader)
    lohne = Area.objects.get(municipality=vechta, name="Lohne (Oldenburg)")

    with pytest.raises(WorkflowError) as error:
        services.give_impulse(user=coordinator, cycle=cycle, area=lohne, text="x")
    assert error.value.field == "area"
    services.give_impulse(user=coordinator, cycle=cycle, area=plan.urgent[0], text="x")
    with pytest.raises(WorkflowError) as error:
        services.give_impulse(user=coordinator, cycle=cycle, area=plan.urgent[0], text="y")
    assert error.value.field == "area"
    with pytest.raises(WorkflowError) as error:
        services.give_impulse(user=coordinator, cycle=cycle, area=plan.urgent[1], text=" ")
    assert error.value.field == "impulse"
    assert AreaCycle.objects.filter(cycle=cycle).count() == 1


def test_step_5_waits_for_both_area_processes(plan, running):
    coordinator = plan.conference.coordinator
    run_area(plan, area_cycle_of(running, "Vechta"))

    assert selectors.active_task(running, "wait_areas") is not None
    assert selectors.active_task(running, "planning_5") is None
    assert states(coordinator, running)["wait_areas"] == "active"

    run_area(plan, area_cycle_of(running, "Visbek"))

    assert selectors.active_task(running, "wait_areas") is None
    assert selectors.active_task(running, "planning_5").owner == coordinator
    record = running.history.get(node="wait_areas", action=StepRecord.Action.DONE)
    assert record.user is None


def test_the_coordinator_closes_the_remaining_area_with_a_reason(plan, running):
    coordinator = plan.conference.coordinator
    run_area(plan, area_cycle_of(running, "Vechta"))
    visbek = area_cycle_of(running, "Visbek")
    run_area(plan, visbek, steps=["area_1", "area_2"])

    with pytest.raises(WorkflowError) as error:
        services.close_area(user=coordinator, area_cycle=visbek, reason="")
    assert error.value.field == "reason"
    with pytest.raises(PermissionDenied):
        services.close_area(
            user=plan.area_coordinators["Visbek"], area_cycle=visbek, reason="Keine Zeit"
        )
    services.close_area(
        user=coordinator, area_cycle=visbek, reason="Die Konferenz ruht bis zum Herbst."
    )

    visbek.refresh_from_db()
    assert visbek.state == AreaCycle.State.CLOSED
    assert visbek.process.status == PROCESS.CANCELED
    assert selectors.active_task(visbek, "area_3") is None
    assert selectors.active_task(running, "planning_5") is not None
    detail = selectors.cycle_detail(user=coordinator, cycle=running)
    row = next(r for r in detail.area_rows if r.area_cycle == visbek)
    assert [cell.state for cell in row.cells] == ["done", "done", "pending", "pending", "pending"]
    closed = running.history.get(action=StepRecord.Action.CLOSED)
    assert (closed.area_cycle, closed.reason) == (visbek, "Die Konferenz ruht bis zum Herbst.")


# --- step 5: loops back ------------------------------------------------------------------------


def run_both_areas(plan, cycle):
    for name in ("Vechta", "Visbek"):
        run_area(plan, area_cycle_of(cycle, name))


def test_step_5_loops_back_to_step_3_and_the_next_round_gives_new_impulses(plan, running):
    coordinator = plan.conference.coordinator
    run_both_areas(plan, running)

    complete(
        plan,
        running,
        "planning_5",
        impact_analysis="Die Kita-Quote stagniert.",
        reality_check="Die Ziele waren zu ehrgeizig.",
        decision="back_to_3",
    )

    running.refresh_from_db()
    assert (running.round, running.decision) == (2, Cycle.Decision.BACK_TO_3)
    assert running.state == Cycle.State.MAIN
    assert selectors.active_task(running, "planning_3") is not None
    step_states = states(coordinator, running)
    assert step_states["planning_2"] == "done"
    assert [step_states[n] for n in ("planning_3", "planning_4", "wait_areas", "planning_5")] == [
        "active",
        "pending",
        "pending",
        "pending",
    ]
    complete(plan, running, "planning_3")
    # The impulses of round 1 do not count for round 2.
    with pytest.raises(WorkflowError):
        complete(plan, running, "planning_4")
    drive_to(plan, running, "wait_areas", leader=None)
    assert AreaCycle.objects.filter(cycle=running, round=2).count() == 2
    run_both_areas(plan, running)
    finish(plan, running, coordinator)
    assert running.state == Cycle.State.FINISHED


def test_step_5_loops_back_to_step_2(plan, running):
    run_both_areas(plan, running)

    complete(plan, running, "planning_5", impact_analysis="Neue Daten 2014.", decision="back_to_2")

    assert selectors.active_task(running, "planning_2") is not None
    running.refresh_from_db()
    assert running.round == 2


def test_step_5_needs_an_impact_analysis_and_a_decision(plan, running):
    run_both_areas(plan, running)

    with pytest.raises(WorkflowError) as error:
        complete(plan, running, "planning_5", impact_analysis="Gut.", decision="later")
    assert error.value.field == "decision"
    with pytest.raises(WorkflowError) as error:
        complete(plan, running, "planning_5", impact_analysis=" ", decision="continue")
    assert error.value.field == "impact_analysis"
    running.refresh_from_db()
    assert (running.impact_analysis, running.decision) == ("", "")


# --- skipping and reopening --------------------------------------------------------------------


def test_a_step_is_skipped_only_with_a_reason_kept_in_the_history(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_1", leader=leader)
    task = selectors.active_task(cycle, "planning_1")

    with pytest.raises(WorkflowError) as error:
        services.skip_step(user=coordinator, task=task, reason="  ")
    assert error.value.field == "reason"
    assert selectors.active_task(cycle, "planning_1") is not None

    services.skip_step(
        user=coordinator, task=task, reason="Die Datenbestände sind aus dem Vorjahr bekannt."
    )

    assert selectors.active_task(cycle, "planning_2") is not None
    assert states(coordinator, cycle)["planning_1"] == "skipped"
    record = cycle.history.get(action=StepRecord.Action.SKIPPED)
    assert (record.node, record.user, record.reason) == (
        "planning_1",
        coordinator,
        "Die Datenbestände sind aus dem Vorjahr bekannt.",
    )


def test_the_mandate_cannot_be_skipped(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)

    with pytest.raises(WorkflowError):
        services.skip_step(
            user=leader, task=selectors.active_task(cycle, "mandate"), reason="Eilig"
        )
    assert selectors.active_task(cycle, "mandate") is not None


def test_skipping_step_5_continues_with_the_nachphase(plan, running):
    run_both_areas(plan, running)

    services.skip_step(
        user=plan.conference.coordinator,
        task=selectors.active_task(running, "planning_5"),
        reason="Wirkungsanalyse im nächsten Zyklus",
    )

    running.refresh_from_db()
    assert running.state == Cycle.State.NACHPHASE
    assert selectors.active_task(running, "nachphase") is not None


def test_the_coordinator_reopens_a_completed_step(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_4", leader=leader)
    planning_4 = selectors.active_task(cycle, "planning_4")

    new = services.reopen_step(
        user=coordinator, target=cycle, node="planning_2", reason="Neue Daten 2014 liegen vor."
    )

    planning_4.refresh_from_db()
    assert planning_4.status == STATUS.CANCELED
    assert new.flow_task is CycleFlow.planning_2
    assert (new.status, new.owner) == (STATUS.ASSIGNED, coordinator)
    step_states = states(coordinator, cycle)
    assert step_states["planning_1"] == "done"
    assert step_states["planning_2"] == "active"
    assert step_states["planning_3"] == "pending"
    record = cycle.history.get(action=StepRecord.Action.REOPENED)
    assert (record.node, record.reason, record.task) == (
        "planning_2",
        "Neue Daten 2014 liegen vor.",
        new,
    )
    # The steps after it follow again.
    complete(plan, cycle, "planning_2")
    assert selectors.active_task(cycle, "planning_3") is not None


def test_reopening_the_mandate_returns_the_cycle_to_the_vorphase(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_2", leader=leader)

    services.reopen_step(user=coordinator, target=cycle, node="mandate")

    cycle.refresh_from_db()
    assert (cycle.state, cycle.mandate) == (Cycle.State.VORPHASE, Cycle.Mandate.PENDING)
    assert selectors.active_task(cycle, "planning_2") is None
    services.confirm_mandate(user=leader, cycle=cycle, political_decision=False)
    assert selectors.active_task(cycle, "planning_1") is not None


def test_only_completed_earlier_steps_are_reopened_by_their_coordinator(
    plan, coordinator, leader, member, admin
):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_2", leader=leader)

    for node in ("planning_2", "planning_3", "check_mandate"):
        with pytest.raises(WorkflowError):
            services.reopen_step(user=coordinator, target=cycle, node=node)
    for user in (member, leader, plan.area_coordinators["Vechta"]):
        with pytest.raises(PermissionDenied):
            services.reopen_step(user=user, target=cycle, node="planning_1")
    assert selectors.active_task(cycle, "planning_2") is not None
    services.reopen_step(user=admin, target=cycle, node="planning_1")
    assert selectors.active_task(cycle, "planning_1") is not None


def test_an_area_step_is_reopened_by_the_area_coordinator(plan, running):
    vechta_cycle = area_cycle_of(running, "Vechta")
    run_area(plan, vechta_cycle, steps=["area_1", "area_2", "area_3"])

    with pytest.raises(PermissionDenied):
        services.reopen_step(user=plan.conference.coordinator, target=vechta_cycle, node="area_2")
    services.reopen_step(user=plan.area_coordinators["Vechta"], target=vechta_cycle, node="area_2")

    assert selectors.active_task(vechta_cycle, "area_2") is not None
    assert selectors.active_task(vechta_cycle, "area_4") is None
    record = running.history.get(action=StepRecord.Action.REOPENED)
    assert record.area_cycle == vechta_cycle


def test_a_finished_cycle_cannot_be_reopened(plan, running):
    coordinator = plan.conference.coordinator
    run_both_areas(plan, running)
    finish(plan, running, coordinator)

    with pytest.raises(WorkflowError):
        services.reopen_step(user=coordinator, target=running, node="nachphase")


# --- permissions on every node -----------------------------------------------------------------

COORDINATOR, AREA_COORDINATOR, ADMIN, LEADER, MEMBER = (
    "coordinator",
    "area coordinator",
    "admin",
    "leader",
    "member",
)
PLANNING_STEP = {COORDINATOR, ADMIN}
NODE_RULES = {
    "vorphase": PLANNING_STEP,
    "mandate": {LEADER, ADMIN},
    "planning_1": PLANNING_STEP,
    "planning_2": PLANNING_STEP,
    "planning_3": PLANNING_STEP,
    "planning_4": PLANNING_STEP,
    "planning_5": PLANNING_STEP,
    "nachphase": {COORDINATOR, LEADER, ADMIN},
    "area_1": {AREA_COORDINATOR, ADMIN},
    "area_2": {AREA_COORDINATOR, ADMIN},
    "area_3": {AREA_COORDINATOR, ADMIN},
    "area_4": {AREA_COORDINATOR, ADMIN},
    "area_5": {AREA_COORDINATOR, ADMIN},
}


def reach(plan, cycle, node, leader, coordinator):
    """`cycle` with step `node` open; returns the cycle or area cycle the step belongs to."""
    if node.startswith("area_"):
        drive_to(plan, cycle, "wait_areas", leader=leader)
        target = area_cycle_of(cycle, "Vechta")
        run_area(plan, target, steps=AREA_STEPS[: AREA_STEPS.index(node)])
        return target
    if node in ("planning_5", "nachphase"):
        drive_to(plan, cycle, "wait_areas", leader=leader)
        run_both_areas(plan, cycle)
        if node == "nachphase":
            complete(plan, cycle, "planning_5")
            services.create_evaluation_sheet(user=coordinator, cycle=cycle)
        return cycle
    drive_to(plan, cycle, node, leader=leader)
    return cycle


@pytest.mark.parametrize("node", list(NODE_RULES))
def test_who_may_complete_each_step(plan, coordinator, leader, member, admin, node):
    users = {
        COORDINATOR: coordinator,
        AREA_COORDINATOR: plan.area_coordinators["Vechta"],
        ADMIN: admin,
        LEADER: leader,
        MEMBER: member,
    }
    cycle = open_cycle(plan, coordinator)
    target = reach(plan, cycle, node, leader, coordinator)
    task = selectors.active_task(target, node)
    flow_node = task.flow_task

    for role, user in users.items():
        allowed = role in NODE_RULES[node]
        assert flow_node.can_execute(user, task) is allowed, role
        if not allowed:
            with pytest.raises(PermissionDenied):
                services.complete_step(user=user, task=task, data={})
            with pytest.raises(PermissionDenied):
                services.skip_step(user=user, task=task, reason="Keine Zeit")
    task.refresh_from_db()
    assert task.status in (STATUS.NEW, STATUS.ASSIGNED)
    # Members read the cycle all the same.
    assert selectors.cycle_detail(user=member, cycle=cycle).cycle == cycle


def test_a_coordinator_of_another_conference_is_not_the_conference_coordinator(
    plan, coordinator, vechta, member_of
):
    other = member_of(vechta, Role.COORDINATOR, username="koordination-2")
    with pytest.raises(PermissionDenied):
        open_cycle(plan, other)
    cycle = open_cycle(plan, coordinator)
    task = selectors.active_task(cycle, "vorphase")
    with pytest.raises(PermissionDenied):
        services.skip_step(user=other, task=task, reason="x")


def test_members_of_other_municipalities_see_no_cycle(plan, coordinator, outsider):
    cycle = open_cycle(plan, coordinator)
    with pytest.raises(PermissionDenied):
        selectors.cycle_detail(user=outsider, cycle=cycle)
    with pytest.raises(PermissionDenied):
        selectors.cycles_for(user=outsider, municipality=cycle.municipality)
    assert selectors.inbox_for(user=outsider).mine == []


# --- assignment, inbox, deadlines --------------------------------------------------------------


def test_steps_are_assigned_reassigned_and_unassigned_with_an_email(
    plan, coordinator, admin, member, django_capture_on_commit_callbacks
):
    admin.email = "admin@vechta.example"
    admin.save()
    cycle = open_cycle(plan, coordinator)
    task = selectors.active_task(cycle, "vorphase")

    with pytest.raises(WorkflowError) as error:
        services.assign_task(user=coordinator, task=task, assignee=member)
    assert error.value.field == "assignee"
    with django_capture_on_commit_callbacks(execute=True):
        services.reassign_task(user=coordinator, task=task, assignee=admin)

    task.refresh_from_db()
    assert task.owner == admin
    assert [message.to for message in mail.outbox] == [["admin@vechta.example"]]
    assert "Frühe Bildung" in mail.outbox[0].body
    assert [item.task for item in selectors.inbox_for(user=admin).mine] == [task]

    services.unassign_task(user=admin, task=task)
    task.refresh_from_db()
    assert (task.owner, task.status) == (None, STATUS.NEW)
    assert [item.task for item in selectors.inbox_for(user=coordinator).group] == [task]
    actions = list(cycle.history.values_list("action", flat=True))
    assert actions[-2:] == [StepRecord.Action.ASSIGNED, StepRecord.Action.UNASSIGNED]


def test_the_coordinator_gets_an_email_when_a_step_becomes_theirs(
    plan, coordinator, django_capture_on_commit_callbacks
):
    coordinator.email = "koordination@vechta.example"
    coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        open_cycle(plan, coordinator)
    assert [message.to for message in mail.outbox] == [["koordination@vechta.example"]]


def test_conference_members_see_their_conference_steps_in_the_group_inbox(plan, running, member):
    ConferenceMember.objects.create(
        conference=plan.area_conferences["Visbek"], user=member, name="Mia Mitglied"
    )

    inbox = selectors.inbox_for(user=member)

    assert [(item.node, item.area_cycle.area.name) for item in inbox.group] == [
        ("area_1", "Visbek")
    ]
    assert inbox.group[0].can_complete is False


def test_deadlines_show_overdue_steps(plan, running):
    coordinator = plan.conference.coordinator
    visbek = area_cycle_of(running, "Visbek")
    today = datetime.date(2025, 3, 1)

    with pytest.raises(WorkflowError) as error:
        services.set_deadline(
            user=coordinator, target=visbek, node="area_1", due="2025-02-28", today=today
        )
    assert error.value.field == "due"
    services.set_deadline(
        user=coordinator, target=visbek, node="area_1", due="2025-03-10", today=today
    )
    services.set_deadline(
        user=coordinator, target=running, node="planning_5", due="2025-06-30", today=today
    )

    later = datetime.date(2025, 3, 11)
    inbox = selectors.inbox_for(user=plan.area_coordinators["Visbek"], today=later)
    assert [(item.node, item.due, item.overdue) for item in inbox.mine] == [
        ("area_1", datetime.date(2025, 3, 10), True)
    ]
    overdue = [
        i
        for i in selectors.open_steps(
            user=coordinator, municipality=running.municipality, today=later
        )
        if i.overdue
    ]
    assert [item.node for item in overdue] == ["area_1"]
    detail = selectors.cycle_detail(user=coordinator, cycle=running, today=later)
    step_5 = next(step for step in detail.steps if step.node == "planning_5")
    assert (step_5.due, step_5.overdue) == (datetime.date(2025, 6, 30), False)
    with pytest.raises(PermissionDenied):
        services.set_deadline(
            user=plan.area_coordinators["Visbek"], target=running, node="planning_5", due=None
        )
    services.set_deadline(user=coordinator, target=running, node="planning_5", due=None)
    assert not running.deadlines.filter(node="planning_5").exists()


def test_the_cycle_overview_and_inbox_read_in_a_constant_number_of_queries(plan, running):
    coordinator = plan.conference.coordinator

    def count(read) -> int:
        with CaptureQueriesContext(connection) as queries:
            read()
        return len(queries)

    def overview():
        selectors.cycle_detail(user=coordinator, cycle=running)

    def inbox():
        selectors.inbox_for(user=coordinator)

    run_area(plan, area_cycle_of(running, "Vechta"), steps=["area_1"])
    before = count(overview), count(inbox)
    run_area(plan, area_cycle_of(running, "Vechta"), steps=["area_2", "area_3"])
    services.set_deadline(user=coordinator, target=running, node="planning_5", due="2099-01-01")
    assert (count(overview), count(inbox)) == before


# --- the next cycle ----------------------------------------------------------------------------


def test_the_next_cycle_carries_over_open_goals_measures_and_findings(
    plan, coordinator, leader, vechta, share
):
    u15 = share(U15)
    vechta_area = plan.urgent[0]
    # Vechta's under-15 share was 15,03 % in 2013 and is 16,00 % in 2014: the goal is reached.
    store_shares(u15, 2014, {vechta_area.key: 16.0})
    reached = GoalFactory(
        municipality=vechta,
        conference=plan.conference,
        level="municipal",
        title="Anteil unter 15 steigt",
        indicator=u15,
        measurement_area=vechta_area,
        baseline_year=2013,
        baseline_value=15.03,
        target_value=15.5,
        direction="increase",
        deadline=datetime.date(2030, 12, 31),
    )
    done = MeasureFactory(
        municipality=vechta, conference=plan.conference, status=Measure.Status.DONE
    )
    finding = Finding.objects.create(
        conference=plan.conference,
        indicator=u15,
        area=vechta_area,
        year=2013,
        kind=Finding.Kind.DEVIATION,
        assessment=Finding.Assessment.UNFAVOURABLE,
        proposed_text="Vechta hat den niedrigsten Anteil unter 15.",
        state=Finding.State.ACCEPTED,
    )
    plan.municipal_goals.append(reached)
    plan.measures.append(done)
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_2", leader=leader)
    complete(plan, cycle, "planning_2", prioritisation=plan.prioritisation, findings=[finding])
    drive_to(plan, cycle, "wait_areas", leader=leader)
    run_both_areas(plan, cycle)

    with pytest.raises(WorkflowError):
        services.start_next_cycle(
            user=coordinator,
            cycle=cycle,
            title="2",
            topic="x",
            period_start="2027-01-01",
            period_end="2028-12-31",
        )
    finish(plan, cycle, coordinator)
    new = services.start_next_cycle(
        user=coordinator,
        cycle=cycle,
        title="Frühe Bildung II",
        topic="Kindertagesbetreuung",
        period_start="2027-01-01",
        period_end="2028-12-31",
    )

    assert (new.number, new.carried_over_from, new.state) == (2, cycle, Cycle.State.VORPHASE)
    open_goals = [plan.municipal_goals[0], *plan.area_goals["Vechta"], *plan.area_goals["Visbek"]]
    assert set(new.goals.all()) == set(open_goals)
    assert set(new.measures.all()) == {
        plan.measures[0],
        *plan.area_measures["Vechta"],
        *plan.area_measures["Visbek"],
    }
    assert list(new.findings.all()) == [finding]
    assert selectors.active_task(new, "vorphase") is not None
    with pytest.raises(WorkflowError):
        services.start_next_cycle(
            user=coordinator,
            cycle=cycle,
            title="Doppelt",
            topic="x",
            period_start="2027-01-01",
            period_end="2028-12-31",
        )


# --- overlapping cycles ------------------------------------------------------------------------


def test_overlapping_cycles_are_refused_unless_the_municipality_allows_them(
    plan, coordinator, admin, vechta
):
    open_cycle(plan, coordinator)

    with translation.override("en"), pytest.raises(WorkflowError) as error:
        open_cycle(plan, coordinator, "Jugendarbeit")
    assert "Cycle 1 is still running" in error.value.message
    assert Cycle.objects.filter(municipality=vechta).count() == 1

    with pytest.raises(PermissionDenied):
        services.set_cycle_settings(
            user=coordinator, municipality=vechta, allow_overlapping_cycles=True
        )
    services.set_cycle_settings(user=admin, municipality=vechta, allow_overlapping_cycles=True)
    second = open_cycle(plan, coordinator, "Jugendarbeit")
    assert second.number == 2
    assert CycleSettings.objects.get(municipality=vechta).allow_overlapping_cycles


def test_a_cycle_needs_a_title_topic_and_a_sound_period(plan, coordinator):
    with pytest.raises(WorkflowError) as error:
        services.open_cycle(
            user=coordinator,
            conference=plan.conference,
            title="Frühe Bildung",
            topic="Kita",
            period_start="2026-01-01",
            period_end="2025-12-31",
        )
    assert error.value.field == "period_end"
    with pytest.raises(WorkflowError) as error:
        services.open_cycle(
            user=coordinator,
            conference=plan.area_conferences["Vechta"],
            title="Frühe Bildung",
            topic="Kita",
            period_start="2025-01-01",
            period_end="2025-12-31",
        )
    assert error.value.field == "conference"
    assert not Cycle.objects.exists()
