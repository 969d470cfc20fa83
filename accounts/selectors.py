"""Reads of the accounts app, always scoped through the permission module."""

from __future__ import annotations

from django.db.models import QuerySet

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
