"""Release (Freigabe) per indicator and year, and withdrawal: only released data is public."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, require

from ..models import Indicator, IndicatorRelease, Value
from .errors import AtlasError

# The mandatory metadata of domain.md §3, in the order a data admin fills them in. `kind` has a
# default and is always set; it is listed because a release depends on it.
MANDATORY_FIELDS = (
    "name",
    "short_name",
    "definition",
    "unit",
    "kind",
    "data_source",
    "data_holder",
    "reference_date",
    "polarity",
    "valid_levels",
)


class ReleaseError(AtlasError):
    """A release that cannot be done, with a message naming what is missing."""


def topic_of(indicator: Indicator) -> str:
    """The topic code for topic-scoped permissions.

    An indicator without a topic belongs to no data admin's topics: only admins of all topics
    may handle it, so `""` (not None, which would skip the topic check) is passed on.
    """
    return indicator.topic.code if indicator.topic_id else ""


def missing_metadata(indicator: Indicator) -> list[str]:
    """The names (as a data admin reads them) of the mandatory fields that are still empty."""
    missing = []
    for name in MANDATORY_FIELDS:
        field = Indicator._meta.get_field(name)
        if name == "valid_levels":
            # Uses prefetched levels when the caller prefetched them.
            empty = indicator.pk is None or not indicator.valid_levels.all()
        else:
            empty = not str(getattr(indicator, name) or "").strip()
        if empty:
            missing.append(str(field.verbose_name))
    return missing


@transaction.atomic
def release(*, user, indicator: Indicator, year: int) -> IndicatorRelease:
    """Release one year of an indicator to the public.

    Requires the right to release data of the indicator's topic, complete mandatory metadata
    and values in that year. Releasing again changes nothing.
    """
    require(user, Action.RELEASE_ATLAS_DATA, indicator.municipality, topic=topic_of(indicator))
    missing = missing_metadata(indicator)
    if missing:
        raise ReleaseError(
            _("“%(indicator)s” cannot be released: these mandatory fields are empty: %(fields)s.")
            % {"indicator": indicator.name, "fields": ", ".join(missing)}
        )
    if not Value.objects.filter(indicator=indicator, year=year).exists():
        raise ReleaseError(
            _("“%(indicator)s” has no values for %(year)s; there is nothing to release.")
            % {"indicator": indicator.name, "year": year}
        )
    existing = IndicatorRelease.objects.filter(indicator=indicator, year=year).first()
    if existing is not None:
        return existing
    entry = IndicatorRelease(indicator=indicator, year=year, released_by=user)
    entry._history_user = user  # simple_history: who released, also outside a request
    entry.save()
    return entry


@transaction.atomic
def withdraw(*, user, indicator: Indicator, year: int) -> bool:
    """Take a released year back to draft; returns whether it had been released."""
    require(user, Action.RELEASE_ATLAS_DATA, indicator.municipality, topic=topic_of(indicator))
    entry = IndicatorRelease.objects.filter(indicator=indicator, year=year).first()
    if entry is None:
        return False
    entry._history_user = user  # the history keeps who withdrew it and when
    entry.delete()
    return True
