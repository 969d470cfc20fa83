"""The Vechta demo: a real Landkreis with its 10 Gemeinden and one demo user per role.

Idempotent: running it again leaves the same data. Later parts of KECK add their demo data here.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.models import Municipality, Role
from accounts.services import add_member, create_municipality
from atlas_data.services import import_areas

DEMO_DATA = Path(__file__).resolve().parent.parent / "atlas_data" / "demo_data"
DEMO_SLUG = "vechta"
DEMO_USERS = [
    ("demo-admin", Role.MUNICIPAL_ADMIN, "Anna", "Admin"),
    ("demo-data", Role.DATA_ADMIN, "Dana", "Daten"),
    ("demo-koordination", Role.COORDINATOR, "Kai", "Koordination"),
    ("demo-leitung", Role.LEADERSHIP, "Lena", "Leitung"),
    ("demo-mitglied", Role.MEMBER, "Mia", "Mitglied"),
]


@transaction.atomic
def load_demo() -> Municipality:
    municipality, _created = create_municipality(
        slug=DEMO_SLUG,
        name="Landkreis Vechta",
        kind=Municipality.Kind.DISTRICT,
        official_key="03460",
    )
    for username, role, first_name, last_name in DEMO_USERS:
        add_member(
            municipality=municipality,
            username=username,
            roles=[role],
            email=f"{username}@example.org",
            password=settings.KECK_DEMO_PASSWORD,
            first_name=first_name,
            last_name=last_name,
            update_existing_user=True,
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
