"""Fixtures of the conference and session tests: Landkreis Vechta with its 10 Gemeinden (real
names and keys, no geometries, so set-up takes a moment instead of the whole demo), a user per
role, a Sozialraumkonferenz for the town of Vechta with members and a past session.

Test modules import the fixtures they use (tests/conferences/conftest.py belongs to no one).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Municipality, Role
from atlas_data.models import Area
from atlas_data.services import ensure_level, ensure_root
from conferences.models import ActionItem, Conference
from conferences.services_meetings import (
    ActionItemChange,
    add_member,
    create_conference,
    create_session,
    save_action_items,
)
from tests.factories import MunicipalityFactory

GEMEINDEN = {
    "03460001": "Bakum",
    "03460002": "Damme",
    "03460003": "Dinklage",
    "03460004": "Goldenstedt",
    "03460005": "Holdorf",
    "03460006": "Lohne (Oldenburg)",
    "03460007": "Neuenkirchen-Vörden",
    "03460008": "Steinfeld (Oldenburg)",
    "03460009": "Vechta",
    "03460010": "Visbek",
}

__all__ = [
    "add_action_item",
    "area_conference",
    "at",
    "coordinator",
    "gemeinden",
    "leader",
    "member",
    "outsider",
    "past_session",
    "vechta",
]


@pytest.fixture
def vechta(db) -> Municipality:
    municipality = MunicipalityFactory(
        slug="vechta",
        name="Landkreis Vechta",
        kind=Municipality.Kind.DISTRICT,
        official_key="03460",
    )
    root = ensure_root(municipality=municipality)
    level = ensure_level(municipality=municipality, name="Gemeinden")
    Area.objects.bulk_create(
        Area(municipality=municipality, level=level, parent=root, key=key, name=name)
        for key, name in GEMEINDEN.items()
    )
    return municipality


@pytest.fixture
def gemeinden(vechta) -> dict[str, Area]:
    return {area.name: area for area in Area.objects.filter(municipality=vechta, level__depth=1)}


@pytest.fixture
def coordinator(vechta, member_of):
    user = member_of(vechta, Role.COORDINATOR, username="koordinatorin")
    user.first_name, user.last_name = "Karla", "Koordinatorin"
    user.save()
    return user


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER, username="mitglied")


@pytest.fixture
def leader(vechta, member_of):
    return member_of(vechta, Role.LEADERSHIP, username="leitung")


@pytest.fixture
def outsider(other_municipality, member_of):
    """A coordinator of another municipality."""
    return member_of(other_municipality, Role.COORDINATOR, username="fremd")


def at(days: int, hour: int = 15) -> datetime.datetime:
    """Today ± days at the hour, Europe/Berlin."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@pytest.fixture
def area_conference(vechta, gemeinden, coordinator, member) -> Conference:
    """Sozialraumkonferenz Stadt Vechta: the coordinator, a member with login and three
    members without (one without e-mail)."""
    conference = create_conference(
        user=coordinator,
        municipality=vechta,
        kind=Conference.Kind.AREA,
        name="Sozialraumkonferenz Stadt Vechta",
        areas=[gemeinden["Vechta"]],
        rhythm="alle 6 Wochen, 2 Stunden",
        coordinator=coordinator,
    )
    for name, function, institution, email, user in [
        ("Karla Koordinatorin", "Koordination", "Landkreis Vechta", "", coordinator),
        ("Mia Mitglied", "Quartiersmanagement", "Stadt Vechta", "mia@example.org", member),
        ("Anja Thölking", "ASD", "Amt für Jugend und Familie", "anja@example.org", None),
        ("Stefan Göttke", "Schulleitung", "Grundschule Stadtmitte", "stefan@example.org", None),
        ("Gisela Rohe", "Ehrenamt", "Freiwilligenagentur", "", None),
    ]:
        add_member(
            user=coordinator,
            conference=conference,
            name=name,
            function=function,
            institution=institution,
            email=email,
            member_user=user,
        )
    return conference


@pytest.fixture
def past_session(area_conference, coordinator):
    return create_session(
        user=coordinator,
        conference=area_conference,
        starts_at=at(-42),
        ends_at=at(-42, 17),
        place="Rathaus Vechta, Sitzungssaal",
        agenda=["Begrüßung", "Daten der Schuleingangsuntersuchung"],
    )


def add_action_item(session, user, *, what, who, due_in_days, status=ActionItem.Status.OPEN):
    """Add one action item to the session's closing table; `who` is a member or a user."""
    from conferences.models import ConferenceMember

    member = who if isinstance(who, ConferenceMember) else None
    save_action_items(
        user=user,
        session=session,
        changes=[
            ActionItemChange(
                pk=None,
                what=what,
                responsible_member=member,
                responsible_user=None if member else who,
                due=timezone.localdate() + datetime.timedelta(days=due_in_days),
                status=status,
            )
        ],
    )
    return ActionItem.objects.filter(session=session).latest("pk")
