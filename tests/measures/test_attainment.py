"""Attainment of a goal: the pure maths of measures/attainment.py for goals that shall increase
or decrease, and through selectors.goal_attainments with real atlas values, where a suppressed
small count is no data point for anyone."""

import datetime

import pytest
from django.utils import translation

from atlas_data.models import Area, Value
from measures.attainment import (
    AT_RISK,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    REACHED,
    Attainment,
    Point,
    attainment,
    linear_trend,
    share_of_way,
)
from measures.selectors import goal_attainments, goal_points
from tests.factories import GoalFactory

from .plan_fixtures import *  # noqa: F403
from .plan_fixtures import U15

TODAY = datetime.date(2017, 3, 1)
DEADLINE = datetime.date(2020, 12, 31)


def pts(*pairs) -> list[Point]:
    """Points from (year, value); value None is missing, "k. A." suppressed."""
    result = []
    for year, value in pairs:
        if value == "k. A.":
            result.append(Point(year, None, "k. A.", suppressed=True))
        elif value is None:
            result.append(Point(year, None, "–"))
        else:
            result.append(Point(year, float(value), str(value)))
    return result


def run(baseline, target, points, *, baseline_year=2014, deadline=DEADLINE, today=TODAY):
    with translation.override("en"):
        return attainment(
            baseline_year=baseline_year,
            baseline=baseline,
            target=target,
            deadline=deadline,
            points=points,
            today=today,
        )


# --- the way from baseline to target -----------------------------------------------------------


def test_share_of_way_for_an_increase_and_a_decrease():
    assert share_of_way(40, 50, 45) == 50
    assert share_of_way(10, 6, 9) == 25
    assert share_of_way(10, 6, 11) == -25  # the wrong way
    assert share_of_way(10, 6, 5) == 125  # beyond the target


def test_the_bar_is_clipped_to_0_to_100():
    assert Attainment(REACHED, percent=125.0).bar_percent == 100
    assert Attainment(OFF_TRACK, percent=-25.0).bar_percent == 0
    assert Attainment(NO_DATA).bar_percent == 0


# --- linear trend ------------------------------------------------------------------------------


def test_linear_trend_by_hand():
    # mean year 2015, mean value 13; Sxx = 2, Sxy = (-1)(-3) + 0 + (1)(4) = 7: slope 3.5
    slope, intercept = linear_trend([(2014, 10.0), (2015, 12.0), (2016, 17.0)])

    assert slope == pytest.approx(3.5)
    assert intercept == pytest.approx(13 - 3.5 * 2015)
    assert slope * 2018 + intercept == pytest.approx(23.5)


def test_linear_trend_needs_two_years():
    assert linear_trend([(2014, 10.0)]) is None
    assert linear_trend([(2014, 10.0), (2014, 11.0)]) is None
    assert linear_trend([]) is None


# --- statuses, increase ------------------------------------------------------------------------


def test_increase_goal_reached():
    result = run(40, 50, pts((2015, 45), (2016, 52)))

    assert result.status == REACHED
    assert (result.latest_year, result.latest) == (2016, 52)
    assert result.percent == pytest.approx(120)


def test_increase_goal_on_track_with_the_trend_numbers():
    # (2014, 40), (2015, 42), (2016, 44): slope 2, 2020 → 52, i.e. 120 % of the way
    result = run(40, 50, pts((2015, 42), (2016, 44)))

    assert result.status == ON_TRACK
    assert result.percent == pytest.approx(40)
    assert result.forecast == pytest.approx(52)
    assert result.forecast_percent == pytest.approx(120)


def test_increase_goal_at_risk():
    # slope 1: 2020 → 46, 60 % of the way (at least half: at risk)
    result = run(40, 50, pts((2015, 41), (2016, 42)))

    assert result.status == AT_RISK
    assert result.forecast == pytest.approx(46)
    assert result.forecast_percent == pytest.approx(60)


def test_increase_goal_off_track():
    # slope 0.5: 2020 → 43, 30 % of the way
    result = run(40, 50, pts((2015, 40.5), (2016, 41)))

    assert result.status == OFF_TRACK
    assert result.forecast_percent == pytest.approx(30)
    assert result.reason == ""


# --- statuses, decrease ------------------------------------------------------------------------


def test_decrease_goal_reached():
    result = run(10, 8, pts((2015, 9), (2016, 7.5)))

    assert result.status == REACHED
    assert result.percent == pytest.approx(125)


def test_decrease_goal_on_track_with_the_trend_numbers():
    # (2014, 10), (2015, 9), (2016, 8): slope -1, 2020 → 4, (4 - 10) / (6 - 10) = 150 %
    result = run(10, 6, pts((2015, 9), (2016, 8)))

    assert result.status == ON_TRACK
    assert result.percent == pytest.approx(50)
    assert result.forecast == pytest.approx(4)
    assert result.forecast_percent == pytest.approx(150)


def test_decrease_goal_at_risk():
    # slope -0.5: 2020 → 7, (7 - 10) / (4 - 10) = 50 %: just at risk
    result = run(10, 4, pts((2015, 9.5), (2016, 9)))

    assert result.status == AT_RISK
    assert result.forecast_percent == pytest.approx(50)


def test_decrease_goal_going_the_wrong_way_is_off_track():
    # (2014, 10), (2015, 10.5), (2016, 11): slope 0.5, 2020 → 13: -150 %
    result = run(10, 8, pts((2015, 10.5), (2016, 11)))

    assert result.status == OFF_TRACK
    assert result.percent == pytest.approx(-50)
    assert result.forecast_percent == pytest.approx(-150)


def test_the_trend_runs_over_all_known_years_by_least_squares():
    # (2014, 10), (2015, 12), (2016, 17): slope 3.5, mean (2015, 13); 2020 → 13 + 17.5 = 30.5
    result = run(10, 40, pts((2015, 12), (2016, 17)))

    assert result.forecast == pytest.approx(30.5)
    assert result.forecast_percent == pytest.approx((30.5 - 10) / 30 * 100)
    assert result.status == AT_RISK


# --- deadline ----------------------------------------------------------------------------------


def test_deadline_passed_without_reaching_the_target_is_off_track():
    result = run(
        40,
        50,
        pts((2015, 45), (2016, 48)),
        deadline=datetime.date(2016, 12, 31),
        today=datetime.date(2017, 6, 1),
    )

    assert result.status == OFF_TRACK
    assert result.reason == "The deadline has passed."
    assert result.percent == pytest.approx(80)


def test_target_reached_counts_even_after_the_deadline():
    result = run(
        10,
        8,
        pts((2015, 7.9)),
        deadline=datetime.date(2015, 12, 31),
        today=datetime.date(2017, 6, 1),
    )

    assert result.status == REACHED


def test_without_deadline_the_direction_so_far_decides():
    forward = run(10, 8, pts((2015, 9.8)), deadline=None)
    backward = run(10, 8, pts((2015, 10.2)), deadline=None)

    assert (forward.status, forward.forecast) == (ON_TRACK, None)
    assert backward.status == OFF_TRACK


# --- no data -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline_year", "baseline", "target", "reason"),
    [
        (None, None, 50, "No baseline value from the atlas."),
        (2014, None, 50, "No baseline value from the atlas."),
        (2014, 40, None, "No target value."),
        (2014, 40, 40, "The target equals the baseline."),
    ],
)
def test_no_data_without_baseline_or_target(baseline_year, baseline, target, reason):
    result = run(baseline, target, pts((2015, 45)), baseline_year=baseline_year)

    assert (result.status, result.reason) == (NO_DATA, reason)
    assert result.percent is None


def test_no_data_without_a_value_after_the_baseline_year():
    result = run(40, 50, pts((2013, 38), (2014, 40)))

    assert (result.status, result.reason) == (NO_DATA, "No value after the baseline year yet.")


def test_a_missing_latest_value_falls_back_to_the_latest_known_one():
    # (2014, 40), (2015, 42); 2016 not delivered yet: slope 2, 2020 → 52
    result = run(40, 50, pts((2015, 42), (2016, None)))

    assert result.status == ON_TRACK
    assert (result.latest_year, result.latest) == (2015, 42)
    assert result.forecast == pytest.approx(52)


def test_only_missing_values_after_the_baseline_are_no_data():
    result = run(40, 50, pts((2015, None)))

    assert (result.status, result.reason) == (NO_DATA, "No value after the baseline year yet.")


def test_a_suppressed_latest_value_is_no_data():
    result = run(40, 50, pts((2015, 45), (2016, "k. A.")))

    assert (result.status, result.reason) == (NO_DATA, "The latest value is suppressed (k. A.).")
    assert (result.latest, result.percent, result.forecast) == (None, None, None)
    # the points are still there to be drawn, the suppressed one without a number
    assert [p.display for p in result.points] == ["45", "k. A."]


def test_a_suppressed_year_is_left_out_of_the_trend():
    # With 2015 left out: (2014, 40), (2016, 44), (2017, 46); mean year 2015.67, mean 43.33;
    # Sxx = 2.778 + 0.111 + 1.778 = 4.667, Sxy = 5.556 + 0.222 + 3.556 = 9.333: slope 2,
    # 2020 → 43.33 + 2 * 4.33 = 52. Had the hidden 2015 value (1) counted, the line would fall.
    result = run(40, 50, pts((2015, "k. A."), (2016, 44), (2017, 46)))

    assert result.status == ON_TRACK
    assert result.forecast == pytest.approx(52)
    assert result.percent == pytest.approx(60)


# --- with the atlas: goal_points and goal_attainments ------------------------------------------


def counted_goal(vechta, conference, indicator, **fields):
    return GoalFactory(
        municipality=vechta,
        conference=conference,
        level="municipal",
        indicator=indicator,
        measurement_area=Area.objects.get(municipality=vechta, name="Vechta"),
        baseline_year=2013,
        baseline_value=40,
        target_value=10,
        direction="decrease",
        deadline=datetime.date(2020, 12, 31),
        **fields,
    )


@pytest.mark.django_db
def test_goal_points_show_the_suppressed_count_as_k_a_even_to_a_data_admin(
    vechta, conference, cases, member, admin
):
    goal = counted_goal(vechta, conference, cases)

    for viewer in (member, admin):
        points = goal_points(user=viewer, goals=[goal])[goal.pk]
        assert [(p.year, p.value, p.display, p.suppressed) for p in points] == [
            (2013, 40, "40", False),
            (2014, 30, "30", False),
            (2015, None, "k. A.", True),
            (2016, 20, "20", False),
        ]


@pytest.mark.django_db
def test_goal_attainment_from_the_atlas_leaves_the_suppressed_year_out(
    vechta, conference, cases, member, admin
):
    goal = counted_goal(vechta, conference, cases)
    # (2013, 40), (2014, 30), (2016, 20): mean year 2014.33, mean 30; Sxx = 14/3, Sxy = -30:
    # slope -45/7; 2020 → 30 - 45/7 * 17/3 = 30 - 36.43 = -6.43; 66.7 % of the way so far.
    forecast = 30 - 45 / 7 * (2020 - 2014 - 1 / 3)

    for viewer in (member, admin):
        result = goal_attainments(user=viewer, goals=[goal], today=TODAY)[goal.pk]
        assert result.status == ON_TRACK
        assert (result.latest_year, result.latest) == (2016, 20)
        assert result.percent == pytest.approx(200 / 3)
        assert result.forecast == pytest.approx(forecast)
        assert result.forecast_percent == pytest.approx((forecast - 40) / -30 * 100)


@pytest.mark.django_db
def test_goal_attainment_is_no_data_when_the_latest_count_is_suppressed(
    vechta, conference, cases, member, admin
):
    Value.objects.filter(indicator=cases, area__name="Vechta", year=2016).update(value=1)
    goal = counted_goal(vechta, conference, cases)

    for viewer in (member, admin):
        result = goal_attainments(user=viewer, goals=[goal], today=TODAY)[goal.pk]
        assert result.status == NO_DATA
        assert result.latest is None and result.percent is None


@pytest.mark.django_db
def test_attainment_of_a_share_with_real_2013_values(vechta, conference, share, member):
    """The published 2013 share of under-15-year-olds in Vechta (15,03 %) as baseline, a later
    year stored like a published table."""
    indicator = share(U15)
    area = Area.objects.get(municipality=vechta, name="Vechta")
    Value.objects.create(indicator=indicator, area=area, year=2015, value=15.53)
    goal = GoalFactory(
        municipality=vechta,
        conference=conference,
        level="municipal",
        indicator=indicator,
        measurement_area=area,
        baseline_year=2013,
        baseline_value=15.03,
        target_value=16.03,
        direction="increase",
        deadline=datetime.date(2017, 12, 31),
    )

    result = goal_attainments(user=member, goals=[goal], today=TODAY)[goal.pk]

    # (2013, 15.03), (2015, 15.53): slope 0.25 a year, 2017 → 16.03: exactly the target
    assert [(p.year, p.display) for p in result.points] == [(2013, "15,03 %"), (2015, "15,53 %")]
    assert result.percent == pytest.approx(50)
    assert result.forecast == pytest.approx(16.03)
    assert result.status == ON_TRACK


@pytest.mark.django_db
def test_qualitative_goals_have_no_data(vechta, conference, member):
    goal = GoalFactory(municipality=vechta, conference=conference)

    result = goal_attainments(user=member, goals=[goal], today=TODAY)[goal.pk]

    assert result.status == NO_DATA
    assert result.points == []
