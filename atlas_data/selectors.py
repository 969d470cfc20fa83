"""Reads of the atlas, always scoped through the permission module."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from accounts.models import Municipality
from accounts.permissions import Action, require

from .models import Area, Indicator, SpatialLevel


def levels_for(*, user, municipality: Municipality) -> QuerySet[SpatialLevel]:
    """The spatial levels with their number of areas and of areas with a geometry."""
    require(user, Action.VIEW_PUBLIC, municipality)
    return (
        SpatialLevel.objects.filter(municipality=municipality)
        .annotate(area_count=Count("areas"))
        .order_by("depth")
    )


def areas_for(*, user, municipality: Municipality, level: SpatialLevel | None = None) -> QuerySet[Area]:
    require(user, Action.VIEW_PUBLIC, municipality)
    queryset = Area.objects.filter(municipality=municipality).select_related("level", "parent")
    if level is not None:
        queryset = queryset.filter(level=level)
    return queryset.order_by("level__depth", "key")


def indicators_for(*, user, municipality: Municipality) -> QuerySet[Indicator]:
    """Indicators a user may see: all internal ones for members, released ones for the public."""
    from accounts.permissions import can

    queryset = Indicator.objects.filter(municipality=municipality).select_related("topic")
    if can(user, Action.VIEW_INTERNAL, municipality):
        return queryset
    require(user, Action.VIEW_PUBLIC, municipality)
    return queryset.filter(releases__isnull=False).distinct()
