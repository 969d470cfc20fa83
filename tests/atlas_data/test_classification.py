"""Class breaks and colours of choropleth maps."""

import pytest
from matplotlib.colors import to_rgb

from atlas_data.classification import ClassificationError, classify, palette, parse_breaks

# The shares of under-15-year-olds of the 10 Vechta Gemeinden, 2013 (tests/data).
VECHTA = [17.53, 16.63, 16.18, 15.81, 16.06, 16.77, 17.06, 16.84, 15.03, 15.54]


def test_quantiles_put_two_gemeinden_in_each_of_five_classes():
    result = classify(VECHTA, method="quantiles", classes=5)
    assert [c.count for c in result.classes] == [2, 2, 2, 2, 2]
    assert result.breaks[-1] == max(VECHTA)


def test_equal_intervals_have_equal_width():
    result = classify(VECHTA, method="equal_interval", classes=5)
    widths = [c.upper - c.lower for c in result.classes]
    assert max(widths) - min(widths) < 1e-9
    assert sum(c.count for c in result.classes) == 10


def test_natural_breaks_separate_the_lowest_gemeinde():
    result = classify(VECHTA, method="natural_breaks", classes=3)
    assert result.class_of(15.03) == 0
    assert result.class_of(17.53) == 2


def test_manual_breaks_are_used_as_given():
    result = classify(VECHTA, method="manual", manual_breaks=[16, 17], classes=3)
    assert result.breaks == [16, 17, 17.53]
    assert [c.count for c in result.classes] == [3, 5, 2]


def test_suppressed_and_missing_values_are_left_out():
    result = classify([None, 1.0, None, 5.0, 9.0], method="equal_interval", classes=3)
    assert sum(c.count for c in result.classes) == 3
    assert result.class_of(None) is None


def test_nothing_to_classify_gives_none():
    assert classify([None, None]) is None


@pytest.mark.parametrize("classes", [2, 8])
def test_class_count_outside_three_to_seven_is_refused(classes):
    with pytest.raises(ClassificationError):
        classify(VECHTA, classes=classes)


def test_palette_gets_darker_class_by_class_so_it_prints_in_grey():
    for polarity in ("higher_worse", "higher_better", "neutral"):
        grey = [sum(to_rgb(colour)) / 3 for colour in palette(7, polarity)]
        assert grey == sorted(grey, reverse=True)
        assert min(a - b for a, b in zip(grey, grey[1:], strict=False)) > 0.03


def test_german_manual_breaks_are_parsed():
    assert parse_breaks("10; 15,5; 20") == [10.0, 15.5, 20.0]
    with pytest.raises(ClassificationError):
        parse_breaks("zehn; 20")


def test_natural_breaks_for_eleven_thousand_areas_use_all_of_them():
    import numpy as np

    values = list(np.random.default_rng(1).gamma(2.0, 10.0, 10997))
    result = classify(values, method="natural_breaks", classes=5)
    assert sum(c.count for c in result.classes) == 10997
    assert result.breaks[-1] == max(values)
