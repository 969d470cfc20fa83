"""The user's municipalities once per request (accounts.permissions.member_municipality_list):
the same as member_municipalities, from the cached memberships, for every page's middleware,
switcher and menu."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services
from accounts.models import Role
from accounts.permissions import (
    can,
    forget_cached_memberships,
    member_municipalities,
    member_municipality_list,
)
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_gets_every_municipality_sorted_by_name_in_one_query():
    b = MunicipalityFactory(name="Bheim", public_atlas_enabled=False)
    a = MunicipalityFactory(name="Aheim")
    MunicipalityFactory(name="Cheim")
    user = UserFactory()
    MembershipFactory(user=user, municipality=b, roles=[Role.MEMBER])
    MembershipFactory(user=user, municipality=a, roles=[Role.LEADERSHIP])

    with CaptureQueriesContext(connection) as queries:
        first = member_municipality_list(user)
        assert can(user, "view_internal", b)
        again = member_municipality_list(user)

    assert first == again == list(member_municipalities(user)) == [a, b]
    assert len(queries) == 1  # the memberships with their municipalities, nothing more


def test_an_operator_gets_the_municipalities_of_the_grants_in_force(municipality, member_of):
    admin = member_of(municipality, Role.MUNICIPAL_ADMIN, username="kommunal-admin")
    operator = UserFactory(username="betrieb", is_staff=True)
    assert member_municipality_list(operator) == []

    services.grant_support_access(
        user=admin, municipality=municipality, grantee=operator, reason="Ticket 4711"
    )
    forget_cached_memberships(operator)

    assert member_municipality_list(operator) == [municipality]


def test_anonymous_visitors_and_inactive_accounts_have_none(municipality):
    inactive = UserFactory(is_active=False)
    MembershipFactory(user=inactive, municipality=municipality, roles=[Role.MEMBER])

    assert member_municipality_list(AnonymousUser()) == []
    assert member_municipality_list(inactive) == []
