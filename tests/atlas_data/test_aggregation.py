"""Values of coarser areas and reference values: summed, weighted, published, unweighted mean."""

from __future__ import annotations

import pytest

from atlas_data.aggregation import (
    COMPUTED,
    MISSING,
    SOURCE_SUPPRESSED,
    AreaNode,
    Cell,
    complete_tree,
    unweighted_mean,
)
from atlas_data.models import Area, Value
from atlas_data.selectors import values_table
from atlas_data.suppression import indicator_values

from .conftest import count_indicator, make_tree, store

PARENT = AreaNode(0, None, 0)


def children_of(*cells: Cell) -> list[AreaNode]:
    return [PARENT] + [AreaNode(cell.area_id, 0, 1) for cell in cells]


def computed(*cells: Cell, kind: str, rate_base: float = 100) -> Cell:
    stored = {cell.area_id: cell for cell in cells}
    return complete_tree(areas=children_of(*cells), stored=stored, kind=kind, rate_base=rate_base)[
        0
    ]


def test_counts_are_summed():
    parent = computed(Cell(1, 0, value=1583), Cell(2, 0, value=2342), kind="count")
    assert (parent.value, parent.origin, parent.parts, parent.parts_total) == (
        3925,
        COMPUTED,
        2,
        2,
    )


def test_areas_without_value_are_left_out_of_a_sum_and_counted_as_not_included():
    parent = computed(Cell(1, 0, value=10), Cell(2, 0, status=MISSING, origin=None), kind="count")
    assert (parent.value, parent.parts, parent.parts_total) == (10, 1, 2)


def test_no_sum_over_an_area_suppressed_at_source():
    parent = computed(Cell(1, 0, value=10), Cell(2, 0, status=SOURCE_SUPPRESSED), kind="count")
    assert parent.status == MISSING


def test_shares_are_weighted_by_their_denominators_never_averaged():
    # 1 of 10 (10 %) and 90 of 100 (90 %): 91 of 110, not the 50 % an average would give.
    parent = computed(
        Cell(1, 0, value=10.0, numerator=1, denominator=10),
        Cell(2, 0, value=90.0, numerator=90, denominator=100),
        kind="share",
    )
    assert parent.value == pytest.approx(82.7272727, abs=1e-6)
    assert (parent.numerator, parent.denominator) == (91, 110)


def test_rates_use_their_base():
    parent = computed(
        Cell(1, 0, value=25.0, numerator=5, denominator=200),
        Cell(2, 0, value=15.0, numerator=12, denominator=800),
        kind="rate",
        rate_base=1000,
    )
    assert parent.value == 17.0


def test_means_are_weighted_without_a_base():
    parent = computed(
        Cell(1, 0, value=4.0, numerator=400, denominator=100),
        Cell(2, 0, value=10.0, numerator=1000, denominator=100),
        kind="mean",
    )
    assert parent.value == 7.0


def test_shares_without_numerator_and_denominator_give_no_value_for_the_parent():
    parent = computed(Cell(1, 0, value=17.53), Cell(2, 0, value=15.03), kind="share")
    assert parent.status == MISSING


def test_a_stored_parent_value_wins_over_the_computed_one():
    nodes = children_of(Cell(1, 0), Cell(2, 0))
    stored = {0: Cell(0, None, value=99), 1: Cell(1, 0, value=10), 2: Cell(2, 0, value=20)}
    assert complete_tree(areas=nodes, stored=stored, kind="count")[0].value == 99


def test_computed_areas_feed_the_level_above():
    nodes = [PARENT, AreaNode(1, 0, 1), AreaNode(11, 1, 2), AreaNode(12, 1, 2)]
    stored = {11: Cell(11, 1, value=4), 12: Cell(12, 1, value=6)}
    cells = complete_tree(areas=nodes, stored=stored, kind="count")
    assert (cells[1].value, cells[0].value) == (10, 10)


def test_unweighted_mean_counts_only_numbers():
    assert unweighted_mean([1.0, None, 2.0]) == (1.5, 2)
    assert unweighted_mean([None]) == (None, 0)


# --- the facts of the real tables -------------------------------------------------------------


def test_luechow_dannenberg_reference_is_the_published_sum(luechow, inhabitants, data_admin):
    table = values_table(
        user=data_admin(luechow),
        indicator=inhabitants,
        year=2014,
        level=luechow.levels.get(depth=1),
    )
    assert (table.reference.shown.value, table.reference.shown.display, table.reference.kind) == (
        48670,
        "48.670",
        "published",
    )


def test_the_27_luechow_dannenberg_counts_sum_to_the_published_48670(
    luechow, inhabitants, data_admin
):
    root = Area.objects.get(municipality=luechow, level__depth=0)
    published = Value.objects.get(indicator=inhabitants, area=root, year=2014)
    assert published.is_published_total
    published.delete()  # the same table without its "Summe" row
    table = values_table(
        user=data_admin(luechow),
        indicator=inhabitants,
        year=2014,
        level=luechow.levels.get(depth=1),
    )
    reference = table.reference.shown
    assert (reference.value, reference.origin, reference.parts, reference.parts_total) == (
        48670,
        "computed",
        27,
        29,  # the two gemeindefreie Gebiete are published as "–"
    )


def test_vechta_landkreis_value_stays_the_published_16_15(vechta, u15):
    table = values_table(user=None, indicator=u15, year=2013, level=vechta.levels.get(depth=1))
    assert (table.reference.shown.value, table.reference.shown.display, table.reference.kind) == (
        16.15,
        "16,15 %",
        "published",
    )


def test_without_the_published_row_vechta_gets_the_unweighted_mean_16_345_labelled_as_such(
    vechta, u15
):
    Value.objects.filter(indicator=u15, area__level__depth=0).delete()
    table = values_table(user=None, indicator=u15, year=2013, level=vechta.levels.get(depth=1))
    reference = table.reference.shown
    assert (reference.value, reference.display, table.reference.kind, reference.parts) == (
        16.345,
        "16,35 %",
        "unweighted_mean",
        10,
    )
    root = Area.objects.get(municipality=vechta, level__depth=0)
    # The Landkreis' own value is not faked from an average of shares.
    data = indicator_values(user=None, indicator=u15, year=2013)
    assert data.shown[root.pk].status == "missing"


# --- a constant number of queries ------------------------------------------------------------


@pytest.mark.parametrize("districts", [10, 120])
def test_aggregation_and_suppression_take_three_queries_for_any_number_of_areas(
    municipality, data_admin, django_assert_num_queries, districts
):
    tree = make_tree(municipality, districts=districts, quarters_per_district=3)
    indicator = count_indicator(municipality)
    store(
        indicator,
        2024,
        {area: (n % 7) * 3 for n, area in enumerate(tree["Quartiere"])},
    )
    admin = data_admin(municipality)
    indicator = type(indicator).objects.select_related("municipality").get(pk=indicator.pk)
    # memberships of the viewer, areas, values
    with django_assert_num_queries(3):
        data = indicator_values(user=admin, indicator=indicator, year=2024)
    assert len(data.shown) == 1 + districts + 3 * districts
    root = tree["root"][0]
    assert data.shown[root.pk].value == sum((n % 7) * 3 for n in range(3 * districts))
