"""Operator access only by consent (issue 11), proven on every route of the resolver.

Reuses the tenant isolation walk (tests/foundation/isolation.py: its routes, its table of path
arguments and B, the marked Vechta demo). Platform operators without a grant in force for B – a
staff account whose grants for B ended or were revoked (for the permission check the same as
one that never had a grant: no grant in force), and a superuser with a grant for A only – get
nothing of B. The operator with an active grant for B reads without errors, every one of its
requests to B's internal pages and API is logged, and none of its writes changes B.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import SupportAccess, SupportGrant
from tests.factories import UserFactory
from tests.foundation.isolation import (
    MARKER,
    REFUSED,
    WRITE_METHODS,
    all_routes,
    body_text,
    build_world,
    check_response,
    fingerprint,
    rows_written,
    urls_for,
)

WITHOUT_GRANT = ("staff-grants-ended", "superuser-granted-elsewhere")
# The log is what the walk is expected to write: it is left out of "B unchanged".
LOG = SupportAccess._meta.label


def _b_rows(world) -> dict[str, str]:
    return {label: digest for label, digest in fingerprint(world).items() if label != LOG}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The isolation world plus platform operators with and without grants, built once."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        b_admin = built.objects["membership"].user
        a_admin = built.users["municipal_admin"]
        now = timezone.now()
        operators = {
            "staff-grants-ended": UserFactory(username="betrieb-vorher", is_staff=True),
            "superuser-granted-elsewhere": built.users["superuser"],
            "support": UserFactory(username="betrieb-support", is_staff=True),
        }
        ended = operators["staff-grants-ended"]
        SupportGrant.objects.create(
            municipality=built.b,
            grantee=ended,
            granted_by=b_admin,
            reason="Abgelaufen",
            starts_at=now - datetime.timedelta(days=10),
            ends_at=now - datetime.timedelta(days=3),
        )
        revoked = services.grant_support_access(
            user=b_admin, municipality=built.b, grantee=ended, reason="Widerrufen"
        )
        services.revoke_support_grant(user=b_admin, grant=revoked)
        services.grant_support_access(
            user=a_admin,
            municipality=built.a,
            grantee=operators["superuser-granted-elsewhere"],
            reason="Support für A",
        )
        services.grant_support_access(
            user=b_admin, municipality=built.b, grantee=operators["support"], reason="Ticket 42"
        )
        for identity, user in operators.items():
            client = Client()
            client.force_login(get_user_model().objects.get(pk=user.pk))
            built.cookies[identity] = client.cookies[settings.SESSION_COOKIE_NAME].value
        built.b_before = _b_rows(built)
        yield built
        transaction.set_rollback(True)


# The schema and its docs describe the API and hold no data of any municipality; generating the
# schema takes seconds.
ROUTES = [route for route in all_routes() if route.pattern not in ("api/schema/", "api/docs/")]


def _is_internal_of_b(url: str) -> bool:
    """Where the operator reads B's internal data: the internal site and the API (B is its
    current and only municipality, and every path of the walk names B)."""
    return url.startswith(("/app/", "/api/"))


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_operators_without_a_grant_in_force_get_nothing_of_b(world, route):
    findings = []
    logged_before = SupportAccess.objects.filter(grant__municipality=world.b).count()
    for url in urls_for(route, world):
        for identity in WITHOUT_GRANT:
            response = world.client(identity).get(url)
            findings += check_response(route, url, identity, "get", response)
    assert not findings, "\n".join(map(str, findings))
    assert SupportAccess.objects.filter(grant__municipality=world.b).count() == logged_before


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_operator_with_a_grant_reads_logged_and_changes_nothing(world, route):
    """GET as the operator with B's grant: no error, exactly one log entry per internal read;
    then every write method: refused on B's internal routes, and B unchanged."""
    client = world.client("support")
    problems = []
    for url in urls_for(route, world):
        before = SupportAccess.objects.count()
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"GET {url}: server error {response.status_code}")
        logged = list(SupportAccess.objects.order_by("pk")[before:])
        expected = 1 if _is_internal_of_b(url) else 0
        if len(logged) != expected:
            problems.append(f"GET {url}: {len(logged)} log entries, expected {expected}")
        elif logged and (logged[0].path, logged[0].status_code) != (url, response.status_code):
            problems.append(f"GET {url}: logged {logged[0]}")
    methods = WRITE_METHODS if route.is_api else ("post",)
    written = rows_written()
    logs = SupportAccess.objects.count()
    for url in urls_for(route, world):
        for method in methods:
            send = getattr(client, method)
            if route.is_api:
                response = send(url, data={}, content_type="application/json")
            else:
                response = send(url, data={})
            status = response.status_code
            if status >= 500:
                problems.append(f"{method.upper()} {url}: server error {status}")
            elif _is_internal_of_b(url) and status not in REFUSED:
                problems.append(f"{method.upper()} {url}: not refused: {status}")
    logged = SupportAccess.objects.count() - logs
    if rows_written() - written != logged:
        after = _b_rows(world)
        changed = sorted(label for label in after if world.b_before[label] != after[label])
        if changed:
            problems.append(f"B changed: {changed}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_operator_with_a_grant_reads_b_s_internal_objects(world):
    """Reading works: B's marked internal objects on pages and in the API."""
    o, slug = world.objects, world.b.slug
    urls = [
        f"/app/atlas/indicators/{o['indicator'].pk}/",
        f"/app/conferences/conferences/{o['conference'].pk}/",
        f"/app/measures/goals/{o['goal'].pk}/",
        f"/app/process/cycles/{o['cycle'].pk}/",
        f"/api/v1/municipalities/{slug}/conferences/{o['conference'].pk}/",
        f"/api/v1/municipalities/{slug}/goals/{o['goal'].pk}/",
        f"/api/v1/municipalities/{slug}/cycles/{o['cycle'].pk}/",
    ]
    client = world.client("support")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER in body_text(response), url
