"""Fixtures of the reflection-sheet tests: the shipped catalogues, a sheet of Musterstadt and a
user per role. Imported by the test modules (tests/conferences/conftest.py belongs to no one)."""

import pytest

from accounts.models import Role
from conferences.models import Question
from conferences.services_sheets import create_sheet, load_default_catalogues


@pytest.fixture(name="catalogues")
def catalogues_fixture(db):
    """The five default catalogues by kind (the migration loaded them; flushing tests may not)."""
    return load_default_catalogues()


@pytest.fixture(name="coordinator")
def coordinator_fixture(municipality, member_of):
    return member_of(municipality, Role.COORDINATOR, username="koordinatorin")


@pytest.fixture(name="member")
def member_fixture(municipality, member_of):
    return member_of(municipality, Role.MEMBER, username="mitglied")


@pytest.fixture(name="second_member")
def second_member_fixture(municipality, member_of):
    return member_of(municipality, Role.MEMBER, username="kollege")


@pytest.fixture(name="leader")
def leader_fixture(municipality, member_of):
    return member_of(municipality, Role.LEADERSHIP, username="leitung")


@pytest.fixture(name="outsider")
def outsider_fixture(other_municipality, member_of):
    """A coordinator of another municipality."""
    return member_of(other_municipality, Role.COORDINATOR, username="fremd")


@pytest.fixture(name="sheet")
def sheet_fixture(municipality, coordinator, catalogues):
    return create_sheet(
        user=coordinator,
        municipality=municipality,
        catalogue=catalogues["vorphase"],
        cycle_number=1,
    )


def questions_of(sheet) -> list[Question]:
    return list(
        Question.objects.filter(section__catalogue=sheet.catalogue).order_by(
            "section__order", "order"
        )
    )


def question(sheet, key: str) -> Question:
    return Question.objects.get(section__catalogue=sheet.catalogue, key=key)


@pytest.fixture(name="vechta_sheet")
def vechta_sheet_fixture(db, settings):
    """The consolidated Vorphase sheet of the Vechta demo (cycle 1), without the atlas part of
    the demo: the Landkreis, its demo users and `load_demo_sheets`."""
    from accounts.services import add_member, create_municipality
    from conferences.demo_sheets import load_demo_sheets
    from keck.demo import DEMO_SLUG, DEMO_USERS

    municipality, _created = create_municipality(
        slug=DEMO_SLUG, name="Landkreis Vechta", kind="district", official_key="03460"
    )
    for username, role, first_name, last_name in DEMO_USERS:
        add_member(
            municipality=municipality,
            username=username,
            roles=[role],
            first_name=first_name,
            last_name=last_name,
            password=settings.KECK_DEMO_PASSWORD,
        )
    return load_demo_sheets(municipality)
