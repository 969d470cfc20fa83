"""Reads of the accounts app, always scoped through the permission module."""

from __future__ import annotations

from collections.abc import Iterable

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.utils import timezone

from .models import Membership, Municipality, SupportAccess, SupportGrant
from .permissions import Action, require


def members_of(*, user, municipality: Municipality) -> QuerySet[Membership]:
    """The memberships of a municipality, for those who may manage members."""
    require(user, Action.MANAGE_MEMBERS, municipality)
    return (
        Membership.objects.filter(municipality=municipality)
        .select_related("user")
        .order_by("user__last_name", "user__username")
    )


def members_with_role(*, municipality: Municipality, role: str) -> list[Membership]:
    """Memberships holding `role` (roles are few and JSON lookups differ between databases)."""
    memberships = Membership.objects.filter(municipality=municipality).select_related("user")
    return [membership for membership in memberships if role in membership.roles]


def locked_out_usernames(*, usernames: Iterable[str]) -> set[str]:
    """Those of `usernames` that are locked out of the login from at least one address now.

    A lock lasts AXES_COOLOFF_TIME from the latest failure (django-axes' rule), so a failure
    count at the limit within that time is a lock.
    """
    since = timezone.now() - get_cool_off()
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


def support_grants_of(*, user, municipality: Municipality) -> QuerySet[SupportGrant]:
    """The municipality's support grants, newest first, with the number of logged accesses: for
    those who manage its members (they decide who else may look in)."""
    require(user, Action.MANAGE_MEMBERS, municipality)
    return (
        SupportGrant.objects.filter(municipality=municipality)
        .select_related("grantee", "granted_by", "revoked_by")
        .annotate(access_count=Count("accesses"))
        .order_by("-starts_at", "-pk")
    )


def support_accesses_of(
    *, user, municipality: Municipality, grant: SupportGrant | None = None
) -> QuerySet[SupportAccess]:
    """The logged requests of operators in the municipality (of one grant), newest first."""
    require(user, Action.MANAGE_MEMBERS, municipality)
    accesses = SupportAccess.objects.filter(grant__municipality=municipality)
    if grant is not None:
        accesses = accesses.filter(grant=grant)
    return accesses.select_related("user", "grant").order_by("-at", "-pk")


def operator_accounts() -> QuerySet:
    """The accounts a municipality may grant support access to: active platform operators."""
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
