# ruff: noqa: F811 - the fixtures imported from meetings_fixtures are test arguments
"""Open action items carry over to the next session's agenda: open ones only, once each."""

import pytest

from conferences.models import ActionItem, AgendaItem, Conference
from conferences.services_meetings import (
    carry_over_action_items,
    check_invitation,
    create_conference,
    create_session,
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


def next_session(conference, user, days=14, agenda=("Begrüßung",)):
    return create_session(
        user=user, conference=conference, starts_at=at(days), place="Rathaus", agenda=list(agenda)
    )


def carried(session) -> list[ActionItem]:
    return [
        item.carried_over_from
        for item in AgendaItem.objects.filter(session=session, carried_over_from__isnull=False)
    ]


def test_open_and_in_progress_items_carry_over_to_the_next_session(
    past_session, area_conference, coordinator
):
    thoelking = area_conference.members.get(name="Anja Thölking")
    survey = add_action_item(
        past_session, coordinator, what="Elternbefragung vorbereiten", who=thoelking, due_in_days=3
    )
    report = add_action_item(
        past_session,
        coordinator,
        what="Kurzbericht schreiben",
        who=coordinator,
        due_in_days=10,
        status=ActionItem.Status.IN_PROGRESS,
    )

    session = next_session(area_conference, coordinator)

    assert set(carried(session)) == {survey, report}


def test_carried_item_becomes_one_agenda_item_after_the_new_ones(
    past_session, area_conference, coordinator
):
    add_action_item(
        past_session, coordinator, what="Fachtag abstimmen\nmit allen Schulen", who=coordinator,
        due_in_days=5,
    )  # fmt: skip

    session = next_session(area_conference, coordinator, agenda=["Begrüßung", "Daten"])

    agenda = list(session.agenda.order_by("order"))
    assert [item.title for item in agenda] == ["Begrüßung", "Daten", "Fachtag abstimmen"]
    assert agenda[-1].carried_over_from.what.startswith("Fachtag abstimmen")


def test_done_and_dropped_items_do_not_carry_over(past_session, area_conference, coordinator):
    for status in (ActionItem.Status.DONE, ActionItem.Status.DROPPED):
        add_action_item(
            past_session, coordinator, what=status, who=coordinator, due_in_days=-1, status=status
        )

    session = next_session(area_conference, coordinator)

    assert carried(session) == []
    assert [item.title for item in session.agenda.all()] == ["Begrüßung"]


def test_saving_the_session_again_does_not_duplicate_carried_items(
    past_session, area_conference, coordinator
):
    item = add_action_item(past_session, coordinator, what="Liste", who=coordinator, due_in_days=2)
    session = next_session(area_conference, coordinator)

    update_session(user=coordinator, session=session, starts_at=at(15), place="Kreishaus")
    carry_over_action_items(session=session)
    check_invitation(user=coordinator, session=session)

    assert carried(session) == [item]


def test_an_item_still_open_after_the_next_session_carries_over_again(
    past_session, area_conference, coordinator
):
    item = add_action_item(past_session, coordinator, what="Liste", who=coordinator, due_in_days=2)
    second = create_session(user=coordinator, conference=area_conference, starts_at=at(-14))

    third = next_session(area_conference, coordinator)

    assert carried(second) == [item]
    assert carried(third) == [item]


def test_an_item_closed_before_the_next_session_is_created_does_not_carry_over(
    past_session, area_conference, coordinator
):
    item = add_action_item(past_session, coordinator, what="Liste", who=coordinator, due_in_days=2)
    item.status = ActionItem.Status.DONE
    item.save()

    assert carried(next_session(area_conference, coordinator)) == []


def test_items_of_a_later_session_do_not_carry_back_to_an_earlier_one(
    past_session, area_conference, coordinator
):
    add_action_item(past_session, coordinator, what="Liste", who=coordinator, due_in_days=2)

    earlier = create_session(user=coordinator, conference=area_conference, starts_at=at(-60))

    assert carried(earlier) == []


def test_items_of_another_conference_do_not_carry_over(
    past_session, vechta, coordinator, area_conference
):
    add_action_item(past_session, coordinator, what="Liste", who=coordinator, due_in_days=2)
    planning = create_conference(
        user=coordinator,
        municipality=vechta,
        kind=Conference.Kind.PLANNING,
        name="Sozialplanungskonferenz Landkreis Vechta",
    )

    assert carried(next_session(planning, coordinator)) == []
