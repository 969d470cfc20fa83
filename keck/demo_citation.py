"""Citable data in the Vechta demo: the released years carry realistic release dates, and one
synthetic value (Visbek, share of under-15-year-olds 2014) was corrected after its release,
so that the public pages and files show "Freigegeben am …, korrigiert am …".

The correction goes through the value service like a data admin's; only the dates are set
afterwards, because a freshly loaded demo would otherwise release and correct on the same
second. Idempotent: the correction is made once, the dates are set again on every load.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from accounts.models import Municipality
from atlas_data import cache as atlas_cache
from atlas_data.models import Area, Indicator, IndicatorRelease, Value, ValueChange
from atlas_data.services.edits import set_value

SHARE_U15 = "anteil-unter-15"
AREA_KEY = "03460010"  # Visbek
YEAR = 2014
# Three children of the age group were registered late: the numerator grows, the share with it.
LATE_REGISTRATIONS = 3
RELEASED_DAYS_AGO = 60
CORRECTED_DAYS_AGO = 12


def load_demo_citation(municipality: Municipality) -> None:
    indicator = Indicator.objects.get(municipality=municipality, catalogue_code=SHARE_U15)
    area = Area.objects.get(municipality=municipality, key=AREA_KEY)
    # Whole hours of a fixed time of day, so that loading the demo again the same day sets the
    # same dates and leaves the rows as they were.
    now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    # Releases of the demo happened before the corrections, as in a real atlas.
    IndicatorRelease.objects.filter(indicator__municipality=municipality).update(
        released_at=now - timedelta(days=RELEASED_DAYS_AGO)
    )
    changes = ValueChange.objects.filter(indicator=indicator, area=area, year=YEAR)
    ours = next((change for change in changes.order_by("pk") if _is_correction(change)), None)
    last = changes.order_by("pk").last()
    if ours is not None and last is not None and last.pk != ours.pk:
        # Loading the demo again imported the synthetic table again, which reverted the
        # correction: restore the corrected value and drop the import's revert, so that a
        # second load leaves the same rows as the first.
        Value.objects.filter(indicator=indicator, area=area, year=YEAR).update(
            value=ours.new_value,
            numerator=ours.new_numerator,
            denominator=ours.new_denominator,
            # The import's revert took a new version; taking the revert back returns it.
            version=F("version") - 1,
        )
        last.delete()
    elif ours is None:
        value = Value.objects.get(indicator=indicator, area=area, year=YEAR)
        set_value(
            user=get_user_model().objects.get(username="demo-data"),
            indicator=indicator,
            area=area,
            year=YEAR,
            value=None,
            numerator=value.numerator + LATE_REGISTRATIONS,
            denominator=value.denominator,
            source_note=value.source_note,
            version=value.version,
        )
    corrected_at = now - timedelta(days=CORRECTED_DAYS_AGO)
    ValueChange.objects.filter(pk=next(c.pk for c in changes if _is_correction(c))).update(
        changed_at=corrected_at
    )
    Value.objects.filter(indicator=indicator, area=area, year=YEAR).update(updated=corrected_at)
    # update() sends no signals: cached atlas results must not outlive the new dates.
    atlas_cache.bump(municipality.pk)


def _is_correction(change: ValueChange) -> bool:
    """The demo's correction: the late registrations added to the numerator."""
    return (
        change.old_numerator is not None
        and change.new_numerator == change.old_numerator + LATE_REGISTRATIONS
    )
