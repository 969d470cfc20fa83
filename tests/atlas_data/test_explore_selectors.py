"""Reads of the explorer: many indicators and years at once give exactly what the one-at-a-time
suppression path gives, for every kind of viewer."""

from __future__ import annotations

import pytest

from accounts.models import Role
from atlas_data.models import Area, Indicator
from atlas_data.selectors_explore import explorer_catalogue, indicator_values_many
from atlas_data.services.release import release
from atlas_data.suppression import indicator_values

from .conftest import complete_metadata, count_indicator, make_tree, store


@pytest.fixture
def musterstadt(municipality, data_admin):
    """2 Bezirke with 3 Quartiere each; counts and shares for two years, one of them released."""
    tree = make_tree(municipality, districts=2, quarters_per_district=3)
    quarters = tree["Quartiere"]
    counts = complete_metadata(count_indicator(municipality))
    store(counts, 2023, dict(zip(quarters, [2, 40, 55, 0, 61, 70], strict=True)))
    store(counts, 2024, dict(zip(quarters, [12, 40, 3, 80, 61, 1], strict=True)))
    share = complete_metadata(
        Indicator.objects.create(
            municipality=municipality,
            name="Anteil Kinder in Bedarfsgemeinschaften",
            kind=Indicator.Kind.SHARE,
            unit="%",
        )
    )
    for year, numerators in ((2023, [1, 10, 20, 30, 2, 9]), (2024, [5, 3, 20, 30, 12, 9])):
        store(
            share,
            year,
            {q: 100 * n / 100 for q, n in zip(quarters, numerators, strict=True)},
        )
        for quarter, numerator in zip(quarters, numerators, strict=True):
            share.values.filter(area=quarter, year=year).update(
                numerator=numerator, denominator=100
            )
    admin = data_admin(municipality)
    release(user=admin, indicator=counts, year=2024)
    release(user=admin, indicator=share, year=2024)
    return [counts, share]


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.DATA_ADMIN])
def test_many_at_once_equals_one_at_a_time(municipality, musterstadt, member_of, role):
    viewer = member_of(municipality, role) if role else None
    years = [2024] if role is None else [2023, 2024]
    many = indicator_values_many(
        user=viewer, municipality=municipality, wanted=dict.fromkeys(musterstadt, years)
    )
    assert set(many) == {(i.pk, y) for i in musterstadt for y in years}
    for indicator in musterstadt:
        for year in years:
            one = indicator_values(user=viewer, indicator=indicator, year=year)
            assert many[(indicator.pk, year)].shown == one.shown
            assert many[(indicator.pk, year)].areas == one.areas


def test_the_public_gets_released_pairs_only(municipality, musterstadt):
    many = indicator_values_many(
        user=None, municipality=municipality, wanted=dict.fromkeys(musterstadt, [2023, 2024])
    )
    assert set(many) == {(musterstadt[0].pk, 2024), (musterstadt[1].pk, 2024)}


def test_suppression_holds_in_the_bulk_path(municipality, musterstadt):
    many = indicator_values_many(
        user=None, municipality=municipality, wanted={musterstadt[0]: [2024]}
    )
    shown = many[(musterstadt[0].pk, 2024)].shown
    quarter = Area.objects.get(municipality=municipality, key="00103")  # 3 children
    assert (shown[quarter.pk].value, shown[quarter.pk].display) == (None, "k. A.")


def test_indicators_of_another_municipality_are_refused(
    municipality, other_municipality, musterstadt
):
    with pytest.raises(ValueError):
        indicator_values_many(
            user=None, municipality=other_municipality, wanted={musterstadt[0]: [2024]}
        )


def test_the_catalogue_groups_by_topic_and_leaves_out_indicators_without_visible_years(
    municipality, musterstadt, member_of
):
    empty = count_indicator(municipality, name="Noch ohne Werte")
    member = member_of(municipality, Role.MEMBER)
    catalogue = explorer_catalogue(user=member, municipality=municipality)
    assert empty not in catalogue.indicators
    assert [(topic, [i.name for i in items]) for topic, items in catalogue.groups()] == [
        ("Demografie", ["Kinder unter 6 Jahren"]),
        ("Weitere Indikatoren", ["Anteil Kinder in Bedarfsgemeinschaften"]),
    ]
    assert catalogue.years[musterstadt[0].pk].years == [2023, 2024]
    public = explorer_catalogue(user=None, municipality=municipality)
    assert public.years[musterstadt[0].pk].years == [2024]
