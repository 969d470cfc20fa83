"""Fixtures of the goals and measures tests on top of the analysis fixtures (Landkreis Vechta
with its 10 Gemeinden and the real published 2013 table, a Sozialplanungskonferenz, one user
per role): a Sozialraumkonferenz for the town of Vechta with members, a count indicator with a
small (suppressed) number, and helpers that go through measures.services.

Test modules import the fixtures they use: `from .plan_fixtures import *`.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from atlas_data.models import Area, Indicator, Topic, Value
from atlas_data.services import ensure_root
from conferences.models import Conference, ConferenceMember
from measures import services
from tests.conferences.analysis_fixtures import *  # noqa: F403
from tests.conferences.analysis_fixtures import U15
from tests.conferences.analysis_fixtures import __all__ as _analysis_fixtures

__all__ = [
    *_analysis_fixtures,
    "CASES",
    "area_conference",
    "cases",
    "day",
    "foreign",
    "mia",
    "new_measure",
    "other_conference",
    "second_member",
    "thoelking",
    "vechta_town",
]

# Hilfen zur Erziehung (cases) in the town of Vechta; 2 is a small count (k. A.).
CASES = {2013: 40, 2014: 30, 2015: 2, 2016: 20}


def day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def vechta_town(vechta) -> Area:
    return Area.objects.get(municipality=vechta, name="Vechta")


@pytest.fixture
def area_conference(vechta, vechta_town) -> Conference:
    conference = Conference.objects.create(
        municipality=vechta, kind=Conference.Kind.AREA, name="Sozialraumkonferenz Stadt Vechta"
    )
    conference.areas.set([vechta_town])
    return conference


@pytest.fixture
def thoelking(area_conference) -> ConferenceMember:
    """A conference member with an e-mail address and no user account."""
    return ConferenceMember.objects.create(
        conference=area_conference,
        name="Anja Thölking",
        institution="Amt für Jugend und Familie",
        email="anja@example.org",
    )


@pytest.fixture
def mia(area_conference, member) -> ConferenceMember:
    """The conference member of the user `member` (no own address: the user's counts)."""
    return ConferenceMember.objects.create(
        conference=area_conference, name="Mia Mitglied", user=member
    )


@pytest.fixture
def second_member(vechta, member_of):
    return member_of(vechta, Role.MEMBER, username="zweites-mitglied")


@pytest.fixture
def other_conference(other_municipality) -> Conference:
    return Conference.objects.create(
        municipality=other_municipality, kind=Conference.Kind.AREA, name="Fremde Konferenz"
    )


@pytest.fixture
def foreign(other_municipality, other_conference, member_of):
    """What belongs to another municipality: an area, an indicator, a goal, a measure, a
    conference member, a user who is a member there only."""
    from types import SimpleNamespace

    from measures.models import Goal, Measure

    topic = Topic.objects.create(municipality=other_municipality, code="demografie", name="D")
    return SimpleNamespace(
        conference=other_conference,
        area=ensure_root(municipality=other_municipality),
        indicator=Indicator.objects.create(
            municipality=other_municipality, topic=topic, name="Fremd", kind=Indicator.Kind.SHARE
        ),
        goal=Goal.objects.create(
            municipality=other_municipality,
            conference=other_conference,
            level=Goal.Level.MUNICIPAL,
            title="Fremdes Ziel",
            qualitative_criterion="x",
        ),
        measure=Measure.objects.create(
            municipality=other_municipality,
            conference=other_conference,
            title="Fremde Maßnahme",
            responsible_institution="x",
        ),
        member=ConferenceMember.objects.create(
            conference=other_conference, name="Fremdes Mitglied", email="fremd@example.org"
        ),
        user=member_of(other_municipality, Role.MEMBER, username="nur-fremd"),
    )


@pytest.fixture
def cases(vechta, share) -> Indicator:
    """A count indicator with values 2013–2016, a small (suppressed) count in Vechta 2015."""
    indicator = Indicator.objects.create(
        municipality=vechta,
        topic=share(U15).topic,
        name="Hilfen zur Erziehung (Fälle)",
        kind=Indicator.Kind.COUNT,
    )
    gemeinden = Area.objects.filter(municipality=vechta, level__depth=1).order_by("key")
    Value.objects.bulk_create(
        Value(
            indicator=indicator,
            area=area,
            year=year,
            value=value if area.name == "Vechta" else 40 + n,
        )
        for year, value in CASES.items()
        for n, area in enumerate(gemeinden)
    )
    return indicator


@pytest.fixture
def new_measure(coordinator, vechta, area_conference):
    """new_measure(substeps=(), **data) -> a measure created by the coordinator."""

    def make(substeps=(), **data):
        data = {
            "conference": area_conference,
            "title": "Sozialberatung im Familienzentrum",
            "responsible_institution": "Caritas",
            "deadline": day(60),
            **data,
        }
        return services.create_measure(
            user=coordinator, municipality=vechta, data=data, substeps=substeps
        )

    return make
