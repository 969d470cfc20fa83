"""Prioritisation of the 10 Gemeinden of Vechta on the published 2013 shares, against numbers
computed by hand (population sd over the 10 Gemeinden):

- non-German share: mean 5,265 %, sd 1,5573; Vechta 6,98 % → z +1,1013
- under-15 share: mean 16,345 %, sd 0,7207; Vechta 15,03 % → z −1,8246, turned (a lower value
  means more need in this test) +1,8246
- weights 2 and 1: Vechta (2 × 1,1013 + 1,8246) / 3 = +1,3424; Visbek +0,8796; Lohne +0,8244;
  Holdorf last with −1,1204.
"""

import pytest
from django.core.exceptions import PermissionDenied

from atlas_data.models import Area, Indicator, Value
from conferences.models import Prioritisation, PrioritisationIndicator
from conferences.services_analysis import (
    AnalysisError,
    InputSpec,
    confirm_prioritisation,
    create_prioritisation,
    delete_prioritisation,
    ranking_drift,
    recompute_prioritisation,
    suggested_lists,
    update_prioritisation,
)

from .analysis_fixtures import *  # noqa: F403
from .analysis_fixtures import NON_GERMAN, U15, correct_values

pytestmark = pytest.mark.django_db

HIGHER = PrioritisationIndicator.Direction.HIGHER_NEED
LOWER = PrioritisationIndicator.Direction.LOWER_NEED


@pytest.fixture
def prioritise(conference, coordinator, gemeinden, share):
    def make(inputs=None, method=Prioritisation.Method.ZSCORES, user=None, year=2013):
        inputs = inputs or [
            InputSpec(share(NON_GERMAN), 2, HIGHER),
            InputSpec(share(U15), 1, LOWER),
        ]
        return create_prioritisation(
            user=user or coordinator,
            conference=conference,
            level=gemeinden,
            year=year,
            method=method,
            inputs=inputs,
        )

    return make


def rows_by_name(prioritisation):
    return {row["area_name"]: row for row in prioritisation.snapshot["rows"]}


def areas(*names):
    return list(Area.objects.filter(name__in=names))


def test_zscore_ranking_of_the_gemeinden(prioritise):
    prioritisation = prioritise()

    ranking = [
        (row["position"], row["area_name"], row["index_display"])
        for row in prioritisation.snapshot["rows"]
    ]
    assert ranking[:3] == [
        (1, "Vechta", "+1,34"),
        (2, "Visbek", "+0,88"),
        (3, "Lohne (Oldenburg)", "+0,82"),
    ]
    assert ranking[-1] == (10, "Holdorf", "-1,12")


def test_snapshot_shows_value_score_weight_and_contribution_per_indicator(prioritise):
    vechta = rows_by_name(prioritise())["Vechta"]

    assert [
        (c["display"], c["score_display"], c["weight"], c["contribution_display"])
        for c in vechta["cells"]
    ] == [("6,98 %", "+1,10", 2.0, "+0,73"), ("15,03 %", "+1,82", 1.0, "+0,61")]
    assert vechta["index"] == pytest.approx(1.3424, abs=1e-4)


def test_snapshot_keeps_the_inputs_with_their_spread_and_direction(prioritise, share):
    indicators = prioritise().snapshot["indicators"]

    assert [(i["id"], i["weight"], i["direction"], i["direction_source"]) for i in indicators] == [
        (share(NON_GERMAN).pk, 2.0, 1, "chosen"),
        (share(U15).pk, 1.0, -1, "chosen"),
    ]
    assert indicators[0]["mean"] == pytest.approx(5.265)
    assert indicators[0]["sd"] == pytest.approx(1.5573, abs=1e-4)
    assert indicators[0]["weight_share"] == pytest.approx(2 / 3)
    assert indicators[1]["reference_display"] == "16,15 %"


def test_rank_method_orders_by_the_weighted_mean_rank(prioritise, share):
    prioritisation = prioritise(
        inputs=[InputSpec(share(NON_GERMAN), 1, HIGHER)], method=Prioritisation.Method.RANKS
    )

    ranking = [(row["area_name"], row["index"]) for row in prioritisation.snapshot["rows"]]
    # 7,65 > 6,98 > 6,45 > 6,37 > … > 2,34
    assert ranking[:4] == [
        ("Lohne (Oldenburg)", 1),
        ("Vechta", 2),
        ("Visbek", 3),
        ("Neuenkirchen-Vörden", 4),
    ]
    assert ranking[-1] == ("Holdorf", 10)


def test_polarity_gives_the_direction(prioritise, share):
    u15 = share(U15)
    u15.polarity = Indicator.Polarity.HIGHER_BETTER
    u15.save()

    prioritisation = prioritise(inputs=[InputSpec(u15, 1)])

    assert prioritisation.snapshot["indicators"][0]["direction"] == -1
    assert prioritisation.snapshot["indicators"][0]["direction_source"] == "polarity"
    assert prioritisation.snapshot["rows"][0]["area_name"] == "Vechta"  # lowest share: 15,03 %


def test_chosen_direction_overrides_the_polarity(prioritise, share):
    u15 = share(U15)
    u15.polarity = Indicator.Polarity.HIGHER_BETTER
    u15.save()

    prioritisation = prioritise(inputs=[InputSpec(u15, 1, HIGHER)])

    assert prioritisation.snapshot["rows"][0]["area_name"] == "Bakum"  # highest share: 17,53 %


def test_indicator_without_polarity_needs_a_chosen_direction(prioritise, share):
    with pytest.raises(AnalysisError) as error:
        prioritise(inputs=[InputSpec(share(U15), 1)])

    assert error.value.field == "inputs"
    assert not Prioritisation.objects.exists()


@pytest.mark.parametrize("weight", [0, -1, "viel", 101])
def test_weight_must_be_a_positive_number(prioritise, share, weight):
    with pytest.raises(AnalysisError):
        prioritise(inputs=[InputSpec(share(U15), weight, HIGHER)])

    assert not Prioritisation.objects.exists()


def test_german_decimal_comma_is_a_weight(prioritise, share):
    prioritisation = prioritise(inputs=[InputSpec(share(U15), "2,5", HIGHER)])

    assert prioritisation.inputs.get().weight == pytest.approx(2.5)


def test_year_without_values_is_refused(prioritise):
    with pytest.raises(AnalysisError) as error:
        prioritise(year=2020)

    assert error.value.field == "year"


def test_same_indicator_twice_is_refused(prioritise, share):
    with pytest.raises(AnalysisError):
        prioritise(inputs=[InputSpec(share(U15), 1, HIGHER), InputSpec(share(U15), 2, LOWER)])


def test_members_may_not_prioritise(prioritise, member):
    with pytest.raises(PermissionDenied):
        prioritise(user=member)


def test_area_without_a_value_is_reweighted_and_flagged(prioritise, share):
    Value.objects.filter(indicator=share(U15), area__name="Holdorf").delete()

    holdorf = rows_by_name(prioritise())["Holdorf"]

    assert holdorf["missing"] == [str(share(U15))]
    assert not holdorf["complete"]
    assert holdorf["weight_share"] == pytest.approx(2 / 3)
    # Only the non-German share counts: its z over all 10 Gemeinden, −1,8783.
    assert holdorf["index"] == pytest.approx(-1.8783, abs=1e-4)
    assert holdorf["cells"][1]["display"] == "–"


def test_suppressed_values_never_enter_the_snapshot_even_for_an_admin(
    conference, admin, gemeinden, vechta
):
    from .test_analysis_findings import GEMEINDEN

    indicator = Indicator.objects.create(
        municipality=vechta,
        topic=Indicator.objects.filter(municipality=vechta).first().topic,
        name="Kinder in SGB-II-Bedarfsgemeinschaften",
        kind=Indicator.Kind.SHARE,
        unit="%",
        polarity=Indicator.Polarity.HIGHER_WORSE,
    )
    by_key = {a.key: a for a in Area.objects.filter(level=gemeinden)}
    Value.objects.bulk_create(
        Value(
            indicator=indicator,
            area=by_key[key],
            year=2013,
            numerator=n,
            denominator=1000,
            value=n / 10,
        )
        for key, n in zip(GEMEINDEN, [2, 60, 140, 90, 50, 120, 70, 55, 150, 65], strict=True)
    )

    prioritisation = create_prioritisation(
        user=admin,
        conference=conference,
        level=gemeinden,
        year=2013,
        method=Prioritisation.Method.ZSCORES,
        inputs=[InputSpec(indicator, 1)],
    )

    bakum = rows_by_name(prioritisation)["Bakum"]
    assert bakum["cells"][0]["value"] is None
    assert bakum["cells"][0]["display"] == "k. A."
    assert bakum["position"] is None  # its only input is hidden: not ranked
    assert "0,2" not in str(prioritisation.snapshot)


def test_suggested_lists_are_the_top_and_bottom_30_percent(prioritise):
    prioritisation = prioritise()

    urgent, good = suggested_lists(prioritisation.snapshot)

    names = dict(Area.objects.values_list("pk", "name"))
    assert [names[pk] for pk in urgent] == ["Vechta", "Visbek", "Lohne (Oldenburg)"]
    assert [names[pk] for pk in good] == ["Bakum", "Damme", "Holdorf"]


# --- confirmation -------------------------------------------------------------------------------


def test_confirm_stores_both_lists(prioritise, coordinator):
    prioritisation = prioritise()

    confirm_prioritisation(
        user=coordinator,
        prioritisation=prioritisation,
        urgent=areas("Vechta", "Visbek"),
        good=areas("Holdorf"),
        note="Beschluss vom 12. März",
    )

    prioritisation.refresh_from_db()
    assert {a.name for a in prioritisation.urgent_areas.all()} == {"Vechta", "Visbek"}
    assert [a.name for a in prioritisation.good_areas.all()] == ["Holdorf"]
    assert (prioritisation.confirmed_by, prioritisation.is_confirmed) == (coordinator, True)


def test_confirmed_snapshot_stays_when_the_data_change(prioritise, coordinator, share):
    prioritisation = prioritise()
    confirm_prioritisation(
        user=coordinator, prioritisation=prioritisation, urgent=areas("Vechta"), good=[]
    )
    before = Prioritisation.objects.get(pk=prioritisation.pk).snapshot

    # A correction of the data: Vechta's share of non-German children was 2,50 %, not 6,98 %.
    correct_values(
        Value.objects.filter(indicator=share(NON_GERMAN), area__name="Vechta", year=2013),
        value=2.5,
    )

    stored = Prioritisation.objects.get(pk=prioritisation.pk)
    assert stored.snapshot == before
    assert rows_by_name(stored)["Vechta"]["position"] == 1
    assert [a.name for a in stored.urgent_areas.all()] == ["Vechta"]


def test_drift_shows_what_todays_data_would_give(prioritise, coordinator, share):
    prioritisation = prioritise()
    confirm_prioritisation(
        user=coordinator, prioritisation=prioritisation, urgent=areas("Vechta"), good=[]
    )
    correct_values(
        Value.objects.filter(indicator=share(NON_GERMAN), area__name="Vechta", year=2013),
        value=2.5,
    )

    drift = {
        row.area_name: row for row in ranking_drift(user=coordinator, prioritisation=prioritisation)
    }

    assert drift["Vechta"].position_then == 1
    assert drift["Vechta"].position_now > 1
    assert drift["Vechta"].values_now[0] == "2,50 %"


def test_no_drift_while_the_data_stay(prioritise, coordinator):
    prioritisation = prioritise()
    confirm_prioritisation(
        user=coordinator, prioritisation=prioritisation, urgent=areas("Vechta"), good=[]
    )

    assert ranking_drift(user=coordinator, prioritisation=prioritisation) == []


def test_recompute_before_confirmation_uses_the_new_data(prioritise, coordinator, share):
    prioritisation = prioritise()
    correct_values(
        Value.objects.filter(indicator=share(NON_GERMAN), area__name="Vechta", year=2013),
        value=2.5,
    )

    recompute_prioritisation(user=coordinator, prioritisation=prioritisation)

    assert rows_by_name(prioritisation)["Vechta"]["cells"][0]["display"] == "2,50 %"
    assert prioritisation.snapshot["rows"][0]["area_name"] == "Visbek"


def test_confirmed_prioritisation_is_not_computed_again(prioritise, coordinator):
    prioritisation = prioritise()
    confirm_prioritisation(
        user=coordinator, prioritisation=prioritisation, urgent=areas("Vechta"), good=[]
    )

    with pytest.raises(AnalysisError):
        recompute_prioritisation(user=coordinator, prioritisation=prioritisation)


def test_confirmed_prioritisation_keeps_its_inputs(prioritise, coordinator, gemeinden, share):
    prioritisation = prioritise()
    confirm_prioritisation(
        user=coordinator, prioritisation=prioritisation, urgent=areas("Vechta"), good=[]
    )

    with pytest.raises(AnalysisError):
        update_prioritisation(
            user=coordinator,
            prioritisation=prioritisation,
            level=gemeinden,
            year=2013,
            method=Prioritisation.Method.RANKS,
            inputs=[InputSpec(share(U15), 1, HIGHER)],
        )

    prioritisation.refresh_from_db()
    assert prioritisation.method == Prioritisation.Method.ZSCORES
    assert prioritisation.inputs.count() == 2


def test_confirmed_prioritisation_is_not_deleted(prioritise, coordinator):
    prioritisation = prioritise()
    confirm_prioritisation(
        user=coordinator, prioritisation=prioritisation, urgent=areas("Vechta"), good=[]
    )

    with pytest.raises(AnalysisError):
        delete_prioritisation(user=coordinator, prioritisation=prioritisation)

    assert Prioritisation.objects.filter(pk=prioritisation.pk).exists()


def test_an_area_cannot_be_in_both_lists(prioritise, coordinator):
    prioritisation = prioritise()

    with pytest.raises(AnalysisError) as error:
        confirm_prioritisation(
            user=coordinator,
            prioritisation=prioritisation,
            urgent=areas("Vechta", "Lohne (Oldenburg)"),
            good=areas("Vechta"),
        )

    assert "Vechta" in error.value.message
    prioritisation.refresh_from_db()
    assert not prioritisation.is_confirmed
    assert not prioritisation.urgent_areas.exists()


def test_confirmation_needs_an_urgent_area(prioritise, coordinator):
    with pytest.raises(AnalysisError) as error:
        confirm_prioritisation(
            user=coordinator, prioritisation=prioritise(), urgent=[], good=areas("Holdorf")
        )

    assert error.value.field == "urgent_areas"


def test_only_ranked_areas_can_be_confirmed(prioritise, coordinator, vechta):
    landkreis = Area.objects.get(municipality=vechta, level__depth=0)

    with pytest.raises(AnalysisError):
        confirm_prioritisation(
            user=coordinator, prioritisation=prioritise(), urgent=[landkreis], good=[]
        )


def test_update_before_confirmation_recomputes(prioritise, coordinator, gemeinden, share):
    prioritisation = prioritise()

    update_prioritisation(
        user=coordinator,
        prioritisation=prioritisation,
        level=gemeinden,
        year=2013,
        method=Prioritisation.Method.ZSCORES,
        inputs=[InputSpec(share(U15), 1, HIGHER)],
        title="Nur Kinderanteil",
    )

    prioritisation.refresh_from_db()
    assert prioritisation.title == "Nur Kinderanteil"
    assert [i.indicator for i in prioritisation.inputs.all()] == [share(U15)]
    assert prioritisation.snapshot["rows"][0]["area_name"] == "Bakum"
