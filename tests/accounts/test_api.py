"""GET /api/v1/municipalities/: the municipalities the caller may see (issue 2, item 8)."""

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Role
from tests.factories import MunicipalityFactory, UserFactory

URL = "/api/v1/municipalities/"


@pytest.fixture
def municipalities(db):
    return {
        "public": MunicipalityFactory(slug="offenstadt", name="Offenstadt"),
        "own": MunicipalityFactory(
            slug="eigenstadt", name="Eigenstadt", public_atlas_enabled=False
        ),
        "foreign": MunicipalityFactory(
            slug="fremdstadt", name="Fremdstadt", public_atlas_enabled=False
        ),
    }


def slugs(response) -> list[str]:
    assert response.status_code == 200
    return [item["slug"] for item in response.json()]


def test_anonymous_sees_only_municipalities_with_a_public_atlas(client, municipalities):
    assert slugs(client.get(URL)) == ["offenstadt"]


def test_anonymous_may_only_view_the_public_atlas(client, municipalities):
    [item] = client.get(URL).json()

    assert item == {
        "slug": "offenstadt",
        "name": "Offenstadt",
        "kind": "city",
        "official_key": "",
        "actions": ["view_public"],
    }


def test_member_also_sees_its_own_municipality_without_public_atlas(
    client, municipalities, member_of
):
    client.force_login(member_of(municipalities["own"], Role.MEMBER))

    assert slugs(client.get(URL)) == ["eigenstadt", "offenstadt"]


def test_member_never_sees_another_non_public_municipality(client, municipalities, member_of):
    client.force_login(member_of(municipalities["own"], Role.MUNICIPAL_ADMIN))

    assert "fremdstadt" not in slugs(client.get(URL))


def test_member_gets_its_actions_per_municipality(client, municipalities, member_of):
    client.force_login(member_of(municipalities["own"], Role.COORDINATOR))

    actions = {item["slug"]: item["actions"] for item in client.get(URL).json()}

    assert "run_cycle" in actions["eigenstadt"]
    assert "manage_members" not in actions["eigenstadt"]
    assert actions["offenstadt"] == ["view_public"]


def test_superuser_without_membership_sees_only_public_atlases(client, municipalities):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    assert slugs(client.get(URL)) == ["offenstadt"]


def test_token_authentication_identifies_the_member(client, municipalities, member_of):
    user = member_of(municipalities["own"], Role.MEMBER)
    token = Token.objects.create(user=user)

    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token.key}")

    assert slugs(response) == ["eigenstadt", "offenstadt"]


def test_wrong_token_is_refused_in_german(client, municipalities):
    response = client.get(URL, HTTP_AUTHORIZATION="Token " + "0" * 40)

    # 403, not 401: DRF answers with the first authentication class, session authentication.
    assert response.status_code == 403
    assert response.json() == {"detail": "Ungültiges Token"}


def test_token_of_an_inactive_user_is_refused(client, municipalities, member_of):
    user = member_of(municipalities["own"], Role.MEMBER)
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save()

    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 403


def test_municipalities_list_is_read_only(client, municipalities, member_of):
    client.force_login(member_of(municipalities["own"], Role.MUNICIPAL_ADMIN))

    response = client.post(URL, {"slug": "neu", "name": "Neu"}, content_type="application/json")

    assert response.status_code == 405


def test_municipalities_list_runs_a_constant_number_of_queries(
    client, municipalities, member_of, django_assert_max_num_queries
):
    client.force_login(member_of(municipalities["own"], Role.MEMBER))
    for n in range(10):
        MunicipalityFactory(slug=f"weitere-{n}")

    with django_assert_max_num_queries(6):
        client.get(URL)
