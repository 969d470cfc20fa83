"""Reminder e-mails of the control cycle's step deadlines: to the owner of the open step, or to
everybody who may complete a step nobody has taken (the mandate), 3 days before and when
overdue, one e-mail per person, once per day per deadline; nothing for steps that are not open;
by Celery beat or `manage.py send_reminders`."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Role
from workflow import selectors, services, tasks
from workflow.flows import CycleFlow
from workflow.models import StepDeadline
from workflow.services_reminders import send_step_reminders

from .cycle_fixtures import *  # noqa: F403
from .cycle_fixtures import drive_to, open_cycle

pytestmark = pytest.mark.django_db


def day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def deadline(user, target, node, days: int) -> StepDeadline:
    """A deadline `days` from today, set (if in the past) back when it lay ahead."""
    return services.set_deadline(
        user=user, target=target, node=node, due=day(days), today=day(min(days, 0) - 10)
    )


@pytest.fixture
def cycle(plan, coordinator, leader):
    """Step 4 done: both area processes running at step 1."""
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "wait_areas", leader=leader)
    mail.outbox.clear()  # the e-mails of the assignments
    return cycle


def area(cycle, name):
    return cycle.area_cycles.get(area__name=name)


def test_the_owner_of_a_step_due_in_three_days_is_reminded(cycle, coordinator):
    deadline(coordinator, area(cycle, "Vechta"), "area_1", 3)

    assert send_step_reminders() == 1

    assert recipients() == ["quartier-vechta@example.org"]
    [message] = mail.outbox
    assert "Vechta" in message.body
    assert "Sozialraumkonferenz Vechta" in message.body
    assert cycle.title in message.body
    assert day(3).strftime("%d.%m.%Y") in message.body
    assert day(3).strftime("%d.%m.%Y") in message.subject


def test_the_owner_of_an_overdue_step_is_reminded(cycle, coordinator):
    deadline(coordinator, area(cycle, "Visbek"), "area_1", -4)

    assert send_step_reminders() == 1

    assert recipients() == ["quartier-visbek@example.org"]
    assert day(-4).strftime("%d.%m.%Y") in mail.outbox[0].body


def test_steps_due_on_other_days_are_not_reminded(cycle, coordinator, plan):
    vechta, visbek = area(cycle, "Vechta"), area(cycle, "Visbek")
    for target, node, days in ((vechta, "area_1", 0), (visbek, "area_1", 4)):
        deadline(coordinator, target, node, days)

    assert send_step_reminders() == 0
    assert mail.outbox == []
    # the next day Visbek's is in three days and Vechta's overdue
    assert send_step_reminders(today=day(1)) == 2
    assert recipients() == ["quartier-vechta@example.org", "quartier-visbek@example.org"]


def test_a_step_is_reminded_once_a_day(cycle, coordinator):
    row = deadline(coordinator, area(cycle, "Vechta"), "area_1", -1)

    assert send_step_reminders() == 1
    assert send_step_reminders() == 0
    row.refresh_from_db()
    assert row.last_reminder_sent == day(0)
    assert send_step_reminders(today=day(1)) == 1
    assert len(mail.outbox) == 2


def test_one_e_mail_lists_all_steps_of_a_person(cycle, coordinator, admin):
    vechta, visbek = area(cycle, "Vechta"), area(cycle, "Visbek")
    for target in (vechta, visbek):
        services.reassign_task(
            user=coordinator, task=selectors.active_task(target, "area_1"), assignee=admin
        )
    deadline(coordinator, vechta, "area_1", 3)
    deadline(coordinator, visbek, "area_1", -2)
    mail.outbox.clear()

    assert send_step_reminders() == 1

    [message] = mail.outbox
    assert message.to == [admin.email]
    assert "Visbek" in message.body and "Vechta" in message.body
    # overdue first, then the ones due soon
    assert message.body.index("Visbek") < message.body.index("Vechta")
    assert StepDeadline.objects.filter(last_reminder_sent=day(0)).count() == 2


def test_a_step_nobody_has_taken_goes_to_everybody_who_may_complete_it(
    plan, coordinator, leader, member, member_of, vechta
):
    second_leader = member_of(vechta, Role.LEADERSHIP, username="leitung-2")
    cycle = open_cycle(plan, coordinator)
    drive_to(plan, cycle, "mandate", leader=leader)
    deadline(coordinator, cycle, "mandate", -1)
    mail.outbox.clear()

    assert send_step_reminders() == 2

    assert recipients() == sorted([leader.email, second_leader.email])
    with translation.override(settings.LANGUAGE_CODE):
        step = str(CycleFlow.mandate.task_title)
        note = gettext("Nobody has taken this step yet: one of you completes it.")
    for message in mail.outbox:
        assert step in message.body and note in message.body
    assert send_step_reminders() == 0


def test_a_step_that_is_not_open_is_not_reminded(cycle, coordinator):
    row = deadline(coordinator, cycle, "planning_5", -3)  # still waiting for the areas

    assert send_step_reminders() == 0

    row.refresh_from_db()
    assert row.last_reminder_sent is None


def test_the_steps_of_a_closed_area_process_are_not_reminded(cycle, coordinator):
    vechta = area(cycle, "Vechta")
    deadline(coordinator, vechta, "area_1", -3)
    services.close_area(user=coordinator, area_cycle=vechta, reason="Konferenz pausiert")

    assert send_step_reminders() == 0


def test_the_steps_of_an_inactive_conference_are_not_reminded(cycle, coordinator, plan):
    deadline(coordinator, area(cycle, "Vechta"), "area_1", -3)
    conference = plan.area_conferences["Vechta"]
    conference.is_active = False
    conference.save(update_fields=["is_active"])

    assert send_step_reminders() == 0


def test_an_owner_without_an_e_mail_address_is_not_reminded(cycle, coordinator, plan):
    row = deadline(coordinator, area(cycle, "Vechta"), "area_1", -3)
    owner = plan.area_coordinators["Vechta"]
    owner.email = ""
    owner.save(update_fields=["email"])

    assert send_step_reminders() == 0

    row.refresh_from_db()
    assert row.last_reminder_sent is None


def test_a_changed_deadline_is_reminded_again(cycle, coordinator):
    target = area(cycle, "Vechta")
    deadline(coordinator, target, "area_1", 3)
    assert send_step_reminders() == 1

    services.set_deadline(user=coordinator, target=target, node="area_1", due=day(10))
    assert send_step_reminders(today=day(7)) == 1

    assert len(mail.outbox) == 2


def test_the_command_sends_the_step_reminders(cycle, coordinator):
    deadline(coordinator, area(cycle, "Vechta"), "area_1", 3)
    out = StringIO()

    call_command("send_reminders", stdout=out)

    assert recipients() == ["quartier-vechta@example.org"]
    assert out.getvalue().splitlines()[-1] == "1 step reminder e-mail(s) sent."


def test_the_celery_task_sends_the_step_reminders(cycle, coordinator):
    deadline(coordinator, area(cycle, "Vechta"), "area_1", -2)

    assert tasks.send_step_reminders.delay().get() == 1


def test_celery_beat_runs_the_task_daily_after_the_other_reminders():
    entry = settings.CELERY_BEAT_SCHEDULE["step-reminders"]

    assert entry["task"] == tasks.send_step_reminders.name
    assert entry["schedule"] == crontab(hour=7, minute=10)
