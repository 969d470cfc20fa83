"""Fixtures of the analysis tests: Landkreis Vechta with its 10 Gemeinden and the real published
2013 table (tests/data/vechta_gemeinden_2013.csv), without geometries, so that set-up takes a
moment instead of the whole demo; a Sozialplanungskonferenz and one user per role.

Test modules import the fixtures they use: `from .analysis_fixtures import *`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts.models import Municipality, Role
from atlas_data.models import Area, Indicator, SpatialLevel, Value
from atlas_data.services import adopt_catalogue, ensure_level, ensure_root, import_values
from conferences.models import Conference
from tests.factories import MunicipalityFactory

DATA = Path(__file__).resolve().parent.parent / "data"

GEMEINDEN = {
    "03460001": "Bakum",
    "03460002": "Damme",
    "03460003": "Dinklage",
    "03460004": "Goldenstedt",
    "03460005": "Holdorf",
    "03460006": "Lohne (Oldenburg)",
    "03460007": "Neuenkirchen-Vörden",
    "03460008": "Steinfeld (Oldenburg)",
    "03460009": "Vechta",
    "03460010": "Visbek",
}
U15 = "anteil-unter-15"
NON_GERMAN = "anteil-nichtdeutsche-unter-15"

__all__ = [
    "GEMEINDEN",
    "NON_GERMAN",
    "U15",
    "admin",
    "conference",
    "coordinator",
    "data_admin",
    "gemeinden",
    "leader",
    "member",
    "outsider",
    "share",
    "store_shares",
    "vechta",
]


@pytest.fixture
def vechta(db, member_of) -> Municipality:
    municipality = MunicipalityFactory(
        slug="vechta",
        name="Landkreis Vechta",
        kind=Municipality.Kind.DISTRICT,
        official_key="03460",
    )
    root = ensure_root(municipality=municipality)
    level = ensure_level(municipality=municipality, name="Gemeinden")
    Area.objects.bulk_create(
        Area(municipality=municipality, level=level, parent=root, key=key, name=name)
        for key, name in GEMEINDEN.items()
    )
    importer = member_of(municipality, Role.DATA_ADMIN, username="vechta-import")
    import_values(
        municipality=municipality,
        path=DATA / "vechta_gemeinden_2013.csv",
        level_name="Gemeinden",
        year=2013,
        user=importer,
        source_note="Landkreis Vechta, Sozialdaten 2013",
    )
    adopt_catalogue(municipality=municipality, user=importer, codes=[U15, NON_GERMAN])
    # The table publishes two decimals (16,15), as in the demo.
    Indicator.objects.filter(municipality=municipality).update(decimals=2)
    return municipality


@pytest.fixture
def gemeinden(vechta) -> SpatialLevel:
    return SpatialLevel.objects.get(municipality=vechta, depth=1)


@pytest.fixture
def share(vechta):
    """share(code) -> the indicator of the 2013 table with that catalogue code."""

    def get(code: str) -> Indicator:
        return Indicator.objects.select_related("municipality", "topic").get(
            municipality=vechta, catalogue_code=code
        )

    return get


def store_shares(indicator: Indicator, year: int, values: dict[str, float]) -> None:
    """Store shares per Gemeinde key (as a published table without numerators would)."""
    areas = {a.key: a for a in Area.objects.filter(municipality=indicator.municipality)}
    Value.objects.bulk_create(
        Value(indicator=indicator, area=areas[key], year=year, value=value)
        for key, value in values.items()
    )
    # bulk_create sends no signal: tell the atlas cache, as the import services do.
    from atlas_data import cache as atlas_cache

    atlas_cache.bump(indicator.municipality_id)


@pytest.fixture
def conference(vechta) -> Conference:
    return Conference.objects.create(
        municipality=vechta,
        kind=Conference.Kind.PLANNING,
        name="Sozialplanungskonferenz Landkreis Vechta",
    )


@pytest.fixture
def coordinator(vechta, member_of):
    return member_of(vechta, Role.COORDINATOR, username="koordination")


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER, username="mitglied")


@pytest.fixture
def leader(vechta, member_of):
    return member_of(vechta, Role.LEADERSHIP, username="leitung")


@pytest.fixture
def data_admin(vechta, member_of):
    return member_of(vechta, Role.DATA_ADMIN, username="daten")


@pytest.fixture
def admin(vechta, member_of):
    """A municipal admin: may manage conferences and sees suppressed values."""
    return member_of(vechta, Role.MUNICIPAL_ADMIN, username="kommunen-admin")


@pytest.fixture
def outsider(other_municipality, member_of):
    """A coordinator of another municipality."""
    return member_of(other_municipality, Role.COORDINATOR, username="fremd")


def correct_values(values, **fields) -> None:
    """A correction written straight into the table, as a database administrator would.

    The atlas caches its computed numbers under a data version that every service and model save
    replaces; a bulk UPDATE sends no signal, so the correction tells the cache as they do.
    """
    from atlas_data import cache as atlas_cache

    municipalities = set(values.values_list("indicator__municipality_id", flat=True))
    values.update(**fields)
    for municipality_id in municipalities:
        atlas_cache.bump(municipality_id)
