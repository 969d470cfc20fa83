"""Set-up of the citation tests: a released indicator year, a draft one, corrections on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Municipality, Role
from atlas_data.models import Area, Indicator, IndicatorRelease, ValueChange
from atlas_data.services.edits import set_value
from atlas_data.services.release import release
from tests.atlas_data.conftest import complete_metadata, count_indicator, make_tree, store

BERLIN = ZoneInfo("Europe/Berlin")
YEAR = 2023
RELEASED_AT = datetime(2026, 3, 5, 9, 30, tzinfo=BERLIN)
CORRECTED_AT = datetime(2026, 4, 10, 14, 0, tzinfo=BERLIN)


@dataclass
class Cited:
    municipality: Municipality
    indicator: Indicator  # released for YEAR
    draft: Indicator  # values for YEAR, never released
    bezirke: list[Area]
    admin: object

    @property
    def path(self) -> str:
        return f"/atlas/{self.municipality.slug}/i/{self.indicator.pk}/{YEAR}/"

    def correct(self, area: Area, value: float, *, when: datetime = CORRECTED_AT) -> None:
        """Change a value through the service and date the change `when`."""
        set_value(user=self.admin, indicator=self.indicator, area=area, year=YEAR, value=value)
        change = ValueChange.objects.filter(indicator=self.indicator, area=area).latest("pk")
        ValueChange.objects.filter(pk=change.pk).update(changed_at=when)


def build_cited(municipality: Municipality, member_of, *, districts: int = 3) -> Cited:
    tree = make_tree(municipality, districts=districts)
    indicator = complete_metadata(count_indicator(municipality, name="Kinder unter 6 Jahren"))
    draft = complete_metadata(count_indicator(municipality, name="Kinder unter 3 Jahren"))
    for target in (indicator, draft):
        store(target, YEAR, {area: 100 + 10 * n for n, area in enumerate(tree["Bezirke"])})
    admin = member_of(municipality, Role.DATA_ADMIN)
    release(user=admin, indicator=indicator, year=YEAR)
    IndicatorRelease.objects.filter(indicator=indicator).update(released_at=RELEASED_AT)
    indicator = Indicator.objects.select_related("municipality", "topic").get(pk=indicator.pk)
    draft = Indicator.objects.select_related("municipality", "topic").get(pk=draft.pk)
    return Cited(municipality, indicator, draft, tree["Bezirke"], admin)


@pytest.fixture
def cited(municipality, member_of) -> Cited:
    """Musterstadt: 3 Bezirke, "Kinder unter 6 Jahren" 2023 released on 05.03.2026 (not yet
    corrected), "Kinder unter 3 Jahren" 2023 a draft."""
    return build_cited(municipality, member_of)


@pytest.fixture
def corrected(cited) -> Cited:
    """The same, with the value of Bezirk 2 corrected on 10.04.2026."""
    cited.correct(cited.bezirke[1], 115)
    return cited
