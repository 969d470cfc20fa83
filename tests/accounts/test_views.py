"""The administration pages and the municipality switcher (issue 2, items 5 and 6)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client

from accounts.middleware import SESSION_KEY
from accounts.models import Membership, Municipality, Role
from tests.factories import MembershipFactory, UserFactory

User = get_user_model()

MEMBERS = "/app/administration/"
ADD = "/app/administration/members/add/"
SETTINGS = "/app/administration/settings/"
ADMIN_PAGES = [MEMBERS, ADD, SETTINGS]
NON_ADMIN_ROLES = [Role.DATA_ADMIN, Role.COORDINATOR, Role.LEADERSHIP, Role.MEMBER]


def edit_url(membership) -> str:
    return f"/app/administration/members/{membership.pk}/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def admin(municipality, member_of):
    return member_of(municipality, Role.MUNICIPAL_ADMIN, username="kommunen-admin")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


# --- access -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_administration_pages_open_for_the_municipal_admin(admin_client, url):
    assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
def test_member_edit_page_opens_for_the_municipal_admin(admin_client, admin):
    response = admin_client.get(edit_url(admin.memberships.get()))

    assert response.status_code == 200
    assert admin.username in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_administration_pages_are_forbidden_for_other_roles(
    client, municipality, member_of, role, url
):
    client.force_login(member_of(municipality, role))

    assert client.get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_member_edit_is_forbidden_for_other_roles(client, municipality, admin, member_of, role):
    client.force_login(member_of(municipality, role))
    membership = admin.memberships.get()

    response = client.post(edit_url(membership), {"remove": "1"})

    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_adding_a_member_is_forbidden_for_a_coordinator(client, municipality, member_of):
    client.force_login(member_of(municipality, Role.COORDINATOR))

    response = client.post(ADD, {"username": "neu", "roles": [Role.MUNICIPAL_ADMIN]})

    assert response.status_code == 403
    assert not User.objects.filter(username="neu").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_administration_pages_send_anonymous_visitors_to_the_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_administration_is_forbidden_for_a_user_without_municipality(client):
    client.force_login(UserFactory())

    assert client.get(MEMBERS).status_code == 403


@pytest.mark.django_db
def test_administration_menu_entry_is_shown_only_to_municipal_admins(
    client, municipality, admin, member_of
):
    client.force_login(admin)
    assert MEMBERS in client.get("/app/atlas/").content.decode()

    client.force_login(member_of(municipality, Role.COORDINATOR))
    assert MEMBERS not in client.get("/app/atlas/").content.decode()


# --- the member list ----------------------------------------------------------------------


@pytest.mark.django_db
def test_member_list_shows_the_members_of_the_own_municipality_only(
    admin_client, municipality, other_municipality, member_of
):
    member_of(municipality, Role.COORDINATOR, username="eigene-koordination")
    member_of(other_municipality, Role.COORDINATOR, username="fremde-koordination")

    page = admin_client.get(MEMBERS).content.decode()

    assert "eigene-koordination" in page
    assert "fremde-koordination" not in page


# --- adding members -------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_adds_a_new_member_and_sees_the_one_time_password_once(admin_client, municipality):
    response = admin_client.post(
        ADD,
        {
            "username": "neue-planerin",
            "email": "planerin@example.org",
            "first_name": "Paula",
            "last_name": "Plan",
            "roles": [Role.COORDINATOR, Role.LEADERSHIP],
            "data_topics": "",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == MEMBERS
    user = User.objects.get(username="neue-planerin")
    assert (user.email, user.first_name, user.last_name) == (
        "planerin@example.org",
        "Paula",
        "Plan",
    )
    membership = Membership.objects.get(user=user, municipality=municipality)
    assert membership.roles == [Role.COORDINATOR, Role.LEADERSHIP]
    [message] = messages_of(response)
    password = re.search(r": (\S+)$", message).group(1)
    assert user.check_password(password)


@pytest.mark.django_db
def test_admin_adds_a_data_admin_limited_to_topics(admin_client, municipality):
    admin_client.post(
        ADD, {"username": "statistik", "roles": [Role.DATA_ADMIN], "data_topics": "bildung, wohnen"}
    )

    membership = Membership.objects.get(user__username="statistik")
    assert membership.data_topics == ["bildung", "wohnen"]


@pytest.mark.django_db
def test_admin_adds_an_existing_user_from_another_municipality(
    admin_client, municipality, other_municipality, member_of
):
    other = member_of(other_municipality, Role.COORDINATOR, username="kreis-koordination")

    response = admin_client.post(
        ADD,
        {"username": "kreis-koordination", "email": "boese@example.org", "roles": [Role.MEMBER]},
    )

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.email == "kreis-koordination@example.org"
    assert set(other.memberships.values_list("municipality", flat=True)) == {
        municipality.pk,
        other_municipality.pk,
    }
    assert "Einmal" not in " ".join(messages_of(response))


@pytest.mark.django_db
def test_adding_a_member_without_role_shows_the_form_again(admin_client):
    response = admin_client.post(ADD, {"username": "neu"})

    assert response.status_code == 200
    assert response.context["form"].errors["roles"]
    assert not User.objects.filter(username="neu").exists()


@pytest.mark.django_db
def test_adding_a_member_with_an_invalid_username_shows_the_form_again(admin_client):
    response = admin_client.post(ADD, {"username": "kein name!", "roles": [Role.MEMBER]})

    assert response.status_code == 200
    assert response.context["form"].errors["username"]


@pytest.mark.django_db
def test_admin_cannot_demote_itself_through_the_add_form(admin_client, admin):
    response = admin_client.post(ADD, {"username": admin.username, "roles": [Role.MEMBER]})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert admin.memberships.get().roles == [Role.MUNICIPAL_ADMIN]


# --- changing roles and removing ---------------------------------------------------------


@pytest.mark.django_db
def test_admin_changes_the_roles_of_a_member(admin_client, municipality, member_of):
    membership = member_of(municipality, Role.MEMBER).memberships.get()

    response = admin_client.post(
        edit_url(membership), {"roles": [Role.DATA_ADMIN], "data_topics": "bildung"}
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.roles == [Role.DATA_ADMIN]
    assert membership.data_topics == ["bildung"]


@pytest.mark.django_db
def test_admin_removes_a_member(admin_client, municipality, member_of):
    user = member_of(municipality, Role.MEMBER)

    response = admin_client.post(edit_url(user.memberships.get()), {"remove": "1"})

    assert response.status_code == 302
    assert response["Location"] == MEMBERS
    assert not Membership.objects.filter(user=user).exists()
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_last_admin_cannot_remove_itself(admin_client, admin):
    membership = admin.memberships.get()

    response = admin_client.post(edit_url(membership), {"remove": "1"})

    assert response.status_code == 302
    assert response["Location"] == edit_url(membership)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert len(messages_of(response)) == 1


@pytest.mark.django_db
def test_last_admin_cannot_drop_its_admin_role(admin_client, admin):
    membership = admin.memberships.get()

    response = admin_client.post(edit_url(membership), {"roles": [Role.MEMBER]})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    membership.refresh_from_db()
    assert membership.roles == [Role.MUNICIPAL_ADMIN]


@pytest.mark.django_db
def test_admin_may_remove_itself_when_another_admin_remains(
    admin_client, municipality, admin, member_of
):
    member_of(municipality, Role.MUNICIPAL_ADMIN)

    admin_client.post(edit_url(admin.memberships.get()), {"remove": "1"})

    assert not admin.memberships.exists()


@pytest.mark.django_db
def test_admin_of_one_municipality_cannot_open_a_membership_of_another(
    admin_client, other_municipality, member_of
):
    membership = member_of(other_municipality, Role.MEMBER).memberships.get()

    assert admin_client.get(edit_url(membership)).status_code == 404


@pytest.mark.django_db
def test_admin_of_one_municipality_cannot_change_a_membership_of_another(
    admin_client, other_municipality, member_of
):
    membership = member_of(other_municipality, Role.MEMBER).memberships.get()

    response = admin_client.post(edit_url(membership), {"roles": [Role.MUNICIPAL_ADMIN]})

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.roles == [Role.MEMBER]


@pytest.mark.django_db
def test_admin_of_one_municipality_cannot_remove_a_membership_of_another(
    admin_client, other_municipality, member_of
):
    membership = member_of(other_municipality, Role.MEMBER).memberships.get()

    assert admin_client.post(edit_url(membership), {"remove": "1"}).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_admin_in_one_municipality_is_no_admin_after_switching_to_another(
    client, municipality, other_municipality
):
    user = UserFactory()
    MembershipFactory(user=user, municipality=municipality, roles=[Role.MUNICIPAL_ADMIN])
    MembershipFactory(user=user, municipality=other_municipality, roles=[Role.MEMBER])
    client.force_login(user)
    client.post("/municipality/switch/", {"municipality": other_municipality.slug})

    assert client.get(MEMBERS).status_code == 403
    assert client.get(SETTINGS).status_code == 403


# --- municipality settings -------------------------------------------------------------------


def settings_data(**changes) -> dict:
    data = {
        "name": "Musterstadt",
        "official_key": "03460001",
        "kind": Municipality.Kind.TOWN,
        "suppression_threshold": "5",
        "min_children_per_area": "60",
        "public_atlas_enabled": "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_admin_saves_the_municipality_settings(admin_client, municipality):
    response = admin_client.post(SETTINGS, settings_data())

    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.official_key == "03460001"
    assert municipality.kind == Municipality.Kind.TOWN
    assert municipality.suppression_threshold == 5
    assert municipality.min_children_per_area == 60
    assert municipality.suppress_zero is False
    assert municipality.public_atlas_enabled is False


@pytest.mark.django_db
def test_settings_refuse_a_suppression_threshold_of_zero(admin_client, municipality):
    response = admin_client.post(SETTINGS, settings_data(suppression_threshold="0"))

    assert response.status_code == 200
    assert response.context["form"].errors["suppression_threshold"]
    municipality.refresh_from_db()
    assert municipality.suppression_threshold == 3


@pytest.mark.django_db
def test_settings_of_the_own_municipality_only_are_changed(
    admin_client, municipality, other_municipality
):
    admin_client.post(SETTINGS, settings_data(name="Umbenannt"))

    other_municipality.refresh_from_db()
    assert other_municipality.name == "Andere Stadt"
    municipality.refresh_from_db()
    assert municipality.name == "Umbenannt"


# --- the municipality switcher ------------------------------------------------------------


@pytest.fixture
def two_municipality_user(municipality, other_municipality):
    user = UserFactory(username="kreis-und-stadt")
    MembershipFactory(user=user, municipality=municipality, roles=[Role.MEMBER])
    MembershipFactory(user=user, municipality=other_municipality, roles=[Role.COORDINATOR])
    return user


@pytest.mark.django_db
def test_first_municipality_by_name_is_current_without_a_choice(client, two_municipality_user):
    client.force_login(two_municipality_user)

    response = client.get("/app/atlas/")

    assert response.context["municipality"].slug == "andere-stadt"


@pytest.mark.django_db
def test_switcher_is_shown_to_users_in_several_municipalities(client, two_municipality_user):
    client.force_login(two_municipality_user)

    page = client.get("/app/atlas/").content.decode()

    assert 'action="/municipality/switch/"' in page
    assert 'value="musterstadt"' in page


@pytest.mark.django_db
def test_switcher_is_not_shown_to_users_in_one_municipality(client, municipality, member_of):
    client.force_login(member_of(municipality))

    assert 'action="/municipality/switch/"' not in client.get("/app/atlas/").content.decode()


@pytest.mark.django_db
def test_switcher_switches_to_another_own_municipality(client, two_municipality_user):
    client.force_login(two_municipality_user)

    response = client.post(
        "/municipality/switch/", {"municipality": "musterstadt", "next": "/app/conferences/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/app/conferences/"
    assert client.session[SESSION_KEY] == "musterstadt"
    assert client.get("/app/atlas/").context["municipality"].slug == "musterstadt"


@pytest.mark.django_db
def test_switcher_refuses_a_municipality_the_user_is_no_member_of(client, municipality, member_of):
    foreign = Municipality.objects.create(name="Fremdheim", slug="fremdheim")
    client.force_login(member_of(municipality))

    response = client.post("/municipality/switch/", {"municipality": foreign.slug})

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert len(messages_of(response)) == 1
    assert client.get("/app/atlas/").context["municipality"] == municipality


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    [
        "https://boese.example.org/",
        "//boese.example.org/",
        "http://testserver.boese.example.org/",
        "javascript:alert(1)",
        "https:///boese.example.org",
    ],
)
def test_switcher_refuses_to_redirect_to_another_site(client, two_municipality_user, target):
    client.force_login(two_municipality_user)

    response = client.post("/municipality/switch/", {"municipality": "musterstadt", "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_switcher_needs_a_post(client, two_municipality_user):
    client.force_login(two_municipality_user)

    assert client.get("/municipality/switch/?municipality=musterstadt").status_code == 405


@pytest.mark.django_db
def test_switcher_sends_anonymous_visitors_to_the_login(client, municipality):
    response = client.post("/municipality/switch/", {"municipality": municipality.slug})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_switcher_falls_back_when_the_chosen_membership_ends(
    client, two_municipality_user, municipality
):
    client.force_login(two_municipality_user)
    client.post("/municipality/switch/", {"municipality": "musterstadt"})

    Membership.objects.filter(user=two_municipality_user, municipality=municipality).delete()

    assert client.get("/app/atlas/").context["municipality"].slug == "andere-stadt"


@pytest.mark.django_db
def test_switcher_needs_the_csrf_token(two_municipality_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(two_municipality_user)

    response = client.post("/municipality/switch/", {"municipality": "musterstadt"})

    assert response.status_code == 403
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_adding_a_member_needs_the_csrf_token(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)

    response = client.post(ADD, {"username": "neu", "roles": [Role.MUNICIPAL_ADMIN]})

    assert response.status_code == 403
    assert not User.objects.filter(username="neu").exists()
