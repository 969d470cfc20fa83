"""Fixtures of the foundation tests: the two municipalities of the tenant isolation proof."""

import pytest
from django.db import transaction

from .isolation import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """B (the Vechta demo, marked) and A (a user per role), built once per test file.

    Loading the demo takes seconds, so it happens once in an outer transaction that is rolled
    back after the file; each test runs in a savepoint inside it and is rolled back on its own.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)
