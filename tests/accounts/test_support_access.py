"""Operator access only by consent (issue 11, point 5): support grants, the read-only access
they give, its log, the pages and the API of the municipal administrators."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts import services
from accounts.middleware import SESSION_KEY
from accounts.models import Role, SupportAccess, SupportGrant
from accounts.permissions import (
    SUPPORT_ACTIONS,
    Action,
    can,
    forget_cached_memberships,
    member_municipalities,
)
from tests.atlas_data.conftest import count_indicator, make_tree, store
from tests.factories import MembershipFactory, UserFactory

API = "/api/v1/municipalities"


@pytest.fixture
def admin(municipality, member_of):
    return member_of(municipality, Role.MUNICIPAL_ADMIN, username="kommunal-admin")


@pytest.fixture
def operator(db):
    return UserFactory(username="betrieb", is_staff=True)


@pytest.fixture
def grant(admin, municipality, operator):
    return services.grant_support_access(
        user=admin, municipality=municipality, grantee=operator, reason="Ticket 4711"
    )


def _end(grant: SupportGrant) -> None:
    """Let the grant's time run out (as the clock would)."""
    now = timezone.now()
    SupportGrant.objects.filter(pk=grant.pk).update(
        starts_at=now - datetime.timedelta(days=8), ends_at=now - datetime.timedelta(seconds=1)
    )
    forget_cached_memberships(grant.grantee)


# --- the permission ------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(Action))
def test_staff_without_a_grant_may_only_view_the_public_atlas(municipality, operator, action):
    assert can(operator, action, municipality) is (action == Action.VIEW_PUBLIC)


@pytest.mark.parametrize("action", list(Action))
def test_superuser_without_a_grant_may_only_view_the_public_atlas(municipality, action):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert can(superuser, action, municipality) is (action == Action.VIEW_PUBLIC)


@pytest.mark.parametrize("action", list(Action))
def test_active_grant_gives_reading_only(municipality, grant, action):
    assert can(grant.grantee, action, municipality) is (action in SUPPORT_ACTIONS)


def test_support_never_sees_suppressed_values():
    assert Action.VIEW_SUPPRESSED_VALUES not in SUPPORT_ACTIONS


def test_grant_ends_by_the_clock(municipality, grant):
    _end(grant)
    assert not can(grant.grantee, Action.VIEW_INTERNAL, municipality)


def test_revoked_grant_gives_nothing(municipality, grant, admin):
    services.revoke_support_grant(user=admin, grant=grant)
    assert not can(grant.grantee, Action.VIEW_INTERNAL, municipality)


def test_scheduled_grant_gives_nothing_before_its_start(municipality, admin, operator):
    services.grant_support_access(
        user=admin,
        municipality=municipality,
        grantee=operator,
        reason="Termin",
        starts_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert not can(operator, Action.VIEW_INTERNAL, municipality)


def test_grant_gives_nothing_once_the_account_is_no_longer_staff(municipality, grant):
    grant.grantee.is_staff = False
    grant.grantee.save()
    forget_cached_memberships(grant.grantee)
    assert not can(grant.grantee, Action.VIEW_INTERNAL, municipality)


def test_grant_gives_nothing_in_another_municipality(grant, other_municipality):
    assert not can(grant.grantee, Action.VIEW_INTERNAL, other_municipality)


def test_granted_municipality_is_offered_in_the_switcher(municipality, grant):
    assert list(member_municipalities(grant.grantee)) == [municipality]


def test_non_staff_requests_do_not_look_up_grants(client, municipality, member_of):
    client.force_login(member_of(municipality, Role.MEMBER))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/app/atlas/").status_code == 200
    assert not [q for q in queries if "accounts_supportgrant" in q["sql"]]


# --- granting and revoking -----------------------------------------------------------------


def test_grant_lasts_seven_days_by_default(grant):
    assert grant.ends_at - grant.starts_at == datetime.timedelta(days=7)
    assert grant.status() == SupportGrant.Status.ACTIVE


@pytest.mark.parametrize("role", [Role.DATA_ADMIN, Role.COORDINATOR, Role.LEADERSHIP, Role.MEMBER])
def test_only_municipal_admins_grant(municipality, member_of, operator, role):
    with pytest.raises(PermissionDenied):
        services.grant_support_access(
            user=member_of(municipality, role),
            municipality=municipality,
            grantee=operator,
            reason="Bitte",
        )
    assert not SupportGrant.objects.exists()


def test_admin_of_another_municipality_cannot_grant(municipality, other_municipality, member_of):
    with pytest.raises(PermissionDenied):
        services.grant_support_access(
            user=member_of(other_municipality, Role.MUNICIPAL_ADMIN),
            municipality=municipality,
            grantee=UserFactory(is_staff=True),
            reason="Fremd",
        )


@pytest.mark.parametrize("role", [Role.DATA_ADMIN, Role.MEMBER])
def test_only_municipal_admins_revoke(municipality, member_of, grant, role):
    with pytest.raises(PermissionDenied):
        services.revoke_support_grant(user=member_of(municipality, role), grant=grant)
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_operator_cannot_revoke_or_extend_its_own_grant(municipality, grant):
    with pytest.raises(PermissionDenied):
        services.revoke_support_grant(user=grant.grantee, grant=grant)
    with pytest.raises(PermissionDenied):
        services.grant_support_access(
            user=grant.grantee, municipality=municipality, grantee=grant.grantee, reason="Mehr"
        )


def test_grantee_must_be_staff(municipality, admin):
    with pytest.raises(services.AccountsError, match="Betreiberkonto"):
        services.grant_support_access(
            user=admin, municipality=municipality, grantee=UserFactory(), reason="Hilfe"
        )


def test_grantee_must_be_active(municipality, admin):
    inactive = UserFactory(is_staff=True, is_active=False)
    with pytest.raises(services.AccountsError):
        services.grant_support_access(
            user=admin, municipality=municipality, grantee=inactive, reason="Hilfe"
        )


def test_member_needs_no_grant(municipality, admin, member_of):
    staff_member = member_of(municipality, Role.MEMBER)
    staff_member.is_staff = True
    staff_member.save()
    with pytest.raises(services.AccountsError, match="Mitglied"):
        services.grant_support_access(
            user=admin, municipality=municipality, grantee=staff_member, reason="Hilfe"
        )


def test_reason_is_required(municipality, admin, operator):
    with pytest.raises(services.AccountsError, match="Grund"):
        services.grant_support_access(
            user=admin, municipality=municipality, grantee=operator, reason="  "
        )


@pytest.mark.parametrize("days", [0, 31])
def test_duration_is_one_to_thirty_days(municipality, admin, operator, days):
    with pytest.raises(services.AccountsError, match="30 Tage"):
        services.grant_support_access(
            user=admin, municipality=municipality, grantee=operator, reason="Hilfe", days=days
        )


def test_grant_cannot_start_in_the_past(municipality, admin, operator):
    with pytest.raises(services.AccountsError, match="Vergangenheit"):
        services.grant_support_access(
            user=admin,
            municipality=municipality,
            grantee=operator,
            reason="Hilfe",
            starts_at=timezone.now() - datetime.timedelta(days=1),
        )


def test_second_grant_while_one_is_in_force_is_refused(municipality, admin, grant):
    with pytest.raises(services.AccountsError, match="bereits"):
        services.grant_support_access(
            user=admin, municipality=municipality, grantee=grant.grantee, reason="Nochmal"
        )


def test_ended_grant_cannot_be_revoked(admin, grant):
    _end(grant)
    with pytest.raises(services.AccountsError, match="beendet"):
        services.revoke_support_grant(user=admin, grant=grant)


# --- reading under a grant, and its log --------------------------------------------------


@pytest.fixture
def operator_client(client, grant):
    client.force_login(grant.grantee)
    return client


def test_operator_reads_internal_pages_under_a_grant(operator_client, municipality):
    response = operator_client.get("/app/atlas/")
    assert response.status_code == 200
    assert "Musterstadt" in response.content.decode()


def test_every_internal_request_is_logged_with_method_path_and_status(
    operator_client, grant, municipality
):
    operator_client.get("/app/atlas/")
    operator_client.get(f"{API}/musterstadt/indicators/?topic=x")
    operator_client.get(f"{API}/musterstadt/indicators/999999/values/")
    logged = [
        (a.user, a.method, a.path, a.status_code) for a in SupportAccess.objects.order_by("pk")
    ]
    assert logged == [
        (grant.grantee, "GET", "/app/atlas/", 200),
        (grant.grantee, "GET", f"{API}/musterstadt/indicators/?topic=x", 200),
        (grant.grantee, "GET", f"{API}/musterstadt/indicators/999999/values/", 404),
    ]
    assert {a.grant_id for a in SupportAccess.objects.all()} == {grant.pk}


def test_public_pages_and_login_are_not_logged(operator_client):
    operator_client.get("/")
    operator_client.get("/atlas/musterstadt/")
    assert not SupportAccess.objects.exists()


def test_write_under_a_grant_is_refused_in_german_and_logged(operator_client, municipality):
    response = operator_client.post(
        f"{API}/musterstadt/bookmarks/", data={"title": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "nur lesend" in response.json()["detail"]
    access = SupportAccess.objects.get()
    assert (access.method, access.status_code) == ("POST", 403)


def test_page_write_under_a_grant_is_refused(operator_client):
    response = operator_client.post("/app/administration/settings/", data={"name": "Gekapert"})
    assert response.status_code == 403
    assert "nur lesend" in response.content.decode()


def test_token_requests_are_logged_and_writes_refused(client, grant):
    token = Token.objects.create(user=grant.grantee)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get(f"{API}/musterstadt/indicators/", **headers).status_code == 200
    refused = client.post(
        f"{API}/musterstadt/bookmarks/", data={}, content_type="application/json", **headers
    )
    assert refused.status_code == 403
    assert [(a.method, a.status_code) for a in SupportAccess.objects.order_by("pk")] == [
        ("GET", 200),
        ("POST", 403),
    ]


def test_operator_sees_suppressed_counts_as_k_a(operator_client, municipality):
    tree = make_tree(municipality, districts=2)
    indicator = count_indicator(municipality)
    store(indicator, 2024, dict(zip(tree["Bezirke"], [2, 60], strict=True)))
    body = operator_client.get(f"{API}/musterstadt/indicators/{indicator.pk}/values/").json()
    small = body["areas"][0]
    assert (small["value"], small["display"], small["suppressed_but_visible"]) == (
        None,
        "k. A.",
        False,
    )


def test_access_ends_by_the_clock_without_a_job(operator_client, grant):
    _end(grant)
    response = operator_client.get("/app/atlas/")
    assert response.status_code == 403
    assert not SupportAccess.objects.exists()


def test_switcher_selects_a_granted_municipality(client, municipality, other_municipality, admin):
    operator = UserFactory(username="betrieb-zwei", is_staff=True)
    other_admin = UserFactory(username="andere-admin")
    MembershipFactory(user=other_admin, municipality=other_municipality, roles=["municipal_admin"])
    for who, where in ((admin, municipality), (other_admin, other_municipality)):
        services.grant_support_access(user=who, municipality=where, grantee=operator, reason="x")
    client.force_login(operator)
    client.post("/municipality/switch/", data={"municipality": "musterstadt"})
    assert client.session[SESSION_KEY] == "musterstadt"
    assert "Musterstadt" in client.get("/app/atlas/").content.decode()
    assert SupportAccess.objects.get().grant.municipality == municipality


# --- the page "Support-Zugriffe" ---------------------------------------------------------


def test_members_page_links_to_support_access(client, admin):
    client.force_login(admin)
    assert "/app/administration/support/" in client.get("/app/administration/").content.decode()


def test_admin_grants_on_the_page(client, admin, operator, municipality):
    client.force_login(admin)
    response = client.post(
        "/app/administration/support/",
        data={"grantee": operator.pk, "reason": "Import klemmt", "days": 3},
        follow=True,
    )
    grant = SupportGrant.objects.get()
    assert (grant.grantee, grant.granted_by, grant.reason) == (operator, admin, "Import klemmt")
    assert grant.ends_at - grant.starts_at == datetime.timedelta(days=3)
    page = response.content.decode()
    assert "darf die internen Daten bis" in page
    assert "Import klemmt" in page


def test_page_shows_the_refusal_in_german(client, admin, operator, municipality):
    client.force_login(admin)
    response = client.post(
        "/app/administration/support/", data={"grantee": operator.pk, "reason": "x", "days": 45}
    )
    assert response.status_code == 200
    assert "kleiner oder gleich 30" in response.content.decode()
    assert not SupportGrant.objects.exists()


def test_page_offers_only_active_operator_accounts(client, admin, operator):
    UserFactory(username="kein-betrieb")
    UserFactory(username="alter-betrieb", is_staff=True, is_active=False)
    client.force_login(admin)
    page = client.get("/app/administration/support/").content.decode()
    assert "betrieb" in page
    assert "kein-betrieb" not in page
    assert "alter-betrieb" not in page


def test_admin_revokes_on_the_page(client, admin, grant):
    client.force_login(admin)
    client.post(f"/app/administration/support/{grant.pk}/revoke/")
    grant.refresh_from_db()
    assert (grant.revoked_by, grant.status()) == (admin, SupportGrant.Status.REVOKED)


def test_admin_reads_the_access_log_of_a_grant(client, admin, grant, operator_client):
    operator_client.get("/app/atlas/")
    client.force_login(admin)
    page = client.get(f"/app/administration/support/{grant.pk}/").content.decode()
    assert "/app/atlas/" in page
    assert "Ticket 4711" in page


@pytest.mark.parametrize("role", [Role.DATA_ADMIN, Role.MEMBER])
def test_support_page_is_for_municipal_admins_only(client, municipality, member_of, role):
    client.force_login(member_of(municipality, role))
    assert client.get("/app/administration/support/").status_code == 403


def test_operator_cannot_open_the_support_page(operator_client, grant):
    assert operator_client.get("/app/administration/support/").status_code == 403
    assert operator_client.get(f"/app/administration/support/{grant.pk}/").status_code == 403


def test_grant_of_another_municipality_is_not_found(client, grant, other_municipality, member_of):
    client.force_login(member_of(other_municipality, Role.MUNICIPAL_ADMIN))
    assert client.get(f"/app/administration/support/{grant.pk}/").status_code == 404
    assert client.post(f"/app/administration/support/{grant.pk}/revoke/").status_code == 404


# --- the API ---------------------------------------------------------------------------------


def test_api_lists_grants_with_their_access_count(client, admin, grant, operator_client):
    operator_client.get("/app/atlas/")
    client.force_login(admin)
    [item] = client.get(f"{API}/musterstadt/support-grants/").json()
    assert (item["grantee"], item["status"], item["granted_by"], item["access_count"]) == (
        "betrieb",
        "active",
        "kommunal-admin",
        1,
    )


def test_api_grants_support_access(client, admin, operator):
    client.force_login(admin)
    response = client.post(
        f"{API}/musterstadt/support-grants/",
        data={"grantee": "betrieb", "reason": "Ticket 1", "days": 2},
        content_type="application/json",
    )
    assert response.status_code == 201
    grant = SupportGrant.objects.get()
    assert response.json()["id"] == grant.pk
    assert grant.ends_at - grant.starts_at == datetime.timedelta(days=2)


def test_api_refuses_a_non_operator_in_german(client, admin, member_of):
    UserFactory(username="normal")
    client.force_login(admin)
    response = client.post(
        f"{API}/musterstadt/support-grants/",
        data={"grantee": "normal", "reason": "Ticket 1"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Betreiberkonto" in response.json()["detail"][0]


def test_api_revokes(client, admin, grant):
    client.force_login(admin)
    response = client.post(f"{API}/musterstadt/support-grants/{grant.pk}/revoke/")
    assert (response.status_code, response.json()["status"]) == (200, "revoked")


def test_api_lists_the_access_log(client, admin, grant, operator_client):
    operator_client.get("/app/atlas/")
    client.force_login(admin)
    body = client.get(f"{API}/musterstadt/support-access/?grant={grant.pk}").json()
    assert body["count"] == 1
    entry = body["results"][0]
    assert (entry["user"], entry["method"], entry["path"], entry["status_code"]) == (
        "betrieb",
        "GET",
        "/app/atlas/",
        200,
    )


@pytest.mark.parametrize("path", ["support-grants/", "support-access/"])
def test_api_refuses_members_who_are_no_municipal_admins(client, municipality, member_of, path):
    client.force_login(member_of(municipality, Role.DATA_ADMIN))
    assert client.get(f"{API}/musterstadt/{path}").status_code == 403


@pytest.mark.parametrize("path", ["support-grants/", "support-access/"])
def test_api_hides_grants_from_outsiders_and_the_operator(client, grant, path):
    # Not logged in: DRF answers 403 where the first authentication is the session's.
    assert client.get(f"{API}/musterstadt/{path}").status_code == 403
    client.force_login(UserFactory(username="fremd", is_staff=True))
    assert client.get(f"{API}/musterstadt/{path}").status_code == 404
    client.force_login(grant.grantee)
    assert client.get(f"{API}/musterstadt/{path}").status_code == 403


# --- the Django admin ------------------------------------------------------------------------


def test_no_django_admin_serves_tenant_data_to_staff(client, grant, settings):
    """Staff could otherwise read every municipality through django.contrib.admin. Where it is
    installed, every registered model must stay out of reach of a staff account without a
    grant: its changelist refused, or no tenant model registered at all."""
    from django.apps import apps

    staff = UserFactory(username="betrieb-ohne", is_staff=True)
    client.force_login(staff)
    if not apps.is_installed("django.contrib.admin"):
        assert client.get("/admin/").status_code == 404
        return
    from django.contrib import admin
    from django.urls import reverse

    from tests.foundation.isolation import _path_to_municipality

    for model in admin.site._registry:
        if _path_to_municipality(model) is None:
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code in (302, 403, 404), url
