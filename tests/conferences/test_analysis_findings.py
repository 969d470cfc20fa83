"""Findings proposed from the real Vechta values (the published 2013 table), decided by people.

By hand, population standard deviation over the 10 Gemeinden 2013, reference the published
Landkreis value (Durchschnitt):
- under-15 share: sd 0,7207 around 16,15 %: Bakum 17,53 (+1,91 sd), Neuenkirchen-Vörden 17,06
  (+1,26), Vechta 15,03 (−1,55); Lohne 16,77 (+0,86) and Steinfeld 16,84 (+0,96) stay below one.
- non-German share: sd 1,5573 around 5,84 %: Holdorf 2,34 (−2,25), Damme 3,40 (−1,57),
  Lohne 7,65 (+1,16); Vechta 6,98 (+0,73) stays below one.
"""

import re

import pytest
from django.utils import translation

from atlas_data.models import Area, Indicator, Topic, Value
from atlas_data.selectors import values_table
from atlas_data.suppression import STATUS_SUPPRESSED
from conferences.models import Conference, Finding
from conferences.services_analysis import (
    AnalysisError,
    accept_finding,
    dismiss_finding,
    edit_finding,
    propose_findings,
)

from .analysis_fixtures import *  # noqa: F403
from .analysis_fixtures import GEMEINDEN, NON_GERMAN, U15, store_shares

pytestmark = pytest.mark.django_db

# 2014 under-15 shares made up for the test: 2013 plus a known change per Gemeinde.
CHANGE_2014 = {
    "03460001": 0.50,  # Bakum
    "03460002": -0.10,
    "03460003": 0.05,
    "03460004": 0.0,
    "03460005": 0.20,
    "03460006": -0.30,  # Lohne
    "03460007": 0.10,
    "03460008": 0.0,
    "03460009": -0.80,  # Vechta
    "03460010": 0.25,
}
U15_2013 = {
    "03460001": 17.53,
    "03460002": 16.63,
    "03460003": 16.18,
    "03460004": 15.81,
    "03460005": 16.06,
    "03460006": 16.77,
    "03460007": 17.06,
    "03460008": 16.84,
    "03460009": 15.03,
    "03460010": 15.54,
}


def propose(user, conference, level, indicators, **options):
    options.setdefault("year", 2013)
    return propose_findings(
        user=user, conference=conference, level=level, indicators=indicators, **options
    )


def areas_of(findings):
    return {finding.area.name for finding in findings}


def test_deviations_of_the_under_15_share_are_bakum_neuenkirchen_voerden_and_vechta(
    conference, coordinator, gemeinden, share
):
    result = propose(coordinator, conference, gemeinden, [share(U15)], kinds=["deviation"])

    assert areas_of(result.created) == {"Bakum", "Neuenkirchen-Vörden", "Vechta"}


def test_deviations_of_the_non_german_share_are_holdorf_damme_and_lohne(
    conference, coordinator, gemeinden, share
):
    result = propose(coordinator, conference, gemeinden, [share(NON_GERMAN)], kinds=["deviation"])

    assert areas_of(result.created) == {"Holdorf", "Damme", "Lohne (Oldenburg)"}


def test_deviation_numbers_use_the_published_landkreis_value_and_the_visible_spread(
    conference, coordinator, gemeinden, share
):
    result = propose(coordinator, conference, gemeinden, [share(U15)], kinds=["deviation"])
    vechta = next(f for f in result.created if f.area.name == "Vechta")

    assert vechta.numbers["reference"] == 16.15
    assert vechta.numbers["reference_origin"] == "published"
    assert vechta.numbers["sd"] == pytest.approx(0.720711, abs=1e-6)
    assert vechta.numbers["z"] == pytest.approx(-1.5541, abs=1e-4)
    assert (vechta.numbers["visible_areas"], vechta.numbers["areas"]) == (10, 10)


def test_deviation_text_names_value_reference_and_distance(
    conference, coordinator, gemeinden, share
):
    with translation.override("en"):
        result = propose(coordinator, conference, gemeinden, [share(U15)], kinds=["deviation"])
    vechta = next(f for f in result.created if f.area.name == "Vechta")

    assert vechta.proposed_text == (
        f"Vechta: {share(U15).name} 2013 notably low: 15,03 % (reference Landkreis Vechta: "
        "16,15 %), 1,6 standard deviations below the reference."
    )


def test_deviation_text_is_german_by_default(conference, coordinator, gemeinden, share):
    result = propose(coordinator, conference, gemeinden, [share(U15)], kinds=["deviation"])
    bakum = next(f for f in result.created if f.area.name == "Bakum")

    assert "auffällig hoch" in bakum.proposed_text
    assert "über der Referenz" in bakum.proposed_text


def test_polarity_turns_a_high_value_into_unfavourable(conference, coordinator, gemeinden, share):
    indicator = share(NON_GERMAN)
    indicator.polarity = Indicator.Polarity.HIGHER_WORSE
    indicator.save()

    with translation.override("en"):
        result = propose(coordinator, conference, gemeinden, [indicator], kinds=["deviation"])
    by_area = {f.area.name: f for f in result.created}

    assert by_area["Lohne (Oldenburg)"].assessment == Finding.Assessment.UNFAVOURABLE
    assert "notably unfavourable" in by_area["Lohne (Oldenburg)"].proposed_text
    assert by_area["Holdorf"].assessment == Finding.Assessment.FAVOURABLE
    assert "notably favourable" in by_area["Holdorf"].proposed_text


def test_a_stricter_threshold_proposes_fewer_areas(conference, coordinator, gemeinden, share):
    result = propose(
        coordinator, conference, gemeinden, [share(NON_GERMAN)], kinds=["deviation"], k=1.6
    )

    assert areas_of(result.created) == {"Holdorf"}  # Damme lies 1,57 sd away


def test_largest_changes_since_the_previous_year(conference, coordinator, gemeinden, share):
    store_shares(
        share(U15), 2014, {key: round(U15_2013[key] + CHANGE_2014[key], 2) for key in GEMEINDEN}
    )

    result = propose(
        coordinator, conference, gemeinden, [share(U15)], year=2014, kinds=["change"], top=3
    )

    changes = {f.area.name: f.numbers["change"] for f in result.created}
    assert changes == {"Vechta": -0.8, "Bakum": 0.5, "Lohne (Oldenburg)": -0.3}


def test_change_text_in_percentage_points(conference, coordinator, gemeinden, share):
    store_shares(
        share(U15), 2014, {key: round(U15_2013[key] + CHANGE_2014[key], 2) for key in GEMEINDEN}
    )

    with translation.override("en"):
        result = propose(
            coordinator, conference, gemeinden, [share(U15)], year=2014, kinds=["change"], top=1
        )

    assert [f.proposed_text for f in result.created] == [
        f"Vechta: {share(U15).name} changed most from 2013 to 2014: 15,03 % → 14,23 % "
        "(-0,80 percentage points)."
    ]


def test_without_a_published_value_the_reference_is_the_labelled_unweighted_mean(
    conference, coordinator, gemeinden, share
):
    # The 2014 table has no Landkreis row and no numerators: nothing to weight with.
    store_shares(
        share(U15), 2014, {key: round(U15_2013[key] + CHANGE_2014[key], 2) for key in GEMEINDEN}
    )

    with translation.override("en"):
        result = propose(
            coordinator, conference, gemeinden, [share(U15)], year=2014, kinds=["deviation"]
        )

    numbers = result.created[0].numbers
    assert numbers["reference_origin"] == "unweighted_mean"
    assert numbers["reference_area"] == "unweighted mean of the areas"
    assert numbers["reference"] == pytest.approx(16.335)


def test_no_earlier_year_gives_a_note_instead_of_changes(conference, coordinator, gemeinden, share):
    with translation.override("en"):
        result = propose(coordinator, conference, gemeinden, [share(U15)], kinds=["change"])

    assert result.created == []
    assert result.notes == [f"{share(U15).name} has no values before 2013 to compare with."]


def test_dismissed_finding_is_not_proposed_again(conference, coordinator, gemeinden, share):
    first = propose(coordinator, conference, gemeinden, [share(U15)], kinds=["deviation"])
    vechta = next(f for f in first.created if f.area.name == "Vechta")
    dismiss_finding(user=coordinator, finding=vechta)

    again = propose(coordinator, conference, gemeinden, [share(U15)], kinds=["deviation"])

    assert again.created == []
    assert (again.dismissed_before, again.already_there) == (1, 2)
    assert Finding.objects.filter(conference=conference, area__name="Vechta").count() == 1


def test_proposing_again_keeps_accepted_findings_as_they_are(
    conference, coordinator, gemeinden, share
):
    first = propose(coordinator, conference, gemeinden, [share(U15)], kinds=["deviation"])
    accept_finding(user=coordinator, finding=first.created[0], text="Eigener Text")

    propose(coordinator, conference, gemeinden, [share(U15)], kinds=["deviation"])

    finding = Finding.objects.get(pk=first.created[0].pk)
    assert (finding.state, finding.current_text) == (Finding.State.ACCEPTED, "Eigener Text")
    assert Finding.objects.count() == 3


def test_accept_with_edited_text_keeps_the_proposal(conference, coordinator, gemeinden, share):
    finding = propose(
        coordinator, conference, gemeinden, [share(U15)], kinds=["deviation"]
    ).created[0]

    accept_finding(user=coordinator, finding=finding, text="  Vechta hat wenige Kinder.  ")

    finding.refresh_from_db()
    assert finding.state == Finding.State.ACCEPTED
    assert finding.current_text == "Vechta hat wenige Kinder."
    assert finding.proposed_text.startswith(finding.area.name)
    assert (finding.decided_by, finding.decided_at is not None) == (coordinator, True)


def test_edit_keeps_the_state(conference, coordinator, gemeinden, share):
    finding = propose(
        coordinator, conference, gemeinden, [share(U15)], kinds=["deviation"]
    ).created[0]

    edit_finding(user=coordinator, finding=finding, text="Neu formuliert")

    finding.refresh_from_db()
    assert (finding.state, finding.text) == (Finding.State.PROPOSED, "Neu formuliert")


def test_edit_refuses_an_empty_text(conference, coordinator, gemeinden, share):
    finding = propose(
        coordinator, conference, gemeinden, [share(U15)], kinds=["deviation"]
    ).created[0]

    with pytest.raises(AnalysisError) as error:
        edit_finding(user=coordinator, finding=finding, text="   ")

    assert error.value.field == "text"
    finding.refresh_from_db()
    assert finding.text == ""


def test_counts_get_no_deviation_proposals(conference, coordinator, gemeinden, vechta):
    topic = Topic.objects.get(municipality=vechta, code="demografie")
    count = Indicator.objects.create(
        municipality=vechta, topic=topic, name="Kinder unter 15", kind=Indicator.Kind.COUNT
    )
    store_shares(count, 2013, {key: 1000 + 100 * n for n, key in enumerate(GEMEINDEN)})

    with translation.override("en"):
        result = propose(coordinator, conference, gemeinden, [count], kinds=["deviation"])

    assert result.created == []
    assert "counts grow with the size of an area" in result.notes[0]


def test_area_conference_gets_proposals_for_its_own_areas_only(
    vechta, coordinator, gemeinden, share
):
    area_conference = Conference.objects.create(
        municipality=vechta, kind=Conference.Kind.AREA, name="Sozialraumkonferenz Vechta"
    )
    area_conference.areas.set(Area.objects.filter(name__in=["Vechta", "Lohne (Oldenburg)"]))

    result = propose(coordinator, area_conference, gemeinden, [share(U15)], kinds=["deviation"])

    assert areas_of(result.created) == {"Vechta"}


def test_members_may_not_propose(conference, member, gemeinden, share):
    with pytest.raises(Exception) as error:
        propose(member, conference, gemeinden, [share(U15)])

    assert error.type.__name__ == "PermissionDenied"
    assert not Finding.objects.exists()


def test_bad_threshold_is_refused_in_german(conference, coordinator, gemeinden, share):
    with pytest.raises(AnalysisError) as error:
        propose(coordinator, conference, gemeinden, [share(U15)], k=0)

    assert error.value.field == "k"
    assert "Standardabweichungen" in error.value.message


def test_level_of_another_municipality_is_refused(
    conference, coordinator, share, other_municipality
):
    from atlas_data.services import ensure_level

    foreign = ensure_level(municipality=other_municipality, name="Bezirke")

    with pytest.raises(AnalysisError) as error:
        propose(coordinator, conference, foreign, [share(U15)])

    assert error.value.field == "level"


# --- suppression ------------------------------------------------------------------------------


@pytest.fixture
def sgb2(vechta, share):
    """A share with numerators: Bakum's numerator 2 is a small count and gets suppressed; its
    0,2 % would otherwise be the most notable value of all (and a second Gemeinde is hidden
    too, so that Bakum cannot be recovered from the Landkreis total)."""
    topic = Topic.objects.get(municipality=vechta, code="demografie")
    indicator = Indicator.objects.create(
        municipality=vechta,
        topic=topic,
        name="Kinder in SGB-II-Bedarfsgemeinschaften",
        kind=Indicator.Kind.SHARE,
        unit="%",
        polarity=Indicator.Polarity.HIGHER_WORSE,
    )
    numerators = [2, 60, 140, 90, 50, 120, 70, 55, 150, 65]
    areas = {a.key: a for a in Area.objects.filter(municipality=vechta, level__depth=1)}
    Value.objects.bulk_create(
        Value(
            indicator=indicator,
            area=areas[key],
            year=2013,
            numerator=numerator,
            denominator=1000,
            value=numerator / 10,
        )
        for key, numerator in zip(GEMEINDEN, numerators, strict=True)
    )
    return indicator


def hidden_for_members(indicator, level, member):
    table = values_table(user=member, indicator=indicator, year=2013, level=level)
    return {row.area_id: row for row in table.rows if row.shown.status == STATUS_SUPPRESSED}


def test_suppressed_value_is_never_proposed_even_by_someone_who_sees_it(
    conference, admin, member, gemeinden, sgb2
):
    hidden = hidden_for_members(sgb2, gemeinden, member)
    assert len(hidden) >= 2  # Bakum (small numerator) and one more (secondary)

    result = propose(admin, conference, gemeinden, [sgb2], kinds=["deviation"])

    assert result.created  # Vechta 15,0 % and Dinklage 14,0 % are visible and notable
    assert not {f.area_id for f in result.created} & set(hidden)


def test_no_stored_proposal_shows_a_suppressed_number(conference, admin, member, gemeinden, sgb2):
    hidden = hidden_for_members(sgb2, gemeinden, member)
    admin_view = values_table(user=admin, indicator=sgb2, year=2013, level=gemeinden)
    secret = {row.shown.display for row in admin_view.rows if row.area_id in hidden}
    assert "0,2 %" in secret

    result = propose(admin, conference, gemeinden, [sgb2], kinds=["deviation"])

    assert result.created
    for finding in result.created:
        texts = [finding.proposed_text] + [str(v) for v in finding.numbers.values()]
        for value in secret:  # "5,0 %" must not match inside "15,0 %"
            assert not any(re.search(rf"(?<![\d,.]){re.escape(value)}", t) for t in texts)
        assert finding.numbers["visible_areas"] == 10 - len(hidden)


def test_proposal_of_a_data_seeing_admin_equals_that_of_a_coordinator(
    conference, admin, coordinator, gemeinden, sgb2, vechta
):
    by_admin = propose(admin, conference, gemeinden, [sgb2], kinds=["deviation"]).created
    other = Conference.objects.create(
        municipality=vechta, kind=Conference.Kind.PLANNING, name="Zweite Konferenz"
    )
    by_coordinator = propose(coordinator, other, gemeinden, [sgb2], kinds=["deviation"]).created

    assert [(f.area_id, f.proposed_text, f.numbers) for f in by_admin] == [
        (f.area_id, f.proposed_text, f.numbers) for f in by_coordinator
    ]


def test_changes_skip_areas_hidden_in_either_year(conference, admin, member, gemeinden, sgb2):
    hidden = hidden_for_members(sgb2, gemeinden, member)
    areas = {a.key: a for a in Area.objects.filter(level=gemeinden)}
    # 2014: every Gemeinde 30 more, Bakum (hidden in 2013) by far the largest change.
    Value.objects.bulk_create(
        Value(
            indicator=sgb2,
            area=areas[key],
            year=2014,
            numerator=numerator,
            denominator=1000,
            value=numerator / 10,
        )
        for key, numerator in zip(
            GEMEINDEN, [300, 90, 170, 120, 80, 150, 100, 85, 180, 95], strict=True
        )
    )

    result = propose(admin, conference, gemeinden, [sgb2], year=2014, kinds=["change"], top=3)

    assert result.created
    assert not {f.area_id for f in result.created} & set(hidden)
