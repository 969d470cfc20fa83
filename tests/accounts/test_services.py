"""Writes of the accounts app: municipalities, members, roles (issue 2, item 5)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from accounts.models import Membership, Municipality, Role
from accounts.permissions import Action, can
from accounts.services import (
    AccountsError,
    add_member,
    create_municipality,
    generate_password,
    remove_member,
    set_roles,
)
from tests.factories import PASSWORD, MembershipFactory, UserFactory

User = get_user_model()


# --- create_municipality -----------------------------------------------------------------


@pytest.mark.django_db
def test_create_municipality_creates_it():
    municipality, created = create_municipality(
        slug="vechta", name="Landkreis Vechta", kind="district", official_key="03460"
    )

    assert created
    municipality.refresh_from_db()
    assert (municipality.slug, municipality.name, municipality.kind, municipality.official_key) == (
        "vechta",
        "Landkreis Vechta",
        Municipality.Kind.DISTRICT,
        "03460",
    )


@pytest.mark.django_db
def test_new_municipality_suppresses_counts_up_to_three_by_default():
    municipality, _ = create_municipality(slug="vechta", name="Landkreis Vechta")

    assert municipality.suppression_threshold == 3
    assert municipality.suppress_zero


@pytest.mark.django_db
def test_create_municipality_again_updates_it_instead_of_duplicating():
    first, _ = create_municipality(slug="vechta", name="Vechta", kind="city")

    second, created = create_municipality(
        slug="vechta", name="Landkreis Vechta", kind="district", official_key="03460"
    )

    assert not created
    assert second.pk == first.pk
    assert Municipality.objects.filter(slug="vechta").count() == 1
    first.refresh_from_db()
    assert (first.name, first.kind, first.official_key) == ("Landkreis Vechta", "district", "03460")


@pytest.mark.django_db
def test_create_municipality_rejects_an_unknown_kind_naming_the_valid_ones():
    with pytest.raises(AccountsError) as error:
        create_municipality(slug="vechta", name="Vechta", kind="county")

    assert "county" in str(error.value)
    assert "district" in str(error.value)
    assert not Municipality.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["03A60", "1", "1234567890123", "03 460"])
def test_create_municipality_rejects_an_official_key_that_is_not_2_to_12_digits(key):
    with pytest.raises(AccountsError):
        create_municipality(slug="vechta", name="Vechta", official_key=key)

    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_create_municipality_rejects_a_slug_unfit_for_urls():
    with pytest.raises(AccountsError):
        create_municipality(slug="Landkreis Vechta!", name="Vechta")


# --- add_member ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_add_member_creates_the_user_with_a_one_time_password(municipality):
    membership, one_time_password = add_member(
        municipality=municipality, username="neu", roles=[Role.COORDINATOR], email="neu@example.org"
    )

    user = User.objects.get(username="neu")
    assert membership.user == user
    assert membership.roles == [Role.COORDINATOR]
    assert user.email == "neu@example.org"
    assert one_time_password
    assert user.check_password(one_time_password)


@pytest.mark.django_db
def test_one_time_password_satisfies_the_password_rule(municipality):
    _, one_time_password = add_member(
        municipality=municipality, username="neu", roles=[Role.MEMBER]
    )

    validate_password(one_time_password)


def test_generated_passwords_differ_and_satisfy_the_password_rule():
    passwords = {generate_password() for _ in range(20)}

    assert len(passwords) == 20
    for password in passwords:
        validate_password(password)


@pytest.mark.django_db
def test_add_member_with_a_given_password_returns_no_one_time_password(municipality):
    _, one_time_password = add_member(
        municipality=municipality, username="neu", roles=[Role.MEMBER], password="Gutes-Passwort-7"
    )

    assert one_time_password is None
    assert User.objects.get(username="neu").check_password("Gutes-Passwort-7")


@pytest.mark.django_db
def test_add_member_rejects_a_weak_password_with_a_readable_message(municipality):
    with pytest.raises(AccountsError) as error:
        add_member(municipality=municipality, username="neu", roles=[Role.MEMBER], password="kurz")

    assert "8" in str(error.value)
    assert not User.objects.filter(username="neu").exists()


@pytest.mark.django_db
def test_add_member_rejects_a_password_without_special_character(municipality):
    with pytest.raises(AccountsError) as error:
        add_member(
            municipality=municipality, username="neu", roles=[Role.MEMBER], password="Abcdefgh12"
        )

    assert str(error.value)
    assert not User.objects.filter(username="neu").exists()


@pytest.mark.django_db
def test_add_member_rejects_an_invalid_username(municipality):
    with pytest.raises(AccountsError):
        add_member(municipality=municipality, username="kein name", roles=[Role.MEMBER])

    assert not User.objects.filter(username="kein name").exists()


@pytest.mark.django_db
def test_add_member_adds_an_existing_user_without_touching_the_password(
    municipality, other_municipality
):
    user = UserFactory(username="vorhanden")
    MembershipFactory(user=user, municipality=other_municipality, roles=[Role.MEMBER])

    membership, one_time_password = add_member(
        municipality=municipality, username="vorhanden", roles=[Role.LEADERSHIP]
    )

    assert one_time_password is None
    assert membership.user == user
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert set(user.memberships.values_list("municipality__slug", flat=True)) == {
        "musterstadt",
        "andere-stadt",
    }


@pytest.mark.django_db
def test_add_member_does_not_change_the_email_of_an_existing_user(municipality):
    """Else an admin of one municipality could redirect the password reset of anyone."""
    UserFactory(username="vorhanden", email="vorhanden@example.org")

    add_member(
        municipality=municipality,
        username="vorhanden",
        roles=[Role.MEMBER],
        email="angreifer@example.org",
        first_name="Falsch",
    )

    user = User.objects.get(username="vorhanden")
    assert user.email == "vorhanden@example.org"
    assert user.first_name == ""


@pytest.mark.django_db
def test_add_member_may_update_an_existing_user_when_the_caller_says_so(municipality):
    UserFactory(username="vorhanden", email="alt@example.org")

    add_member(
        municipality=municipality,
        username="vorhanden",
        roles=[Role.MEMBER],
        email="neu@example.org",
        password="Neues-Passwort-8",
        update_existing_user=True,
    )

    user = User.objects.get(username="vorhanden")
    assert user.email == "neu@example.org"
    assert user.check_password("Neues-Passwort-8")


@pytest.mark.django_db
def test_add_member_for_an_existing_member_replaces_the_roles(municipality, member_of):
    member_of(municipality, Role.MUNICIPAL_ADMIN)
    user = member_of(municipality, Role.MEMBER)

    add_member(municipality=municipality, username=user.username, roles=[Role.DATA_ADMIN])

    assert Membership.objects.get(user=user, municipality=municipality).roles == [Role.DATA_ADMIN]


@pytest.mark.django_db
def test_add_member_cannot_demote_the_last_municipal_admin(municipality, member_of):
    admin = member_of(municipality, Role.MUNICIPAL_ADMIN)

    with pytest.raises(AccountsError):
        add_member(municipality=municipality, username=admin.username, roles=[Role.MEMBER])

    assert Membership.objects.get(user=admin).roles == [Role.MUNICIPAL_ADMIN]


@pytest.mark.django_db
def test_add_member_rejects_an_unknown_role_naming_the_valid_ones(municipality):
    with pytest.raises(AccountsError) as error:
        add_member(municipality=municipality, username="neu", roles=["king"])

    assert "king" in str(error.value)
    assert "municipal_admin" in str(error.value)
    assert not User.objects.filter(username="neu").exists()


@pytest.mark.django_db
def test_add_member_needs_at_least_one_role(municipality):
    with pytest.raises(AccountsError):
        add_member(municipality=municipality, username="neu", roles=[])


@pytest.mark.django_db
def test_add_member_stores_roles_once_in_canonical_order(municipality):
    membership, _ = add_member(
        municipality=municipality,
        username="neu",
        roles=[Role.MEMBER, Role.MUNICIPAL_ADMIN, Role.MEMBER],
    )

    assert membership.roles == [Role.MUNICIPAL_ADMIN, Role.MEMBER]


@pytest.mark.django_db
def test_add_member_with_topics_limits_the_data_admin(municipality):
    membership, _ = add_member(
        municipality=municipality, username="neu", roles=[Role.DATA_ADMIN], data_topics=["bildung"]
    )

    assert can(membership.user, Action.EDIT_ATLAS_DATA, municipality, topic="bildung")
    assert not can(membership.user, Action.EDIT_ATLAS_DATA, municipality, topic="wohnen")


# --- set_roles and remove_member -----------------------------------------------------------


@pytest.mark.django_db
def test_set_roles_replaces_the_roles(municipality, member_of):
    user = member_of(municipality, Role.MEMBER)
    membership = user.memberships.get()

    set_roles(membership=membership, roles=[Role.COORDINATOR, Role.LEADERSHIP])

    membership.refresh_from_db()
    assert membership.roles == [Role.COORDINATOR, Role.LEADERSHIP]
    assert can(user, Action.RUN_CYCLE, municipality)


@pytest.mark.django_db
def test_set_roles_without_topics_keeps_the_topic_limit(municipality, member_of):
    user = member_of(municipality, Role.DATA_ADMIN, data_topics=["bildung"])
    membership = user.memberships.get()

    set_roles(membership=membership, roles=[Role.DATA_ADMIN, Role.MEMBER])

    membership.refresh_from_db()
    assert membership.data_topics == ["bildung"]


@pytest.mark.django_db
def test_set_roles_rejects_an_unknown_role(municipality, member_of):
    membership = member_of(municipality, Role.MEMBER).memberships.get()

    with pytest.raises(AccountsError):
        set_roles(membership=membership, roles=["king"])


@pytest.mark.django_db
def test_set_roles_cannot_take_the_role_from_the_last_municipal_admin(municipality, member_of):
    membership = member_of(municipality, Role.MUNICIPAL_ADMIN).memberships.get()

    with pytest.raises(AccountsError) as error:
        set_roles(membership=membership, roles=[Role.MEMBER])

    assert "administrator" in str(error.value).lower()
    membership.refresh_from_db()
    assert membership.roles == [Role.MUNICIPAL_ADMIN]


@pytest.mark.django_db
def test_set_roles_may_take_the_admin_role_when_another_admin_remains(municipality, member_of):
    member_of(municipality, Role.MUNICIPAL_ADMIN)
    membership = member_of(municipality, Role.MUNICIPAL_ADMIN).memberships.get()

    set_roles(membership=membership, roles=[Role.MEMBER])

    membership.refresh_from_db()
    assert membership.roles == [Role.MEMBER]


@pytest.mark.django_db
def test_an_admin_of_another_municipality_does_not_count_as_remaining_admin(
    municipality, other_municipality, member_of
):
    member_of(other_municipality, Role.MUNICIPAL_ADMIN)
    membership = member_of(municipality, Role.MUNICIPAL_ADMIN).memberships.get()

    with pytest.raises(AccountsError):
        set_roles(membership=membership, roles=[Role.MEMBER])


@pytest.mark.django_db
def test_an_inactive_admin_does_not_count_as_remaining_admin(municipality, member_of):
    inactive = member_of(municipality, Role.MUNICIPAL_ADMIN)
    inactive.is_active = False
    inactive.save()
    membership = member_of(municipality, Role.MUNICIPAL_ADMIN).memberships.get()

    with pytest.raises(AccountsError):
        remove_member(membership=membership)


@pytest.mark.django_db
def test_remove_member_ends_the_membership_but_keeps_the_user(municipality, member_of):
    member_of(municipality, Role.MUNICIPAL_ADMIN)
    user = member_of(municipality, Role.MEMBER)

    remove_member(membership=user.memberships.get())

    assert not Membership.objects.filter(user=user).exists()
    assert User.objects.filter(pk=user.pk).exists()
    assert not can(user, Action.VIEW_INTERNAL, municipality)


@pytest.mark.django_db
def test_remove_member_refuses_the_last_municipal_admin(municipality, member_of):
    admin = member_of(municipality, Role.MUNICIPAL_ADMIN)

    with pytest.raises(AccountsError):
        remove_member(membership=admin.memberships.get())

    assert Membership.objects.filter(user=admin).exists()


@pytest.mark.django_db
def test_remove_member_may_remove_an_admin_when_another_remains(municipality, member_of):
    member_of(municipality, Role.MUNICIPAL_ADMIN)
    admin = member_of(municipality, Role.MUNICIPAL_ADMIN)

    remove_member(membership=admin.memberships.get())

    assert not Membership.objects.filter(user=admin).exists()
