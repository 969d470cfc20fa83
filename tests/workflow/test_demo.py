"""The control cycle part of the Vechta demo: cycle 1 finished with a consolidated Nachphase
evaluation and its two area processes delivered; cycle 2, carried over from it, in step 4 of the
Sozialplanungskonferenz with two area processes (Vechta at step 3, Lohne at step 2 and overdue);
dated back relative to today; loading the demo again changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from conferences.models import Sheet
from keck.demo import load_demo
from workflow import selectors
from workflow.models import AreaCycle, Cycle, StepDeadline, StepRecord
from workflow.services import areas_without_impulse

pytestmark = pytest.mark.django_db

STEPS = [
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


def user(username):
    return get_user_model().objects.get(username=username)


def detail(cycle):
    return selectors.cycle_detail(user=user("demo-mitglied"), cycle=cycle)


def rows(cycle_detail) -> dict[str, list[str]]:
    return {
        row.area_cycle.area.name: [cell.state for cell in row.cells]
        for row in cycle_detail.area_rows
    }


def day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def snapshot(municipality) -> dict:
    cycles = Cycle.objects.filter(municipality=municipality)
    return {
        "cycles": sorted(cycles.values_list("pk", "number", "state", "round", "mandate")),
        "area_cycles": sorted(
            AreaCycle.objects.filter(cycle__in=cycles).values_list("pk", "area_id", "state")
        ),
        "history": StepRecord.objects.filter(cycle__in=cycles).count(),
        "deadlines": sorted(
            StepDeadline.objects.filter(cycle__in=cycles).values_list("pk", "node", "due")
        ),
        "tasks": sorted(Task.objects.values_list("pk", "status")),
        "sheets": Sheet.objects.filter(municipality=municipality).count(),
    }


def test_the_demo_has_a_finished_first_cycle_with_a_nachphase_evaluation(demo):
    first = Cycle.objects.get(municipality=demo, number=1)

    assert first.state == Cycle.State.FINISHED
    assert first.process.status == PROCESS.DONE
    assert first.mandate == Cycle.Mandate.CONFIRMED and first.political_decision is True
    sheet = first.evaluation_sheet
    assert (sheet.catalogue.kind, sheet.cycle_number, sheet.state) == (
        "process_evaluation",
        1,
        "closed",
    )
    respondents = set(sheet.responses.values_list("respondent__username", flat=True))
    assert respondents == {"demo-koordination", "demo-leitung"}
    assert first.vorphase_sheet.title == "Vorphase: Schwerpunkt der Arbeit – Zyklus 1"
    state = detail(first)
    assert [(step.node, step.state) for step in state.steps] == [(n, "done") for n in STEPS]
    assert rows(state) == {"Lohne (Oldenburg)": ["done"] * 5, "Vechta": ["done"] * 5}
    for area_cycle in first.area_cycles.all():
        assert area_cycle.state == AreaCycle.State.DELIVERED
        assert area_cycle.recommendation and area_cycle.goals.exists()
        assert area_cycle.measures.exists()
    assert first.goals.exists() and first.measures.exists() and first.indicators.exists()
    assert first.decision == Cycle.Decision.CONTINUE and first.impact_analysis


def test_the_demo_has_a_second_cycle_in_step_4_with_two_area_processes(demo):
    first, second = Cycle.objects.filter(municipality=demo).order_by("number")

    assert (second.number, second.state, second.carried_over_from) == (2, "main", first)
    state = detail(second)
    assert [step.node for step in state.active] == ["planning_4"]
    assert {step.node: step.state for step in state.steps} == {
        "vorphase": "done",
        "mandate": "done",
        "planning_1": "done",
        "planning_2": "done",
        "planning_3": "done",
        "planning_4": "active",
        "wait_areas": "pending",
        "planning_5": "pending",
        "nachphase": "pending",
    }
    assert rows(state) == {
        "Lohne (Oldenburg)": ["done", "active", "pending", "pending", "pending"],
        "Vechta": ["done", "done", "active", "pending", "pending"],
    }
    # carried over from cycle 1
    assert set(second.goals.all()) >= set(first.goals.all())
    assert second.findings.count() == first.findings.count() > 0
    assert second.measures.exists()


def test_step_4_of_the_demo_still_waits_for_an_impulse_to_dinklage(demo):
    second = Cycle.objects.get(municipality=demo, number=2)

    assert [area.name for area in areas_without_impulse(second)] == ["Dinklage"]


def test_the_demo_has_step_deadlines_and_exactly_one_overdue_step(demo):
    second = Cycle.objects.get(municipality=demo, number=2)
    deadlines = {
        (d.area_cycle.area.name if d.area_cycle else None, d.node): d.due
        for d in StepDeadline.objects.filter(cycle=second).select_related("area_cycle__area")
    }

    assert deadlines == {
        (None, "planning_4"): day(21),
        (None, "planning_5"): day(150),
        ("Vechta", "area_3"): day(10),
        ("Lohne (Oldenburg)", "area_2"): day(-6),
    }
    overdue = [
        item
        for item in selectors.open_steps(user=user("demo-leitung"), municipality=demo)
        if item.overdue
    ]
    assert [(item.node, item.area_cycle.area.name) for item in overdue] == [
        ("area_2", "Lohne (Oldenburg)")
    ]


def test_the_coordinator_finds_the_open_steps_in_the_inbox(demo):
    inbox = selectors.inbox_for(user=user("demo-koordination"))

    assert sorted(item.node for item in inbox.mine) == ["area_2", "area_3", "planning_4"]
    assert [item.node for item in inbox.overdue] == ["area_2"]


def test_the_leadership_dashboard_of_the_demo_lists_the_overdue_step(demo):
    client = Client()
    client.force_login(user("demo-leitung"))

    response = client.get("/app/measures/dashboard/")

    assert [step.node for step in response.context["board"].overdue_steps] == ["area_2"]


def test_the_demo_history_is_dated_back_in_the_order_it_happened(demo):
    first, second = Cycle.objects.filter(municipality=demo).order_by("number")
    first_history = [record.at for record in detail(first).history]
    second_history = [record.at for record in detail(second).history]

    assert first_history == sorted(first_history)
    assert second_history == sorted(second_history)
    assert first.created.date() < first.finished.date() <= second.created.date()
    assert max(first_history) < min(second_history)
    assert max(second_history).date() < day(0)
    assert first.period_end < second.period_end
    sessions = [record.session for record in detail(second).history if record.session]
    assert [s.conference.name for s in sessions] == ["Sozialraumkonferenz Stadt Vechta"] * 2


def test_loading_the_demo_again_changes_nothing(demo):
    before = snapshot(demo)

    load_demo()

    assert snapshot(demo) == before


def test_loading_the_demo_e_mails_nobody_about_its_steps(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()

    assert mail.outbox == []
