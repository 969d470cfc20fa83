"""The one place that answers "may user U do action A in municipality M (on topic T)?".

Every view, API endpoint and selector asks here; nothing else decides access. Roles grant
actions through ROLE_ACTIONS; anonymous visitors (and logged-in users without a membership)
get only the public actions of a municipality whose public atlas is enabled. Superusers are
platform operators and get no implicit access to a municipality's internal data: the rights
to the data stay with the municipality (domain.md §9).

Operator access only by consent (issue 11): a staff account reads a municipality's internal data
only while a municipal administrator's SupportGrant for it is in force, and then only with
SUPPORT_ACTIONS: reading, never writing, never the suppressed small numbers. The grant ends by the
clock (SupportGrant.objects.active), so nothing has to run for access to end.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import Membership, Municipality, Role, SupportGrant


class Action(enum.StrEnum):
    # public
    VIEW_PUBLIC = "view_public"
    # every member
    VIEW_INTERNAL = "view_internal"
    FILL_SHEETS = "fill_sheets"
    UPDATE_OWN_MEASURES = "update_own_measures"
    CREATE_BOOKMARK = "create_bookmark"
    # data administration
    EDIT_ATLAS_DATA = "edit_atlas_data"
    RELEASE_ATLAS_DATA = "release_atlas_data"
    VIEW_SUPPRESSED_VALUES = "view_suppressed_values"
    MANAGE_POIS = "manage_pois"
    PUBLISH_BOOKMARK = "publish_bookmark"
    # coordination
    RUN_CYCLE = "run_cycle"
    MANAGE_CONFERENCES = "manage_conferences"
    EDIT_GOALS_AND_MEASURES = "edit_goals_and_measures"
    EDIT_CATALOGUES = "edit_catalogues"
    # leadership
    APPROVE = "approve"
    VIEW_DASHBOARD = "view_dashboard"
    # municipal administration
    MANAGE_MEMBERS = "manage_members"
    MANAGE_MUNICIPALITY = "manage_municipality"


PUBLIC_ACTIONS = frozenset({Action.VIEW_PUBLIC})

_MEMBER = frozenset(
    {
        Action.VIEW_PUBLIC,
        Action.VIEW_INTERNAL,
        Action.FILL_SHEETS,
        Action.UPDATE_OWN_MEASURES,
        Action.CREATE_BOOKMARK,
    }
)

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.MEMBER: _MEMBER,
    Role.LEADERSHIP: _MEMBER | {Action.APPROVE, Action.VIEW_DASHBOARD},
    Role.COORDINATOR: _MEMBER
    | {
        Action.RUN_CYCLE,
        Action.MANAGE_CONFERENCES,
        Action.EDIT_GOALS_AND_MEASURES,
        Action.EDIT_CATALOGUES,
        Action.VIEW_DASHBOARD,
    },
    Role.DATA_ADMIN: _MEMBER
    | {
        Action.EDIT_ATLAS_DATA,
        Action.RELEASE_ATLAS_DATA,
        Action.VIEW_SUPPRESSED_VALUES,
        Action.MANAGE_POIS,
        Action.PUBLISH_BOOKMARK,
    },
    Role.MUNICIPAL_ADMIN: frozenset(Action),
}

# What a platform operator may do under an active support grant: read what every member reads.
# Suppressed values stay hidden: support answers questions about the product, and no support
# task needs the small numbers that the municipality's data protection withholds from its own
# members (domain.md §3). Writes stay with the municipality's members.
SUPPORT_ACTIONS = frozenset({Action.VIEW_PUBLIC, Action.VIEW_INTERNAL})

# Actions a data admin limited to topics may do only on those topics.
TOPIC_SCOPED_ACTIONS = frozenset({Action.EDIT_ATLAS_DATA, Action.RELEASE_ATLAS_DATA})

_CACHE_ATTR = "_keck_memberships"
_GRANTS_ATTR = "_keck_support_grants"
_MUNICIPALITIES_ATTR = "_keck_member_municipalities"


def _memberships(user) -> dict[int, Membership]:
    """The user's memberships by municipality id (ordered by the municipality's name, each with
    its municipality), cached on the user object per request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        memberships = Membership.objects.filter(user=user).select_related("municipality")
        cached = {m.municipality_id: m for m in memberships.order_by("municipality__name")}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def support_grants(user) -> dict[int, SupportGrant]:
    """The support grants in force for a staff account, by municipality id, cached on the user
    object per request. Only staff accounts are operators: anyone else gets none (no query)."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return {}
    cached = getattr(user, _GRANTS_ATTR, None)
    if cached is None:
        cached = {
            grant.municipality_id: grant
            for grant in SupportGrant.objects.active().filter(grantee=user).order_by("ends_at")
        }
        setattr(user, _GRANTS_ATTR, cached)
    return cached


def support_grant_for(user, municipality: Municipality | None) -> SupportGrant | None:
    """The grant through which `user` reads `municipality` as an operator, if any. None for a
    member of the municipality: members act by their roles."""
    if municipality is None or municipality.pk in _memberships(user):
        return None
    return support_grants(user).get(municipality.pk)


def forget_cached_memberships(user) -> None:
    """Call after changing a user's memberships or support grants within the same request or
    test."""
    for attr in (_CACHE_ATTR, _GRANTS_ATTR, _MUNICIPALITIES_ATTR):
        if user is not None and hasattr(user, attr):
            delattr(user, attr)


def roles_of(user, municipality: Municipality) -> frozenset[str]:
    membership = _memberships(user).get(municipality.pk)
    return frozenset(membership.roles) if membership else frozenset()


def actions_of(user, municipality: Municipality) -> frozenset[Action]:
    actions: set[Action] = set()
    for role in roles_of(user, municipality):
        actions |= ROLE_ACTIONS.get(role, frozenset())
    if municipality.pk in support_grants(user):
        actions |= SUPPORT_ACTIONS
    if municipality.public_atlas_enabled:
        actions |= PUBLIC_ACTIONS
    return frozenset(actions)


def can(
    user, action: Action | str, municipality: Municipality, *, topic: str | None = None
) -> bool:
    """May `user` do `action` in `municipality` (on `topic`, for topic-scoped data actions)?"""
    action = Action(action)
    if action not in actions_of(user, municipality):
        return False
    if action in TOPIC_SCOPED_ACTIONS and topic is not None:
        membership = _memberships(user).get(municipality.pk)
        roles = set(membership.roles) if membership else set()
        if Role.MUNICIPAL_ADMIN in roles:
            return True
        limited_to = membership.data_topics if membership else []
        return not limited_to or topic in limited_to
    return True


def require(user, action: Action | str, municipality: Municipality, *, topic: str | None = None):
    """Raise PermissionDenied (HTTP 403) with a German message unless `can(...)`."""
    if not can(user, action, municipality, topic=topic):
        raise PermissionDenied(_("You are not allowed to do this in this municipality."))


def file_reader(user, municipality: Municipality):
    """The viewer whom a file that leaves the system is rendered for (exports, reports).

    Files travel beyond the person who downloads them, so they never hold what only data
    admins may see: for anyone who may see the internal data of `municipality`, a reader with
    the member role there (internal data, suppressed values as `k. A.`); for everyone else
    None, the public.
    """
    if not can(user, Action.VIEW_INTERNAL, municipality):
        return None
    from django.contrib.auth import get_user_model

    reader = get_user_model()(username="file-reader", is_active=True)
    setattr(
        reader,
        _CACHE_ATTR,
        {municipality.pk: Membership(municipality=municipality, roles=[Role.MEMBER])},
    )
    return reader


def current_municipality(request, action: Action | str = Action.VIEW_INTERNAL) -> Municipality:
    """The municipality the user works in on internal pages (`request.municipality`, set by the
    middleware), once `action` is allowed there; 403 with a German message otherwise."""
    municipality = request.municipality
    if not municipality:
        raise PermissionDenied(_("You are not a member of any municipality."))
    require(request.user, action, municipality)
    return municipality


def is_responsible(user, obj) -> bool:
    """Is `user` the responsible person of a measure or sub-step (as user or as the user of the
    responsible conference member)?"""
    if user is None or not user.is_authenticated:
        return False
    if obj.responsible_user_id is not None and obj.responsible_user_id == user.pk:
        return True
    member = obj.responsible_member if obj.responsible_member_id else None
    return member is not None and member.user_id is not None and member.user_id == user.pk


def can_update_measure(user, measure) -> bool:
    """Coordinators manage all measures; a member updates the measures they are responsible for
    (progress, timeline, sub-steps, reflection)."""
    municipality = measure.municipality
    if can(user, Action.EDIT_GOALS_AND_MEASURES, municipality):
        return True
    return can(user, Action.UPDATE_OWN_MEASURES, municipality) and is_responsible(user, measure)


def can_update_substep(user, substep) -> bool:
    """Whoever may update the measure, and the responsible person of the sub-step itself."""
    measure = substep.measure
    if can_update_measure(user, measure):
        return True
    return can(user, Action.UPDATE_OWN_MEASURES, measure.municipality) and is_responsible(
        user, substep
    )


def require_measure_update(user, measure) -> None:
    if not can_update_measure(user, measure):
        raise PermissionDenied(
            _("Only the responsible person and coordinators update this measure.")
        )


def can_generate_reports(user, municipality: Municipality) -> bool:
    """Interim reports are for those who steer: leadership, coordinators (and admins)."""
    return can(user, Action.VIEW_DASHBOARD, municipality) or can(
        user, Action.EDIT_GOALS_AND_MEASURES, municipality
    )


def require_report_access(user, municipality: Municipality) -> None:
    if not can_generate_reports(user, municipality):
        raise PermissionDenied(_("Only leadership and coordinators generate interim reports."))


def municipalities_for(user, action: Action | str = Action.VIEW_PUBLIC) -> QuerySet:
    """The municipalities in which `user` may do `action`, as a queryset."""
    action = Action(action)
    member_ids = [
        municipality_id
        for municipality_id, membership in _memberships(user).items()
        if any(action in ROLE_ACTIONS.get(role, ()) for role in membership.roles)
    ]
    if action in SUPPORT_ACTIONS:
        member_ids += list(support_grants(user))
    queryset = Municipality.objects.filter(pk__in=member_ids)
    if action in PUBLIC_ACTIONS:
        queryset = Municipality.objects.filter(pk__in=member_ids) | Municipality.objects.filter(
            public_atlas_enabled=True
        )
    return queryset.distinct().order_by("name")


def member_municipalities(user) -> QuerySet:
    """The municipalities in which `user` holds any role, or reads as an operator under a support
    grant in force (for the municipality switcher and the current municipality)."""
    ids = set(_memberships(user)) | set(support_grants(user))
    return Municipality.objects.filter(pk__in=ids).order_by("name")


def member_municipality_list(user) -> list[Municipality]:
    """`member_municipalities` as a list, once per request: the middleware (current
    municipality), the switcher and the menu's checks of every page ask for it. Members get it
    from their cached memberships without a query; an operator with support grants in force
    costs one query."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _MUNICIPALITIES_ATTR, None)
    if cached is None:
        if support_grants(user):
            cached = list(member_municipalities(user))
        else:
            cached = [membership.municipality for membership in _memberships(user).values()]
        setattr(user, _MUNICIPALITIES_ATTR, cached)
    return cached


def validate_roles(roles: Iterable[str]) -> list[str]:
    """Return the roles in canonical order, or raise ValueError naming an unknown one."""
    roles = list(dict.fromkeys(roles))
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise ValueError(
            _("Unknown role: %(role)s. Possible roles: %(roles)s")
            % {"role": ", ".join(unknown), "roles": ", ".join(Role.values)}
        )
    if not roles:
        raise ValueError(_("A membership needs at least one role."))
    return [role for role in Role.values if role in roles]


# --- the control cycle (workflow) --------------------------------------------------------------


def is_municipal_admin(user, municipality: Municipality) -> bool:
    return Role.MUNICIPAL_ADMIN in roles_of(user, municipality)


def is_conference_coordinator(user, conference) -> bool:
    """Is `user` the coordinator of `conference`, and still a member of its municipality?"""
    if user is None or not user.is_authenticated or conference.coordinator_id is None:
        return False
    return conference.coordinator_id == user.pk and can(
        user, Action.VIEW_INTERNAL, conference.municipality
    )


def can_complete_conference_step(user, conference) -> bool:
    """A step of a conference's cycle is completed (skipped, reopened, assigned) by the
    coordinator of that conference or a municipal administrator."""
    return is_conference_coordinator(user, conference) or is_municipal_admin(
        user, conference.municipality
    )


def can_confirm_mandate(user, conference) -> bool:
    """Leadership confirms (or sends back) the mandate of a cycle of `conference`."""
    return can(user, Action.APPROVE, conference.municipality)


def can_evaluate_cycle(user, conference) -> bool:
    """The process evaluation (Nachphase) is done by leadership and the coordinator."""
    return can_confirm_mandate(user, conference) or can_complete_conference_step(user, conference)


def can_open_cycle(user, conference) -> bool:
    """Coordinators open a cycle of the social planning conference they coordinate;
    municipal administrators may open any."""
    return can(user, Action.RUN_CYCLE, conference.municipality) and can_complete_conference_step(
        user, conference
    )


def can_read_cycles(user, municipality: Municipality) -> bool:
    """Every member reads the cycles, their steps and history."""
    return can(user, Action.VIEW_INTERNAL, municipality)
