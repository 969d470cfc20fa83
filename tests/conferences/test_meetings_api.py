# ruff: noqa: F811 - the fixtures imported from meetings_fixtures are test arguments
"""API of conferences, members, sessions and action items: coordinators write, members and
leadership read, the public and other municipalities get nothing; constant queries."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from conferences.models import ActionItem, Conference, ConferenceMember, Session
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
API = "/api/v1/municipalities/vechta"


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def endpoints(conference, session) -> list[str]:
    return [
        f"{API}/conferences/",
        f"{API}/conferences/{conference.pk}/",
        f"{API}/conferences/{conference.pk}/members/",
        f"{API}/sessions/",
        f"{API}/sessions/{session.pk}/",
        f"{API}/action-items/",
    ]


# --- who may read and write -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "leader", "coordinator"])
def test_members_leadership_and_coordinators_read(
    client, request, who, area_conference, past_session
):
    client.force_login(request.getfixturevalue(who))

    for url in endpoints(area_conference, past_session):
        assert client.get(url).status_code == 200, url


def test_the_public_gets_403_and_nothing(client, area_conference, past_session):
    for url in endpoints(area_conference, past_session):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Sozialraumkonferenz" not in response.content.decode()


def test_without_public_atlas_the_public_gets_404(client, vechta, area_conference, past_session):
    vechta.public_atlas_enabled = False
    vechta.save()

    for url in endpoints(area_conference, past_session):
        assert client.get(url).status_code == 404, url


def test_members_of_another_municipality_get_403(client, outsider, area_conference, past_session):
    client.force_login(outsider)

    for url in endpoints(area_conference, past_session):
        assert client.get(url).status_code == 403, url


def test_objects_of_another_municipality_are_not_found(
    client, other_municipality, member_of, area_conference, past_session, coordinator
):
    add_action_item(past_session, coordinator, what="Liste", who=coordinator, due_in_days=2)
    item = ActionItem.objects.get()
    client.force_login(member_of(other_municipality, Role.COORDINATOR))

    for kind, pk in [
        ("conferences", area_conference.pk),
        ("sessions", past_session.pk),
        ("action-items", item.pk),
    ]:
        assert client.get(f"/api/v1/municipalities/andere-stadt/{kind}/{pk}/").status_code == 404


@pytest.mark.parametrize("who", ["member", "leader"])
def test_members_and_leadership_may_not_write(client, request, who, area_conference, past_session):
    client.force_login(request.getfixturevalue(who))

    responses = [
        post(client, f"{API}/conferences/", {"kind": "planning", "name": "SPK"}),
        patch(client, f"{API}/conferences/{area_conference.pk}/", {"name": "Neu"}),
        post(client, f"{API}/conferences/{area_conference.pk}/members/", {"name": "Neu"}),
        patch(client, f"{API}/sessions/{past_session.pk}/", {"decisions": "Nichts"}),
        client.delete(f"{API}/sessions/{past_session.pk}/"),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert Conference.objects.get().name == "Sozialraumkonferenz Stadt Vechta"
    assert Session.objects.get().decisions == ""


# --- conferences and members ------------------------------------------------------------------


def test_a_coordinator_creates_a_planning_conference(client, coordinator, vechta):
    client.force_login(coordinator)

    response = post(
        client,
        f"{API}/conferences/",
        {
            "kind": "planning",
            "name": "Sozialplanungskonferenz Landkreis Vechta",
            "rhythm": "alle 8 Wochen",
            "coordinator": coordinator.pk,
        },
    )

    assert response.status_code == 201
    data = response.json()
    assert data["kind"] == "planning"
    assert data["areas"] == []
    assert data["members"] == []
    assert Conference.objects.get(pk=data["id"]).coordinator == coordinator


def test_an_area_conference_without_area_is_refused_with_a_german_message(
    client, coordinator, vechta
):
    client.force_login(coordinator)

    response = post(client, f"{API}/conferences/", {"kind": "area", "name": "Ohne Gebiet"})

    assert response.status_code == 400
    assert response.json()["detail"] == "Eine Sozialraumkonferenz braucht mindestens ein Gebiet."
    assert not Conference.objects.exists()


def test_an_area_of_another_municipality_is_refused(
    client, coordinator, vechta, other_municipality
):
    from atlas_data.services import ensure_root

    foreign = ensure_root(municipality=other_municipality)
    client.force_login(coordinator)

    response = post(
        client, f"{API}/conferences/", {"kind": "area", "name": "Fremd", "areas": [foreign.pk]}
    )

    assert response.status_code == 400
    assert not Conference.objects.exists()


def test_a_partial_update_keeps_the_other_fields(client, coordinator, area_conference, gemeinden):
    client.force_login(coordinator)

    response = patch(client, f"{API}/conferences/{area_conference.pk}/", {"rhythm": "monatlich"})

    assert response.status_code == 200
    area_conference.refresh_from_db()
    assert area_conference.rhythm == "monatlich"
    assert list(area_conference.areas.all()) == [gemeinden["Vechta"]]


def test_the_conference_detail_lists_the_members(client, member, area_conference):
    client.force_login(member)

    data = client.get(f"{API}/conferences/{area_conference.pk}/").json()

    assert data["member_count"] == 5
    members = {m["name"]: m for m in data["members"]}
    assert members["Anja Thölking"]["institution"] == "Amt für Jugend und Familie"
    assert members["Anja Thölking"]["user"] is None
    assert members["Mia Mitglied"]["user"] == member.pk


def test_a_member_without_login_is_added(client, coordinator, area_conference):
    client.force_login(coordinator)

    response = post(
        client,
        f"{API}/conferences/{area_conference.pk}/members/",
        {"name": "Jonas Brinkmann", "function": "Jugendarbeit", "email": "jonas@example.org"},
    )

    assert response.status_code == 201
    assert ConferenceMember.objects.get(name="Jonas Brinkmann").user is None


def test_a_user_of_another_municipality_cannot_become_a_member(
    client, coordinator, area_conference, outsider
):
    client.force_login(coordinator)

    response = post(
        client, f"{API}/conferences/{area_conference.pk}/members/", {"user": outsider.pk}
    )

    assert response.status_code == 400
    assert not ConferenceMember.objects.filter(user=outsider).exists()


def test_a_conference_with_sessions_is_not_deleted(
    client, coordinator, area_conference, past_session
):
    client.force_login(coordinator)

    response = client.delete(f"{API}/conferences/{area_conference.pk}/")

    assert response.status_code == 400
    assert Conference.objects.filter(pk=area_conference.pk).exists()


# --- sessions -----------------------------------------------------------------------------------


def test_creating_a_session_carries_the_open_items_over(
    client, coordinator, area_conference, past_session
):
    item = add_action_item(
        past_session, coordinator, what="Befragung", who=coordinator, due_in_days=2
    )
    client.force_login(coordinator)

    response = post(
        client,
        f"{API}/sessions/",
        {
            "conference": area_conference.pk,
            "starts_at": at(14).isoformat(),
            "place": "Rathaus",
            "agenda": [{"title": "Begrüßung"}],
        },
    )

    assert response.status_code == 201
    agenda = response.json()["agenda"]
    assert [a["title"] for a in agenda] == ["Begrüßung", "Befragung"]
    assert agenda[1]["carried_over_from"] == item.pk


def test_sessions_are_filtered_by_conference(
    client, coordinator, vechta, area_conference, past_session
):
    planning = create_conference(
        user=coordinator, municipality=vechta, kind=Conference.Kind.PLANNING, name="SPK"
    )
    create_session(user=coordinator, conference=planning, starts_at=at(3))
    client.force_login(coordinator)

    data = client.get(f"{API}/sessions/?conference={area_conference.pk}").json()

    assert [s["id"] for s in data] == [past_session.pk]
    assert len(client.get(f"{API}/sessions/").json()) == 2
    assert client.get(f"{API}/sessions/?conference=abc").status_code == 400


def test_a_session_is_recorded_through_the_api(client, coordinator, area_conference, past_session):
    anja = area_conference.members.get(name="Anja Thölking")
    first = past_session.agenda.order_by("order").first()
    client.force_login(coordinator)

    response = patch(
        client,
        f"{API}/sessions/{past_session.pk}/",
        {
            "attendance": [{"member": anja.pk, "status": "excused"}],
            "agenda": [{"id": first.pk, "title": first.title, "minutes": "Alle sind begrüßt."}],
            "decisions": "Ein Fachtag wird geplant.",
        },
    )

    assert response.status_code == 200
    data = response.json()
    assert {a["member"]: a["status"] for a in data["attendance"]}[anja.pk] == "excused"
    assert data["agenda"][0]["minutes"] == "Alle sind begrüßt."
    assert data["decisions"] == "Ein Fachtag wird geplant."


def test_an_agenda_item_of_another_session_is_refused(
    client, coordinator, area_conference, past_session
):
    other = create_session(user=coordinator, conference=area_conference, starts_at=at(3))
    foreign = other.agenda.create(title="Fremd", order=1)
    client.force_login(coordinator)

    response = patch(
        client,
        f"{API}/sessions/{past_session.pk}/",
        {"decisions": "Beschluss", "agenda": [{"id": foreign.pk, "title": "Geändert"}]},
    )

    assert response.status_code == 400
    foreign.refresh_from_db()
    past_session.refresh_from_db()
    assert foreign.title == "Fremd"
    assert past_session.decisions == ""


# --- action items ---------------------------------------------------------------------------------


@pytest.fixture
def items(past_session, coordinator, area_conference, member):
    anja = area_conference.members.get(name="Anja Thölking")
    mia = area_conference.members.get(name="Mia Mitglied")
    add = add_action_item
    return {
        "overdue": add(past_session, coordinator, what="Fachtag", who=anja, due_in_days=-5),
        "soon": add(past_session, coordinator, what="Befragung", who=anja, due_in_days=3),
        "mine": add(past_session, coordinator, what="Begehung", who=mia, due_in_days=9),
        "user": add(past_session, coordinator, what="Bericht", who=member, due_in_days=12),
        "done": add(
            past_session, coordinator, what="Liste", who=anja, due_in_days=-20, status="done"
        ),
    }


def whats(client, query="") -> list[str]:
    return [item["what"] for item in client.get(f"{API}/action-items/{query}").json()]


def test_action_items_are_filtered_by_status(client, member, items):
    client.force_login(member)

    assert whats(client, "?status=done") == ["Liste"]
    assert whats(client, "?status=open,in_progress") == [
        "Fachtag",
        "Befragung",
        "Begehung",
        "Bericht",
    ]
    assert client.get(f"{API}/action-items/?status=fertig").status_code == 400


def test_action_items_are_filtered_by_due_date_and_overdue(client, member, items):
    client.force_login(member)
    in_five = (timezone.localdate() + timezone.timedelta(days=5)).isoformat()

    assert whats(client, f"?due_before={in_five}&status=open") == ["Fachtag", "Befragung"]
    assert whats(client, "?overdue=true") == ["Fachtag"]
    assert client.get(f"{API}/action-items/?due_before=morgen").status_code == 400


def test_action_items_are_filtered_by_the_responsible(client, member, items, area_conference):
    client.force_login(member)
    anja = area_conference.members.get(name="Anja Thölking")

    # Mia is responsible as a member linked to her user and as the user herself.
    assert whats(client, "?responsible=me") == ["Begehung", "Bericht"]
    assert whats(client, f"?responsible_member={anja.pk}") == ["Liste", "Fachtag", "Befragung"]


def test_an_action_item_reports_whether_it_is_overdue(client, member, items):
    client.force_login(member)

    data = client.get(f"{API}/action-items/{items['overdue'].pk}/").json()

    assert data["is_overdue"] is True
    assert data["responsible_name"] == "Anja Thölking"


def test_a_coordinator_creates_and_closes_an_action_item(
    client, coordinator, past_session, area_conference
):
    anja = area_conference.members.get(name="Anja Thölking")
    client.force_login(coordinator)

    created = post(
        client,
        f"{API}/action-items/",
        {
            "session": past_session.pk,
            "what": "Fachtag vorbereiten",
            "responsible_member": anja.pk,
            "due": at(20).date().isoformat(),
        },
    )
    closed = patch(client, f"{API}/action-items/{created.json()['id']}/", {"status": "done"})

    assert created.status_code == 201
    assert closed.status_code == 200
    assert ActionItem.objects.get().status == ActionItem.Status.DONE


def test_an_action_item_without_responsible_is_refused(client, coordinator, past_session):
    client.force_login(coordinator)

    response = post(
        client,
        f"{API}/action-items/",
        {"session": past_session.pk, "what": "Niemand", "due": at(5).date().isoformat()},
    )

    assert response.status_code == 400
    assert not ActionItem.objects.exists()


# --- constant queries -------------------------------------------------------------------------


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_endpoints_run_a_constant_number_of_queries(
    client, coordinator, vechta, gemeinden, area_conference, past_session
):
    client.force_login(coordinator)
    urls = [f"{API}/conferences/", f"{API}/sessions/", f"{API}/action-items/"]
    add_action_item(past_session, coordinator, what="Eins", who=coordinator, due_in_days=1)
    few = [queries(client, url) for url in urls]

    for index, name in enumerate(["Damme", "Lohne (Oldenburg)", "Dinklage"]):
        conference = create_conference(
            user=coordinator,
            municipality=vechta,
            kind=Conference.Kind.AREA,
            name=f"Sozialraumkonferenz {name}",
            areas=[gemeinden[name]],
        )
        ConferenceMember.objects.create(conference=conference, name=f"Mitglied {index}")
        session = create_session(user=coordinator, conference=conference, starts_at=at(index))
        anja = area_conference.members.get(name="Anja Thölking")
        add_action_item(
            session, coordinator, what=f"Aufgabe {index}", who=coordinator, due_in_days=2
        )
        add_action_item(past_session, coordinator, what=f"Mehr {index}", who=anja, due_in_days=3)

    assert [queries(client, url) for url in urls] == few


def test_the_session_detail_runs_a_constant_number_of_queries(
    client, coordinator, area_conference, past_session
):
    client.force_login(coordinator)
    url = f"{API}/sessions/{past_session.pk}/"
    few = queries(client, url)

    anja = area_conference.members.get(name="Anja Thölking")
    for index in range(4):
        past_session.agenda.create(title=f"Punkt {index}", order=10 + index)
        add_action_item(past_session, coordinator, what=f"Mehr {index}", who=anja, due_in_days=3)

    assert queries(client, url) == few
