"""The one suppression function: small counts, derived rates, secondary suppression, viewers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas_data.aggregation import (
    MISSING,
    OK,
    SOURCE_SUPPRESSED,
    AreaNode,
    Cell,
    complete_tree,
)
from atlas_data.suppression import (
    AT_SOURCE,
    SECONDARY,
    SMALL_COUNT,
    SMALL_DENOMINATOR,
    SMALL_NUMERATOR,
    Rules,
    format_number,
    protect,
    shown_values,
)

from .disclosure import recoverable

ROOT = 0


def family(parent, children, *, kind="count", rate_base=100):
    """A root (stored unless None: then computed) with children 1..n, completed like the atlas.

    A child is a number, a (numerator, denominator) pair for shares, "k. A." or "–".
    """
    nodes = [AreaNode(ROOT, None, 0)] + [AreaNode(n, ROOT, 1) for n in range(1, len(children) + 1)]
    stored = {}
    if parent is not None:
        stored[ROOT] = Cell(ROOT, None, value=parent)
    for n, child in enumerate(children, start=1):
        if child == "k. A.":
            stored[n] = Cell(n, ROOT, status=SOURCE_SUPPRESSED)
        elif child == "–":
            stored[n] = Cell(n, ROOT, status=MISSING, origin=None)
        elif isinstance(child, tuple):
            numerator, denominator = child
            value = numerator / denominator * rate_base
            stored[n] = Cell(n, ROOT, value=value, numerator=numerator, denominator=denominator)
        else:
            stored[n] = Cell(n, ROOT, value=child)
    return complete_tree(areas=nodes, stored=stored, kind=kind, rate_base=rate_base)


# --- primary suppression --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "cell", "rules", "reason"),
    [
        ("count", Cell(1, None, value=0), Rules(3, True), SMALL_COUNT),
        ("count", Cell(1, None, value=0), Rules(3, False), None),
        ("count", Cell(1, None, value=1), Rules(3, False), SMALL_COUNT),
        ("count", Cell(1, None, value=3), Rules(3, True), SMALL_COUNT),
        ("count", Cell(1, None, value=4), Rules(3, True), None),
        ("count", Cell(1, None, value=5), Rules(5, True), SMALL_COUNT),
        ("count", Cell(1, None, value=-2), Rules(3, True), None),  # a balance, not a count
        ("share", Cell(1, None, value=5.0, numerator=2, denominator=40), Rules(), SMALL_NUMERATOR),
        ("share", Cell(1, None, value=0.0, numerator=0, denominator=40), Rules(), SMALL_NUMERATOR),
        ("share", Cell(1, None, value=0.0, numerator=0, denominator=40), Rules(3, False), None),
        (
            "share",
            Cell(1, None, value=0.0, numerator=0, denominator=2),
            Rules(3, False),
            SMALL_DENOMINATOR,
        ),
        ("share", Cell(1, None, value=10.0, numerator=4, denominator=40), Rules(), None),
        ("share", Cell(1, None, value=4.6), Rules(), None),  # no counts known: nothing to judge
        ("rate", Cell(1, None, value=2.5, numerator=2, denominator=800), Rules(), SMALL_NUMERATOR),
        ("mean", Cell(1, None, value=7.5, numerator=15, denominator=2), Rules(), SMALL_DENOMINATOR),
        ("mean", Cell(1, None, value=7.5, numerator=300, denominator=40), Rules(), None),
        ("index", Cell(1, None, value=2.0), Rules(), None),
        ("count", Cell(1, None, status=SOURCE_SUPPRESSED), Rules(), AT_SOURCE),
        ("share", Cell(1, None, status=SOURCE_SUPPRESSED), Rules(), AT_SOURCE),
        ("count", Cell(1, None, status=MISSING, origin=None), Rules(), None),
    ],
)
def test_primary_suppression(kind, cell, rules, reason):
    assert protect({1: cell}, kind=kind, rules=rules).get(1) == reason


# --- secondary suppression ------------------------------------------------------------------


def test_one_small_sibling_takes_the_next_smallest_sibling_with_it():
    cells = family(100, [2, 48, 50])
    assert protect(cells, kind="count", rules=Rules()) == {1: SMALL_COUNT, 2: SECONDARY}


def test_a_computed_parent_protects_the_same_way_as_a_published_one():
    cells = family(None, [2, 48, 50])
    assert cells[ROOT].value == 100
    assert protect(cells, kind="count", rules=Rules()) == {1: SMALL_COUNT, 2: SECONDARY}


def test_two_small_siblings_protect_each_other():
    cells = family(100, [2, 3, 45, 50])
    assert protect(cells, kind="count", rules=Rules()) == {1: SMALL_COUNT, 2: SMALL_COUNT}


def test_hidden_zeros_are_not_left_alone_because_their_sum_would_tell_they_are_zero():
    cells = family(70, [0, 0, 30, 40])
    assert protect(cells, kind="count", rules=Rules()) == {
        1: SMALL_COUNT,
        2: SMALL_COUNT,
        3: SECONDARY,
    }


def test_areas_without_value_do_not_protect_a_small_count():
    # "–" counts as nothing: 50 − 48 would still give the 2.
    cells = family(50, [2, 48, "–"])
    assert protect(cells, kind="count", rules=Rules()) == {1: SMALL_COUNT, 2: SECONDARY}


def test_a_value_suppressed_at_source_shields_a_small_sibling():
    cells = family(100, ["k. A.", 2, 48, 50])
    assert protect(cells, kind="count", rules=Rules()) == {1: AT_SOURCE, 2: SMALL_COUNT}


def test_a_single_small_sibling_without_others_hides_the_parent_and_up_the_tree():
    # Landkreis > Gemeinden A (one Ortsteil with 2 children) and B (Ortsteile 30 and 40).
    nodes = [
        AreaNode(0, None, 0),
        AreaNode(1, 0, 1),  # A
        AreaNode(2, 0, 1),  # B
        AreaNode(11, 1, 2),  # A's only Ortsteil
        AreaNode(21, 2, 2),
        AreaNode(22, 2, 2),
    ]
    stored = {
        11: Cell(11, 1, value=2),
        21: Cell(21, 2, value=30),
        22: Cell(22, 2, value=40),
    }
    cells = complete_tree(areas=nodes, stored=stored, kind="count")
    assert (cells[1].value, cells[2].value, cells[0].value) == (2, 70, 72)
    assert protect(cells, kind="count", rules=Rules()) == {
        11: SMALL_COUNT,
        1: SMALL_COUNT,
        2: SECONDARY,  # 72 − B would give A
        21: SECONDARY,  # B − 40 would give B
    }


def test_a_share_with_a_small_numerator_hides_a_sibling_share_when_the_parent_is_computed():
    cells = family(None, [(2, 40), (30, 100), (50, 200)], kind="share")
    assert cells[ROOT].value == pytest.approx(82 / 340 * 100)
    assert protect(cells, kind="share", rules=Rules()) == {1: SMALL_NUMERATOR, 2: SECONDARY}


def test_a_published_parent_share_without_numerator_still_protects_the_childrens_numerators():
    # 16 % of the 340 in the areas below tells the viewer the parent's numerator.
    cells = family(16.0, [(2, 40), (30, 100), (50, 200)], kind="share")
    assert protect(cells, kind="share", rules=Rules()) == {1: SMALL_NUMERATOR, 2: SECONDARY}


def test_published_shares_without_counts_are_only_hidden_where_the_source_hid_them():
    cells = family(16.15, [17.53, "k. A.", 16.63], kind="share")
    assert protect(cells, kind="share", rules=Rules()) == {2: AT_SOURCE}


# --- what viewers get ------------------------------------------------------------------------


def test_the_public_sees_k_a_and_no_number_for_a_suppressed_count():
    shown = shown_values(
        family(100, [2, 48, 50]), kind="count", rules=Rules(), viewer_sees_suppressed=False
    )
    assert [
        (s.value, s.display, s.status, s.suppressed_but_visible, s.reason)
        for s in (shown[1], shown[2], shown[3])
    ] == [
        (None, "k. A.", "suppressed", False, None),
        (None, "k. A.", "suppressed", False, None),
        (50, "50", "ok", False, None),
    ]


def test_data_admins_see_true_values_marked_as_suppressed_with_the_reason():
    shown = shown_values(
        family(100, [2, 48, 50]), kind="count", rules=Rules(), viewer_sees_suppressed=True
    )
    assert [
        (s.value, s.display, s.status, s.suppressed_but_visible, s.reason)
        for s in (shown[1], shown[2])
    ] == [
        (2, "2", "suppressed", True, SMALL_COUNT),
        (48, "48", "suppressed", True, SECONDARY),
    ]


def test_data_admins_get_k_a_for_a_value_the_source_never_delivered():
    shown = shown_values(
        family(100, ["k. A.", 50, 50]), kind="count", rules=Rules(), viewer_sees_suppressed=True
    )
    assert (shown[1].value, shown[1].display, shown[1].reason) == (None, "k. A.", AT_SOURCE)


def test_missing_values_are_a_dash_not_zero():
    shown = shown_values(
        family(50, [50, "–"]), kind="count", rules=Rules(), viewer_sees_suppressed=False
    )
    assert (shown[2].value, shown[2].display, shown[2].status) == (None, "–", "missing")


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "kind", "text"),
    [
        (16.15, 2, "%", "share", "16,15 %"),
        (1583, 0, "", "count", "1.583"),
        (48670.0, 1, "Personen", "count", "48.670"),  # counts show no decimals
        (4.6, 1, "%", "share", "4,6 %"),
        (11.875, 2, "%", "share", "11,88 %"),  # half up, not to even
        (16.345, 2, "%", "share", "16,35 %"),
        (16.344999999999998, 2, "", "share", "16,35"),  # float noise of a computed mean
        (5, 0, "m²", "mean", "5 m²"),
        (1234567.891, 2, "€", "mean", "1.234.567,89 €"),
        (-2.5, 1, "", "count", "-2,5"),
        (-0.04, 1, "", "share", "0,0"),
        (12.3, 1, "je 1.000", "rate", "12,3"),
    ],
)
def test_german_number_format(value, decimals, unit, kind, text):
    assert format_number(value, decimals=decimals, unit=unit, kind=kind) == text


# --- the invariant: nothing hidden can be recovered ----------------------------------------


@st.composite
def count_trees(draw):
    """Random trees of up to three levels below the root, with many small counts."""
    nodes = [AreaNode(0, None, 0)]
    frontier, next_id = [0], 1
    for depth in range(1, draw(st.integers(1, 3)) + 1):
        new_frontier = []
        for parent in frontier:
            for _ in range(draw(st.integers(1, 4))):
                nodes.append(AreaNode(next_id, parent, depth))
                new_frontier.append(next_id)
                next_id += 1
        frontier = new_frontier
    parents = {node.parent_id for node in nodes}
    truth, stored = {}, {}
    for node in sorted(nodes, key=lambda n: -n.depth):
        children = [n.id for n in nodes if n.parent_id == node.id]
        if node.id not in parents:
            status = draw(st.sampled_from([OK] * 8 + [MISSING, SOURCE_SUPPRESSED]))
            value = draw(st.one_of(st.integers(0, 6), st.integers(0, 80)))
            truth[node.id] = 0 if status == MISSING else value
            stored[node.id] = Cell(
                node.id,
                node.parent_id,
                value=float(value) if status == OK else None,
                status=status,
                origin=None if status == MISSING else "published",
            )
        else:
            truth[node.id] = sum(truth[c] for c in children)
            if draw(st.booleans()):  # a published total, consistent with the areas below
                stored[node.id] = Cell(node.id, node.parent_id, value=float(truth[node.id]))
    rules = Rules(threshold=draw(st.integers(1, 5)), suppress_zero=draw(st.booleans()))
    return complete_tree(areas=nodes, stored=stored, kind="count"), rules


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count_trees())
def test_no_suppressed_count_can_be_recovered_from_the_visible_numbers(tree):
    cells, rules = tree
    hidden = set(protect(cells, kind="count", rules=rules))
    quantity = {i: c.value if c.has_value else None for i, c in cells.items()}
    assert recoverable(cells, hidden, quantity=quantity) == {}


@settings(max_examples=100, deadline=None)
@given(count_trees())
def test_every_small_count_is_hidden_and_the_public_gets_no_number_for_it(tree):
    cells, rules = tree
    shown = shown_values(cells, kind="count", rules=rules, viewer_sees_suppressed=False)
    for area_id, cell in cells.items():
        if cell.has_value and rules.is_small(cell.value):
            assert (shown[area_id].value, shown[area_id].display) == (None, "k. A.")
        if shown[area_id].status == "ok":
            assert shown[area_id].value == cell.value


@st.composite
def share_families(draw):
    """A computed parent share over areas with numerator and denominator."""
    size = draw(st.integers(1, 7))
    children = []
    for _ in range(size):
        denominator = draw(st.integers(1, 300))
        children.append((draw(st.integers(0, denominator)), denominator))
    return family(None, children, kind="share")


@settings(max_examples=150, deadline=None)
@given(share_families())
def test_no_suppressed_numerator_can_be_recovered_from_visible_shares(cells):
    hidden = set(protect(cells, kind="share", rules=Rules()))
    # Conservative: the viewer is assumed to know every denominator, so a visible share
    # tells its numerator.
    quantity = {i: c.numerator if c.has_value else None for i, c in cells.items()}
    assert recoverable(cells, hidden, quantity=quantity) == {}
