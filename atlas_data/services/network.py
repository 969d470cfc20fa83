"""Opting an indicator in to (or out of) the comparison of the KECK network (issue 11, point 3)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, require

from ..catalogue import ENTRIES_BY_CODE
from ..models import Indicator
from .errors import AtlasError
from .release import topic_of


class NetworkError(AtlasError):
    """An opt-in that cannot be done, with a message a data admin can read."""


@transaction.atomic
def set_network_shared(*, user, indicator: Indicator, shared: bool) -> bool:
    """Opt `indicator` in to the network comparison (or out); returns whether it changed.

    Showing released values to other municipalities is a publication decision, so it takes
    the right to release the indicator's topic. Only indicators linked to an entry of the
    starter catalogue can be compared, and one per municipality and entry, so that the
    comparison shows one number per municipality. The history keeps who decided when.
    """
    require(user, Action.RELEASE_ATLAS_DATA, indicator.municipality, topic=topic_of(indicator))
    # The municipality's indicators of the same entry, locked: two admins opting in two of them
    # at once cannot both pass the check below.
    same_entry = {
        row.pk: row
        # Ordered by pk: the default ordering joins the (nullable) topic, which PostgreSQL
        # cannot lock FOR UPDATE.
        for row in Indicator.objects.select_for_update()
        .filter(municipality_id=indicator.municipality_id, catalogue_code=indicator.catalogue_code)
        .order_by("pk")
    }
    locked = same_entry.get(indicator.pk) or Indicator.objects.get(pk=indicator.pk)
    if shared:
        if locked.catalogue_code not in ENTRIES_BY_CODE:
            raise NetworkError(
                _(
                    "Only indicators linked to an entry of the starter catalogue can be compared "
                    "in the KECK network: the others may measure something else under the same "
                    "name."
                )
            )
        other = next(
            (row for pk, row in same_entry.items() if pk != locked.pk and row.network_shared),
            None,
        )
        if other is not None:
            raise NetworkError(
                _(
                    "“%(other)s” is already compared in the KECK network for this catalogue "
                    "entry; take it out first."
                )
                % {"other": other.name}
            )
    indicator.network_shared = shared  # the caller's object shows the decision
    if locked.network_shared == shared:
        return False
    locked.network_shared = shared
    locked._history_user = user
    locked.save(update_fields=["network_shared"])
    return True
