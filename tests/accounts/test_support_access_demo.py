"""The demo's support access (keck/demo_consent.py): an ended grant and its log.

Run on a small municipality with the demo's admin instead of the whole Vechta demo (which
loads for many seconds); tests/foundation/test_demo.py loads the whole demo twice and proves
that this part, too, adds nothing the second time.
"""

import pytest

from accounts import services
from accounts.models import Role, SupportAccess, SupportGrant
from accounts.permissions import Action, can
from keck.demo_consent import ACCESSES, OPERATOR, load_demo_consent


@pytest.fixture
def grant(municipality, member_of):
    member_of(municipality, Role.MUNICIPAL_ADMIN, username="demo-admin")
    load_demo_consent(municipality)
    return SupportGrant.objects.select_related("grantee", "granted_by").get(
        municipality=municipality
    )


def test_demo_has_an_ended_grant_of_the_admin_to_the_operator(grant):
    assert (grant.grantee.username, grant.granted_by.username) == (OPERATOR, "demo-admin")
    assert grant.status() == SupportGrant.Status.ENDED
    assert grant.accesses.count() == len(ACCESSES)


def test_demo_is_created_once(municipality, grant):
    load_demo_consent(municipality)
    assert SupportGrant.objects.count() == 1
    assert SupportAccess.objects.count() == len(ACCESSES)


def test_demo_operator_cannot_log_in_and_reads_nothing(municipality, grant):
    """Demo passwords are public: the operator account has none and is no staff."""
    assert not grant.grantee.has_usable_password()
    assert not grant.grantee.is_staff
    assert not can(grant.grantee, Action.VIEW_INTERNAL, municipality)


def test_demo_log_is_what_the_operator_gets_under_a_new_grant(client, municipality, grant):
    """The invented log is no fiction: replayed under a grant in force, every request gets the
    status the demo shows (the account made an operator, as on a real installation)."""
    grant.grantee.is_staff = True
    grant.grantee.save(update_fields=["is_staff"])
    services.grant_support_access(
        user=grant.granted_by, municipality=municipality, grantee=grant.grantee, reason="Replay"
    )
    client.force_login(grant.grantee)
    for _minutes, method, path, status in ACCESSES:
        response = getattr(client, method.lower())(path.format(slug=municipality.slug))
        assert response.status_code == status, path


def test_demo_admin_sees_the_log(client, grant):
    client.force_login(grant.granted_by)
    page = client.get(f"/app/administration/support/{grant.pk}/").content.decode()
    assert "2026-117" in page
    assert "/app/atlas/bookmarks/new/" in page
