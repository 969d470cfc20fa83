"""The arithmetic of findings and of the composite index, against numbers computed by hand.

Four areas A–D; X (a higher value means a higher need) A=10 B=20 C=30 D=40: mean 25, population
sd √125 = 11.1803, z = ∓1.3416, ∓0.4472. Y (a lower value means a higher need) A=4 B=2 C=2 D=0:
mean 2, sd √2, need scores A −1.4142, B 0, C 0, D +1.4142. Weights X 2, Y 1.
"""

import pytest

from conferences.analysis_math import (
    RANKS,
    ZSCORES,
    Input,
    average_ranks,
    composite_index,
    deviations,
    largest_changes,
    population_sd,
)

AREAS = ["A", "B", "C", "D"]
X = {"A": 10, "B": 20, "C": 30, "D": 40}
Y = {"A": 4, "B": 2, "C": 2, "D": 0}
INPUTS = [Input("X", 2, +1), Input("Y", 1, -1)]


def by_area(rows):
    return {row.key: row for row in rows}


def test_population_sd_divides_by_the_number_of_areas():
    assert population_sd([10, 20, 30, 40]) == pytest.approx(11.18034, abs=1e-5)


def test_population_sd_needs_two_values():
    assert population_sd([5.0]) is None


def test_deviation_counts_only_more_than_k_standard_deviations():
    # sd of 10, 20, 30, 40 is 11.18; reference 25: A and D lie 1.34 sd away, B and C 0.45.
    found, sd = deviations(X, reference=25, k=1)

    assert [(d.key, round(d.z, 4)) for d in found] == [("A", -1.3416), ("D", 1.3416)]
    assert sd == pytest.approx(11.18034, abs=1e-5)


def test_deviation_ignores_suppressed_values_for_the_spread_and_the_result():
    # sd over 10, 20, 40 only: 12.472; reference 22: A −0.96, B −0.16, D +1.44 sd
    values = {"A": 10, "B": 20, "C": None, "D": 40}

    found, sd = deviations(values, reference=22, k=1)

    assert sd == pytest.approx(12.47219, abs=1e-5)
    assert [(d.key, round(d.z, 3)) for d in found] == [("D", 1.443)]


def test_largest_changes_take_the_absolute_change():
    current = {"A": 16.0, "B": 14.2, "C": 15.05, "D": 17.0}
    previous = {"A": 15.5, "B": 15.0, "C": 15.0, "D": 17.0}

    changes = largest_changes(current, previous, top=2)

    assert [(c.key, c.change) for c in changes] == [("B", -0.8), ("A", 0.5)]


def test_largest_changes_keep_ties_at_the_cut_and_skip_unchanged_and_hidden_areas():
    current = {"A": 1.5, "B": 2.5, "C": 3.5, "D": None, "E": 4.0}
    previous = {"A": 1.0, "B": 2.0, "C": 3.0, "D": 1.0, "E": 4.0}

    assert {c.key for c in largest_changes(current, previous, top=1)} == {"A", "B", "C"}


def test_average_ranks_share_the_mean_rank_of_ties():
    assert average_ranks({"A": -4, "B": -2, "C": -2, "D": 0}) == {
        "D": 1,
        "B": 2.5,
        "C": 2.5,
        "A": 4,
    }


def test_zscore_index_is_the_weighted_mean_of_need_scores():
    rows, spreads = composite_index(
        areas=AREAS, inputs=INPUTS, values={"X": X, "Y": Y}, method=ZSCORES
    )

    # D: (2 × 1.341641 + 1 × 1.414214) / 3 = 1.365832
    assert [(r.key, r.position, round(r.index, 6)) for r in rows] == [
        ("D", 1, 1.365832),
        ("C", 2, 0.298142),
        ("B", 3, -0.298142),
        ("A", 4, -1.365832),
    ]
    assert [(s.key, s.mean, round(s.sd, 4)) for s in spreads] == [
        ("X", 25, 11.1803),
        ("Y", 2, 1.4142),
    ]


def test_zscore_contributions_add_up_to_the_index():
    rows, _ = composite_index(areas=AREAS, inputs=INPUTS, values={"X": X, "Y": Y}, method=ZSCORES)
    d = by_area(rows)["D"]

    assert [round(c.score, 6) for c in d.cells] == [1.341641, 1.414214]
    assert [round(c.contribution, 6) for c in d.cells] == [0.894427, 0.471405]
    assert sum(c.contribution for c in d.cells) == pytest.approx(d.index)


def test_direction_turns_the_ranking_around():
    rows, _ = composite_index(
        areas=AREAS, inputs=[Input("X", 1, -1)], values={"X": X}, method=ZSCORES
    )

    assert [r.key for r in rows] == ["A", "B", "C", "D"]


def test_weights_decide_between_indicators_that_disagree():
    # X says D, the reversed Y says A: the heavier one wins.
    values = {"X": X, "Y": Y}
    x_heavy, _ = composite_index(
        areas=AREAS, inputs=[Input("X", 3, 1), Input("Y", 1, 1)], values=values, method=ZSCORES
    )
    y_heavy, _ = composite_index(
        areas=AREAS, inputs=[Input("X", 1, 1), Input("Y", 3, 1)], values=values, method=ZSCORES
    )

    assert x_heavy[0].key == "D"
    assert y_heavy[0].key == "A"


def test_rank_index_is_the_weighted_mean_rank_lowest_first():
    rows, _ = composite_index(areas=AREAS, inputs=INPUTS, values={"X": X, "Y": Y}, method=RANKS)

    # A: (2 × 4 + 4) / 3 = 4; B: (2 × 3 + 2.5) / 3 = 2.8333; C: (2 × 2 + 2.5) / 3; D: 1
    assert [(r.key, r.position, round(r.index, 4)) for r in rows] == [
        ("D", 1, 1.0),
        ("C", 2, 2.1667),
        ("B", 3, 2.8333),
        ("A", 4, 4.0),
    ]


def test_missing_input_is_reweighted_over_the_others_and_flagged():
    values = {"X": X, "Y": {"A": 4, "B": 2, "C": 2, "D": None}}

    rows, spreads = composite_index(areas=AREAS, inputs=INPUTS, values=values, method=ZSCORES)
    rows = by_area(rows)

    # D has only X: its index is its X score (weight 2 of 2).
    assert round(rows["D"].index, 6) == 1.341641
    assert not rows["D"].complete
    assert (rows["D"].available_weight, rows["D"].total_weight) == (2, 3)
    # Y spreads over A, B, C only: mean 2.6667, sd 0.9428; B: (2 × −0.447214 + 0.707107) / 3
    assert round(spreads[1].sd, 4) == 0.9428
    assert round(rows["B"].index, 6) == -0.06244
    assert rows["B"].complete
    assert [r.position for r in (rows["D"], rows["C"], rows["B"], rows["A"])] == [1, 2, 3, 4]


def test_area_without_any_input_is_not_ranked():
    values = {"X": {"A": 10, "B": 20, "C": 30, "D": None}}

    rows, _ = composite_index(areas=AREAS, inputs=[Input("X", 1, 1)], values=values, method=ZSCORES)

    assert [(r.key, r.position) for r in rows] == [("C", 1), ("B", 2), ("A", 3), ("D", None)]
    assert rows[-1].index is None


def test_equal_indices_share_a_position():
    rows, _ = composite_index(
        areas=AREAS,
        inputs=[Input("Y", 1, 1)],
        values={"Y": Y},
        method=ZSCORES,
    )

    assert [(r.key, r.position) for r in rows] == [("A", 1), ("B", 2), ("C", 2), ("D", 4)]


def test_values_that_do_not_spread_score_zero():
    rows, spreads = composite_index(
        areas=AREAS,
        inputs=[Input("Z", 1, 1)],
        values={"Z": {"A": 5, "B": 5, "C": 5, "D": 5}},
        method=ZSCORES,
    )

    assert spreads[0].sd == 0
    assert {r.index for r in rows} == {0.0}
