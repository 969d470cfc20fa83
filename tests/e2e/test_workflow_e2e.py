"""The control cycle in a real browser, as the demo coordinator of Landkreis Vechta works: step 1
of the social planning conference taken from the task inbox, completed with an indicator and a
row of the data inventory, and the cycle's chart showing the step done and step 2 active."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from conferences.models import Conference
from keck.demo_analysis import PLANNING_CONFERENCE
from tests.workflow.cycle_fixtures import consolidate
from workflow import selectors, services

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Übergang Kita–Grundschule"


def cycle_at_step_1():
    """A cycle of the demo's social planning conference with the mandate confirmed (the demo
    may run a cycle already, so overlapping cycles are allowed first)."""
    users = get_user_model().objects
    coordinator = users.get(username="demo-koordination")
    conference = Conference.objects.get(name=PLANNING_CONFERENCE)
    services.set_cycle_settings(
        user=users.get(username="demo-admin"),
        municipality=conference.municipality,
        allow_overlapping_cycles=True,
    )
    cycle = services.open_cycle(
        user=coordinator,
        conference=conference,
        title=TITLE,
        topic="Frühe Bildung",
        period_start=datetime.date(2025, 8, 1),
        period_end=datetime.date(2027, 7, 31),
    )
    consolidate(services.create_vorphase_sheet(user=coordinator, cycle=cycle), coordinator)
    services.consolidate_vorphase(user=coordinator, cycle=cycle)
    services.confirm_mandate(
        user=users.get(username="demo-leitung"), cycle=cycle, political_decision=False
    )
    return cycle


def node_state(page, node):
    return page.locator(f'svg.keck-flow-chart g[data-node="{node}"]').get_attribute("data-state")


def test_coordinator_completes_a_step_from_the_inbox_and_sees_the_chart_update(
    page, login, screenshot
):
    cycle = cycle_at_step_1()
    task = selectors.active_task(cycle, "planning_1")
    login(page, "demo-koordination")

    page.goto(page.base_url + f"/app/process/cycles/{cycle.pk}/")
    assert node_state(page, "mandate") == "done"
    assert node_state(page, "planning_1") == "active"
    assert node_state(page, "planning_2") == "pending"

    page.goto(page.base_url + "/app/process/inbox/")
    row = page.locator(f'#mine tr[data-task="{task.pk}"]')
    assert TITLE in row.inner_text()
    screenshot(page, "workflow-inbox")
    with page.expect_navigation():
        row.locator(f'a[href$="/app/process/tasks/{task.pk}/"]').click()

    # The step page: working questions of step 1, the atlas, and the output form.
    assert page.locator(".keck-questions li[data-question]").count() >= 1
    assert page.locator('a[href="/app/atlas/explore/"]').count() == 1
    indicator = page.locator("#field-indicators input[type=checkbox]").first
    indicator.check()
    page.locator("input[name='inventory-0-data']").fill("Schuleingangsuntersuchung")
    page.locator("input[name='inventory-0-holder']").fill("Gesundheitsamt")
    page.locator("select[name='inventory-0-status']").select_option("to_obtain")
    screenshot(page, "workflow-step")
    with page.expect_navigation():
        page.locator("button[name=action][value=complete]").click()

    assert page.url.endswith(f"/app/process/cycles/{cycle.pk}/")
    assert node_state(page, "planning_1") == "done"
    assert node_state(page, "planning_2") == "active"
    assert (
        page.locator('.keck-step-list li[data-node="planning_1"]').get_attribute("data-state")
        == "done"
    )
    screenshot(page, "workflow-cycle")
    cycle.refresh_from_db()
    assert cycle.indicators.count() == 1
    assert cycle.data_inventory[0]["holder"] == "Gesundheitsamt"
