"""The admin CLI for scripted set-up: create_municipality and add_member (issue 2, item 5)."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command

from accounts.models import Membership, Municipality, Role
from tests.factories import PASSWORD, MunicipalityFactory, UserFactory

User = get_user_model()


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_create_municipality_command_creates_a_city_by_default():
    output = run("create_municipality", "musterstadt", "--name", "Musterstadt")

    municipality = Municipality.objects.get(slug="musterstadt")
    assert municipality.name == "Musterstadt"
    assert municipality.kind == Municipality.Kind.CITY
    assert "Musterstadt" in output


@pytest.mark.django_db
def test_create_municipality_command_takes_kind_and_key():
    run("create_municipality", "vechta", "--name", "Landkreis Vechta", "--kind", "district",
        "--key", "03460")  # fmt: skip

    municipality = Municipality.objects.get(slug="vechta")
    assert (municipality.kind, municipality.official_key) == ("district", "03460")


@pytest.mark.django_db
def test_create_municipality_command_run_twice_updates_the_name():
    run("create_municipality", "vechta", "--name", "Vechta")
    run("create_municipality", "vechta", "--name", "Landkreis Vechta")

    assert list(Municipality.objects.values_list("name", flat=True)) == ["Landkreis Vechta"]


@pytest.mark.django_db
def test_create_municipality_command_refuses_an_unknown_kind():
    with pytest.raises(CommandError):
        run("create_municipality", "vechta", "--name", "Vechta", "--kind", "county")

    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_create_municipality_command_refuses_a_bad_key():
    with pytest.raises(CommandError):
        run("create_municipality", "vechta", "--name", "Vechta", "--key", "AGS")

    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_create_municipality_command_needs_a_name():
    with pytest.raises(CommandError):
        run("create_municipality", "vechta")


@pytest.mark.django_db
def test_add_member_command_prints_a_working_one_time_password(municipality):
    output = run("add_member", "musterstadt", "neu", "--role", "coordinator")

    match = re.search(r"Einmal-Passwort für neu: (\S+)", output)
    assert match, output
    password = match.group(1)
    user = User.objects.get(username="neu")
    assert user.check_password(password)
    validate_password(password, user)
    assert Membership.objects.get(user=user, municipality=municipality).roles == [Role.COORDINATOR]


@pytest.mark.django_db
def test_add_member_command_takes_several_roles_email_and_password(municipality):
    output = run(
        "add_member", "musterstadt", "neu", "--role", "data_admin", "--role", "leadership",
        "--email", "neu@example.org", "--password", "Gutes-Passwort-7",
    )  # fmt: skip

    user = User.objects.get(username="neu")
    assert user.email == "neu@example.org"
    assert user.check_password("Gutes-Passwort-7")
    assert user.memberships.get().roles == [Role.DATA_ADMIN, Role.LEADERSHIP]
    assert "Gutes-Passwort-7" not in output
    assert "Einmal-Passwort" not in output


@pytest.mark.django_db
def test_add_member_command_limits_a_data_admin_to_topics(municipality):
    run("add_member", "musterstadt", "neu", "--role", "data_admin", "--topic", "bildung",
        "--topic", "gesundheit", "--password", "Gutes-Passwort-7")  # fmt: skip

    assert User.objects.get(username="neu").memberships.get().data_topics == [
        "bildung",
        "gesundheit",
    ]


@pytest.mark.django_db
def test_add_member_command_adds_an_existing_user_without_new_password(municipality):
    UserFactory(username="vorhanden")

    output = run("add_member", "musterstadt", "vorhanden", "--role", "member")

    assert "Einmal-Passwort" not in output
    user = User.objects.get(username="vorhanden")
    assert user.check_password(PASSWORD)
    assert user.memberships.get().municipality == municipality


@pytest.mark.django_db
def test_add_member_command_refuses_an_unknown_municipality():
    with pytest.raises(CommandError) as error:
        run("add_member", "nirgendwo", "neu", "--role", "member")

    assert "nirgendwo" in str(error.value)
    assert not User.objects.filter(username="neu").exists()


@pytest.mark.django_db
def test_add_member_command_refuses_an_unknown_role(municipality):
    with pytest.raises(CommandError):
        run("add_member", "musterstadt", "neu", "--role", "king")


@pytest.mark.django_db
def test_add_member_command_needs_a_role(municipality):
    with pytest.raises(CommandError):
        run("add_member", "musterstadt", "neu")


@pytest.mark.django_db
def test_add_member_command_refuses_a_weak_password_with_the_reason(municipality):
    with pytest.raises(CommandError) as error:
        run("add_member", "musterstadt", "neu", "--role", "member", "--password", "passwort")

    assert str(error.value)
    assert not User.objects.filter(username="neu").exists()


@pytest.mark.django_db
def test_add_member_command_cannot_demote_the_last_municipal_admin(member_of):
    municipality = MunicipalityFactory(slug="aheim")
    admin = member_of(municipality, Role.MUNICIPAL_ADMIN)

    with pytest.raises(CommandError):
        run("add_member", "aheim", admin.username, "--role", "member")

    assert admin.memberships.get().roles == [Role.MUNICIPAL_ADMIN]
