"""The conferences part of the Vechta demo: both conferences, their members, two past sessions
of the Sozialraumkonferenz with one action item done, one carried over and one overdue;
loading the demo again changes nothing."""

import io

import pytest
from django.utils import timezone, translation
from docx import Document

from conferences.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Conference,
    ConferenceMember,
    Session,
)
from conferences.services_meetings import minutes_docx
from keck.demo import load_demo

pytestmark = pytest.mark.django_db


def area_sessions(demo):
    return list(
        Session.objects.filter(conference__name="Sozialraumkonferenz Stadt Vechta").order_by(
            "starts_at"
        )
    )


def test_the_demo_has_both_conferences_coordinated_by_demo_koordination(demo):
    conferences = {c.name: c for c in Conference.objects.filter(municipality=demo)}

    planning = conferences["Sozialplanungskonferenz Landkreis Vechta"]
    area = conferences["Sozialraumkonferenz Stadt Vechta"]
    assert planning.kind == Conference.Kind.PLANNING
    assert not planning.areas.exists()
    assert area.kind == Conference.Kind.AREA
    assert [(a.key, a.name) for a in area.areas.all()] == [("03460009", "Vechta")]
    assert planning.coordinator.username == area.coordinator.username == "demo-koordination"
    assert area.members.count() == planning.members.count() == 7


def test_the_area_conference_has_two_past_sessions_with_minutes(demo):
    sessions = area_sessions(demo)

    assert len(sessions) == 2
    assert all(session.starts_at < timezone.now() for session in sessions)
    for session in sessions:
        assert session.decisions
        assert all(item.minutes for item in session.agenda.all())
        assert Attendance.objects.filter(session=session).count() == 7


def test_the_demo_action_items_are_done_carried_over_and_overdue(demo):
    first, second = area_sessions(demo)
    today = timezone.localdate()

    done = ActionItem.objects.filter(session=first, status=ActionItem.Status.DONE)
    carried = AgendaItem.objects.get(session=second, carried_over_from__isnull=False)
    overdue = ActionItem.objects.filter(
        session__conference=first.conference,
        status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS],
        due__lt=today,
    )
    assert done.count() == 1
    assert carried.carried_over_from.session == first
    assert carried.carried_over_from.is_open
    assert [item.what for item in overdue] == [
        "Termin für den gemeinsamen Fachtag Kita–Grundschule abstimmen"
    ]


def test_loading_the_demo_again_changes_no_conference_data(demo):
    def dump():
        return [
            list(model.objects.order_by("pk").values())
            for model in (Conference, ConferenceMember, Session, AgendaItem, Attendance, ActionItem)
        ]

    before = dump()

    load_demo()

    assert dump() == before


def test_the_minutes_of_the_second_demo_session_list_its_action_items(demo):
    second = area_sessions(demo)[1]
    with translation.override("de"):
        document = Document(io.BytesIO(minutes_docx(session=second)))

    actions = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert [row[1:3] for row in actions[1:]] == [
        ["Stefan Göttke", "Termin für den gemeinsamen Fachtag Kita–Grundschule abstimmen"],
        ["Kai Koordination", "Kurzbericht für die Sozialplanungskonferenz schreiben"],
    ]
    assert actions[1][3].endswith("(überfällig)")
