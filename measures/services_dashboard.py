"""Writes of the leadership dashboard: remembering when a user last looked at it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Municipality
from accounts.permissions import Action, require

from .models import DashboardVisit


def record_visit(
    *, user, municipality: Municipality, seen_at: datetime.datetime | None = None
) -> DashboardVisit:
    """Note that `user` has seen the dashboard of `municipality` as of `seen_at` (now): the
    next visit shows what changed after that."""
    require(user, Action.VIEW_DASHBOARD, municipality)
    visit, _created = DashboardVisit.objects.update_or_create(
        user=user,
        municipality=municipality,
        defaults={"seen_at": seen_at or timezone.now()},
    )
    return visit
