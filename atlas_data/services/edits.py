"""Single edits of atlas values by a data admin, each kept in the history (ValueChange)."""

from __future__ import annotations

import math

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, require
from keck.locking import LastChange, claim, user_name

from ..models import Area, Indicator, Value, ValueChange
from .errors import AtlasError, ValueConflict
from .release import topic_of

MIN_YEAR, MAX_YEAR = 1900, 2100
_RATIO_KINDS = (Indicator.Kind.SHARE, Indicator.Kind.RATE, Indicator.Kind.MEAN)


@transaction.atomic
def set_value(
    *,
    user,
    indicator: Indicator,
    area: Area,
    year: int,
    value: float | None,
    numerator: float | None = None,
    denominator: float | None = None,
    status: str = Value.Status.OK,
    source_note: str = "",
    version: int | None = None,
) -> Value | None:
    """Set, change or remove (value None with status OK) one value, recording who, when and what.

    For shares, rates and means, numerator and denominator alone are enough: the value is
    computed from them.

    `status=SOURCE_SUPPRESSED` stores a `k. A.` delivered by the data holder (no number). An
    edit that changes nothing writes nothing. Returns the stored value, or None once removed.

    `version` is the version of the value the caller read (0: there was none; None: not
    checked): a correction or import in between refuses the edit with ValueConflict.
    """
    require(user, Action.EDIT_ATLAS_DATA, indicator.municipality, topic=topic_of(indicator))
    _validate(
        indicator=indicator,
        area=area,
        year=year,
        numbers=(value, numerator, denominator),
        status=status,
    )
    if status == Value.Status.SOURCE_SUPPRESSED:
        value = numerator = denominator = None
    elif value is None and numerator is not None and indicator.kind in _RATIO_KINDS:
        factor = indicator.rate_base if indicator.kind != Indicator.Kind.MEAN else 1
        value = numerator / denominator * factor
    current = Value.objects.select_for_update().filter(indicator=indicator, area=area, year=year)
    current = current.first()
    remove = status == Value.Status.OK and value is None
    if current is None and remove:
        return None
    if current is not None and (
        (current.value, current.numerator, current.denominator, current.status)
        == (value, numerator, denominator, status)
    ):
        return current
    mine = {"value": value, "numerator": numerator, "denominator": denominator, "status": status}
    if current is None and version:
        raise ValueConflict(current=None, deleted=True)
    if current is not None:
        claim(current, version=version, conflict=ValueConflict, mine=mine, last_change=last_change)
    ValueChange.between(
        indicator=indicator,
        area_id=area.pk,
        year=year,
        before=current,
        after=None if remove else (value, numerator, denominator, status),
        user=user,
    ).save()
    if remove:
        current.delete()
        return None
    if current is None:
        current = Value(indicator=indicator, area=area, year=year)
    current.value, current.numerator, current.denominator = value, numerator, denominator
    current.status = status
    # A hand edit replaces what a table published; it is no longer the published total.
    current.is_published_total = False
    current.source_note = source_note or current.source_note
    current.import_run = None
    current.save()
    return current


def last_change(value: Value) -> LastChange | None:
    """The newest entry of the value's change log: who (or which import) and when."""
    change = (
        ValueChange.objects.filter(indicator_id=value.indicator_id, area_id=value.area_id)
        .filter(year=value.year)
        .select_related("changed_by", "import_run")
        .order_by("-changed_at", "-pk")
        .first()
    )
    if change is None:
        return None
    who = user_name(change.changed_by)
    if not who and change.import_run is not None:
        who = _("the import of %(file)s") % {"file": change.import_run.file_name}
    return LastChange(who=who, when=change.changed_at)


def _validate(*, indicator: Indicator, area: Area, year: int, numbers, status: str) -> None:
    if area.municipality_id != indicator.municipality_id:
        raise AtlasError(_("The area belongs to another municipality."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise AtlasError(
            _("The year must lie between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    if status not in Value.Status.values:
        raise AtlasError(_("Unknown status %(status)s.") % {"status": status})
    value, numerator, denominator = numbers
    for number in numbers:
        if number is not None and not math.isfinite(number):
            raise AtlasError(_("Only finite numbers can be stored."))
    if indicator.kind == Indicator.Kind.COUNT and value is not None and value < 0:
        raise AtlasError(_("A count cannot be negative."))
    if (numerator is None) != (denominator is None):
        raise AtlasError(_("Give numerator and denominator together, or neither."))
    if denominator is not None and denominator <= 0:
        raise AtlasError(_("The denominator must be greater than zero."))
    if numerator is not None and numerator < 0:
        raise AtlasError(_("The numerator cannot be negative."))
