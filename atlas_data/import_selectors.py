"""Reads of import runs, scoped through the permission module (only data admins see imports)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Municipality
from accounts.permissions import Action, require

from .models import ImportRun, SpatialLevel

RECENT_RUNS = 50


def import_runs_for(*, user, municipality: Municipality) -> QuerySet[ImportRun]:
    """The municipality's latest imports, newest first."""
    require(user, Action.EDIT_ATLAS_DATA, municipality)
    return ImportRun.objects.filter(municipality=municipality).select_related("created_by")[
        :RECENT_RUNS
    ]


def import_run_for(*, user, municipality: Municipality, pk: int) -> ImportRun:
    """One import of the municipality; Http404 for an import of any other municipality."""
    require(user, Action.EDIT_ATLAS_DATA, municipality)
    run = (
        ImportRun.objects.filter(municipality=municipality, pk=pk)
        .select_related("created_by")
        .first()
    )
    if run is None:
        raise Http404
    return run


def level_names_for(*, user, municipality: Municipality) -> list[str]:
    """Names of the municipality's spatial levels, coarse to fine, for the import form."""
    require(user, Action.EDIT_ATLAS_DATA, municipality)
    return list(
        SpatialLevel.objects.filter(municipality=municipality)
        .order_by("depth")
        .values_list("name", flat=True)
    )
