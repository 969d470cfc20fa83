"""Fixtures of the import tests: real municipalities with their real areas.

Kept in their own folder so that the other atlas tests are not affected by these fixtures.
"""

import pytest
from django.conf import settings

from accounts.models import Municipality, Role
from atlas_data.services import import_areas
from tests.factories import MunicipalityFactory

from .helpers import DEMO_DATA, VG5000


@pytest.fixture
def vechta(db) -> Municipality:
    """Landkreis Vechta with its 10 Gemeinden (BKG geometries of the demo)."""
    municipality = MunicipalityFactory(
        slug="vechta",
        name="Landkreis Vechta",
        kind=Municipality.Kind.DISTRICT,
        official_key="03460",
    )
    import_areas(
        municipality=municipality,
        path=DEMO_DATA / "vechta_gemeinden.gpkg",
        level_name="Gemeinden",
        key_field="AGS",
        name_field="GEN",
        source_note=settings.KECK_BKG_SOURCE_NOTE,
    )
    return municipality


@pytest.fixture
def luechow(db) -> Municipality:
    """Landkreis Lüchow-Dannenberg: its 27 Gemeinden and 2 gemeindefreie Gebiete from VG5000."""
    municipality = MunicipalityFactory(
        slug="luechow-dannenberg",
        name="Landkreis Lüchow-Dannenberg",
        kind=Municipality.Kind.DISTRICT,
        official_key="03354",
    )
    import_areas(
        municipality=municipality,
        path=VG5000,
        layer="VG5000_GEM",
        key_prefix="03354",
        level_name="Gemeinden",
        key_field="AGS",
        name_field="GEN",
        source_note=settings.KECK_BKG_SOURCE_NOTE,
    )
    return municipality


@pytest.fixture
def data_admin(vechta, member_of):
    return member_of(vechta, Role.DATA_ADMIN, username="daten")


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER, username="mitglied")
