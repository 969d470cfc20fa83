# ruff: noqa: F811 - the fixtures imported from meetings_fixtures are test arguments
"""Conference and session pages: who may see and change what, the forms, the record page
(everything saved together or nothing) and constant queries on list pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from atlas_data.models import Bookmark
from conferences.models import ActionItem, Attendance, Conference, ConferenceMember, Session
from conferences.services_meetings import create_conference, create_session

from .meetings_fixtures import (  # noqa: F401 - fixtures
    add_action_item,
    area_conference,
    at,
    coordinator,
    gemeinden,
    leader,
    member,
    outsider,
    past_session,
    vechta,
)

pytestmark = pytest.mark.django_db
APP = "/app/conferences"


def read_pages(conference, session) -> list[str]:
    return [
        f"{APP}/",
        f"{APP}/action-items/",
        f"{APP}/conferences/{conference.pk}/",
        f"{APP}/sessions/{session.pk}/",
        f"{APP}/sessions/{session.pk}/minutes.docx",
        f"{APP}/sessions/{session.pk}/minutes.pdf",
    ]


def write_pages(conference, session) -> list[str]:
    member = conference.members.first()
    return [
        f"{APP}/conferences/new/",
        f"{APP}/conferences/{conference.pk}/edit/",
        f"{APP}/conferences/{conference.pk}/members/new/",
        f"{APP}/conferences/{conference.pk}/members/{member.pk}/",
        f"{APP}/conferences/{conference.pk}/sessions/new/",
        f"{APP}/sessions/{session.pk}/edit/",
        f"{APP}/sessions/{session.pk}/record/",
        f"{APP}/minutes-template/",
        f"{APP}/minutes-template/default.docx",
    ]


# --- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "leader", "coordinator"])
def test_members_leadership_and_coordinators_read_every_page(
    client, request, who, area_conference, past_session
):
    client.force_login(request.getfixturevalue(who))

    for url in read_pages(area_conference, past_session):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["member", "leader"])
def test_members_and_leadership_may_not_open_the_forms(
    client, request, who, area_conference, past_session
):
    client.force_login(request.getfixturevalue(who))

    for url in write_pages(area_conference, past_session):
        assert client.get(url).status_code == 403, url


def test_coordinators_open_every_form(client, coordinator, area_conference, past_session):
    client.force_login(coordinator)

    for url in write_pages(area_conference, past_session):
        assert client.get(url).status_code == 200, url


def test_the_public_is_sent_to_the_login(client, area_conference, past_session):
    for url in read_pages(area_conference, past_session):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_members_of_another_municipality_find_nothing(
    client, outsider, area_conference, past_session
):
    client.force_login(outsider)

    for url in read_pages(area_conference, past_session)[2:]:
        assert client.get(url).status_code == 404, url
    overview = client.get(f"{APP}/").content.decode()
    assert "Sozialraumkonferenz Stadt Vechta" not in overview


def test_a_coordinator_of_another_municipality_cannot_record_our_session(
    client, outsider, past_session
):
    client.force_login(outsider)

    response = client.post(f"{APP}/sessions/{past_session.pk}/record/", {})

    assert response.status_code == 404


def test_a_user_with_a_membership_but_no_conference_role_sees_the_menu_entry_hidden(
    client, member, coordinator, area_conference
):
    client.force_login(member)
    page = client.get(f"{APP}/").content.decode()
    assert "Protokollvorlage" not in page

    client.force_login(coordinator)
    assert "Protokollvorlage" in client.get(f"{APP}/").content.decode()


# --- overview ---------------------------------------------------------------------------------


def test_the_overview_lists_conferences_upcoming_sessions_and_my_open_items(
    client, member, coordinator, area_conference, past_session
):
    mia = area_conference.members.get(name="Mia Mitglied")
    add_action_item(past_session, coordinator, what="Spielplatzbegehung", who=mia, due_in_days=5)
    add_action_item(past_session, coordinator, what="Nicht meine", who=coordinator, due_in_days=5)
    create_session(user=coordinator, conference=area_conference, starts_at=at(10), place="Rathaus")
    client.force_login(member)

    page = client.get(f"{APP}/").content.decode()

    assert "Sozialraumkonferenz Stadt Vechta" in page
    assert "Nächste Sitzungen" in page
    assert "Spielplatzbegehung" in page
    assert "Nicht meine" not in page


# --- conference and member forms ------------------------------------------------------------------


def test_a_coordinator_creates_a_social_area_conference(client, coordinator, gemeinden):
    client.force_login(coordinator)

    response = client.post(
        f"{APP}/conferences/new/",
        {
            "kind": "area",
            "name": "Sozialraumkonferenz Lohne",
            "areas": [gemeinden["Lohne (Oldenburg)"].pk],
            "rhythm": "alle 6 Wochen",
            "coordinator": coordinator.pk,
            "is_active": "on",
        },
    )

    conference = Conference.objects.get(name="Sozialraumkonferenz Lohne")
    assert response.status_code == 302
    assert response["Location"] == f"{APP}/conferences/{conference.pk}/"
    assert [area.name for area in conference.areas.all()] == ["Lohne (Oldenburg)"]
    assert conference.coordinator == coordinator


def test_a_social_area_conference_without_area_is_refused_in_german(client, coordinator, vechta):
    client.force_login(coordinator)

    response = client.post(
        f"{APP}/conferences/new/", {"kind": "area", "name": "Ohne Gebiet", "is_active": "on"}
    )

    assert response.status_code == 200
    assert "Eine Sozialraumkonferenz braucht mindestens ein Gebiet." in response.content.decode()
    assert not Conference.objects.exists()


def test_a_member_without_login_is_added(client, coordinator, area_conference):
    client.force_login(coordinator)

    client.post(
        f"{APP}/conferences/{area_conference.pk}/members/new/",
        {"name": "Jonas Brinkmann", "function": "Jugendarbeit", "institution": "Jugendtreff"},
    )

    jonas = ConferenceMember.objects.get(conference=area_conference, name="Jonas Brinkmann")
    assert jonas.user is None
    assert jonas.email == ""


def test_a_member_responsible_for_open_items_cannot_be_removed(
    client, coordinator, area_conference, past_session
):
    anja = area_conference.members.get(name="Anja Thölking")
    add_action_item(past_session, coordinator, what="Befragung", who=anja, due_in_days=3)
    client.force_login(coordinator)

    response = client.post(
        f"{APP}/conferences/{area_conference.pk}/members/{anja.pk}/", {"remove": "1"}, follow=True
    )

    assert ConferenceMember.objects.filter(pk=anja.pk).exists()
    assert "offene Aufgaben verantwortlich" in response.content.decode()


# --- sessions -------------------------------------------------------------------------------------


def test_a_new_session_gets_its_agenda_and_the_open_items(
    client, coordinator, area_conference, past_session
):
    add_action_item(past_session, coordinator, what="Befragung", who=coordinator, due_in_days=3)
    client.force_login(coordinator)
    day = at(21).date()

    response = client.post(
        f"{APP}/conferences/{area_conference.pk}/sessions/new/",
        {
            "date": day.isoformat(),
            "start": "15:00",
            "end": "17:00",
            "place": "Rathaus",
            "agenda": "Begrüßung\n\nBericht der Schulen\n",
        },
    )

    session = Session.objects.get(conference=area_conference, starts_at__date=day)
    assert response["Location"] == f"{APP}/sessions/{session.pk}/"
    titles = list(session.agenda.order_by("order").values_list("title", flat=True))
    assert titles == ["Begrüßung", "Bericht der Schulen", "Befragung"]


def test_a_session_ending_before_it_starts_is_refused(client, coordinator, area_conference):
    client.force_login(coordinator)

    response = client.post(
        f"{APP}/conferences/{area_conference.pk}/sessions/new/",
        {"date": at(21).date().isoformat(), "start": "15:00", "end": "14:00"},
    )

    assert response.status_code == 200
    assert not Session.objects.exists()


def record_data(session, **overrides) -> dict:
    """The record form as the browser sends it, without any change."""
    from conferences.forms_meetings import SessionRecordForms
    from conferences.selectors_meetings import municipality_users, session_record

    record = session_record(session)
    forms = SessionRecordForms(
        None,
        record=record,
        bookmarks=Bookmark.objects.none(),
        users=list(municipality_users(municipality=session.conference.municipality)),
    )
    data = {}
    for form in [forms.attendance, forms.decisions]:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            data[form.add_prefix(name)] = "" if value is None else value
    for formset in (forms.agenda, forms.action_items):
        for key, value in formset.management_form.initial.items():
            data[formset.management_form.add_prefix(key)] = value
        for form in formset.forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if name == "DELETE" or value is None:
                    continue
                data[form.add_prefix(name)] = getattr(value, "pk", value)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_recording_saves_attendance_minutes_decisions_and_an_action_item(
    client, coordinator, area_conference, past_session
):
    anja = area_conference.members.get(name="Anja Thölking")
    gisela = area_conference.members.get(name="Gisela Rohe")
    first = past_session.agenda.order_by("order").first()
    client.force_login(coordinator)

    response = client.post(
        f"{APP}/sessions/{past_session.pk}/record/",
        record_data(
            past_session,
            **{
                f"attendance-member_{anja.pk}": "present",
                f"attendance-member_{gisela.pk}": "excused",
                "agenda-0-minutes": "Alle sind begrüßt.",
                "session-decisions": "Ein Fachtag wird geplant.",
                "actions-0-what": "Fachtag vorbereiten",
                "actions-0-who": f"m:{anja.pk}",
                "actions-0-due": at(30).date().isoformat(),
                "actions-0-status": "open",
            },
        ),
    )

    assert response.status_code == 302
    first.refresh_from_db()
    past_session.refresh_from_db()
    assert first.minutes == "Alle sind begrüßt."
    assert past_session.decisions == "Ein Fachtag wird geplant."
    attendance = {a.member_id: (a.present, a.excused) for a in Attendance.objects.all()}
    assert attendance == {anja.pk: (True, False), gisela.pk: (False, True)}
    item = ActionItem.objects.get(session=past_session)
    assert (item.what, item.responsible_member) == ("Fachtag vorbereiten", anja)


def test_recording_with_an_incomplete_action_item_saves_nothing(
    client, coordinator, area_conference, past_session
):
    anja = area_conference.members.get(name="Anja Thölking")
    client.force_login(coordinator)

    response = client.post(
        f"{APP}/sessions/{past_session.pk}/record/",
        record_data(
            past_session,
            **{
                f"attendance-member_{anja.pk}": "present",
                "agenda-0-minutes": "Alle sind begrüßt.",
                "actions-0-what": "Fachtag vorbereiten",
            },
        ),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Wählen Sie, wer verantwortlich ist." in page
    assert "es wurde nichts gespeichert" in page
    assert not Attendance.objects.exists()
    assert not ActionItem.objects.exists()
    assert past_session.agenda.order_by("order").first().minutes == ""


def test_an_agenda_item_is_added_and_one_removed(client, coordinator, past_session):
    client.force_login(coordinator)
    first, second = past_session.agenda.order_by("order")

    client.post(
        f"{APP}/sessions/{past_session.pk}/record/",
        record_data(
            past_session,
            **{"agenda-0-DELETE": "on", "agenda-2-title": "Verschiedenes", "agenda-2-order": "9"},
        ),
    )

    titles = list(past_session.agenda.order_by("order").values_list("title", flat=True))
    assert titles == [second.title, "Verschiedenes"]


def test_the_session_page_shows_the_carried_item_with_its_current_status(
    client, member, coordinator, area_conference, past_session
):
    item = add_action_item(
        past_session, coordinator, what="Befragung", who=coordinator, due_in_days=3
    )
    session = create_session(user=coordinator, conference=area_conference, starts_at=at(10))
    item.status = ActionItem.Status.DONE
    item.save()
    client.force_login(member)

    page = client.get(f"{APP}/sessions/{session.pk}/").content.decode()

    assert "Offene Aufgabe aus der Sitzung vom" in page
    assert "Erledigt" in page


# --- constant queries -------------------------------------------------------------------------


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(vechta, coordinator, gemeinden, conference, session, *, extra: int) -> None:
    """Add `extra` more conferences with a session each, members and action items."""
    names = list(gemeinden)
    for index in range(extra):
        other = create_conference(
            user=coordinator,
            municipality=vechta,
            kind=Conference.Kind.AREA,
            name=f"Sozialraumkonferenz {names[index]}",
            areas=[gemeinden[names[index]]],
            coordinator=coordinator,
        )
        ConferenceMember.objects.create(conference=other, name=f"Mitglied {index}")
        upcoming = create_session(user=coordinator, conference=other, starts_at=at(5 + index))
        for day in (3, -2):
            add_action_item(
                upcoming, coordinator, what=f"Aufgabe {index}", who=coordinator, due_in_days=day
            )
    for index in range(extra):
        add_action_item(
            session, coordinator, what=f"Mehr {index}", who=coordinator, due_in_days=index
        )


@pytest.mark.parametrize("url", [f"{APP}/", f"{APP}/action-items/?status=all"])
def test_list_pages_run_a_constant_number_of_queries(
    client, url, vechta, coordinator, gemeinden, area_conference, past_session
):
    client.force_login(coordinator)
    create_session(user=coordinator, conference=area_conference, starts_at=at(3))
    few = queries(client, url)

    grow(vechta, coordinator, gemeinden, area_conference, past_session, extra=4)

    assert queries(client, url) == few


def test_the_conference_page_runs_a_constant_number_of_queries(
    client, vechta, coordinator, gemeinden, area_conference, past_session
):
    client.force_login(coordinator)
    url = f"{APP}/conferences/{area_conference.pk}/"
    few = queries(client, url)

    for index in range(4):
        ConferenceMember.objects.create(conference=area_conference, name=f"Neu {index}")
        other = create_session(user=coordinator, conference=area_conference, starts_at=at(-index))
        add_action_item(other, coordinator, what=f"Aufgabe {index}", who=coordinator, due_in_days=2)

    assert queries(client, url) == few


def test_the_session_page_runs_a_constant_number_of_queries(
    client, coordinator, area_conference, past_session
):
    client.force_login(coordinator)
    url = f"{APP}/sessions/{past_session.pk}/"
    anja = area_conference.members.get(name="Anja Thölking")
    add_action_item(past_session, coordinator, what="Eins", who=anja, due_in_days=2)
    session = create_session(user=coordinator, conference=area_conference, starts_at=at(-1))
    url = f"{APP}/sessions/{session.pk}/"
    few = queries(client, url)

    for index in range(4):
        add_action_item(past_session, coordinator, what=f"Mehr {index}", who=anja, due_in_days=2)
        add_action_item(session, coordinator, what=f"Neu {index}", who=coordinator, due_in_days=2)
    from conferences.services_meetings import carry_over_action_items

    carry_over_action_items(session=session)

    assert queries(client, url) == few


def test_a_municipal_admin_without_coordinator_role_cannot_be_the_coordinator(
    client, vechta, member_of, coordinator, gemeinden
):
    admin = member_of(vechta, Role.MUNICIPAL_ADMIN, username="admin")
    client.force_login(coordinator)

    response = client.post(
        f"{APP}/conferences/new/",
        {"kind": "planning", "name": "SPK", "coordinator": admin.pk, "is_active": "on"},
    )

    assert response.status_code == 200
    assert not Conference.objects.exists()


def test_an_agenda_item_links_an_atlas_bookmark(client, coordinator, vechta, past_session):
    bookmark = Bookmark.objects.create(
        municipality=vechta, title="Kinderarmut 2015", created_by=coordinator, is_published=True
    )
    client.force_login(coordinator)

    client.post(
        f"{APP}/sessions/{past_session.pk}/record/",
        record_data(past_session, **{"agenda-1-bookmark": bookmark.pk}),
    )

    item = past_session.agenda.order_by("order")[1]
    assert item.bookmark == bookmark
    page = client.get(f"{APP}/sessions/{past_session.pk}/").content.decode()
    assert f'href="/app/atlas/bookmarks/{bookmark.pk}/"' in page


def test_a_colleagues_draft_bookmark_stays_linked_when_the_coordinator_saves(
    client, coordinator, vechta, member, past_session
):
    draft = Bookmark.objects.create(municipality=vechta, title="Entwurf", created_by=member)
    first = past_session.agenda.order_by("order").first()
    first.bookmark = draft
    first.save()
    client.force_login(coordinator)

    response = client.post(
        f"{APP}/sessions/{past_session.pk}/record/",
        record_data(past_session, **{"agenda-0-minutes": "Besprochen."}),
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.bookmark, first.minutes) == (draft, "Besprochen.")


def test_a_bookmark_of_another_municipality_cannot_be_linked(
    client, coordinator, other_municipality, past_session
):
    foreign = Bookmark.objects.create(
        municipality=other_municipality, title="Fremd", is_published=True
    )
    client.force_login(coordinator)

    response = client.post(
        f"{APP}/sessions/{past_session.pk}/record/",
        record_data(past_session, **{"agenda-0-bookmark": foreign.pk}),
    )

    assert response.status_code == 200
    assert past_session.agenda.filter(bookmark__isnull=False).count() == 0
