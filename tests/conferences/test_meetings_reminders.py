# ruff: noqa: F811 - the fixtures imported from meetings_fixtures are test arguments
"""Reminders of action items due in three days or overdue: once per day per item, to the
responsible user's or member's e-mail; by Celery beat at 07:00 or by `manage.py send_reminders`."""

import datetime
from io import StringIO

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from conferences import tasks
from conferences.models import ActionItem
from conferences.services_meetings import send_reminders

from .meetings_fixtures import (  # noqa: F401 - fixtures
    add_action_item,
    area_conference,
    at,
    coordinator,
    gemeinden,
    member,
    past_session,
    vechta,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def thoelking(area_conference):
    return area_conference.members.get(name="Anja Thölking")


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_an_item_due_in_three_days_is_reminded(past_session, coordinator, thoelking):
    add_action_item(past_session, coordinator, what="Befragung", who=thoelking, due_in_days=3)

    assert send_reminders() == 1

    assert recipients() == ["anja@example.org"]
    assert "Befragung" in mail.outbox[0].body


def test_an_overdue_item_is_reminded(past_session, coordinator, thoelking):
    add_action_item(past_session, coordinator, what="Fachtag", who=thoelking, due_in_days=-7)

    send_reminders()

    assert recipients() == ["anja@example.org"]
    assert "Fachtag" in mail.outbox[0].body


def test_items_due_in_two_or_four_days_are_not_reminded(past_session, coordinator, thoelking):
    for days in (0, 1, 2, 4, 10):
        add_action_item(
            past_session, coordinator, what=f"in {days}", who=thoelking, due_in_days=days
        )

    assert send_reminders() == 0
    assert mail.outbox == []


def test_done_and_dropped_items_are_not_reminded(past_session, coordinator, thoelking):
    for status in (ActionItem.Status.DONE, ActionItem.Status.DROPPED):
        add_action_item(
            past_session, coordinator, what=status, who=thoelking, due_in_days=-3, status=status
        )

    assert send_reminders() == 0


def test_a_second_run_on_the_same_day_sends_nothing(past_session, coordinator, thoelking):
    item = add_action_item(past_session, coordinator, what="Liste", who=thoelking, due_in_days=-1)
    send_reminders()
    mail.outbox.clear()

    assert send_reminders() == 0

    assert mail.outbox == []
    item.refresh_from_db()
    assert item.last_reminder_sent == timezone.localdate()


def test_an_overdue_item_is_reminded_again_the_next_day(past_session, coordinator, thoelking):
    add_action_item(past_session, coordinator, what="Liste", who=thoelking, due_in_days=-1)
    send_reminders()
    mail.outbox.clear()

    send_reminders(today=timezone.localdate() + datetime.timedelta(days=1))

    assert recipients() == ["anja@example.org"]


def test_one_email_per_person_lists_all_their_items(past_session, coordinator, thoelking):
    add_action_item(past_session, coordinator, what="Befragung", who=thoelking, due_in_days=3)
    add_action_item(past_session, coordinator, what="Fachtag", who=thoelking, due_in_days=-2)

    assert send_reminders() == 1

    body = mail.outbox[0].body
    assert "Befragung" in body and "Fachtag" in body


def test_a_user_responsible_gets_it_at_the_user_address(past_session, coordinator, member):
    add_action_item(past_session, coordinator, what="Bericht", who=member, due_in_days=3)

    send_reminders()

    assert recipients() == ["mitglied@example.org"]


def test_a_member_without_own_address_gets_it_at_the_linked_user_address(
    past_session, coordinator, area_conference
):
    karla = area_conference.members.get(name="Karla Koordinatorin")
    add_action_item(past_session, coordinator, what="Bericht", who=karla, due_in_days=3)

    send_reminders()

    assert recipients() == ["koordinatorin@example.org"]


def test_an_item_of_someone_without_address_is_skipped_and_stays_unmarked(
    past_session, coordinator, area_conference
):
    rohe = area_conference.members.get(name="Gisela Rohe")
    item = add_action_item(past_session, coordinator, what="Paten", who=rohe, due_in_days=3)

    assert send_reminders() == 0

    item.refresh_from_db()
    assert item.last_reminder_sent is None


def test_items_of_an_inactive_conference_are_not_reminded(
    past_session, coordinator, thoelking, area_conference
):
    add_action_item(past_session, coordinator, what="Liste", who=thoelking, due_in_days=-1)
    area_conference.is_active = False
    area_conference.save()

    assert send_reminders() == 0


def test_the_command_sends_the_reminders(past_session, coordinator, thoelking):
    add_action_item(past_session, coordinator, what="Liste", who=thoelking, due_in_days=3)
    out = StringIO()

    call_command("send_reminders", stdout=out)

    assert recipients() == ["anja@example.org"]
    assert out.getvalue().startswith("1 ")


def test_the_command_takes_the_day_to_check(past_session, coordinator, thoelking):
    add_action_item(past_session, coordinator, what="Liste", who=thoelking, due_in_days=10)
    day = timezone.localdate() + datetime.timedelta(days=7)

    call_command("send_reminders", "--date", day.isoformat(), stdout=StringIO())

    assert recipients() == ["anja@example.org"]


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "31.12.2026", stdout=StringIO())


def test_the_celery_task_sends_the_reminders(past_session, coordinator, thoelking):
    add_action_item(past_session, coordinator, what="Liste", who=thoelking, due_in_days=-4)

    assert tasks.send_action_item_reminders.delay().get() == 1


def test_celery_beat_runs_the_task_daily_at_seven_in_berlin():
    entry = settings.CELERY_BEAT_SCHEDULE["action-item-reminders"]

    assert entry["task"] == tasks.send_action_item_reminders.name
    assert entry["schedule"] == crontab(hour=7, minute=0)
    assert settings.CELERY_TIMEZONE == "Europe/Berlin"
