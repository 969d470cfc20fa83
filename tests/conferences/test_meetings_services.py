# ruff: noqa: F811 - the fixtures imported from meetings_fixtures are test arguments
"""The rules of conferences, members, sessions and action items, as the services keep them:
every refusal has a German message and changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.models import Role
from atlas_data.services import ensure_root
from conferences.models import ActionItem, Conference, ConferenceMember, Session
from conferences.selectors_meetings import session_record
from conferences.services_meetings import (
    ActionItemChange,
    MeetingError,
    add_member,
    create_conference,
    create_session,
    delete_conference,
    remove_member,
    save_action_items,
    set_attendance,
    update_conference,
)

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


def refused(message: str):
    """Expect a MeetingError whose German message contains `message`."""
    return pytest.raises(MeetingError, match=message)


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def test_a_social_planning_conference_has_no_areas(vechta, coordinator, gemeinden):
    with refused("arbeitet für die ganze Kommune und hat keine Gebiete"):
        create_conference(
            user=coordinator,
            municipality=vechta,
            kind=Conference.Kind.PLANNING,
            name="SPK",
            areas=[gemeinden["Damme"]],
        )
    assert not Conference.objects.exists()


def test_a_social_area_conference_may_cover_several_areas(vechta, coordinator, gemeinden):
    conference = create_conference(
        user=coordinator,
        municipality=vechta,
        kind=Conference.Kind.AREA,
        name="Sozialraumkonferenz Dammer Berge",
        areas=[gemeinden["Damme"], gemeinden["Holdorf"], gemeinden["Neuenkirchen-Vörden"]],
    )

    assert conference.areas.count() == 3


def test_an_area_of_another_municipality_is_refused(vechta, coordinator, other_municipality):
    foreign = ensure_root(municipality=other_municipality)

    with refused("gehört nicht zu Landkreis Vechta"):
        create_conference(
            user=coordinator,
            municipality=vechta,
            kind=Conference.Kind.AREA,
            name="Fremd",
            areas=[foreign],
        )


def test_the_coordinator_must_hold_the_coordinator_role(vechta, coordinator, leader):
    with refused("nicht die Rolle Koordinator/in"):
        create_conference(
            user=coordinator,
            municipality=vechta,
            kind=Conference.Kind.PLANNING,
            name="SPK",
            coordinator=leader,
        )


def test_a_coordinator_of_another_municipality_cannot_coordinate(vechta, coordinator, outsider):
    with refused("nicht die Rolle Koordinator/in"):
        create_conference(
            user=coordinator,
            municipality=vechta,
            kind=Conference.Kind.PLANNING,
            name="SPK",
            coordinator=outsider,
        )


def test_two_conferences_cannot_share_a_name(vechta, coordinator, area_conference):
    with refused("hat schon eine Konferenz mit dem Namen"):
        create_conference(
            user=coordinator,
            municipality=vechta,
            kind=Conference.Kind.PLANNING,
            name="sozialraumkonferenz stadt vechta",
        )


def test_only_coordinators_create_conferences(vechta, member, leader):
    for user in (member, leader):
        with pytest.raises(PermissionDenied):
            create_conference(
                user=user, municipality=vechta, kind=Conference.Kind.PLANNING, name="SPK"
            )


def test_a_coordinator_of_another_municipality_cannot_change_our_conference(
    outsider, area_conference
):
    with pytest.raises(PermissionDenied):
        update_conference(
            user=outsider, conference=area_conference, kind="planning", name="Übernommen"
        )


def test_a_conference_with_sessions_is_not_deleted(coordinator, area_conference, past_session):
    with refused("kann nicht gelöscht werden"):
        delete_conference(user=coordinator, conference=area_conference)


def test_a_member_linked_to_a_user_takes_the_users_name(
    vechta, coordinator, member_of, area_conference
):
    user = member_of(vechta, Role.MEMBER, username="jbrinkmann")
    user.first_name, user.last_name = "Jonas", "Brinkmann"
    user.save()

    added = add_member(user=coordinator, conference=area_conference, member_user=user)

    assert added.name == "Jonas Brinkmann"


def test_a_user_is_a_member_of_a_conference_once(coordinator, member, area_conference):
    with refused("schon Mitglied dieser Konferenz"):
        add_member(user=coordinator, conference=area_conference, name="Mia", member_user=member)


def test_a_user_of_another_municipality_cannot_be_linked(coordinator, outsider, area_conference):
    with refused("kein Benutzer von Landkreis Vechta"):
        add_member(user=coordinator, conference=area_conference, member_user=outsider)


def test_a_member_responsible_for_open_items_stays(coordinator, area_conference, past_session):
    anja = area_conference.members.get(name="Anja Thölking")
    add_action_item(past_session, coordinator, what="Befragung", who=anja, due_in_days=3)

    with refused("für 1 offene Aufgaben verantwortlich"):
        remove_member(user=coordinator, member=anja)


def test_a_member_without_history_is_deleted(coordinator, area_conference):
    jonas = add_member(user=coordinator, conference=area_conference, name="Jonas Brinkmann")

    assert remove_member(user=coordinator, member=jonas) == "removed"

    assert not ConferenceMember.objects.filter(pk=jonas.pk).exists()


def test_a_member_in_the_minutes_leaves_and_stays_in_them(
    coordinator, area_conference, past_session
):
    anja = area_conference.members.get(name="Anja Thölking")
    set_attendance(user=coordinator, session=past_session, statuses={anja.pk: "present"})
    item = add_action_item(
        past_session, coordinator, what="Befragung", who=anja, due_in_days=-3, status="done"
    )

    assert remove_member(user=coordinator, member=anja) == "left"

    anja.refresh_from_db()
    item.refresh_from_db()
    assert anja.active is False
    assert item.responsible_member == anja
    record = session_record(past_session)
    assert [(row.member.name, row.status) for row in record.attendance if row.status] == [
        ("Anja Thölking", "present")
    ]
    assert anja not in record.members


def test_a_former_member_gets_no_new_action_items(coordinator, area_conference, past_session):
    anja = area_conference.members.get(name="Anja Thölking")
    set_attendance(user=coordinator, session=past_session, statuses={anja.pk: "present"})
    remove_member(user=coordinator, member=anja)
    anja.refresh_from_db()

    with refused("ist aus der Konferenz ausgeschieden"):
        save_action_items(
            user=coordinator,
            session=past_session,
            changes=[
                ActionItemChange(pk=None, what="Liste", responsible_member=anja, due=at(3).date())
            ],
        )


def test_a_session_ends_after_it_starts(coordinator, area_conference):
    with refused("muss nach ihrem Beginn enden"):
        create_session(
            user=coordinator, conference=area_conference, starts_at=at(3, 15), ends_at=at(3, 14)
        )
    assert not Session.objects.exists()


def test_attendance_only_for_members_of_the_conference(
    coordinator, vechta, past_session, area_conference
):
    other = create_conference(
        user=coordinator, municipality=vechta, kind=Conference.Kind.PLANNING, name="SPK"
    )
    stranger = ConferenceMember.objects.create(conference=other, name="Fremd")

    with refused("gehört nicht zu dieser Konferenz"):
        set_attendance(user=coordinator, session=past_session, statuses={stranger.pk: "present"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"what": "", "responsible_user": "coordinator"}, "Beschreibung, was zu tun ist"),
        ({"what": "Liste"}, "genau eine verantwortliche Person"),
        (
            {"what": "Liste", "responsible_user": "coordinator", "responsible_member": "anja"},
            "genau eine",
        ),
        ({"what": "Liste", "responsible_user": "coordinator", "due": None}, "bis wann"),
        ({"what": "Liste", "responsible_user": "outsider"}, "kein Benutzer von Landkreis Vechta"),
    ],
)
def test_an_incomplete_action_item_is_refused(
    change, message, coordinator, outsider, area_conference, past_session
):
    people = {
        "coordinator": coordinator,
        "outsider": outsider,
        "anja": area_conference.members.get(name="Anja Thölking"),
    }
    fields = {"due": at(10).date(), **change}
    for key in ("responsible_user", "responsible_member"):
        if key in fields:
            fields[key] = people[fields[key]]

    with refused(message):
        save_action_items(
            user=coordinator, session=past_session, changes=[ActionItemChange(pk=None, **fields)]
        )
    assert not ActionItem.objects.exists()


def test_a_member_of_another_conference_cannot_be_responsible(coordinator, vechta, past_session):
    other = create_conference(
        user=coordinator, municipality=vechta, kind=Conference.Kind.PLANNING, name="SPK"
    )
    stranger = ConferenceMember.objects.create(conference=other, name="Fremd")

    with refused("gehört nicht zu dieser Konferenz"):
        save_action_items(
            user=coordinator,
            session=past_session,
            changes=[
                ActionItemChange(
                    pk=None, what="Liste", responsible_member=stranger, due=at(3).date()
                )
            ],
        )


def test_an_action_item_of_another_session_cannot_be_changed_here(
    coordinator, area_conference, past_session
):
    other = create_session(user=coordinator, conference=area_conference, starts_at=at(3))
    item = add_action_item(other, coordinator, what="Liste", who=coordinator, due_in_days=2)

    with refused("gehört nicht zu dieser Sitzung"):
        save_action_items(
            user=coordinator,
            session=past_session,
            changes=[
                ActionItemChange(
                    pk=item.pk, what="Geändert", responsible_user=coordinator, due=at(3).date()
                )
            ],
        )
    item.refresh_from_db()
    assert item.what == "Liste"
