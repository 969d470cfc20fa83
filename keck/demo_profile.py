"""The institution profile in the Vechta demo: the district marks the key indicators of its
profiles (“relevant for steering in”), so that every POI's Sozialraumprofil shows the same six
rows a family centre needs for its re-certification. Idempotent: an unchanged indicator is not
written again.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from accounts.models import Municipality
from atlas_data.models import Indicator
from atlas_data.services.indicators import update_indicator

from .demo_atlas import CHILDREN, COUNT_35A, POPULATION, SHARE_NON_GERMAN, SHARE_SGB2, SHARE_U15

RELEVANT_FOR = "Familienzentren, Kita-Bedarfsplanung, Jugendhilfeplanung"
KEY_INDICATORS = (POPULATION, CHILDREN, SHARE_U15, SHARE_NON_GERMAN, SHARE_SGB2, COUNT_35A)


def load_demo_profile(municipality: Municipality) -> list[Indicator]:
    """Mark the key indicators of the demo's institution profiles; returns them."""
    data_admin = get_user_model().objects.get(username="demo-data")
    indicators = Indicator.objects.filter(municipality=municipality).select_related(
        "municipality", "topic"
    )
    by_ref = {i.catalogue_code: i for i in indicators if i.catalogue_code}
    by_ref.update({i.name: i for i in indicators})
    marked = []
    for ref in KEY_INDICATORS:
        indicator = by_ref[ref]
        update_indicator(user=data_admin, indicator=indicator, data={"relevant_for": RELEVANT_FOR})
        marked.append(indicator)
    return marked
