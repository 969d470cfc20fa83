"""The kind "value" of the history page (keck.history): the change log (ValueChange) of one
value, i.e. one indicator, area and year. Old values are raw numbers, so only those who may see
suppressed values read it; data admins of the indicator's topic restore a state through
set_value, which writes a new change log entry."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Action, can, current_municipality, require
from keck.history import FieldChange, Kind, Version, register, scoped
from keck.locking import show, user_name

from . import selectors
from .models import Area, Indicator, Value, ValueChange
from .services.edits import set_value
from .services.errors import AtlasError
from .services.release import topic_of


@dataclass
class Cell:
    indicator: Indicator
    area: Area
    year: int
    value: Value | None

    def __str__(self):
        return f"{self.indicator.name} · {self.area.name} · {self.year}"


def _cell(request, ref: str) -> Cell:
    parts = ref.split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise Http404
    indicator_id, area_id, year = (int(part) for part in parts)
    municipality = current_municipality(request)
    indicators = selectors.indicators_for(user=request.user, municipality=municipality)
    indicator = scoped(indicators, indicator_id)
    area = scoped(Area.objects.filter(municipality=municipality), area_id)
    require(request.user, Action.VIEW_SUPPRESSED_VALUES, municipality)
    value = Value.objects.filter(indicator=indicator, area=area, year=year).first()
    return Cell(indicator=indicator, area=area, year=year, value=value)


def _shown(value, numerator, denominator, status: str) -> str:
    if not status:
        return "–"
    if status == Value.Status.SOURCE_SUPPRESSED:
        return "k. A."
    text = show(None, value)
    if numerator is not None:
        text += f" ({show(None, numerator)} / {show(None, denominator)})"
    return text


def _versions(user, cell: Cell) -> list[Version]:
    changes = selectors.value_history(
        user=user, indicator=cell.indicator, area=cell.area, year=cell.year
    )
    label = _("Value")
    versions = []
    for change in changes:
        who = user_name(change.changed_by)
        if not who and change.import_run is not None:
            who = _("the import of %(file)s") % {"file": change.import_run.file_name}
        versions.append(
            Version(
                ref=str(change.pk),
                when=change.changed_at,
                who=who,
                created=not change.old_status,
                changes=[
                    FieldChange(
                        label=label,
                        old=_shown(
                            change.old_value,
                            change.old_numerator,
                            change.old_denominator,
                            change.old_status,
                        ),
                        new=_shown(
                            change.new_value,
                            change.new_numerator,
                            change.new_denominator,
                            change.new_status,
                        ),
                    )
                ],
            )
        )
    if versions:
        versions[0].current = True
    return versions


def _restore(user, cell: Cell, ref: str, version: int | None) -> None:
    """Store the value as it was after change `ref` (no value, if that change removed it)."""
    if not ref.isdigit():
        raise Http404
    change = scoped(
        ValueChange.objects.filter(indicator=cell.indicator, area=cell.area, year=cell.year),
        int(ref),
    )
    set_value(
        user=user,
        indicator=cell.indicator,
        area=cell.area,
        year=cell.year,
        value=change.new_value,
        numerator=change.new_numerator,
        denominator=change.new_denominator,
        status=change.new_status or Value.Status.OK,
        version=version,
    )


register(
    Kind(
        name="value",
        app="atlas",
        label=gettext_lazy("Atlas value"),
        get=_cell,
        title=str,
        back_url=lambda cell: reverse("atlas:indicator_history", args=[cell.indicator.pk]),
        versions=_versions,
        may_restore=lambda user, cell: can(
            user,
            Action.EDIT_ATLAS_DATA,
            cell.indicator.municipality,
            topic=topic_of(cell.indicator),
        ),
        restore=_restore,
        version_of=lambda cell: cell.value.version if cell.value is not None else 0,
        errors=(AtlasError,),
    )
)
