"""Login throttling with django-axes and session expiry (issue 9, point 6)."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MEMBERS = "/app/administration/"
OFFICE = "10.1.2.3"
HOME_OFFICE = "10.9.8.7"


@pytest.fixture
def member(municipality, member_of):
    return member_of(municipality, Role.MEMBER, username="sachbearbeitung")


@pytest.fixture
def admin(municipality, member_of):
    return member_of(municipality, Role.MUNICIPAL_ADMIN, username="kommunen-admin")


def attempt(client: Client, username: str, password: str, *, address: str = OFFICE):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int, *, address: str = OFFICE):
    for _ in range(times):
        response = attempt(client, username, "falsches-Passwort-1!", address=address)
    return response


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- throttling ---------------------------------------------------------------------------------


def test_failures_below_the_limit_show_the_login_form_again(client, member):
    response = fail(client, member.username, settings.AXES_FAILURE_LIMIT - 1)

    assert response.status_code == 200
    assert not logged_in(client)


def test_the_failure_at_the_limit_locks_the_login_with_a_german_page(client, member):
    response = fail(client, member.username, settings.AXES_FAILURE_LIMIT)

    page = response.content.decode()
    assert response.status_code == 429
    assert "Anmeldung gesperrt" in page
    assert "Administration Ihrer Kommune" in page


def test_the_lock_page_names_the_time_to_try_again(client, member):
    before = timezone.now()

    response = fail(client, member.username, settings.AXES_FAILURE_LIMIT)

    retry_at = response.context["retry_at"]
    cool_off = settings.AXES_COOLOFF_TIME
    assert before + cool_off <= retry_at <= timezone.now() + cool_off
    assert f"bis {retry_at:%H:%M}" in response.content.decode()


def test_the_correct_password_is_refused_while_locked(client, member):
    fail(client, member.username, settings.AXES_FAILURE_LIMIT)

    response = attempt(client, member.username, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lock_holds_for_the_username_at_that_address_only(client, member):
    fail(client, member.username, settings.AXES_FAILURE_LIMIT, address=OFFICE)

    response = attempt(client, member.username, PASSWORD, address=HOME_OFFICE)

    assert response.status_code == 302
    assert logged_in(client)


def test_the_lock_ends_after_the_cool_off_time(client, member):
    fail(client, member.username, settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )

    response = attempt(client, member.username, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_a_successful_login_resets_the_failure_count(client, member):
    fail(client, member.username, settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, member.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))

    response = fail(client, member.username, settings.AXES_FAILURE_LIMIT - 1)

    assert response.status_code == 200
    assert attempt(client, member.username, PASSWORD).status_code == 302


# --- unlocking ----------------------------------------------------------------------------------


def test_the_members_page_marks_a_locked_member_for_the_municipal_admin(member, admin):
    fail(Client(), member.username, settings.AXES_FAILURE_LIMIT)
    client = Client()
    client.force_login(admin)

    page = client.get(MEMBERS).content.decode()

    assert "gesperrt" in page
    assert "Anmeldung entsperren" in page


def test_the_municipal_admin_unlocks_a_member_who_can_then_log_in(member, admin):
    fail(Client(), member.username, settings.AXES_FAILURE_LIMIT)
    admin_client = Client()
    admin_client.force_login(admin)

    response = admin_client.post(f"{MEMBERS}members/{member.memberships.get().pk}/unlock/")

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=member.username).exists()
    client = Client()
    assert attempt(client, member.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_only_a_municipal_admin_may_unlock(municipality, member, member_of):
    fail(Client(), member.username, settings.AXES_FAILURE_LIMIT)
    coordinator = Client()
    coordinator.force_login(member_of(municipality, Role.COORDINATOR))

    response = coordinator.post(f"{MEMBERS}members/{member.memberships.get().pk}/unlock/")

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username=member.username).exists()


def test_an_admin_cannot_unlock_a_member_of_another_municipality(
    other_municipality, member_of, admin
):
    stranger = member_of(other_municipality, Role.MEMBER)
    fail(Client(), stranger.username, settings.AXES_FAILURE_LIMIT)
    client = Client()
    client.force_login(admin)

    response = client.post(f"{MEMBERS}members/{stranger.memberships.get().pk}/unlock/")

    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username=stranger.username).exists()


def test_the_operator_command_unlocks_a_username(client, member):
    fail(client, member.username, settings.AXES_FAILURE_LIMIT)

    call_command("axes_reset_username", member.username)

    assert attempt(client, member.username, PASSWORD).status_code == 302


# --- sessions -----------------------------------------------------------------------------------


def test_the_session_cookie_ends_with_the_browser(client, member):
    response = attempt(client, member.username, PASSWORD)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"]


def test_the_session_ends_one_working_day_after_the_login(client, member):
    attempt(client, member.username, PASSWORD)

    session = Session.objects.get(session_key=client.session.session_key)

    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < remaining <= datetime.timedelta(hours=8)


def test_an_expired_session_leads_back_to_the_login(client, member):
    attempt(client, member.username, PASSWORD)
    assert client.get(MEMBERS.replace("administration", "atlas")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(MEMBERS.replace("administration", "atlas"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
