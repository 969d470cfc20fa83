"""The Vechta demo: `load_demo` (issue 2, item 7)."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.http import HttpRequest

from accounts.models import Membership, Municipality, Role
from accounts.permissions import Action, can
from atlas_data.models import Area, SpatialLevel

User = get_user_model()
DEMO_PASSWORD = "KeckDemo-2026"
DEMO_USERS = {
    "demo-admin": Role.MUNICIPAL_ADMIN,
    "demo-data": Role.DATA_ADMIN,
    "demo-koordination": Role.COORDINATOR,
    "demo-leitung": Role.LEADERSHIP,
    "demo-mitglied": Role.MEMBER,
}


def load_demo(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def dump() -> dict:
    """Every row the demo writes, every column, in a stable order (password hashes excepted:
    their salt changes; the password itself is checked separately)."""
    users = [
        {k: v for k, v in row.items() if k not in ("password", "last_login")}
        for row in User.objects.order_by("pk").values()
    ]
    return {
        "municipalities": list(Municipality.objects.order_by("pk").values()),
        "users": users,
        "memberships": list(Membership.objects.order_by("pk").values()),
        "levels": list(SpatialLevel.objects.order_by("pk").values()),
        "areas": list(Area.objects.order_by("pk").values()),
    }


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_load_demo_twice_gives_the_same_data(debug):
    load_demo()
    first = dump()

    load_demo()

    assert dump() == first
    # Vechta: the Landkreis and its 10 Gemeinden; Lohne (keck/demo_network.py): the town and
    # its 5 social areas.
    assert len(first["areas"]) == 17
    assert all(area["geometry"] for area in first["areas"][1:])


@pytest.mark.django_db
def test_load_demo_twice_adds_no_rows_to_any_table(debug):
    """Also covers the demo data that later parts of KECK add."""
    load_demo()
    first = {model._meta.label: model._default_manager.count() for model in apps.get_models()}

    load_demo()

    assert {m._meta.label: m._default_manager.count() for m in apps.get_models()} == first


@pytest.mark.django_db
def test_load_demo_again_restores_a_changed_demo_password(debug):
    load_demo()
    user = User.objects.get(username="demo-admin")
    user.set_password("Anders-Passwort-1")
    user.save()

    load_demo()

    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_load_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as error:
        load_demo()

    assert "--force" in str(error.value)
    assert not Municipality.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_load_demo_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False

    load_demo("--force")

    assert Municipality.objects.filter(slug="vechta").exists()


@pytest.mark.django_db
def test_load_demo_prints_the_demo_logins(debug):
    output = load_demo()

    assert DEMO_PASSWORD in output
    for username in DEMO_USERS:
        assert username in output


@pytest.mark.django_db
def test_demo_municipality_is_the_landkreis_vechta(demo):
    assert (demo.slug, demo.name, demo.kind, demo.official_key) == (
        "vechta",
        "Landkreis Vechta",
        Municipality.Kind.DISTRICT,
        "03460",
    )


@pytest.mark.django_db
def test_demo_geometries_carry_the_bkg_source_note(demo):
    gemeinden = Area.objects.filter(municipality=demo, level__depth=1)

    assert {area.geometry_source for area in gemeinden} == {"© GeoBasis-DE / BKG 2021"}


@pytest.mark.django_db
def test_demo_has_one_user_per_role(demo):
    roles = {m.user.username: m.roles for m in Membership.objects.filter(municipality=demo)}

    assert roles == {username: [role] for username, role in DEMO_USERS.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("username", list(DEMO_USERS))
def test_demo_user_logs_in_with_the_demo_password(client, demo, username):
    assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("username", list(DEMO_USERS))
def test_demo_user_sees_the_internal_atlas(client, demo, username):
    client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD)

    assert client.get("/app/atlas/").status_code == 200


@pytest.mark.django_db
def test_demo_admin_manages_the_members_of_vechta(demo):
    admin = User.objects.get(username="demo-admin")

    assert can(admin, Action.MANAGE_MEMBERS, demo)
    assert not admin.is_superuser


@pytest.mark.django_db
def test_demo_users_are_no_staff_or_superusers(demo):
    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()
