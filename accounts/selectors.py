"""Reads of the accounts app, always scoped through the permission module."""

from __future__ import annotations

from collections.abc import Iterable

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .models import Membership, Municipality
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
