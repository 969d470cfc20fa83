"""The Vechta demo: a real Landkreis with its 10 Gemeinden and one demo user per role.

Idempotent: running it again leaves the same data. Later parts of KECK add their demo data here.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.models import Municipality, Role
from accounts.services import add_member, create_municipality
from atlas_data.services import import_areas, import_values

from .demo_atlas import load_demo_atlas
from .demo_citation import load_demo_citation
from .demo_consent import load_demo_consent
from .demo_institutions import load_demo_institutions
from .demo_knackpunkte import load_demo_knackpunkte
from .demo_network import load_demo_network
from .demo_profile import load_demo_profile

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
    _load_demo_values(municipality)
    load_demo_atlas(municipality)  # synthetic years, counts with suppression, bookmarks
    _load_demo_pois(municipality)
    _load_demo_meetings(municipality)
    _load_demo_sheets(municipality)
    _load_demo_analysis(municipality)
    _load_demo_measures(municipality)
    _load_demo_workflow(municipality)
    load_demo_knackpunkte(municipality)  # open sheet of the sticking points guide
    load_demo_profile(municipality)  # key indicators of the institution profiles
    load_demo_network(municipality)  # Stadt Lohne and the KECK network comparison
    load_demo_consent(municipality)  # an operator's ended support access and its log
    load_demo_institutions(municipality)  # Kita observation results per institution, rolled up
    load_demo_citation(municipality)  # release dates and a correction after the release
    return municipality


def _load_demo_meetings(municipality: Municipality) -> None:
    """Sozialplanungskonferenz and Sozialraumkonferenz Stadt Vechta with members, two past
    sessions each way with minutes and action items (one done, one carried over, one overdue)."""
    from .demo_meetings import load_demo_meetings

    load_demo_meetings(municipality)


def _load_demo_sheets(municipality: Municipality) -> None:
    """A consolidated Vorphase reflection sheet (cycle 1) with two respondents."""
    from conferences.demo_sheets import load_demo_sheets

    load_demo_sheets(municipality)


def _load_demo_pois(municipality: Municipality) -> None:
    """Invented points of interest inside the Gemeinden (two on a Gemeinde border), with the
    default categories. vechta_pois.csv is the import example with one POI outside the
    district, which the import rejects; the demo loads the valid register file."""
    from django.contrib.auth import get_user_model

    from atlas_data.services.pois import create_default_categories, sync_pois

    data_admin = get_user_model().objects.get(username="demo-data")
    create_default_categories(municipality=municipality, user=data_admin)
    sync_pois(municipality=municipality, path=DEMO_DATA / "vechta_pois_demo.csv", user=data_admin)


def _load_demo_values(municipality: Municipality) -> None:
    """The published 2013 table of Vechta, its metadata from the starter catalogue, released."""
    from django.contrib.auth import get_user_model

    from atlas_data.models import Indicator
    from atlas_data.services.catalogue import adopt_catalogue
    from atlas_data.services.release import release

    data_admin = get_user_model().objects.get(username="demo-data")
    import_values(
        municipality=municipality,
        path=DEMO_DATA / "vechta_gemeinden_2013.csv",
        level_name="Gemeinden",
        year=2013,
        user=data_admin,
        source_note="Landkreis Vechta, Sozialdaten 2013",
    )
    # The two imported indicators carry the catalogue's names, so adopting completes them.
    adopt_catalogue(
        municipality=municipality,
        user=data_admin,
        codes=["anteil-unter-15", "anteil-nichtdeutsche-unter-15"],
    )
    for indicator in Indicator.objects.filter(
        municipality=municipality,
        catalogue_code__in=["anteil-unter-15", "anteil-nichtdeutsche-unter-15"],
    ).select_related("municipality", "topic"):
        if indicator.decimals != 2:
            indicator.decimals = 2  # the table publishes two decimals: 16,15
            indicator._history_user = data_admin
            indicator.save(update_fields=["decimals"])
        release(user=data_admin, indicator=indicator, year=2013)


def _load_demo_analysis(municipality: Municipality) -> None:
    """SWOT, findings, a need and a field of action, a confirmed prioritisation of the
    Gemeinden for the Sozialplanungskonferenz."""
    from .demo_analysis import load_demo_analysis

    load_demo_analysis(municipality)


def _load_demo_measures(municipality: Municipality) -> None:
    """Three goals on child poverty (municipal, two area goals refining it) measured in the
    atlas, impact hypotheses and eight measures with sub-steps and timelines, one overdue."""
    from .demo_measures import load_demo_measures

    load_demo_measures(municipality)


def _load_demo_workflow(municipality: Municipality) -> None:
    """Cycle 1 finished with its Nachphase evaluation; cycle 2, carried over, in step 4 of the
    Sozialplanungskonferenz with two area processes (Vechta at step 3, Lohne overdue at step 2)."""
    from .demo_workflow import load_demo_workflow

    load_demo_workflow(municipality)
