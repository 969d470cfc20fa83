"""Security headers and the Content-Security-Policy on pages, the API and the public atlas, and
templates free of inline scripts (issue 9, point 6)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture
def member(municipality, member_of):
    client = Client()
    client.force_login(member_of(municipality, Role.MEMBER))
    return client


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


# (path, as a logged-in member?): the public start page and atlas, an internal page, the API and
# its docs.
PAGES = [
    ("/", False),
    ("/atlas/musterstadt/", False),
    ("/app/atlas/", True),
    ("/api/v1/municipalities/", True),
    ("/api/docs/", False),
]


@pytest.fixture(params=PAGES, ids=[path for path, _member in PAGES])
def response(request, municipality, member):
    path, as_member = request.param
    answer = (member if as_member else Client()).get(path)
    assert answer.status_code == 200, path
    return answer


def test_scripts_only_from_our_own_origin_without_inline_or_eval(response):
    policy = directives(response)

    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("default-src", [])


def test_no_framing_no_plugins_no_foreign_form_targets_or_base(response):
    policy = directives(response)

    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]


def test_images_from_our_origin_data_and_blob_only(response):
    assert directives(response)["img-src"] == ["'self'", "data:", "blob:"]


def test_the_other_security_headers_are_sent(response):
    headers = response.headers

    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_a_configured_tile_server_is_allowed_for_images_only(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.CONTENT_SECURITY_POLICY['DIRECTIVES']; print(d['img-src'], d['script-src'])"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "keck.settings",
        "DEBUG": "true",
        "KECK_VAR_DIR": str(tmp_path),
        "KECK_TILE_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png",
    }

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "https://*.tile.example.org" in result.stdout
    assert result.stdout.strip().endswith("[\"'self'\"]")


# The policy forbids inline scripts: a template with one would break in the browser.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|action|src)\s*=\s*["']\s*javascript:""", re.I)


def _templates():
    return sorted(p for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("inline <script>", INLINE_SCRIPT),
        ("on…= handler", EVENT_HANDLER),
        ("javascript:", JAVASCRIPT_URL),
    ],
)
def test_no_template_has_inline_script(name, pattern):
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)[:80]}"
        for path in _templates()
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]

    assert found == [], f"{name} in templates"
