# ruff: noqa: F811 - the fixtures imported from meetings_fixtures are test arguments
"""The invitation: one e-mail per member with an address, the agenda in the body and a valid
iCal file (METHOD:REQUEST, Europe/Berlin, UID stable per session) attached; sent by Celery."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.utils import translation
from icalendar import Calendar

from conferences.models import Session
from conferences.services_meetings import (
    MeetingError,
    check_invitation,
    create_session,
    send_invitation,
    update_session,
)

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
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def upcoming(area_conference, coordinator, past_session):
    add_action_item(
        past_session,
        coordinator,
        what="Elternbefragung vorbereiten",
        who=area_conference.members.get(name="Anja Thölking"),
        due_in_days=3,
    )
    return create_session(
        user=coordinator,
        conference=area_conference,
        starts_at=at(14, 15),
        ends_at=at(14, 17),
        place="Rathaus Vechta, Sitzungssaal",
        agenda=["Begrüßung", "Daten der Schuleingangsuntersuchung"],
    )


def calendar_of(message) -> Calendar:
    (name, content, mimetype), *others = message.attachments
    assert not others
    assert name.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def event_of(message):
    (event,) = calendar_of(message).walk("VEVENT")
    return event


def test_every_member_with_an_email_address_gets_one_invitation(upcoming):
    sent = send_invitation(session_id=upcoming.pk)

    recipients = sorted(address for message in mail.outbox for address in message.to)
    # Karla has no own address as a member but one as a user; Gisela has none at all.
    assert recipients == [
        "anja@example.org",
        "koordinatorin@example.org",
        "mia@example.org",
        "stefan@example.org",
    ]
    assert sent == 4


def test_a_former_member_gets_no_invitation(upcoming, area_conference, past_session, coordinator):
    from conferences.services_meetings import remove_member, set_attendance

    stefan = area_conference.members.get(name="Stefan Göttke")
    set_attendance(user=coordinator, session=past_session, statuses={stefan.pk: "excused"})
    remove_member(user=coordinator, member=stefan)

    send_invitation(session_id=upcoming.pk)

    assert "stefan@example.org" not in [a for message in mail.outbox for a in message.to]
    assert len(mail.outbox) == 3


def test_the_invitation_is_marked_as_sent(upcoming):
    send_invitation(session_id=upcoming.pk)

    assert Session.objects.get(pk=upcoming.pk).invitation_sent_at is not None


def test_the_body_holds_the_agenda_with_the_carried_action_item(upcoming):
    send_invitation(session_id=upcoming.pk)

    body = mail.outbox[0].body
    assert "1. Begrüßung" in body
    assert "2. Daten der Schuleingangsuntersuchung" in body
    assert "3. Elternbefragung vorbereiten" in body
    assert "Rathaus Vechta, Sitzungssaal" in body


def test_the_attachment_is_a_calendar_request(upcoming):
    send_invitation(session_id=upcoming.pk)

    calendar = calendar_of(mail.outbox[0])
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_the_event_starts_and_ends_at_the_session_time_in_berlin(upcoming):
    send_invitation(session_id=upcoming.pk)

    event = event_of(mail.outbox[0])
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == upcoming.starts_at
    assert end == upcoming.ends_at
    assert str(start.tzinfo) == "Europe/Berlin"
    assert start.astimezone(BERLIN).time() == datetime.time(15, 0)
    assert str(event["LOCATION"]) == "Rathaus Vechta, Sitzungssaal"
    assert str(event["SUMMARY"]) == "Sozialraumkonferenz Stadt Vechta"


def test_the_event_names_organizer_and_attendees(upcoming):
    send_invitation(session_id=upcoming.pk)

    event = event_of(mail.outbox[0])
    assert str(event["ORGANIZER"]) == "mailto:koordinatorin@example.org"
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    assert "mailto:anja@example.org" in attendees
    assert len(attendees) == 4
    assert "Elternbefragung vorbereiten" in str(event["DESCRIPTION"])


def test_the_uid_stays_the_same_when_the_invitation_is_sent_again(upcoming, coordinator):
    send_invitation(session_id=upcoming.pk)
    first = event_of(mail.outbox[0])
    update_session(user=coordinator, session=upcoming, starts_at=at(15, 16), place="Kreishaus")
    mail.outbox.clear()

    send_invitation(session_id=upcoming.pk)

    again = event_of(mail.outbox[0])
    assert str(again["UID"]) == str(first["UID"]) == f"keck-session-{upcoming.pk}@vechta.keck"
    assert int(again["SEQUENCE"]) > int(first["SEQUENCE"])
    assert again.decoded("DTSTART").astimezone(BERLIN).time() == datetime.time(16, 0)


def test_each_session_has_its_own_uid(upcoming, past_session):
    send_invitation(session_id=upcoming.pk)
    send_invitation(session_id=past_session.pk)

    uids = {str(event_of(message)["UID"]) for message in mail.outbox}
    assert len(uids) == 2


def test_a_past_session_gets_no_invitation(past_session, coordinator):
    with translation.override("en"), pytest.raises(MeetingError, match="already taken place"):
        check_invitation(user=coordinator, session=past_session)


def test_the_button_sends_the_invitation_through_the_celery_task(client, upcoming, coordinator):
    client.force_login(coordinator)

    response = client.post(f"/app/conferences/sessions/{upcoming.pk}/invite/")

    assert response.status_code == 302
    assert len(mail.outbox) == 4
    assert mail.outbox[0].subject.startswith("Einladung: Sozialraumkonferenz Stadt Vechta")


def test_a_member_cannot_send_the_invitation(client, upcoming, member):
    client.force_login(member)

    response = client.post(f"/app/conferences/sessions/{upcoming.pk}/invite/")

    assert response.status_code == 403
    assert mail.outbox == []
