"""The pages of the control cycle under /app/process/: the cycle list, the cycle overview with
its chart, the step pages with their forms, the task inbox and the coordinator's actions. Who
may see and do what on every page, forms that call the services, and bad input that shows a
message and changes nothing. Run on the Vechta analysis fixtures (two prioritised areas)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from atlas_data.models import Area
from conferences.models import AgreedAnswer, Answer, Catalogue, Question, Sheet
from conferences.services_sheets import create_sheet
from workflow import selectors, services
from workflow.models import AreaCycle, Cycle, StepDeadline, StepRecord

from .cycle_fixtures import *  # noqa: F403
from .cycle_fixtures import consolidate, drive_to, open_cycle, step_data

pytestmark = pytest.mark.django_db

APP = "/app/process"
AREA_STEPS = ["area_1", "area_2", "area_3", "area_4", "area_5"]


def german(message: str, **values) -> str:
    """A service's message as the German page shows it (HTML-escaped)."""
    with translation.override("de"):
        text = gettext(message)
    return escape(text % values if values else text)


def step_url(task) -> str:
    return f"{APP}/tasks/{task.pk}/"


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def chart_state(html: str, node: str) -> str:
    """The state of `node` in the cycle's chart (the SVG on the overview page)."""
    match = re.search(
        rf'<g id="chart-{node}" class="[^"]*" data-node="{node}" data-state="(\w+)"', html
    )
    assert match, node
    return match.group(1)


@pytest.fixture
def running(plan, coordinator, leader):
    """Step 4 completed; both area processes at their step 1."""
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "wait_areas", leader=leader)
    cycle.refresh_from_db()
    return cycle


@pytest.fixture
def at_step_1(plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_1", leader=leader)
    cycle.refresh_from_db()
    return cycle


def run_area(plan, area_cycle):
    name = area_cycle.area.name
    for node in AREA_STEPS:
        services.complete_step(
            user=plan.area_coordinators[name],
            task=selectors.active_task(area_cycle, node),
            data=step_data(plan, node, name),
        )


def finished_cycle(plan, cycle, coordinator):
    """From the wait for the areas: both areas deliver, step 5 continues, the Nachphase ends."""
    for area_cycle in cycle.area_cycles.all():
        run_area(plan, area_cycle)
    services.complete_step(
        user=coordinator,
        task=selectors.active_task(cycle, "planning_5"),
        data=step_data(plan, "planning_5"),
    )
    cycle.refresh_from_db()
    consolidate(services.create_evaluation_sheet(user=coordinator, cycle=cycle), coordinator)
    services.complete_step(
        user=coordinator, task=selectors.active_task(cycle, "nachphase"), data={}
    )
    cycle.refresh_from_db()
    return cycle


# --- who may see and do what --------------------------------------------------------------------


def read_pages(cycle) -> list[str]:
    task = selectors.active_task(cycle, "planning_1")
    return [f"{APP}/", f"{APP}/inbox/", f"{APP}/cycles/{cycle.pk}/", step_url(task)]


def manage_pages(cycle, plan) -> list[str]:
    task = selectors.active_task(cycle, "planning_1")
    return [
        f"{APP}/cycles/new/",
        f"{APP}/cycles/{cycle.pk}/deadlines/",
        f"{APP}/cycles/{cycle.pk}/reopen/",
        f"{APP}/tasks/{task.pk}/assign/",
    ]


@pytest.mark.parametrize("who", ["member", "leader", "coordinator", "admin"])
def test_every_role_of_the_municipality_reads_the_pages(client, request, who, at_step_1):
    client.force_login(request.getfixturevalue(who))

    for url in read_pages(at_step_1):
        assert client.get(url).status_code == 200, url


def test_the_public_is_sent_to_the_login(client, at_step_1):
    for url in read_pages(at_step_1):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_members_of_another_municipality_find_nothing(client, outsider, plan, running):
    area_cycle = running.area_cycles.first()
    task = selectors.active_task(area_cycle, "area_1")
    client.force_login(outsider)

    for url in [
        f"{APP}/cycles/{running.pk}/",
        f"{APP}/cycles/{running.pk}/deadlines/",
        f"{APP}/cycles/{running.pk}/reopen/",
        f"{APP}/cycles/{running.pk}/next/",
        f"{APP}/cycles/{running.pk}/impulses/{area_cycle.area.pk}/",
        f"{APP}/cycles/{running.pk}/areas/{area_cycle.pk}/close/",
        f"{APP}/cycles/{running.pk}/areas/{area_cycle.pk}/reopen/",
        step_url(task),
        f"{APP}/tasks/{task.pk}/assign/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(step_url(task), {"action": "complete"}).status_code == 404
    assert client.post(f"{APP}/tasks/{task.pk}/take/").status_code == 404
    assert selectors.active_task(area_cycle, "area_1").owner == area_cycle.conference.coordinator
    assert running.title not in page(client, f"{APP}/")
    assert f'data-task="{task.pk}"' not in page(client, f"{APP}/inbox/")


def test_members_read_a_step_without_its_forms_and_cannot_post_them(client, member, at_step_1):
    task = selectors.active_task(at_step_1, "planning_1")
    client.force_login(member)

    html = page(client, step_url(task))
    response = client.post(step_url(task), {"action": "skip", "reason": "Keine Zeit"})

    assert 'value="complete"' not in html
    assert 'value="skip"' not in html
    assert response.status_code == 403
    assert selectors.active_task(at_step_1, "planning_1") == task


@pytest.mark.parametrize("who", ["member", "leader"])
def test_members_and_leadership_cannot_manage_a_cycle(client, request, who, plan, at_step_1):
    client.force_login(request.getfixturevalue(who))

    for url in manage_pages(at_step_1, plan):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{APP}/settings/", {"allow_overlapping_cycles": "on"}).status_code == 403


@pytest.mark.parametrize("who", ["member", "leader"])
def test_members_and_leadership_cannot_act_on_area_processes(
    client, request, who, plan, coordinator, leader
):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_4", leader=leader)
    vechta, visbek = plan.urgent
    services.give_impulse(user=coordinator, cycle=cycle, area=vechta, text="Kita-Zugang")
    area_cycle = cycle.area_cycles.get()
    services.complete_step(
        user=plan.area_coordinators["Vechta"],
        task=selectors.active_task(area_cycle, "area_1"),
        data={},
    )
    client.force_login(request.getfixturevalue(who))

    for url, data in [
        (f"{APP}/cycles/{cycle.pk}/impulses/{visbek.pk}/", {"text": "Sprachförderung"}),
        (f"{APP}/cycles/{cycle.pk}/areas/{area_cycle.pk}/close/", {"reason": "Keine Zeit"}),
        (f"{APP}/cycles/{cycle.pk}/areas/{area_cycle.pk}/reopen/", {"node": "area_1"}),
        (f"{APP}/cycles/{cycle.pk}/next/", {}),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert cycle.area_cycles.count() == 1
    assert selectors.active_task(area_cycle, "area_2") is not None


def test_the_coordinator_and_the_municipal_admin_open_the_manage_pages(
    client, coordinator, admin, plan, at_step_1
):
    for user in (coordinator, admin):
        client.force_login(user)
        for url in manage_pages(at_step_1, plan):
            assert client.get(url).status_code == 200, (user, url)


def test_only_leadership_confirms_the_mandate(client, plan, coordinator, leader, admin):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)
    task = selectors.active_task(cycle, "mandate")
    data = {"action": "complete", "political_decision": "no"}

    client.force_login(coordinator)
    assert 'value="complete"' not in page(client, step_url(task))
    assert client.post(step_url(task), data).status_code == 403
    cycle.refresh_from_db()
    assert cycle.mandate == Cycle.Mandate.PENDING

    client.force_login(leader)
    response = client.post(step_url(task), data)

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.mandate == Cycle.Mandate.CONFIRMED
    assert cycle.political_decision is False
    assert selectors.active_task(cycle, "planning_1") is not None


def test_leadership_does_not_complete_a_conference_step(client, leader, at_step_1, plan):
    task = selectors.active_task(at_step_1, "planning_1")
    client.force_login(leader)

    response = client.post(
        step_url(task), {"action": "complete", "indicators": [plan.indicators[0].pk]}
    )

    assert response.status_code == 403
    assert selectors.active_task(at_step_1, "planning_1") == task


def test_the_municipal_admin_completes_a_conference_step(client, admin, at_step_1, plan):
    client.force_login(admin)
    task = selectors.active_task(at_step_1, "planning_1")

    response = client.post(
        step_url(task),
        {
            "action": "complete",
            "indicators": [plan.indicators[0].pk],
            "inventory-TOTAL_FORMS": "0",
            "inventory-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert selectors.active_task(at_step_1, "planning_2") is not None


def test_an_area_step_is_completed_by_the_coordinator_of_its_area_conference(
    client, coordinator, plan, running
):
    area_cycle = running.area_cycles.get(area__name="Vechta")
    task = selectors.active_task(area_cycle, "area_1")

    client.force_login(coordinator)
    assert client.post(step_url(task), {"action": "complete"}).status_code == 403
    client.force_login(plan.area_coordinators["Visbek"])
    assert client.post(step_url(task), {"action": "complete"}).status_code == 403
    client.force_login(plan.area_coordinators["Vechta"])
    response = client.post(step_url(task), {"action": "complete"})

    assert response.status_code == 302
    assert response["Location"] == f"{APP}/cycles/{running.pk}/#areas"
    assert selectors.active_task(area_cycle, "area_2") is not None


# --- the list of cycles and opening a cycle -------------------------------------------------------


def test_the_list_shows_each_cycle_with_its_current_steps(client, member, plan, running):
    client.force_login(member)

    html = page(client, f"{APP}/")

    row = re.search(rf'<tr data-cycle="{running.pk}">.*?</tr>', html, re.S).group(0)
    assert f'href="{APP}/cycles/{running.pk}/"' in row
    assert "Frühe Bildung" in row
    with translation.override("de"):
        assert str(Cycle.State.MAIN.label) in row
        step_1 = str(
            selectors.active_task(running.area_cycles.first(), "area_1").flow_task.task_title
        )
    assert escape(step_1) in row
    assert f'href="{APP}/cycles/new/"' not in html


def test_the_list_reads_in_a_constant_number_of_queries(
    client, coordinator, admin, plan, running, vechta
):
    client.force_login(coordinator)
    client.get(f"{APP}/")
    with CaptureQueriesContext(connection) as one:
        page(client, f"{APP}/")
    services.set_cycle_settings(user=admin, municipality=vechta, allow_overlapping_cycles=True)
    for title in ("Jugendarbeit", "Übergang Schule–Beruf"):
        open_cycle(plan, coordinator, title)
    with CaptureQueriesContext(connection) as three:
        html = page(client, f"{APP}/")

    assert html.count("<tr data-cycle=") == 3
    assert len(three) == len(one)


def test_the_coordinator_opens_a_cycle(client, coordinator, plan):
    client.force_login(coordinator)
    assert f'href="{APP}/cycles/new/"' in page(client, f"{APP}/")

    response = client.post(
        f"{APP}/cycles/new/",
        {
            "conference": plan.conference.pk,
            "title": "Frühe Bildung",
            "topic": "Kindertagesbetreuung",
            "period_start": "2025-01-01",
            "period_end": "2026-12-31",
        },
    )

    cycle = Cycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{APP}/cycles/{cycle.pk}/"
    assert (cycle.number, cycle.title, cycle.period_end) == (
        1,
        "Frühe Bildung",
        datetime.date(2026, 12, 31),
    )
    assert selectors.active_task(cycle, "vorphase").owner == coordinator


def test_a_cycle_with_a_period_ending_before_it_starts_is_refused(client, coordinator, plan):
    client.force_login(coordinator)

    response = client.post(
        f"{APP}/cycles/new/",
        {
            "conference": plan.conference.pk,
            "title": "Frühe Bildung",
            "topic": "Kindertagesbetreuung",
            "period_start": "2026-01-01",
            "period_end": "2025-12-31",
        },
    )

    assert response.status_code == 200
    assert german("The period ends before it starts.") in response.content.decode()
    assert not Cycle.objects.exists()


def test_a_second_running_cycle_is_refused_until_the_admin_allows_overlapping_cycles(
    client, coordinator, admin, plan, at_step_1
):
    data = {
        "conference": plan.conference.pk,
        "title": "Jugendarbeit",
        "topic": "Jugendarbeit",
        "period_start": "2025-06-01",
        "period_end": "2026-06-30",
    }
    client.force_login(coordinator)
    response = client.post(f"{APP}/cycles/new/", data)
    assert response.status_code == 200
    assert (
        german(
            "Cycle %(number)s is still running, and this municipality does not allow "
            "overlapping cycles.",
            number=1,
        )
        in response.content.decode()
    )
    assert Cycle.objects.count() == 1

    client.force_login(admin)
    assert 'name="allow_overlapping_cycles"' in page(client, f"{APP}/")
    client.post(f"{APP}/settings/", {"allow_overlapping_cycles": "on"})
    client.force_login(coordinator)
    response = client.post(f"{APP}/cycles/new/", data)

    assert response.status_code == 302
    assert sorted(Cycle.objects.values_list("number", flat=True)) == [1, 2]


# --- the cycle overview ---------------------------------------------------------------------


def test_the_overview_draws_the_chart_with_the_state_of_every_step(
    client, member, plan, coordinator, leader
):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_3", leader=leader)
    services.skip_step(
        user=coordinator,
        task=selectors.active_task(cycle, "planning_3"),
        reason="Die Ziele stehen schon im Kreisentwicklungskonzept.",
    )
    client.force_login(member)

    html = page(client, f"{APP}/cycles/{cycle.pk}/")

    assert "<svg" in html and 'class="keck-flow-chart"' in html
    assert chart_state(html, "vorphase") == "done"
    assert chart_state(html, "planning_2") == "done"
    assert chart_state(html, "planning_3") == "skipped"
    assert chart_state(html, "planning_4") == "active"
    assert chart_state(html, "planning_5") == "pending"
    # The open step is linked from the chart and from the list of steps.
    task = selectors.active_task(cycle, "planning_4")
    assert html.count(f'href="{step_url(task)}"') == 2
    assert '<li data-node="planning_3" data-state="skipped">' in html
    # The history keeps the reason of the skip.
    assert "Die Ziele stehen schon im Kreisentwicklungskonzept." in html
    # vorphase, mandate, steps 1 and 2 completed; step 3 skipped
    assert html.count('<tr data-action="done"') == 4
    assert html.count('<tr data-action="skipped"') == 1


def test_the_overview_shows_the_area_processes_as_a_grid(client, member, plan, running):
    vechta = running.area_cycles.get(area__name="Vechta")
    for node in ("area_1", "area_2"):
        services.complete_step(
            user=plan.area_coordinators["Vechta"],
            task=selectors.active_task(vechta, node),
            data=step_data(plan, node, "Vechta"),
        )
    due = timezone.localdate() + datetime.timedelta(days=14)
    services.set_deadline(user=plan.conference.coordinator, target=vechta, node="area_3", due=due)
    client.force_login(member)

    html = page(client, f"{APP}/cycles/{running.pk}/")

    rows = dict(re.findall(r'<tr data-area-cycle="(\d+)">(.*?)</tr>', html, re.S))
    assert len(rows) == 2
    row = rows[str(vechta.pk)]
    states = re.findall(r'data-node="(area_\d)" data-state="(\w+)"', row)
    assert states == [
        ("area_1", "done"),
        ("area_2", "done"),
        ("area_3", "active"),
        ("area_4", "pending"),
        ("area_5", "pending"),
    ]
    assert step_url(selectors.active_task(vechta, "area_3")) in row
    assert due.strftime("%d.%m.%Y") in row
    assert chart_state(html, "wait_areas") == "active"
    # Members read: no closing, no reopening.
    assert "/close/" not in html and "/reopen/" not in html


def test_the_overview_reads_in_a_constant_number_of_queries(client, coordinator, plan, running):
    client.force_login(coordinator)
    client.get(f"{APP}/cycles/{running.pk}/")
    with CaptureQueriesContext(connection) as before:
        page(client, f"{APP}/cycles/{running.pk}/")
    for area_cycle in running.area_cycles.all():
        run_area(plan, area_cycle)
    with CaptureQueriesContext(connection) as after:
        page(client, f"{APP}/cycles/{running.pk}/")

    assert len(after) <= len(before) + 2  # step 5 is open: its task is linked


# --- the step pages ----------------------------------------------------------------------------


def test_a_step_shows_its_working_questions_with_the_agreed_answers(
    client, member, coordinator, plan, at_step_1, vechta
):
    catalogue = Catalogue.objects.get(
        kind=Catalogue.Kind.CONFERENCE_STEPS, municipality=None, is_current=True
    )
    questions = list(
        Question.objects.filter(section__catalogue=catalogue, section__step="planning_1")
    )
    sheet = create_sheet(
        user=coordinator,
        municipality=vechta,
        catalogue=catalogue,
        cycle_number=at_step_1.number,
        conference=plan.conference,
    )
    AgreedAnswer.objects.create(
        sheet=sheet,
        question=questions[0],
        answer=Answer.YES,
        explanation="Der Atlas wurde im Februar vorgestellt.",
    )
    other = Question.objects.filter(section__catalogue=catalogue, section__step="planning_2")
    client.force_login(member)

    html = page(client, step_url(selectors.active_task(at_step_1, "planning_1")))

    for question in questions:
        assert f'data-question="{question.key}"' in html
    assert not any(f'data-question="{question.key}"' in html for question in other)
    assert "Der Atlas wurde im Februar vorgestellt." in html
    assert f'href="/app/conferences/sheets/{sheet.pk}/"' in html
    assert 'href="/app/atlas/explore/"' in html


def test_the_coordinator_completes_step_1_with_indicators_and_the_data_inventory(
    client, coordinator, plan, at_step_1
):
    task = selectors.active_task(at_step_1, "planning_1")
    client.force_login(coordinator)
    assert 'name="inventory-0-data"' in page(client, step_url(task))

    response = client.post(
        step_url(task),
        {
            "action": "complete",
            "indicators": [indicator.pk for indicator in plan.indicators],
            "inventory-TOTAL_FORMS": "3",
            "inventory-INITIAL_FORMS": "0",
            "inventory-0-data": "Kita-Belegung",
            "inventory-0-holder": "Jugendamt",
            "inventory-0-status": "to_obtain",
            "inventory-1-data": "Einwohner nach Alter",
            "inventory-1-holder": "Statistikstelle",
            "inventory-1-status": "available",
            "inventory-2-status": "available",
            "note": "In der Sitzung vom Februar besprochen.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{APP}/cycles/{at_step_1.pk}/"
    at_step_1.refresh_from_db()
    assert set(at_step_1.indicators.all()) == set(plan.indicators)
    assert at_step_1.data_inventory == [
        {"data": "Kita-Belegung", "holder": "Jugendamt", "status": "to_obtain", "note": ""},
        {
            "data": "Einwohner nach Alter",
            "holder": "Statistikstelle",
            "status": "available",
            "note": "",
        },
    ]
    record = at_step_1.history.get(node="planning_1", action=StepRecord.Action.DONE)
    assert record.note == "In der Sitzung vom Februar besprochen."
    assert chart_state(page(client, response["Location"]), "planning_2") == "active"


def test_step_1_without_an_indicator_is_refused_and_nothing_changes(
    client, coordinator, plan, at_step_1
):
    task = selectors.active_task(at_step_1, "planning_1")
    client.force_login(coordinator)

    response = client.post(
        step_url(task),
        {
            "action": "complete",
            "inventory-TOTAL_FORMS": "1",
            "inventory-INITIAL_FORMS": "0",
            "inventory-0-data": "Kita-Belegung",
            "inventory-0-status": "to_obtain",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    with translation.override("de"):
        label = gettext("indicators")
    assert german("%(label)s: choose at least %(count)s.", label=label, count=1) in html
    # The form keeps what was entered.
    assert 'value="Kita-Belegung"' in html
    at_step_1.refresh_from_db()
    assert at_step_1.data_inventory == []
    assert selectors.active_task(at_step_1, "planning_1") == task
    assert not at_step_1.history.filter(node="planning_1").exclude(action="assigned").exists()


def test_a_step_is_skipped_only_with_a_reason(client, coordinator, at_step_1):
    task = selectors.active_task(at_step_1, "planning_1")
    client.force_login(coordinator)

    refused = client.post(step_url(task), {"action": "skip", "reason": "  "})
    assert refused.status_code == 200
    with translation.override("de"):
        label = gettext("reason")
    assert german("Please fill in: %(label)s.", label=label) in refused.content.decode()
    assert selectors.active_task(at_step_1, "planning_1") == task

    response = client.post(
        step_url(task), {"action": "skip", "reason": "Die Daten liegen aus dem Vorjahr vor."}
    )

    assert response.status_code == 302
    record = at_step_1.history.get(node="planning_1", action=StepRecord.Action.SKIPPED)
    assert record.reason == "Die Daten liegen aus dem Vorjahr vor."
    assert selectors.active_task(at_step_1, "planning_2") is not None


def test_the_mandate_is_sent_back_with_a_comment_the_coordinator_reads(
    client, plan, coordinator, leader
):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)
    task = selectors.active_task(cycle, "mandate")
    client.force_login(leader)
    assert 'value="skip"' not in page(client, step_url(task))

    empty = client.post(step_url(task), {"action": "send_back", "comment": ""})
    assert empty.status_code == 200
    assert selectors.active_task(cycle, "mandate") == task
    response = client.post(
        step_url(task), {"action": "send_back", "comment": "Bitte den Auftrag des JHA klären."}
    )

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.mandate == Cycle.Mandate.SENT_BACK
    vorphase = selectors.active_task(cycle, "vorphase")
    client.force_login(coordinator)
    assert "Bitte den Auftrag des JHA klären." in page(client, step_url(vorphase))


def test_a_political_decision_without_reference_is_refused(client, plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)
    task = selectors.active_task(cycle, "mandate")
    client.force_login(leader)

    response = client.post(
        step_url(task), {"action": "complete", "political_decision": "yes", "date": "2025-02-12"}
    )

    assert response.status_code == 200
    with translation.override("de"):
        label = gettext("reference of the decision")
    assert german("Please fill in: %(label)s.", label=label) in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.mandate == Cycle.Mandate.PENDING


def test_the_vorphase_sheet_is_created_filled_and_consolidated_from_the_step(
    client, plan, coordinator
):
    cycle = open_cycle(plan, coordinator)
    task = selectors.active_task(cycle, "vorphase")
    client.force_login(coordinator)

    response = client.post(step_url(task), {"action": "create_sheet"})

    cycle.refresh_from_db()
    sheet = cycle.vorphase_sheet
    assert response.status_code == 302
    assert response["Location"] == f"/app/conferences/sheets/{sheet.pk}/"
    # Not consolidated yet: refused, the sheet stays open.
    refused = client.post(step_url(task), {"action": "complete"})
    assert refused.status_code == 200
    assert f'href="/app/conferences/sheets/{sheet.pk}/consolidate/"' in refused.content.decode()
    sheet.refresh_from_db()
    assert sheet.state == Sheet.State.OPEN
    consolidate(sheet, coordinator)
    response = client.post(step_url(task), {"action": "complete"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == Sheet.State.CLOSED
    assert selectors.active_task(cycle, "mandate") is not None


def test_step_4_gives_an_impulse_per_prioritised_area_before_it_completes(
    client, coordinator, plan, leader
):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_4", leader=leader)
    task = selectors.active_task(cycle, "planning_4")
    vechta, visbek = plan.urgent
    client.force_login(coordinator)
    html = page(client, step_url(task))
    assert f'href="{APP}/cycles/{cycle.pk}/impulses/{vechta.pk}/"' in html

    early = client.post(step_url(task), {"action": "complete", "measures": [plan.measures[0].pk]})
    assert early.status_code == 200
    assert not cycle.history.filter(node="planning_4", action="done").exists()

    empty = client.post(f"{APP}/cycles/{cycle.pk}/impulses/{vechta.pk}/", {"text": ""})
    assert empty.status_code == 200
    assert not AreaCycle.objects.exists()
    for area in (vechta, visbek):
        response = client.post(
            f"{APP}/cycles/{cycle.pk}/impulses/{area.pk}/",
            {
                "text": f"Zugang zur Kita in {area.name} verbessern",
                "goals": [goal.pk for goal in plan.municipal_goals],
            },
        )
        assert response["Location"] == step_url(task)
    response = client.post(
        step_url(task), {"action": "complete", "measures": [plan.measures[0].pk]}
    )

    assert response.status_code == 302
    assert sorted(AreaCycle.objects.values_list("area__name", flat=True)) == ["Vechta", "Visbek"]
    assert list(cycle.measures.all()) == plan.measures
    assert selectors.active_task(cycle, "wait_areas") is not None


def test_a_non_prioritised_area_gets_no_impulse_page(client, coordinator, plan, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_4", leader=leader)
    bakum = Area.objects.get(municipality=cycle.municipality, name="Bakum")
    client.force_login(coordinator)

    assert client.get(f"{APP}/cycles/{cycle.pk}/impulses/{bakum.pk}/").status_code == 404


def test_step_5_loops_back_to_step_2_from_its_page(client, coordinator, plan, running):
    for area_cycle in running.area_cycles.all():
        run_area(plan, area_cycle)
    task = selectors.active_task(running, "planning_5")
    client.force_login(coordinator)
    html = page(client, step_url(task))
    assert "Sprachförderung in Visbek ausbauen." in html  # the recommendations of the areas

    missing = client.post(step_url(task), {"action": "complete", "decision": "back_to_2"})
    assert missing.status_code == 200
    response = client.post(
        step_url(task),
        {
            "action": "complete",
            "impact_analysis": "Die Kita-Quote steigt nur in Vechta.",
            "decision": "back_to_2",
        },
    )

    assert response.status_code == 302
    running.refresh_from_db()
    assert (running.round, running.decision) == (2, "back_to_2")
    assert selectors.active_task(running, "planning_2") is not None


def test_the_area_recommendation_is_given_on_the_step_page(client, plan, running):
    area_cycle = running.area_cycles.get(area__name="Visbek")
    name = "Visbek"
    for node in AREA_STEPS[:4]:
        services.complete_step(
            user=plan.area_coordinators[name],
            task=selectors.active_task(area_cycle, node),
            data=step_data(plan, node, name),
        )
    task = selectors.active_task(area_cycle, "area_5")
    client.force_login(plan.area_coordinators[name])
    html = page(client, step_url(task))
    assert "Zugang zur Kita in Visbek verbessern" in html  # the impulse

    response = client.post(
        step_url(task),
        {
            "action": "complete",
            "reflection": "Das Elterncafé erreicht neue Familien.",
            "recommendation": "Sprachförderung in Visbek ausbauen.",
        },
    )

    assert response.status_code == 302
    area_cycle.refresh_from_db()
    assert area_cycle.state == AreaCycle.State.DELIVERED
    assert area_cycle.recommendation == "Sprachförderung in Visbek ausbauen."


def test_a_completed_step_reads_without_forms(client, coordinator, plan, at_step_1):
    task = selectors.active_task(at_step_1, "planning_1")
    services.complete_step(user=coordinator, task=task, data=step_data(plan, "planning_1"))
    client.force_login(coordinator)

    html = page(client, step_url(task))
    response = client.post(step_url(task), {"action": "skip", "reason": "zu spät"}, follow=True)

    assert 'value="complete"' not in html
    assert response.redirect_chain == [(step_url(task), 302)]
    assert german("This step is not open.") in response.content.decode()
    assert not at_step_1.history.filter(action="skipped").exists()


# --- the coordinator's actions on a cycle --------------------------------------------------------


def test_the_coordinator_closes_a_remaining_area_with_a_reason(client, coordinator, plan, running):
    vechta, visbek = running.area_cycles.order_by("area__key")
    run_area(plan, vechta)
    url = f"{APP}/cycles/{running.pk}/areas/{visbek.pk}/close/"
    client.force_login(coordinator)
    assert url in page(client, f"{APP}/cycles/{running.pk}/")

    assert client.post(url, {"reason": ""}).status_code == 200
    visbek.refresh_from_db()
    assert visbek.state == AreaCycle.State.RUNNING
    response = client.post(url, {"reason": "Die Sozialraumkonferenz tagt erst im Herbst."})

    assert response.status_code == 302
    visbek.refresh_from_db()
    assert (visbek.state, visbek.closed_reason) == (
        AreaCycle.State.CLOSED,
        "Die Sozialraumkonferenz tagt erst im Herbst.",
    )
    assert selectors.active_task(running, "planning_5") is not None


def test_the_area_coordinator_may_not_close_the_area(client, plan, running):
    visbek = running.area_cycles.get(area__name="Visbek")
    client.force_login(plan.area_coordinators["Visbek"])

    response = client.post(
        f"{APP}/cycles/{running.pk}/areas/{visbek.pk}/close/", {"reason": "Keine Zeit"}
    )

    assert response.status_code == 403
    visbek.refresh_from_db()
    assert visbek.state == AreaCycle.State.RUNNING


def test_the_coordinator_reopens_a_completed_step(client, coordinator, plan, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "planning_3", leader=leader)
    client.force_login(coordinator)
    form = page(client, f"{APP}/cycles/{cycle.pk}/reopen/")
    assert 'value="planning_1"' in form and 'value="planning_3"' not in form

    response = client.post(
        f"{APP}/cycles/{cycle.pk}/reopen/",
        {"node": "planning_1", "reason": "Neue Daten des Statistikamts."},
    )

    task = selectors.active_task(cycle, "planning_1")
    assert response["Location"] == step_url(task)
    assert selectors.active_task(cycle, "planning_3") is None
    record = cycle.history.get(action=StepRecord.Action.REOPENED)
    assert (record.node, record.reason) == ("planning_1", "Neue Daten des Statistikamts.")


def test_the_area_coordinator_reopens_a_step_of_the_area_process(client, plan, running):
    area_cycle = running.area_cycles.get(area__name="Vechta")
    services.complete_step(
        user=plan.area_coordinators["Vechta"],
        task=selectors.active_task(area_cycle, "area_1"),
        data={},
    )
    url = f"{APP}/cycles/{running.pk}/areas/{area_cycle.pk}/reopen/"
    client.force_login(plan.area_coordinators["Visbek"])
    assert client.get(url).status_code == 403
    client.force_login(plan.area_coordinators["Vechta"])

    response = client.post(url, {"node": "area_1", "reason": "Schulen fehlten."})

    assert response.status_code == 302
    assert selectors.active_task(area_cycle, "area_1") is not None
    assert selectors.active_task(area_cycle, "area_2") is None


def test_deadlines_are_saved_all_or_nothing(client, coordinator, plan, at_step_1):
    client.force_login(coordinator)
    url = f"{APP}/cycles/{at_step_1.pk}/deadlines/"
    soon = timezone.localdate() + datetime.timedelta(days=14)
    past = timezone.localdate() - datetime.timedelta(days=1)

    refused = client.post(
        url, {"due-planning_1": soon.isoformat(), "due-planning_2": past.isoformat()}
    )

    assert refused.status_code == 200
    assert german("The deadline lies in the past.") in refused.content.decode()
    assert not StepDeadline.objects.exists()

    response = client.post(url, {"due-planning_1": soon.isoformat(), "due-planning_2": ""})

    assert response.status_code == 302
    assert list(StepDeadline.objects.values_list("node", "due")) == [("planning_1", soon)]
    html = page(client, f"{APP}/cycles/{at_step_1.pk}/")
    assert soon.strftime("%d.%m.%Y") in html


def test_the_next_cycle_starts_with_the_carry_over_preview(client, coordinator, plan, running):
    cycle = finished_cycle(plan, running, coordinator)
    client.force_login(coordinator)
    html = page(client, f"{APP}/cycles/{cycle.pk}/")
    assert f'href="{APP}/cycles/{cycle.pk}/next/"' in html
    assert all(chart_state(html, node) == "done" for node in ("vorphase", "nachphase", "end"))

    preview = page(client, f"{APP}/cycles/{cycle.pk}/next/")
    for goal in plan.municipal_goals:
        assert f'href="/app/measures/goals/{goal.pk}/"' in preview
    response = client.post(
        f"{APP}/cycles/{cycle.pk}/next/",
        {
            "title": "Frühe Bildung II",
            "topic": "Kindertagesbetreuung",
            "period_start": "2027-01-01",
            "period_end": "2028-12-31",
        },
    )

    new = Cycle.objects.get(number=2)
    assert response["Location"] == f"{APP}/cycles/{new.pk}/"
    assert new.carried_over_from == cycle
    assert set(new.goals.all()) >= set(plan.municipal_goals)
    again = client.post(
        f"{APP}/cycles/{cycle.pk}/next/",
        {
            "title": "Frühe Bildung III",
            "topic": "Kindertagesbetreuung",
            "period_start": "2027-01-01",
            "period_end": "2028-12-31",
        },
    )
    assert again.status_code == 200
    assert german("The next cycle has been started already.") in again.content.decode()
    assert Cycle.objects.count() == 2
    assert f'href="{APP}/cycles/{cycle.pk}/next/"' not in page(client, f"{APP}/cycles/{cycle.pk}/")


def test_a_running_cycle_has_no_next_cycle_page(client, coordinator, running):
    client.force_login(coordinator)

    assert client.get(f"{APP}/cycles/{running.pk}/next/").status_code == 404


# --- the task inbox ------------------------------------------------------------------------------


def test_the_inbox_lists_my_tasks_and_my_groups_tasks(client, plan, coordinator, leader):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)
    mandate = selectors.active_task(cycle, "mandate")

    client.force_login(leader)
    html = page(client, f"{APP}/inbox/")
    group = re.search(r'<section[^>]*id="group">.*?</section>', html, re.S).group(0)
    assert f'data-task="{mandate.pk}"' in group
    assert f'href="{step_url(mandate)}"' in group

    client.force_login(coordinator)
    assert f'data-task="{mandate.pk}"' not in page(client, f"{APP}/inbox/")


def test_a_task_is_taken_given_back_and_reassigned_from_the_inbox(
    client, plan, coordinator, leader, admin, member
):
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)
    mandate = selectors.active_task(cycle, "mandate")
    client.force_login(leader)

    response = client.post(f"{APP}/tasks/{mandate.pk}/take/")
    assert response["Location"] == f"{APP}/inbox/"
    mine = re.search(
        r'<section[^>]*id="mine">.*?</section>', page(client, f"{APP}/inbox/"), re.S
    ).group(0)
    assert f'data-task="{mandate.pk}"' in mine
    client.post(f"{APP}/tasks/{mandate.pk}/unassign/")
    mandate.refresh_from_db()
    assert mandate.owner is None

    # Only people who may confirm the mandate can take it over.
    form = page(client, f"{APP}/tasks/{mandate.pk}/assign/")
    assert f'value="{admin.pk}"' in form and f'value="{member.pk}"' not in form
    refused = client.post(f"{APP}/tasks/{mandate.pk}/assign/", {"assignee": member.pk})
    assert refused.status_code == 200
    mandate.refresh_from_db()
    assert mandate.owner is None
    response = client.post(f"{APP}/tasks/{mandate.pk}/assign/", {"assignee": admin.pk})

    assert response["Location"] == step_url(mandate)
    mandate.refresh_from_db()
    assert mandate.owner == admin
    assert cycle.history.filter(action="assigned", assignee=admin).exists()


def test_a_member_cannot_take_a_step(client, plan, member, at_step_1):
    task = selectors.active_task(at_step_1, "planning_1")
    client.force_login(member)

    response = client.post(f"{APP}/tasks/{task.pk}/take/")

    assert response.status_code == 403
    task.refresh_from_db()
    assert task.owner == plan.conference.coordinator


def test_the_inbox_marks_overdue_steps(client, coordinator, at_step_1):
    # A deadline that passed since it was set (the services refuse past dates).
    StepDeadline.objects.create(
        cycle=at_step_1, node="planning_1", due=timezone.localdate() - datetime.timedelta(days=3)
    )
    client.force_login(coordinator)

    html = page(client, f"{APP}/inbox/")

    task = selectors.active_task(at_step_1, "planning_1")
    assert f'<tr data-task="{task.pk}" data-node="planning_1" class="overdue">' in html
    assert 'class="keck-overdue"' in html
