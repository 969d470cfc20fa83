"""Offer analysis: which target groups the offers of each area serve, gaps and overlaps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from atlas_data.models import SpatialLevel
from atlas_data.selectors_pois import offer_analysis, target_bands

from .poi_helpers import BAKUM, HOLDORF, VECHTA, inside, make_poi, vechta_with_pois

pytestmark = pytest.mark.django_db


@pytest.fixture
def vechta(db):
    return vechta_with_pois()


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER)


def analyse(vechta, member, **options):
    level = SpatialLevel.objects.get(municipality=vechta, depth=1)
    analysis = offer_analysis(user=member, municipality=vechta, level=level, **options)
    return analysis, {area.key: area for area in analysis.areas}


# --- target groups of one offer --------------------------------------------------------------


def bands(age_min=None, age_max=None, group="", codes=()):
    return target_bands(
        age_min=age_min, age_max=age_max, target_group=group, category_codes=set(codes)
    )


def test_a_kita_from_1_to_6_serves_the_bands_0_3_and_3_6():
    assert bands(1, 6) == {"0-3", "3-6"}


def test_the_upper_age_means_up_to_under():
    assert bands(6, 10) == {"6-10"}


def test_an_open_upper_age_reaches_every_older_band():
    assert bands(12) == {"10-14", "14-18"}


def test_an_offer_from_60_serves_seniors_and_no_children():
    assert bands(65) == {"seniors"}


def test_families_are_recognised_by_the_category_or_the_target_group():
    assert bands(codes={"familienzentrum"}) == {"families"}
    assert bands(group="Eltern mit Säuglingen") == {"families"}
    assert bands(group="Senioren und Familien") == {"families", "seniors"}


def test_an_offer_without_ages_or_target_group_serves_no_band():
    assert bands() == set()


# --- per area --------------------------------------------------------------------------------


def test_holdorf_has_a_gap_for_10_to_14_year_olds(vechta, member):
    analysis, areas = analyse(vechta, member)

    holdorf = areas[HOLDORF]
    assert holdorf.total == 2  # Kita and Grundschule
    assert holdorf.state("10-14") == "gap"
    assert HOLDORF in [area.key for area in analysis.gaps("10-14")]


def test_vechta_has_an_overlap_of_offers_for_3_to_6_year_olds(vechta, member):
    analysis, areas = analyse(vechta, member)

    assert areas[VECHTA].by_band["3-6"] == 10
    assert areas[VECHTA].state("3-6") == "overlap"
    assert areas[BAKUM].state("3-6") == "served"  # Kita and Spielplatz: 2 < 3


def test_the_overlap_threshold_is_configurable(vechta, member):
    analysis, areas = analyse(vechta, member, threshold=11)

    assert areas[VECHTA].state("3-6") == "served"
    assert analysis.overlaps("3-6") == []


def test_the_categories_of_each_area_are_counted(vechta, member):
    _analysis, areas = analyse(vechta, member)

    assert {c.code: n for c, n in areas[BAKUM].by_category} == {
        "kita": 1,
        "grundschule": 1,
        "spielplatz": 2,  # one lies on the border with Vechta and counts for Bakum
    }


def test_offers_that_ended_do_not_count(vechta, member):
    make_poi(
        vechta,
        name="Jugendtreff Holdorf (geschlossen)",
        code="jugendzentrum",
        at=inside(HOLDORF),
        target_age_min=10,
        target_age_max=18,
        valid_to=dt.date(2020, 12, 31),
    )

    _analysis, areas = analyse(vechta, member)

    assert areas[HOLDORF].state("10-14") == "gap"


def test_a_new_offer_closes_the_gap(vechta, member):
    make_poi(
        vechta,
        name="Jugendtreff Holdorf",
        code="jugendzentrum",
        at=inside(HOLDORF),
        target_age_min=10,
        target_age_max=18,
    )

    _analysis, areas = analyse(vechta, member)

    assert areas[HOLDORF].by_band["10-14"] == 1


def test_the_summary_counts_gaps_and_overlaps_per_band(vechta, member):
    analysis, _areas = analyse(vechta, member)

    summary = {band.code: (gaps, overlaps) for band, gaps, overlaps in analysis.summary()}
    assert summary["3-6"] == (0, 3)  # Vechta, Lohne, Dinklage
    assert summary["seniors"][0] == 6


def test_the_map_data_carries_count_and_state_per_band(vechta, member):
    analysis, _areas = analyse(vechta, member)

    feature = next(f for f in analysis.feature_collection()["features"] if f["id"] == HOLDORF)
    assert feature["properties"]["bands"]["10-14"] == {"count": 0, "state": "gap"}
    assert feature["geometry"]["type"] == "Polygon"


def test_the_public_gets_no_offer_analysis(vechta):
    level = SpatialLevel.objects.get(municipality=vechta, depth=1)

    with pytest.raises(PermissionDenied):
        offer_analysis(user=None, municipality=vechta, level=level)
