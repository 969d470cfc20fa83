"""The API against its own OpenAPI schema: schemathesis generates requests for every operation
(reads and writes) as a coordinator of the Vechta demo, in-process through the WSGI app, and
checks that no answer is a server error and every answer conforms to the schema.

Bounded for CI: a few derandomized examples per operation; each example runs in a savepoint
that is rolled back, so writes of one example do not change the next.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# The schema as /api/schema/ serves it, built without a request so that collection needs no DB.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
# Requests the schema allows: what a client may send must never break the server or the schema.
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE])
APP = get_wsgi_application()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def coordinator_token(django_db_setup, django_db_blocker):
    """The demo and an API token of its coordinator (token auth: no CSRF token to fake)."""
    from django.contrib.auth import get_user_model

    from keck.demo import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            load_demo()
        user = get_user_model().objects.get(username="demo-koordination")
        yield Token.objects.create(user=user).key
        transaction.set_rollback(True)


@contextmanager
def _connections_kept():
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_api_answers_every_request_within_its_schema(case, coordinator_token):
    # The demo's municipality, so that requests reach real data instead of a 404 for a random
    # slug; ids stay random (mostly 404, which the schema documents).
    if "slug" in (case.path_parameters or {}):
        case.path_parameters["slug"] = "vechta"
    # The WSGI app sends request_started/finished, whose close_old_connections would close the
    # test's database connection (PostgreSQL keeps connections, CONN_MAX_AGE); Django's own test
    # client switches it off the same way.
    with transaction.atomic(), _connections_kept():
        response = case.call(
            app=APP,
            headers={
                "Authorization": f"Token {coordinator_token}",
                "Host": "testserver",
                # The in-process transport hands over the bytes as sent: no gzip to undo.
                "Accept-Encoding": "identity",
            },
        )
        case.validate_response(response, checks=CHECKS)
        transaction.set_rollback(True)
