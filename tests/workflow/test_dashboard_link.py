"""Overdue steps of the control cycle on the leadership dashboard: in its overdue list (page and
API) with the step, its cycle, who has it and how many days it is overdue; filtered like the
rest of the dashboard; with a number of queries that does not grow with the steps."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conferences.models import FieldOfAction
from workflow import selectors, services

from .cycle_fixtures import *  # noqa: F403
from .cycle_fixtures import drive_to, open_cycle, step_data

pytestmark = pytest.mark.django_db

PAGE = "/app/measures/dashboard/"
API = "/api/v1/municipalities/vechta/dashboard/"


def day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def overdue(user, target, node, days_ago: int):
    """A deadline that lay ahead when it was set and is `days_ago` days past now."""
    return services.set_deadline(
        user=user, target=target, node=node, due=day(-days_ago), today=day(-days_ago - 10)
    )


def fresh(user):
    """The user as a new request loads it (no permission cache from earlier requests)."""
    return type(user).objects.get(pk=user.pk)


def page(client, user, data=None):
    client.force_login(user)
    response = client.get(PAGE, data or {})
    assert response.status_code == 200
    return response


def api(user, data=None):
    client = APIClient()
    client.force_authenticate(fresh(user))
    response = client.get(API, data or {})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def cycle(plan, coordinator, leader):
    """Step 4 done: both area processes running at step 1."""
    cycle = open_cycle(plan, coordinator)
    return drive_to(plan, cycle, "wait_areas", leader=leader)


def test_an_overdue_step_is_in_the_overdue_list_of_the_page(client, cycle, coordinator, leader):
    vechta = cycle.area_cycles.get(area__name="Vechta")
    overdue(coordinator, vechta, "area_1", 3)
    task = selectors.active_task(vechta, "area_1")

    response = page(client, leader)

    board = response.context["board"]
    [step] = board.overdue_steps
    assert (step.task_id, step.node, step.area.name, step.days_overdue) == (
        task.pk,
        "area_1",
        "Vechta",
        3,
    )
    assert step.cycle == cycle and step.deadline == day(-3)
    assert step.owner.username == "quartier-vechta"
    assert board.overdue_count == len(board.overdue) + 1
    html = response.content.decode()
    assert f'data-task="{task.pk}"' in html
    assert f'href="{reverse("process:cycle", args=[cycle.pk])}"' in html
    assert f'<strong id="summary-overdue">{board.overdue_count}</strong>' in html


def test_the_api_lists_the_overdue_steps(cycle, coordinator, leader, plan):
    vechta = cycle.area_cycles.get(area__name="Vechta")
    overdue(coordinator, vechta, "area_1", 2)

    body = api(leader)

    [step] = body["overdue_steps"]
    assert step["task"] == selectors.active_task(vechta, "area_1").pk
    assert (step["node"], step["cycle"], step["cycle_number"], step["area_name"]) == (
        "area_1",
        cycle.pk,
        1,
        "Vechta",
    )
    assert step["conference"] == plan.area_conferences["Vechta"].pk
    assert (step["deadline"], step["days_overdue"]) == (day(-2).isoformat(), 2)
    assert step["responsible"] == "quartier-vechta"


def test_steps_not_yet_overdue_or_not_open_are_not_listed(client, cycle, coordinator, leader):
    vechta = cycle.area_cycles.get(area__name="Vechta")
    services.set_deadline(user=coordinator, target=vechta, node="area_1", due=day(0))
    overdue(coordinator, cycle, "planning_5", 5)  # waits for the area processes

    assert page(client, leader).context["board"].overdue_steps == []
    assert api(leader)["overdue_steps"] == []


def test_a_completed_step_leaves_the_list(client, cycle, coordinator, leader, plan):
    vechta = cycle.area_cycles.get(area__name="Vechta")
    overdue(coordinator, vechta, "area_1", 1)
    services.complete_step(
        user=plan.area_coordinators["Vechta"],
        task=selectors.active_task(vechta, "area_1"),
        data={},
    )

    assert page(client, leader).context["board"].overdue_steps == []


def test_the_mandate_nobody_has_taken_is_listed_without_a_responsible_person(
    client, plan, coordinator, leader
):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)
    overdue(coordinator, cycle, "mandate", 4)

    [step] = page(client, leader).context["board"].overdue_steps
    assert (step.node, step.owner, step.area) == ("mandate", None, None)
    [row] = api(leader)["overdue_steps"]
    assert (row["node"], row["responsible"], row["area"]) == ("mandate", "", None)


def test_the_filters_of_the_dashboard_apply_to_the_steps(cycle, coordinator, leader, plan):
    for name, days in (("Vechta", 3), ("Visbek", 1)):
        overdue(coordinator, cycle.area_cycles.get(area__name=name), "area_1", days)
    vechta_area = plan.urgent[0]
    field = FieldOfAction.objects.create(conference=plan.conference, title="Frühe Bildung")

    def nodes(**query):
        return [(s["node"], s["area_name"]) for s in api(leader, query)["overdue_steps"]]

    assert nodes() == [("area_1", "Vechta"), ("area_1", "Visbek")]  # oldest deadline first
    assert nodes(area=vechta_area.pk) == [("area_1", "Vechta")]
    assert nodes(conference=plan.area_conferences["Visbek"].pk) == [("area_1", "Visbek")]
    assert nodes(conference=plan.conference.pk) == []
    assert nodes(field_of_action=field.pk) == []


def test_members_without_the_dashboard_do_not_get_the_steps(cycle, coordinator, member):
    overdue(coordinator, cycle.area_cycles.get(area__name="Vechta"), "area_1", 3)
    client = APIClient()
    client.force_authenticate(member)

    assert client.get(API).status_code == 403


def test_the_number_of_queries_does_not_grow_with_overdue_steps(
    client, cycle, coordinator, leader, plan
):
    client.force_login(leader)
    client.get(PAGE)  # the first visit is recorded with an insert, later ones update

    def count():
        with CaptureQueriesContext(connection) as page_queries:
            response = client.get(PAGE)
        api_client = APIClient()
        api_client.force_authenticate(fresh(leader))
        with CaptureQueriesContext(connection) as api_queries:
            api_client.get(API)
        return response.context["board"], len(page_queries), len(api_queries)

    vechta, visbek = cycle.area_cycles.order_by("area__name")
    overdue(coordinator, vechta, "area_1", 3)
    board, small_page, small_api = count()
    assert len(board.overdue_steps) == 1

    overdue(coordinator, visbek, "area_1", 2)
    for node in ("area_1", "area_2"):
        services.complete_step(
            user=plan.area_coordinators["Vechta"],
            task=selectors.active_task(vechta, node),
            data=step_data(plan, node, "Vechta"),
        )
    overdue(coordinator, vechta, "area_3", 1)
    board, large_page, large_api = count()
    assert [s.node for s in board.overdue_steps] == ["area_1", "area_3"]

    assert (large_page, large_api) == (small_page, small_api)
