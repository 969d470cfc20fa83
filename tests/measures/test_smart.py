"""The SMART check of a goal (measures/smart.py): each criterion fulfilled, to check or missing,
for indicators where higher is better and where lower is better; with real atlas facts for the
suppressed baseline and the release of the baseline year."""

import datetime

import pytest
from django.utils import translation

from accounts.models import Role
from atlas_data.models import Area, Indicator, IndicatorRelease, Value
from measures.smart import (
    MISSING,
    OK,
    WARNING,
    AtlasFacts,
    GoalFacts,
    check,
    check_data,
    facts_from_atlas,
)
from tests.conferences.analysis_fixtures import *  # noqa: F403
from tests.conferences.analysis_fixtures import U15

TODAY = datetime.date(2025, 3, 1)
REASON = "Kitas und Familienzentren berichten seit Jahren von wachsendem Bedarf im Quartier."

COMPLETE = GoalFacts(
    target_group="Kinder von 3 bis 6 Jahren und ihre Eltern",
    area_names=("Vechta",),
    measurement_area="Vechta",
    indicator="Kinder in SGB-II-Bedarfsgemeinschaften",
    baseline_year=2014,
    baseline_value=11.8,
    target_value=9.5,
    acceptance=REASON,
    realism=REASON,
    deadline=datetime.date(2028, 12, 31),
)
WORSE = AtlasFacts(
    polarity=Indicator.Polarity.HIGHER_WORSE,
    years=(2013, 2014, 2015),
    released=(2014, 2015),
    baseline_status="ok",
    baseline_value=11.8,
    unit="%",
    kind="share",
)
BETTER = AtlasFacts(
    polarity=Indicator.Polarity.HIGHER_BETTER,
    years=(2013, 2014, 2015),
    released=(2014, 2015),
    baseline_status="ok",
    unit="%",
    kind="share",
)


def run(goal: GoalFacts, atlas: AtlasFacts | None = WORSE, today=TODAY):
    with translation.override("en"):
        return check(goal, atlas=atlas, today=today)


def goal(**changes) -> GoalFacts:
    return GoalFacts(**{**COMPLETE.__dict__, **changes})


def texts(result, letter) -> str:
    return result[letter].explanation


def test_a_complete_goal_fulfils_all_five_criteria():
    result = run(COMPLETE)

    assert [c.letter for c in result.criteria] == ["S", "M", "A", "R", "T"]
    assert [c.state for c in result.criteria] == [OK] * 5
    assert result.fulfilled == 5
    assert result.is_sound


# --- S ------------------------------------------------------------------------------------------


def test_specific_without_target_group_is_missing():
    result = run(goal(target_group=""))

    assert result["S"].state == MISSING
    assert "Name the target group" in texts(result, "S")


def test_specific_without_any_area_is_to_check():
    result = run(
        goal(area_names=(), measurement_area="", indicator="", qualitative_criterion=REASON)
    )

    assert result["S"].state == WARNING
    assert "Name the areas" in texts(result, "S")


def test_specific_counts_the_measurement_area_as_the_area():
    result = run(goal(area_names=()))

    assert result["S"].state == OK
    assert "Areas: Vechta." in texts(result, "S")


# --- M: polarity ---------------------------------------------------------------------------------


def test_lower_is_better_and_the_target_below_the_baseline_is_fulfilled():
    result = run(goal(baseline_value=11.8, target_value=9.5), WORSE)

    assert result["M"].state == OK
    assert "target 9,5 % lies below the baseline 11,8 %" in texts(result, "M")


def test_lower_is_better_and_the_target_above_the_baseline_is_to_check():
    result = run(goal(baseline_value=11.8, target_value=13.0), WORSE)

    assert result["M"].state == WARNING
    assert "would be a deterioration" in texts(result, "M")


def test_higher_is_better_and_the_target_above_the_baseline_is_fulfilled():
    result = run(goal(baseline_value=40.0, target_value=55.0), BETTER)

    assert result["M"].state == OK
    assert "target 55,0 % lies above the baseline 40,0 %" in texts(result, "M")


def test_higher_is_better_and_the_target_below_the_baseline_is_to_check():
    result = run(goal(baseline_value=40.0, target_value=35.0), BETTER)

    assert result["M"].state == WARNING
    assert "Higher is better for this indicator, but" in texts(result, "M")


@pytest.mark.parametrize("target", [5.0, 20.0])
def test_a_neutral_indicator_accepts_either_direction(target):
    neutral = AtlasFacts(**{**WORSE.__dict__, "polarity": Indicator.Polarity.NEUTRAL})

    assert run(goal(target_value=target), neutral)["M"].state == OK


def test_an_indicator_without_polarity_is_to_check():
    undecided = AtlasFacts(**{**WORSE.__dict__, "polarity": ""})
    result = run(goal(), undecided)

    assert result["M"].state == WARNING
    assert "no polarity yet" in texts(result, "M")


def test_a_target_equal_to_the_baseline_is_to_check():
    result = run(goal(target_value=11.8))

    assert result["M"].state == WARNING
    assert "equals the baseline" in texts(result, "M")


def test_a_direction_contradicting_the_target_is_to_check():
    result = run(goal(direction="increase"))

    assert result["M"].state == WARNING
    assert "“increase”" in texts(result, "M")


# --- M: completeness, baseline and release -------------------------------------------------------


def test_an_indicator_without_area_year_and_target_is_missing_all_three():
    result = run(
        goal(measurement_area="", baseline_year=None, baseline_value=None, target_value=None)
    )

    assert result["M"].state == MISSING
    text = texts(result, "M")
    assert "Choose the area" in text
    assert "Choose the baseline year" in text
    assert "Set the target value" in text


def test_a_suppressed_baseline_is_explained():
    suppressed = AtlasFacts(**{**WORSE.__dict__, "baseline_status": "suppressed"})
    result = run(goal(baseline_value=None), suppressed)

    assert result["M"].state == WARNING
    assert "suppressed (k. A.)" in texts(result, "M")


def test_a_missing_baseline_is_explained():
    missing = AtlasFacts(**{**WORSE.__dict__, "baseline_status": "missing", "years": (2015,)})
    result = run(goal(baseline_value=None), missing)

    assert result["M"].state == WARNING
    assert "The atlas has no value for Vechta in 2014" in texts(result, "M")


def test_a_released_baseline_year_is_named():
    assert "released for 2014" in texts(run(COMPLETE), "M")


def test_values_without_release_count_as_planned_release():
    draft = AtlasFacts(**{**WORSE.__dict__, "released": ()})
    result = run(COMPLETE, draft)

    assert result["M"].state == OK
    assert "release planned" in texts(result, "M")


def test_a_qualitative_criterion_is_fulfilled():
    result = run(goal(indicator="", qualitative_criterion=REASON), None)

    assert result["M"].state == OK


def test_a_short_qualitative_criterion_is_to_check():
    result = run(goal(indicator="", qualitative_criterion="gut"), None)

    assert result["M"].state == WARNING


def test_neither_indicator_nor_qualitative_criterion_is_missing():
    result = run(goal(indicator="", qualitative_criterion=""), None)

    assert result["M"].state == MISSING


# --- A and R ------------------------------------------------------------------------------------


@pytest.mark.parametrize("letter, name", [("A", "acceptance"), ("R", "realism")])
@pytest.mark.parametrize(
    "text, state", [("", MISSING), ("Weil es wichtig ist.", WARNING), (REASON, OK)]
)
def test_acceptance_and_realism_need_a_real_reasoning(letter, name, text, state):
    assert run(goal(**{name: text}))[letter].state == state


# --- T ------------------------------------------------------------------------------------------


def test_no_deadline_is_missing():
    assert run(goal(deadline=None))["T"].state == MISSING


@pytest.mark.parametrize("deadline", [TODAY, datetime.date(2024, 12, 31)])
def test_a_deadline_not_in_the_future_is_to_check(deadline):
    result = run(goal(deadline=deadline, baseline_year=2014))

    assert result["T"].state == WARNING
    assert "not in the future" in texts(result, "T")


def test_a_deadline_before_a_later_data_year_can_exist_is_to_check():
    result = run(goal(baseline_year=2024, deadline=datetime.date(2025, 12, 31)))

    assert result["T"].state == WARNING
    assert "no year after the baseline year 2024" in texts(result, "T")


def test_a_deadline_with_later_data_years_is_fulfilled():
    result = run(goal(baseline_year=2024, deadline=datetime.date(2027, 6, 30)))

    assert result["T"].state == OK
    assert "data up to 2026" in texts(result, "T")


# --- with the atlas -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_atlas_facts_keep_a_suppressed_baseline_suppressed_for_a_data_admin(
    vechta, share, member_of
):
    indicator = share(U15)
    area = Area.objects.get(municipality=vechta, name="Bakum")
    Value.objects.create(
        indicator=indicator, area=area, year=2014, status=Value.Status.SOURCE_SUPPRESSED
    )
    admin = member_of(vechta, Role.DATA_ADMIN)

    facts = facts_from_atlas(
        user=admin, municipality=vechta, indicator=indicator, area=area, year=2014
    )

    assert facts.baseline_status == "suppressed"
    assert facts.baseline_value is None
    assert facts.years == (2013, 2014)
    assert facts.polarity == Indicator.Polarity.NEUTRAL


@pytest.mark.django_db
def test_the_check_of_form_data_reads_baseline_and_release_from_the_atlas(vechta, share, member_of):
    indicator = share(U15)
    IndicatorRelease.objects.create(indicator=indicator, year=2013)
    Indicator.objects.filter(pk=indicator.pk).update(polarity=Indicator.Polarity.HIGHER_WORSE)
    indicator.refresh_from_db()
    coordinator = member_of(vechta, Role.COORDINATOR)
    data = {
        "target_group": "Kinder unter 15",
        "indicator": indicator,
        "measurement_area": Area.objects.get(municipality=vechta, name="Vechta"),
        "baseline_year": 2013,
        "target_value": 16.0,
        "acceptance": REASON,
        "realism": REASON,
        "deadline": datetime.date(2028, 12, 31),
    }

    with translation.override("en"):
        result = check_data(user=coordinator, municipality=vechta, data=data, today=TODAY)

    # Vechta's published 2013 share is 15,03 %: a target of 16 % is a deterioration.
    assert result["M"].state == WARNING
    assert "above the baseline 15,03 %" in result["M"].explanation
    assert "released for 2013" in result["M"].explanation
