"""The second demo municipality, Stadt Lohne (Oldenburg), and the demo's network comparison."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from accounts.models import Membership, Municipality, Role
from atlas_data import selectors, selectors_network
from atlas_data.models import Area, Indicator

DEMO_PASSWORD = "KeckDemo-2026"
SHARED = ["einwohner", "anteil-unter-15", "anteil-nichtdeutsche-unter-15", "sgb2-kinder-unter-15"]


@pytest.fixture(scope="module")
def lohne(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for this file in a transaction rolled back after it; each
    test runs in its own savepoint (the `db` fixture) inside it."""
    from keck.demo import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            load_demo()
        yield Municipality.objects.get(slug="lohne")
        transaction.set_rollback(True)


def displays(comparison, slug: str) -> dict[int, str]:
    member = next(m for m in comparison.members if m.municipality.slug == slug)
    return {cell.year: cell.shown.display for cell in member.values}


def test_lohne_is_a_town_of_landkreis_vechta(db, lohne):
    assert (lohne.name, lohne.kind, lohne.official_key) == (
        "Stadt Lohne (Oldenburg)",
        Municipality.Kind.CITY,
        "03460006",
    )


def test_lohne_has_five_invented_social_areas_inside_its_real_outline(db, lohne):
    areas = Area.objects.filter(municipality=lohne, level__depth=1).order_by("key")

    assert [a.name for a in areas] == [
        "Sozialraum Mitte",
        "Sozialraum Nord",
        "Sozialraum Ost",
        "Sozialraum Süd",
        "Sozialraum West",
    ]
    assert all(a.geometry and "für die Demo erfunden" in a.geometry_source for a in areas)
    assert {a.parent.name for a in areas} == {"Stadt Lohne (Oldenburg)"}


def test_lohne_has_its_own_demo_users(db, lohne):
    roles = {m.user.username: m.roles for m in Membership.objects.filter(municipality=lohne)}

    assert roles == {
        "demo-lohne-admin": [Role.MUNICIPAL_ADMIN],
        "demo-lohne-daten": [Role.DATA_ADMIN],
        "demo-lohne-mitglied": [Role.MEMBER],
    }
    assert get_user_model().objects.get(username="demo-lohne-daten").check_password(DEMO_PASSWORD)


def test_the_demo_network_compares_both_municipalities(db, lohne):
    entries = selectors_network.network_entries()

    assert [(e.code, [m.slug for m in e.municipalities]) for e in entries] == [
        (code, ["vechta", "lohne"]) for code in SHARED
    ]


def test_published_totals_are_kept_and_other_years_weighted(db, lohne):
    comparison = selectors_network.network_comparison(code="anteil-unter-15")

    origins = {
        m.municipality.slug: [cell.shown.origin for cell in m.values] for m in comparison.members
    }
    assert displays(comparison, "lohne") == {2013: "16,77 %", 2014: "16,71 %", 2015: "16,64 %"}
    assert displays(comparison, "vechta")[2013] == "16,15 %"  # the published Durchschnitt
    assert origins == {
        "vechta": ["published", "computed", "computed"],
        "lohne": ["published", "published", "published"],
    }


def test_lohnes_draft_year_stays_out_of_the_comparison(db, lohne):
    comparison = selectors_network.network_comparison(code="anteil-nichtdeutsche-unter-15")

    assert comparison.years == [2013, 2014]
    assert displays(comparison, "vechta")[2014] == "–"  # Vechta released 2013 only


def test_lohnes_sgb2_reference_date_is_flagged(db, lohne):
    comparison = selectors_network.network_comparison(code="sgb2-kinder-unter-15")

    flagged = {
        m.municipality.slug: [(d.field, d.own, d.catalogue) for d in m.differences]
        for m in comparison.members
    }
    assert flagged == {"vechta": [], "lohne": [("reference_date", "30.06.", "31.12.")]}


def test_an_entry_only_lohne_released_is_no_comparison(client, db, lohne):
    assert client.get("/api/v1/network/eingliederungshilfe-35a/").status_code == 404


def test_a_small_count_of_a_social_area_is_suppressed_in_lohnes_atlas(db, lohne):
    indicator = Indicator.objects.get(municipality=lohne, catalogue_code="eingliederungshilfe-35a")
    level = selectors.level_for(user=None, municipality=lohne, ref="sozialraume")

    table = selectors.values_table(user=None, indicator=indicator, year=2013, level=level)

    west = next(row for row in table.rows if row.area_name == "Sozialraum West")
    assert (west.shown.display, west.shown.value) == ("k. A.", None)


@pytest.mark.parametrize("code", ["", *SHARED])
def test_the_network_pages_of_the_demo_render(client, db, lohne, code):
    response = client.get(f"/netzwerk/{code}/" if code else "/netzwerk/")

    assert response.status_code == 200
    assert "Stadt Lohne (Oldenburg)" in response.content.decode()
