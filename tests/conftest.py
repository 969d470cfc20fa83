"""Shared fixtures: two municipalities with a user per role, and the Vechta demo."""

import pytest

from accounts.models import Role

from .factories import MembershipFactory, MunicipalityFactory, UserFactory


def _transactional(item) -> bool | None:
    """True for a test that commits (and empties the tables after it), False for one in a
    rolled-back transaction, None for one without the database."""
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    if (marker and marker.kwargs.get("transaction")) or names & {"transactional_db", "live_server"}:
        return True
    if marker or "db" in names:
        return False
    return None


def pytest_collection_modifyitems(config, items):
    """A test file holds rolled-back or committing database tests, not both.

    pytest-django runs committing tests after the others, but `--dist loadfile` sends a whole
    file to one process: the tables a committing test empties (the question catalogues the
    migrations load) would be missing for the tests that process runs next.
    """
    kinds: dict[str, set] = {}
    for item in items:
        kind = _transactional(item)
        if kind is not None:
            kinds.setdefault(item.nodeid.split("::")[0], set()).add(kind)
    mixed = sorted(path for path, found in kinds.items() if len(found) == 2)
    if mixed:
        raise pytest.UsageError(
            "Committing (transactional) and rolled-back database tests in one file: "
            + ", ".join(mixed)
        )


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(slug="musterstadt", name="Musterstadt")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(slug="andere-stadt", name="Andere Stadt")


@pytest.fixture
def member_of(db):
    """member_of(municipality, *roles) -> a new user with those roles there."""

    def make(municipality, *roles, username=None, data_topics=None):
        roles = list(roles) or [Role.MEMBER]
        user = UserFactory(username=username) if username else UserFactory()
        MembershipFactory(
            user=user, municipality=municipality, roles=roles, data_topics=data_topics or []
        )
        return user

    return make


@pytest.fixture
def demo(db, settings):
    """The Vechta demo as `make run` loads it."""
    from keck.demo import load_demo

    return load_demo()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords with a fast hasher: PBKDF2's deliberate slowness is for production."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_atlas_cache():
    """Cached atlas results outlive a test's rolled-back database (atlas_data/cache.py)."""
    from django.core.cache import caches

    caches["atlas"].clear()
    caches["atlas_versions"].clear()
