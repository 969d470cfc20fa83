"""Reminder e-mails of measures and sub-steps due in three days or overdue: to the responsible
user's or conference member's address, one e-mail per person, once per day per item, nothing
for done or dropped measures; by Celery beat or `manage.py send_reminders`."""

import datetime
from io import StringIO

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from conferences.models import ConferenceMember
from measures import services, tasks
from measures.models import Measure, SubStep
from measures.services_reminders import send_measure_reminders

from .plan_fixtures import *  # noqa: F403
from .plan_fixtures import day

pytestmark = pytest.mark.django_db


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def rohe(area_conference):
    """A conference member without any e-mail address."""
    return ConferenceMember.objects.create(conference=area_conference, name="Gisela Rohe")


def test_a_measure_due_in_three_days_is_reminded(new_measure, thoelking):
    new_measure(title="Elternbefragung", responsible_member=thoelking, deadline=day(3))

    assert send_measure_reminders() == 1

    assert recipients() == ["anja@example.org"]
    assert "Elternbefragung" in mail.outbox[0].body
    assert day(3).strftime("%d.%m.%Y") in mail.outbox[0].body


def test_an_overdue_measure_is_reminded(new_measure, thoelking):
    new_measure(title="Fachtag", responsible_member=thoelking, deadline=day(-7))

    assert send_measure_reminders() == 1

    assert recipients() == ["anja@example.org"]
    assert "Fachtag" in mail.outbox[0].body


def test_measures_due_on_other_days_are_not_reminded(new_measure, thoelking):
    for days in (0, 1, 2, 4, 10):
        new_measure(title=f"in {days}", responsible_member=thoelking, deadline=day(days))
    new_measure(title="ohne Frist", responsible_member=thoelking, deadline=None)

    assert send_measure_reminders() == 0
    assert mail.outbox == []


def test_done_and_dropped_measures_and_their_steps_are_not_reminded(new_measure, thoelking):
    for status in (Measure.Status.DONE, Measure.Status.DROPPED):
        new_measure(
            title=status,
            responsible_member=thoelking,
            deadline=day(-3),
            status=status,
            substeps=[{"title": "Schritt", "responsible_member": thoelking, "deadline": day(3)}],
        )

    assert send_measure_reminders() == 0
    assert mail.outbox == []


def test_planned_running_and_delayed_measures_are_reminded(new_measure, thoelking):
    for status in (Measure.Status.PLANNED, Measure.Status.RUNNING, Measure.Status.DELAYED):
        new_measure(title=status, responsible_member=thoelking, deadline=day(-1), status=status)

    assert send_measure_reminders() == 1

    body = mail.outbox[0].body
    assert all(status in body for status in ("planned", "running", "delayed"))


def test_a_sub_step_goes_to_its_own_responsible_person(new_measure, thoelking, member, mia):
    new_measure(
        title="Sozialberatung",
        responsible_member=thoelking,
        deadline=day(60),
        substeps=[
            {"title": "Flyer übersetzen", "responsible_member": mia, "deadline": day(3)},
            {"title": "Räume", "responsible_member": thoelking, "deadline": day(30)},
        ],
    )

    assert send_measure_reminders() == 1

    # Mia has no address of her own: her user's
    assert recipients() == [member.email]
    body = mail.outbox[0].body
    assert "Flyer übersetzen" in body and "Sozialberatung" in body
    assert "Räume" not in body


def test_a_done_sub_step_is_not_reminded(new_measure, thoelking):
    new_measure(
        title="Sozialberatung",
        responsible_member=thoelking,
        deadline=day(60),
        substeps=[
            {"title": "Räume", "responsible_member": thoelking, "deadline": day(-5), "done": True}
        ],
    )

    assert send_measure_reminders() == 0


def test_one_email_per_person_lists_all_their_measures_and_steps(
    new_measure, thoelking, member, mia
):
    new_measure(title="Elternbefragung", responsible_member=thoelking, deadline=day(3))
    new_measure(title="Fachtag", responsible_member=thoelking, deadline=day(-2))
    new_measure(
        title="Elterncafé",
        responsible_user=member,
        deadline=day(-1),
        substeps=[
            {"title": "Einladung", "responsible_member": thoelking, "deadline": day(-4)},
            {"title": "Kuchen", "responsible_member": mia, "deadline": day(3)},
        ],
    )

    assert send_measure_reminders() == 2

    assert recipients() == sorted(["anja@example.org", member.email])
    by_address = {message.to[0]: message for message in mail.outbox}
    anja = by_address["anja@example.org"].body
    assert all(text in anja for text in ("Elternbefragung", "Fachtag", "Einladung"))
    assert "Kuchen" not in anja
    mine = by_address[member.email].body
    assert "Elterncafé" in mine and "Kuchen" in mine
    assert by_address["anja@example.org"].subject == "KECK: überfällige Maßnahmen"


def test_the_subject_names_the_day_when_nothing_is_overdue(new_measure, thoelking):
    new_measure(title="Elternbefragung", responsible_member=thoelking, deadline=day(3))

    send_measure_reminders()

    assert mail.outbox[0].subject == f"KECK: Maßnahmen fällig am {day(3):%d.%m.%Y}"


def test_a_second_run_on_the_same_day_sends_nothing(new_measure, thoelking):
    measure = new_measure(
        title="Fachtag",
        responsible_member=thoelking,
        deadline=day(-1),
        substeps=[{"title": "Termin", "responsible_member": thoelking, "deadline": day(-1)}],
    )
    send_measure_reminders()
    mail.outbox.clear()

    assert send_measure_reminders() == 0

    assert mail.outbox == []
    measure.refresh_from_db()
    assert measure.last_reminder_sent == timezone.localdate()
    assert SubStep.objects.get().last_reminder_sent == timezone.localdate()


def test_an_overdue_measure_is_reminded_again_the_next_day(new_measure, thoelking):
    new_measure(title="Fachtag", responsible_member=thoelking, deadline=day(-1))
    send_measure_reminders()
    mail.outbox.clear()

    assert send_measure_reminders(today=timezone.localdate() + datetime.timedelta(days=1)) == 1

    assert recipients() == ["anja@example.org"]


def test_an_item_claimed_elsewhere_today_is_left_out(new_measure, thoelking):
    """A run by cron and one by beat at the same time: what one claimed, the other skips."""
    claimed = new_measure(title="Fachtag", responsible_member=thoelking, deadline=day(-1))
    new_measure(title="Befragung", responsible_member=thoelking, deadline=day(3))
    Measure.objects.filter(pk=claimed.pk).update(last_reminder_sent=timezone.localdate())

    assert send_measure_reminders() == 1

    assert "Befragung" in mail.outbox[0].body
    assert "Fachtag" not in mail.outbox[0].body


def test_the_user_address_wins_for_a_responsible_user(new_measure, member):
    new_measure(title="Bericht", responsible_user=member, deadline=day(3))

    send_measure_reminders()

    assert recipients() == ["mitglied@example.org"]


def test_without_an_address_nothing_is_sent_and_nothing_marked(new_measure, rohe):
    measure = new_measure(title="Paten", responsible_member=rohe, deadline=day(3))
    institution = new_measure(title="Caritas", deadline=day(3))

    assert send_measure_reminders() == 0

    measure.refresh_from_db()
    institution.refresh_from_db()
    assert (measure.last_reminder_sent, institution.last_reminder_sent) == (None, None)


def test_measures_of_an_inactive_conference_are_not_reminded(
    new_measure, thoelking, area_conference
):
    new_measure(title="Fachtag", responsible_member=thoelking, deadline=day(-1))
    area_conference.is_active = False
    area_conference.save()

    assert send_measure_reminders() == 0


def test_a_measure_done_after_being_overdue_is_not_reminded(coordinator, new_measure, thoelking):
    measure = new_measure(title="Fachtag", responsible_member=thoelking, deadline=day(-1))
    services.add_update(user=coordinator, measure=measure, text="Fertig", status="done")

    assert send_measure_reminders() == 0


def test_the_command_sends_action_item_and_measure_reminders(new_measure, thoelking):
    new_measure(title="Fachtag", responsible_member=thoelking, deadline=day(3))
    out = StringIO()

    call_command("send_reminders", stdout=out)

    assert recipients() == ["anja@example.org"]
    assert out.getvalue().splitlines() == [
        "0 reminder e-mail(s) sent.",
        "1 measure reminder e-mail(s) sent.",
        "0 step reminder e-mail(s) sent.",
    ]


def test_the_command_takes_the_day_to_check(new_measure, thoelking):
    new_measure(title="Fachtag", responsible_member=thoelking, deadline=day(10))

    call_command("send_reminders", "--date", day(7).isoformat(), stdout=StringIO())

    assert recipients() == ["anja@example.org"]


def test_the_celery_task_sends_the_reminders(new_measure, thoelking):
    new_measure(title="Fachtag", responsible_member=thoelking, deadline=day(-4))

    assert tasks.send_measure_reminders.delay().get() == 1


def test_celery_beat_runs_the_task_daily_in_the_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["measure-reminders"]

    assert entry["task"] == tasks.send_measure_reminders.name
    assert entry["schedule"] == crontab(hour=7, minute=5)
