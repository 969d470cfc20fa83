"""API of the control cycle: the cycles of a municipality (list, detail with step states, area
grid, deadlines and history), the task inbox and the actions on a task (complete with ids,
skip, send back, assign, reassign, unassign), with their permissions: members read, everybody
else gets 404, only the step's people act (403), bad input is a 400 naming the field."""

from __future__ import annotations

import datetime

import pytest
import yaml
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts.models import Role
from workflow import selectors, services
from workflow.flows import CycleFlow
from workflow.models import Cycle, StepRecord

from .cycle_fixtures import *  # noqa: F403
from .cycle_fixtures import drive_to, open_cycle, step_data

pytestmark = pytest.mark.django_db

BASE = "/api/v1/municipalities/vechta/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def title(node) -> str:
    """A node's title as the API gives it: in the site language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(node.task_title)


def action(user, task, name, data=None):
    return api(user).post(f"{BASE}tasks/{task.pk}/{name}/", data or {}, format="json")


@pytest.fixture
def cycle(plan, coordinator, leader):
    """A cycle with step 4 open."""
    cycle = open_cycle(plan, coordinator)
    return drive_to(plan, cycle, "planning_4", leader=leader)


@pytest.fixture
def waiting(plan, cycle, leader):
    """The cycle after step 4: both area processes running at step 1."""
    return drive_to(plan, cycle, "wait_areas", leader=leader)


# --- cycles ------------------------------------------------------------------------------------


def test_members_list_the_cycles_with_their_open_steps(cycle, member):
    response = api(member).get(BASE + "cycles/")

    assert response.status_code == 200
    [row] = response.json()
    assert (row["id"], row["number"], row["state"], row["round"]) == (cycle.pk, 1, "main", 1)
    assert row["conference"]["id"] == cycle.conference_id
    assert row["mandate"] == "confirmed"
    assert row["period_start"] == "2025-01-01" and row["period_end"] == "2026-12-31"
    assert row["current_steps"] == [title(CycleFlow.planning_4)]


def test_the_list_filters_by_state(cycle, member):
    assert len(api(member).get(BASE + "cycles/?state=main").json()) == 1
    assert api(member).get(BASE + "cycles/?state=finished").json() == []
    assert api(member).get(BASE + "cycles/?running=false").json() == []
    assert api(member).get(BASE + "cycles/?state=kaputt").status_code == 400


def test_outsiders_and_the_public_do_not_see_the_cycles(cycle, outsider):
    assert api(outsider).get(BASE + "cycles/").status_code == 404
    assert api().get(BASE + "cycles/").status_code == 404
    assert api(outsider).get(f"{BASE}cycles/{cycle.pk}/").status_code == 404


def test_a_cycle_of_another_municipality_is_not_found_under_this_one(
    cycle, other_municipality, member_of
):
    stranger = member_of(other_municipality, Role.MEMBER)

    response = api(stranger).get(f"/api/v1/municipalities/{other_municipality.slug}/cycles/")
    assert response.json() == []
    url = f"/api/v1/municipalities/{other_municipality.slug}/cycles/{cycle.pk}/"
    assert api(stranger).get(url).status_code == 404


def test_the_detail_has_every_step_with_its_state_owner_and_deadline(
    plan, waiting, coordinator, member
):
    area = waiting.area_cycles.get(area__name="Vechta")
    services.set_deadline(user=coordinator, target=waiting, node="planning_5", due=_day(30))
    services.set_deadline(user=coordinator, target=area, node="area_1", due=_day(5))

    response = api(member).get(f"{BASE}cycles/{waiting.pk}/")

    assert response.status_code == 200
    body = response.json()
    steps = {step["node"]: step for step in body["steps"]}
    assert list(steps) == [
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
    assert {n: steps[n]["state"] for n in steps} == {
        "vorphase": "done",
        "mandate": "done",
        "planning_1": "done",
        "planning_2": "done",
        "planning_3": "done",
        "planning_4": "done",
        "wait_areas": "active",
        "planning_5": "pending",
        "nachphase": "pending",
    }
    assert steps["planning_3"]["finished_by"]["username"] == coordinator.username
    assert steps["planning_5"]["due"] == _day(30).isoformat()
    assert steps["planning_5"]["overdue"] is False
    assert steps["planning_1"]["catalogue_step"] == "planning_1"
    assert body["node_states"]["check_mandate"] == "done"
    assert body["node_states"]["end"] == "pending"
    # the outputs of the steps, as ids
    assert body["indicators"] == sorted(i.pk for i in plan.indicators)
    assert body["prioritisation"] == plan.prioritisation.pk
    assert [a["name"] for a in body["prioritised_areas"]] == ["Vechta", "Visbek"]
    assert body["goals"] == [plan.municipal_goals[0].pk]
    assert body["measures"] == [plan.measures[0].pk]
    assert [row["status"] for row in body["data_inventory"]] == ["to_obtain", "available"]
    assert body["political_decision"] is True
    assert body["mandate_by"]["username"] == "leitung"


def test_the_detail_has_the_area_grid_deadlines_and_history(plan, waiting, coordinator, member):
    vechta_area = waiting.area_cycles.get(area__name="Vechta")
    services.complete_step(
        user=plan.area_coordinators["Vechta"],
        task=selectors.active_task(vechta_area, "area_1"),
        data={},
    )
    services.set_deadline(user=coordinator, target=vechta_area, node="area_2", due=_day(5))

    body = api(member).get(f"{BASE}cycles/{waiting.pk}/").json()

    assert [c["node"] for c in body["area_columns"]] == [f"area_{n}" for n in range(1, 6)]
    rows = {row["area"]["name"]: row for row in body["areas"]}
    assert set(rows) == {"Vechta", "Visbek"}
    assert [cell["state"] for cell in rows["Vechta"]["steps"]] == [
        "done",
        "active",
        "pending",
        "pending",
        "pending",
    ]
    assert rows["Vechta"]["steps"][1]["owner"]["username"] == "quartier-vechta"
    assert rows["Vechta"]["steps"][1]["due"] == _day(5).isoformat()
    assert rows["Visbek"]["steps"][0]["state"] == "active"
    assert rows["Vechta"]["conference"]["id"] == plan.area_conferences["Vechta"].pk
    assert rows["Vechta"]["goals_to_refine"] == [plan.municipal_goals[0].pk]
    assert rows["Vechta"]["state"] == "running"
    assert body["deadlines"] == [
        {
            "node": "area_2",
            "title": title(vechta_area.process.flow_class.instance.area_2),
            "area_cycle": vechta_area.pk,
            "due": _day(5).isoformat(),
        }
    ]
    history = body["history"]
    assert history[0]["node"] == "start" and history[0]["action"] == "started"
    done = [(h["node"], h["area"]) for h in history if h["action"] == "done"]
    assert done[-1] == ("area_1", "Vechta")
    impulses = [h for h in history if h["action"] == "impulse"]
    assert sorted(h["area"] for h in impulses) == ["Vechta", "Visbek"]
    assert history[-1]["user"]["username"] == "quartier-vechta"


def test_the_detail_runs_a_fixed_number_of_queries(plan, waiting, member, coordinator):
    def count() -> int:
        reader = type(member).objects.get(pk=member.pk)  # a fresh user, as in production
        with CaptureQueriesContext(connection) as context:
            assert api(reader).get(f"{BASE}cycles/{waiting.pk}/").status_code == 200
        return len(context.captured_queries)

    before = count()
    for area_cycle in waiting.area_cycles.all():
        name = area_cycle.area.name
        for node in ("area_1", "area_2", "area_3"):
            services.complete_step(
                user=plan.area_coordinators[name],
                task=selectors.active_task(area_cycle, node),
                data=step_data(plan, node, name),
            )
            services.set_deadline(user=coordinator, target=area_cycle, node=node, due=_day(9))

    assert count() == before


def test_an_unknown_cycle_is_not_found(cycle, member):
    assert api(member).get(f"{BASE}cycles/{cycle.pk + 100}/").status_code == 404


# --- the task inbox ----------------------------------------------------------------------------


def test_the_inbox_has_my_tasks_with_deadline_and_overdue(plan, waiting, coordinator):
    vechta_area = waiting.area_cycles.get(area__name="Vechta")
    services.set_deadline(
        user=coordinator,
        target=vechta_area,
        node="area_1",
        due=_day(-2),
        today=_day(-10),
    )
    area_coordinator = plan.area_coordinators["Vechta"]

    response = api(area_coordinator).get("/api/v1/tasks/")

    assert response.status_code == 200
    body = response.json()
    [item] = body["mine"]
    assert item["node"] == "area_1"
    assert item["task"] == selectors.active_task(vechta_area, "area_1").pk
    assert item["area"]["name"] == "Vechta"
    assert item["cycle"] == {
        "id": waiting.pk,
        "number": 1,
        "title": waiting.title,
        "municipality": "vechta",
    }
    assert item["conference"]["id"] == plan.area_conferences["Vechta"].pk
    assert item["owner"]["username"] == "quartier-vechta"
    assert (item["due"], item["overdue"], item["can_complete"]) == (
        _day(-2).isoformat(),
        True,
        True,
    )
    assert body["group"] == []
    assert body["overdue"] == 1


def test_the_mandate_is_a_task_of_the_leadership_group(plan, coordinator, leader, member):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)

    body = api(leader).get(BASE + "tasks/").json()

    assert body["mine"] == []
    [item] = body["group"]
    assert (item["node"], item["owner"], item["can_complete"]) == ("mandate", None, True)
    assert api(member).get(BASE + "tasks/").json() == {"mine": [], "group": [], "overdue": 0}


def test_the_inbox_needs_a_login_and_membership(cycle, outsider):
    assert api().get("/api/v1/tasks/").status_code in (401, 403)
    assert api(outsider).get(BASE + "tasks/").status_code == 404
    assert api(outsider).get("/api/v1/tasks/").json() == {"mine": [], "group": [], "overdue": 0}


# --- actions -----------------------------------------------------------------------------------


def test_the_coordinator_completes_a_step_with_ids(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_1", leader=leader)
    task = selectors.active_task(cycle, "planning_1")

    response = action(
        coordinator,
        task,
        "complete",
        {
            "indicators": [i.pk for i in plan.indicators],
            "data_inventory": [
                {"data": "Kita-Belegung", "holder": "Jugendamt", "status": "to_obtain"}
            ],
            "note": "In der Sitzung abgestimmt",
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["task"]["id"], body["task"]["node"], body["task"]["status"]) == (
        task.pk,
        "planning_1",
        "DONE",
    )
    assert body["cycle"]["current_steps"] == [title(CycleFlow.planning_2)]
    cycle.refresh_from_db()
    assert set(cycle.indicators.all()) == set(plan.indicators)
    assert cycle.data_inventory[0]["holder"] == "Jugendamt"
    record = StepRecord.objects.get(cycle=cycle, node="planning_1", action="done")
    assert (record.user, record.note) == (coordinator, "In der Sitzung abgestimmt")


def test_a_refused_completion_is_a_400_naming_the_field_and_changes_nothing(
    plan, coordinator, leader
):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_1", leader=leader)
    task = selectors.active_task(cycle, "planning_1")

    response = action(coordinator, task, "complete", {"indicators": []})

    assert response.status_code == 400
    assert list(response.json()) == ["indicators"]
    assert selectors.active_task(cycle, "planning_1").pk == task.pk
    assert not StepRecord.objects.filter(cycle=cycle, node="planning_1").exclude(action="assigned")


def test_malformed_input_is_a_400(plan, cycle, coordinator):
    task = selectors.active_task(cycle, "planning_4")

    response = action(coordinator, task, "complete", {"measures": ["viele"]})

    assert response.status_code == 400
    assert "measures" in response.json()


def test_step_4_is_refused_until_every_prioritised_area_has_an_impulse(plan, cycle, coordinator):
    task = selectors.active_task(cycle, "planning_4")

    response = action(coordinator, task, "complete", {"measures": [plan.measures[0].pk]})

    assert response.status_code == 400
    assert list(response.json()) == ["impulses"]


def test_members_leaders_and_other_coordinators_may_not_complete_a_step(
    plan, cycle, member, leader, member_of, vechta
):
    other_coordinator = member_of(vechta, Role.COORDINATOR, username="andere-koordination")
    task = selectors.active_task(cycle, "planning_4")

    for user in (member, leader, other_coordinator, plan.area_coordinators["Vechta"]):
        response = action(user, task, "complete", {"measures": [plan.measures[0].pk]})
        assert response.status_code == 403, user.username
    assert selectors.active_task(cycle, "planning_4").pk == task.pk


def test_outsiders_and_the_public_cannot_act_on_a_task(cycle, outsider):
    task = selectors.active_task(cycle, "planning_4")

    assert action(outsider, task, "complete").status_code == 404
    assert api().post(f"{BASE}tasks/{task.pk}/complete/", {}).status_code in (401, 403)
    assert selectors.active_task(cycle, "planning_4").pk == task.pk


def test_a_task_of_another_municipality_is_not_found(cycle, other_municipality, member_of):
    stranger = member_of(other_municipality, Role.COORDINATOR)
    task = selectors.active_task(cycle, "planning_4")

    url = f"/api/v1/municipalities/{other_municipality.slug}/tasks/{task.pk}/complete/"
    assert api(stranger).post(url, {}, format="json").status_code == 404


def test_the_wait_for_the_areas_is_no_task_to_act_on(waiting, coordinator):
    wait = waiting.process.task_set.get(flow_task=CycleFlow.wait_areas)

    assert action(coordinator, wait, "complete").status_code == 404


def test_leadership_confirms_the_mandate(plan, coordinator, leader, member):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)
    task = selectors.active_task(cycle, "mandate")

    assert action(coordinator, task, "complete", {"political_decision": True}).status_code == 403
    missing = action(leader, task, "complete", {"political_decision": True})
    assert missing.status_code == 400 and "reference" in missing.json()
    response = action(
        leader,
        task,
        "complete",
        {"political_decision": True, "reference": "JHA/2025/017", "date": "2025-02-12"},
    )

    assert response.status_code == 200, response.content
    cycle.refresh_from_db()
    assert (cycle.mandate, cycle.mandate_reference, cycle.mandate_date, cycle.state) == (
        Cycle.Mandate.CONFIRMED,
        "JHA/2025/017",
        datetime.date(2025, 2, 12),
        Cycle.State.MAIN,
    )


def test_leadership_sends_the_mandate_back_with_a_comment(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)
    task = selectors.active_task(cycle, "mandate")

    without = action(leader, task, "send-back", {"comment": " "})
    assert without.status_code == 400 and list(without.json()) == ["comment"]
    response = action(leader, task, "send-back", {"comment": "Bitte Zielgruppe schärfen"})

    assert response.status_code == 200
    assert response.json()["cycle"]["current_steps"] == [title(CycleFlow.vorphase)]
    cycle.refresh_from_db()
    assert (cycle.mandate, cycle.mandate_comment) == (
        Cycle.Mandate.SENT_BACK,
        "Bitte Zielgruppe schärfen",
    )


def test_only_the_mandate_is_sent_back(cycle, coordinator):
    task = selectors.active_task(cycle, "planning_4")

    response = action(coordinator, task, "send-back", {"comment": "Nein"})

    assert response.status_code == 400
    assert selectors.active_task(cycle, "planning_4").pk == task.pk


def test_a_step_is_skipped_only_with_a_reason(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_1", leader=leader)
    task = selectors.active_task(cycle, "planning_1")

    without = action(coordinator, task, "skip", {})
    assert without.status_code == 400 and list(without.json()) == ["reason"]
    response = action(coordinator, task, "skip", {"reason": "Daten lagen aus Zyklus 0 vor"})

    assert response.status_code == 200
    assert response.json()["task"]["status"] == "DONE"
    record = StepRecord.objects.get(cycle=cycle, node="planning_1", action="skipped")
    assert record.reason == "Daten lagen aus Zyklus 0 vor"
    assert selectors.active_task(cycle, "planning_2") is not None


def test_the_mandate_cannot_be_skipped(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)
    task = selectors.active_task(cycle, "mandate")

    response = action(leader, task, "skip", {"reason": "Eilt"})

    assert response.status_code == 400
    assert selectors.active_task(cycle, "mandate").pk == task.pk


def test_the_coordinator_assigns_reassigns_and_unassigns_a_step(
    plan, cycle, coordinator, admin, member
):
    task = selectors.active_task(cycle, "planning_4")

    refused = action(coordinator, task, "reassign", {"assignee": member.pk})
    assert refused.status_code == 400 and list(refused.json()) == ["assignee"]
    response = action(coordinator, task, "reassign", {"assignee": admin.pk})
    assert response.status_code == 200, response.content
    assert response.json()["task"]["owner"]["username"] == admin.username

    response = action(admin, task, "unassign")
    assert response.status_code == 200
    assert response.json()["task"]["owner"] is None
    assert response.json()["task"]["status"] == "NEW"

    response = action(coordinator, task, "assign", {"assignee": coordinator.pk})
    assert response.status_code == 200
    assert response.json()["task"]["owner"]["username"] == coordinator.username
    actions = list(
        StepRecord.objects.filter(cycle=cycle, node="planning_4")
        .order_by("pk")
        .values_list("action", "assignee__username")
    )
    assert actions[-3:] == [
        ("assigned", admin.username),
        ("unassigned", None),
        ("assigned", coordinator.username),
    ]


def test_assignments_e_mail_the_assignee(
    plan, cycle, coordinator, admin, django_capture_on_commit_callbacks
):
    task = selectors.active_task(cycle, "planning_4")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = action(coordinator, task, "reassign", {"assignee": admin.pk})

    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [[admin.email]]


def test_members_may_not_assign_and_nobody_assigns_without_an_assignee(
    plan, cycle, coordinator, member
):
    task = selectors.active_task(cycle, "planning_4")

    assert action(member, task, "reassign", {"assignee": member.pk}).status_code == 403
    assert action(member, task, "unassign").status_code == 403
    missing = action(coordinator, task, "reassign", {})
    assert missing.status_code == 400 and list(missing.json()) == ["assignee"]
    assert selectors.active_task(cycle, "planning_4").owner == coordinator


def test_the_schema_describes_the_cycle_endpoints(client, db):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    paths = schema["paths"]
    assert "/api/v1/tasks/" in paths
    for path in (
        "cycles/",
        "cycles/{id}/",
        "tasks/",
        "tasks/{task}/complete/",
        "tasks/{task}/skip/",
        "tasks/{task}/send-back/",
        "tasks/{task}/assign/",
        "tasks/{task}/reassign/",
        "tasks/{task}/unassign/",
    ):
        assert "/api/v1/municipalities/{slug}/" + path in paths, path
    cycles = paths["/api/v1/municipalities/{slug}/cycles/"]["get"]
    assert cycles["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    complete = schema["components"]["schemas"]["CompleteStep"]["properties"]
    assert {"indicators", "prioritisation", "goals", "measures", "decision"} <= set(complete)


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)
