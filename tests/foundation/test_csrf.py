"""CSRF everywhere (issue 9, point 6): every URL of the project refuses a POST without CSRF token
from a logged-in browser session, pages through Django's CsrfViewMiddleware, the API through
DRF's SessionAuthentication. No view is exempt."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from accounts.models import Role

pytestmark = pytest.mark.django_db

# Sample values for the path converters; the CSRF check runs before any view looks them up.
SAMPLES = {"int": "1", "slug": "musterstadt", "str": "x", "path": "x/y", "uuid": "0" * 32}
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?\w+>")

# Views allowed to take a POST without CSRF token, each with its reason. Empty: token-less
# clients use the API with a token (TokenAuthentication), which needs no CSRF protection
# because no browser sends it by itself.
CSRF_EXEMPT: dict[str, str] = {}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def every_url() -> list[tuple[str, str]]:
    """(path, route) of every URL pattern, with sample values for its parameters."""
    urls = []
    for route, _pattern in _walk(get_resolver().url_patterns):
        path = "/" + PARAMETER.sub(lambda m: SAMPLES[m.group("converter") or "str"], route)
        urls.append((path, route))
    return urls


def refused_for_csrf(response) -> bool:
    """403 with CSRF as the reason: Django's failure page names it, DRF its detail (which an
    HTML renderer such as Swagger UI's page does not show, so its data is read)."""
    detail = str(getattr(response, "data", None) or "")
    return response.status_code == 403 and (b"CSRF" in response.content or "CSRF" in detail)


@pytest.fixture
def browser(municipality, member_of):
    """A logged-in browser session of a municipal admin (every role's pages are reachable)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_of(municipality, Role.MUNICIPAL_ADMIN))
    return client


def test_every_url_of_the_project_is_walked():
    urls = every_url()
    unresolved = []
    for path, route in urls:
        try:
            resolve(path)
        except Resolver404:
            unresolved.append(route)

    assert len(urls) > 200
    assert unresolved == []


def test_every_url_refuses_a_post_without_csrf_token(browser):
    accepted = []
    for path, route in every_url():
        if route in CSRF_EXEMPT:
            continue
        response = browser.post(path, {"anything": "1"})
        if not refused_for_csrf(response):
            accepted.append(f"{route} -> {response.status_code}")

    assert accepted == []


def test_an_api_write_without_csrf_token_is_refused_and_with_it_accepted(browser, municipality):
    url = f"/api/v1/municipalities/{municipality.slug}/bookmarks/"
    data = {"title": "Kinderarmut", "view": "map", "state": {}}

    refused = browser.post(url, data, content_type="application/json")
    browser.get("/app/atlas/")  # a page sets the CSRF cookie, as in the browser
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(url, data, content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert b"CSRF" not in accepted.content


def test_the_login_form_refuses_a_post_without_csrf_token(member_of, municipality):
    user = member_of(municipality, Role.MEMBER)
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "Test-Passwort-1!"}
    )

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
