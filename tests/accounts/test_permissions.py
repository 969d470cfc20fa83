"""The permission module: who may do what in which municipality (issue 2, item 5).

The expected table is written out here on purpose instead of being derived from ROLE_ACTIONS,
so that any change to the code's grants shows up as a failing test that someone must agree to.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.permissions import (
    Action,
    actions_of,
    can,
    forget_cached_memberships,
    member_municipalities,
    municipalities_for,
    require,
)
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

ADMIN, DATA, COORD, LEAD, MEMBER = (
    Role.MUNICIPAL_ADMIN,
    Role.DATA_ADMIN,
    Role.COORDINATOR,
    Role.LEADERSHIP,
    Role.MEMBER,
)
EVERY_ROLE = (ADMIN, DATA, COORD, LEAD, MEMBER)

# Which roles may do each action in their own municipality (public atlas enabled).
EXPECTED = {
    Action.VIEW_PUBLIC: {ADMIN, DATA, COORD, LEAD, MEMBER},
    Action.VIEW_INTERNAL: {ADMIN, DATA, COORD, LEAD, MEMBER},
    Action.FILL_SHEETS: {ADMIN, DATA, COORD, LEAD, MEMBER},
    Action.UPDATE_OWN_MEASURES: {ADMIN, DATA, COORD, LEAD, MEMBER},
    Action.CREATE_BOOKMARK: {ADMIN, DATA, COORD, LEAD, MEMBER},
    Action.EDIT_ATLAS_DATA: {ADMIN, DATA},
    Action.RELEASE_ATLAS_DATA: {ADMIN, DATA},
    Action.VIEW_SUPPRESSED_VALUES: {ADMIN, DATA},
    Action.MANAGE_POIS: {ADMIN, DATA},
    Action.PUBLISH_BOOKMARK: {ADMIN, DATA},
    Action.RUN_CYCLE: {ADMIN, COORD},
    Action.MANAGE_CONFERENCES: {ADMIN, COORD},
    Action.EDIT_GOALS_AND_MEASURES: {ADMIN, COORD},
    Action.EDIT_CATALOGUES: {ADMIN, COORD},
    Action.APPROVE: {ADMIN, LEAD},
    Action.VIEW_DASHBOARD: {ADMIN, COORD, LEAD},
    Action.MANAGE_MEMBERS: {ADMIN},
    Action.MANAGE_MUNICIPALITY: {ADMIN},
}

# Anonymous visitors and logged-in users without a membership.
EXPECTED_FOR_OUTSIDERS = {Action.VIEW_PUBLIC}

INTERNAL_ACTIONS = [action for action in Action if action != Action.VIEW_PUBLIC]
MATRIX = [(role, action) for role in EVERY_ROLE for action in Action]


def test_expected_table_covers_every_action():
    assert set(EXPECTED) == set(Action)


def test_expected_table_covers_every_role():
    assert set(EVERY_ROLE) == set(Role)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "action"), MATRIX, ids=[f"{r}-{a}" for r, a in MATRIX])
def test_role_grants_exactly_the_expected_actions(municipality, member_of, role, action):
    user = member_of(municipality, role)

    assert can(user, action, municipality) is (role in EXPECTED[action])


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(Action))
def test_anonymous_may_only_view_the_public_atlas(municipality, action):
    assert can(AnonymousUser(), action, municipality) is (action in EXPECTED_FOR_OUTSIDERS)


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(Action))
def test_logged_in_user_without_membership_is_treated_like_the_public(municipality, action):
    user = UserFactory()

    assert can(user, action, municipality) is (action in EXPECTED_FOR_OUTSIDERS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", EVERY_ROLE)
def test_member_of_one_municipality_may_do_nothing_internal_in_another(
    municipality, other_municipality, member_of, role
):
    user = member_of(municipality, role)

    allowed = {action for action in Action if can(user, action, other_municipality)}

    assert allowed == {Action.VIEW_PUBLIC}


@pytest.mark.django_db
@pytest.mark.parametrize("role", EVERY_ROLE)
def test_member_of_one_municipality_sees_nothing_of_another_without_public_atlas(
    municipality, member_of, role
):
    hidden = MunicipalityFactory(public_atlas_enabled=False)
    user = member_of(municipality, role)

    assert actions_of(user, hidden) == frozenset()
    assert not any(can(user, action, hidden) for action in Action)


@pytest.mark.django_db
@pytest.mark.parametrize("role", EVERY_ROLE)
def test_member_of_one_municipality_may_not_edit_topics_of_another(
    municipality, other_municipality, member_of, role
):
    user = member_of(municipality, role)

    assert not can(user, Action.EDIT_ATLAS_DATA, other_municipality, topic="bildung")
    assert not can(user, Action.RELEASE_ATLAS_DATA, other_municipality, topic="bildung")


@pytest.mark.django_db
def test_roles_in_two_municipalities_stay_separate(municipality, other_municipality):
    user = UserFactory()
    MembershipFactory(user=user, municipality=municipality, roles=[ADMIN])
    MembershipFactory(user=user, municipality=other_municipality, roles=[MEMBER])

    assert can(user, Action.MANAGE_MEMBERS, municipality)
    assert not can(user, Action.MANAGE_MEMBERS, other_municipality)
    assert can(user, Action.VIEW_INTERNAL, other_municipality)


@pytest.mark.django_db
def test_several_roles_add_up(municipality, member_of):
    user = member_of(municipality, COORD, LEAD)

    assert can(user, Action.RUN_CYCLE, municipality)
    assert can(user, Action.APPROVE, municipality)
    assert not can(user, Action.EDIT_ATLAS_DATA, municipality)


@pytest.mark.django_db
def test_unknown_stored_role_grants_nothing(municipality, member_of):
    user = member_of(municipality, "superhero")

    assert actions_of(user, municipality) == frozenset({Action.VIEW_PUBLIC})


@pytest.mark.django_db
def test_actions_can_be_given_as_strings(municipality, member_of):
    user = member_of(municipality, DATA)

    assert can(user, "edit_atlas_data", municipality)
    assert not can(user, "manage_members", municipality)


@pytest.mark.django_db
def test_unknown_action_is_an_error_not_a_silent_no(municipality, member_of):
    user = member_of(municipality, ADMIN)

    with pytest.raises(ValueError):
        can(user, "delete_everything", municipality)


# --- data admins limited to topics -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("action", [Action.EDIT_ATLAS_DATA, Action.RELEASE_ATLAS_DATA])
def test_topic_limited_data_admin_may_act_on_its_topics(municipality, member_of, action):
    user = member_of(municipality, DATA, data_topics=["bildung", "gesundheit"])

    assert can(user, action, municipality, topic="bildung")
    assert can(user, action, municipality, topic="gesundheit")


@pytest.mark.django_db
@pytest.mark.parametrize("action", [Action.EDIT_ATLAS_DATA, Action.RELEASE_ATLAS_DATA])
def test_topic_limited_data_admin_may_not_act_on_other_topics(municipality, member_of, action):
    user = member_of(municipality, DATA, data_topics=["bildung"])

    assert not can(user, action, municipality, topic="soziale-lage")


@pytest.mark.django_db
def test_topic_limited_data_admin_is_refused_with_permission_denied(municipality, member_of):
    user = member_of(municipality, DATA, data_topics=["bildung"])

    with pytest.raises(PermissionDenied):
        require(user, Action.EDIT_ATLAS_DATA, municipality, topic="soziale-lage")


@pytest.mark.django_db
def test_data_admin_without_topic_limit_may_act_on_every_topic(municipality, member_of):
    user = member_of(municipality, DATA)

    assert can(user, Action.EDIT_ATLAS_DATA, municipality, topic="soziale-lage")
    assert can(user, Action.RELEASE_ATLAS_DATA, municipality, topic="bildung")


@pytest.mark.django_db
def test_municipal_admin_is_never_limited_by_topics(municipality, member_of):
    user = member_of(municipality, ADMIN, DATA, data_topics=["bildung"])

    assert can(user, Action.EDIT_ATLAS_DATA, municipality, topic="soziale-lage")


@pytest.mark.django_db
def test_topic_limit_does_not_restrict_actions_that_are_not_per_topic(municipality, member_of):
    user = member_of(municipality, DATA, data_topics=["bildung"])

    assert can(user, Action.MANAGE_POIS, municipality, topic="soziale-lage")
    assert can(user, Action.VIEW_INTERNAL, municipality, topic="soziale-lage")


@pytest.mark.django_db
def test_topic_does_not_give_other_roles_data_rights(municipality, member_of):
    user = member_of(municipality, COORD, data_topics=["bildung"])

    assert not can(user, Action.EDIT_ATLAS_DATA, municipality, topic="bildung")


# --- the public atlas switch -------------------------------------------------------------


@pytest.mark.django_db
def test_public_atlas_disabled_hides_it_from_anonymous():
    hidden = MunicipalityFactory(public_atlas_enabled=False)

    assert not can(AnonymousUser(), Action.VIEW_PUBLIC, hidden)
    assert actions_of(AnonymousUser(), hidden) == frozenset()


@pytest.mark.django_db
def test_public_atlas_disabled_hides_it_from_users_without_membership():
    hidden = MunicipalityFactory(public_atlas_enabled=False)

    assert actions_of(UserFactory(), hidden) == frozenset()


@pytest.mark.django_db
@pytest.mark.parametrize("role", EVERY_ROLE)
def test_public_atlas_disabled_keeps_the_rights_of_members(member_of, role):
    hidden = MunicipalityFactory(public_atlas_enabled=False)
    user = member_of(hidden, role)

    assert {a for a in Action if can(user, a, hidden)} == {
        a for a, roles in EXPECTED.items() if role in roles
    }


# --- superusers and inactive users -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("action", INTERNAL_ACTIONS)
def test_superuser_without_membership_gets_no_internal_access(municipality, action):
    superuser = UserFactory(is_superuser=True, is_staff=True)

    assert not can(superuser, action, municipality)


@pytest.mark.django_db
def test_superuser_does_not_see_a_municipality_without_public_atlas():
    hidden = MunicipalityFactory(public_atlas_enabled=False)
    superuser = UserFactory(is_superuser=True, is_staff=True)

    assert actions_of(superuser, hidden) == frozenset()
    assert hidden not in municipalities_for(superuser)


@pytest.mark.django_db
@pytest.mark.parametrize("action", INTERNAL_ACTIONS)
def test_inactive_municipal_admin_gets_no_internal_access(municipality, member_of, action):
    user = member_of(municipality, ADMIN)
    user.is_active = False
    user.save()

    assert not can(user, action, municipality)


@pytest.mark.django_db
def test_inactive_member_gets_nothing_where_the_public_atlas_is_off(member_of):
    hidden = MunicipalityFactory(public_atlas_enabled=False)
    user = member_of(hidden, ADMIN)
    user.is_active = False
    user.save()

    assert actions_of(user, hidden) == frozenset()
    assert list(member_municipalities(user)) == []
    assert hidden not in municipalities_for(user)


@pytest.mark.django_db
def test_removed_membership_takes_effect_after_forgetting_the_cache(municipality, member_of):
    user = member_of(municipality, ADMIN)
    assert can(user, Action.MANAGE_MEMBERS, municipality)

    user.memberships.all().delete()
    forget_cached_memberships(user)

    assert not can(user, Action.MANAGE_MEMBERS, municipality)


# --- municipalities_for and member_municipalities -----------------------------------------


@pytest.mark.django_db
def test_municipalities_for_anonymous_lists_only_public_atlases():
    public = MunicipalityFactory(name="Aheim")
    MunicipalityFactory(name="Bheim", public_atlas_enabled=False)

    assert list(municipalities_for(AnonymousUser())) == [public]


@pytest.mark.django_db
def test_municipalities_for_member_adds_its_own_non_public_municipality(member_of):
    public = MunicipalityFactory(name="Aheim")
    own = MunicipalityFactory(name="Bheim", public_atlas_enabled=False)
    MunicipalityFactory(name="Cheim", public_atlas_enabled=False)
    user = member_of(own, MEMBER)

    assert list(municipalities_for(user)) == [public, own]


@pytest.mark.django_db
def test_municipalities_for_an_internal_action_lists_only_where_a_role_grants_it():
    a = MunicipalityFactory(name="Aheim")
    b = MunicipalityFactory(name="Bheim")
    MunicipalityFactory(name="Cheim")
    user = UserFactory()
    MembershipFactory(user=user, municipality=a, roles=[DATA])
    MembershipFactory(user=user, municipality=b, roles=[MEMBER])

    assert list(municipalities_for(user, Action.EDIT_ATLAS_DATA)) == [a]
    assert list(municipalities_for(user, Action.VIEW_INTERNAL)) == [a, b]


@pytest.mark.django_db
def test_municipalities_for_anonymous_and_an_internal_action_is_empty(municipality):
    assert list(municipalities_for(AnonymousUser(), Action.VIEW_INTERNAL)) == []


@pytest.mark.django_db
def test_member_municipalities_lists_every_membership_sorted_by_name():
    b = MunicipalityFactory(name="Bheim", public_atlas_enabled=False)
    a = MunicipalityFactory(name="Aheim")
    MunicipalityFactory(name="Cheim")
    user = UserFactory()
    MembershipFactory(user=user, municipality=b, roles=[MEMBER])
    MembershipFactory(user=user, municipality=a, roles=[LEAD])

    assert list(member_municipalities(user)) == [a, b]


@pytest.mark.django_db
def test_member_municipalities_of_anonymous_is_empty(municipality):
    assert list(member_municipalities(AnonymousUser())) == []
