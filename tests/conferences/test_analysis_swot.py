"""SWOT entries with their evidence, needs for action and fields of action."""

import pytest
from django.core.exceptions import PermissionDenied

from atlas_data.models import Area, Bookmark, Indicator, Value
from conferences.models import Conference, FieldOfAction, NeedForAction, SwotEntry
from conferences.selectors_analysis import evidence_for, swot_board
from conferences.services_analysis import (
    AnalysisError,
    accept_finding,
    create_field_of_action,
    create_need,
    create_swot_entry,
    propose_findings,
    update_need,
    update_swot_entry,
)

from .analysis_fixtures import *  # noqa: F403
from .analysis_fixtures import U15

pytestmark = pytest.mark.django_db


def area(name):
    return Area.objects.get(name=name)


def data_entry(user, conference, indicator, **extra):
    return create_swot_entry(
        user=user,
        conference=conference,
        data={
            "quadrant": SwotEntry.Quadrant.WEAKNESS,
            "text": "In Vechta leben anteilig wenige Kinder.",
            "evidence_kind": SwotEntry.Evidence.DATA,
            "indicator": indicator,
            "evidence_area": area("Vechta"),
            "evidence_year": 2013,
            **extra,
        },
    )


def test_data_evidence_shows_the_value_and_the_reference(conference, coordinator, member, share):
    entry = data_entry(coordinator, conference, share(U15))

    evidence = evidence_for(user=member, municipality=conference.municipality, entries=[entry])

    assert (evidence[entry.pk].value_display, evidence[entry.pk].reference_display) == (
        "15,03 %",
        "16,15 %",
    )
    assert evidence[entry.pk].reference_name == "Landkreis Vechta"


def test_data_evidence_of_a_suppressed_value_shows_k_a_to_members(
    conference, coordinator, member, data_admin, share, vechta
):
    indicator = Indicator.objects.create(
        municipality=vechta,
        topic=share(U15).topic,
        name="Hilfen zur Erziehung (Fälle)",
        kind=Indicator.Kind.COUNT,
    )
    gemeinden = Area.objects.filter(municipality=vechta, level__depth=1).order_by("key")
    Value.objects.bulk_create(
        Value(indicator=indicator, area=a, year=2013, value=2 if a.name == "Vechta" else 40 + n)
        for n, a in enumerate(gemeinden)
    )
    entry = data_entry(coordinator, conference, indicator)

    for_member = evidence_for(user=member, municipality=vechta, entries=[entry])[entry.pk]
    for_admin = evidence_for(user=data_admin, municipality=vechta, entries=[entry])[entry.pk]

    assert (for_member.value_display, for_member.suppressed) == ("k. A.", True)
    assert (for_admin.value_display, for_admin.suppressed) == ("2", True)


def test_data_evidence_may_be_a_bookmark(conference, coordinator, member, vechta):
    bookmark = Bookmark.objects.create(
        municipality=vechta, title="Kinder 2013", created_by=member, is_published=True
    )

    entry = create_swot_entry(
        user=coordinator,
        conference=conference,
        data={
            "quadrant": "strength",
            "text": "Viele Kinder",
            "evidence_kind": "data",
            "bookmark": bookmark,
        },
    )

    evidence = evidence_for(user=member, municipality=vechta, entries=[entry])[entry.pk]
    assert evidence.bookmark_title == "Kinder 2013"


def test_data_evidence_needs_indicator_area_and_year(conference, coordinator, share):
    with pytest.raises(AnalysisError) as error:
        data_entry(coordinator, conference, share(U15), evidence_year=None)

    assert error.value.field == "evidence_year"
    assert not SwotEntry.objects.exists()


def test_data_evidence_without_any_reference_is_refused(conference, coordinator):
    with pytest.raises(AnalysisError) as error:
        create_swot_entry(
            user=coordinator,
            conference=conference,
            data={"quadrant": "risk", "text": "Risiko", "evidence_kind": "data"},
        )

    assert error.value.field == "indicator"


def test_data_evidence_of_a_year_without_values_is_refused(conference, coordinator, share):
    with pytest.raises(AnalysisError) as error:
        data_entry(coordinator, conference, share(U15), evidence_year=2015)

    assert error.value.field == "evidence_year"


def test_experience_entry_keeps_no_data_fields(conference, coordinator, share):
    entry = data_entry(coordinator, conference, share(U15))

    update_swot_entry(
        user=coordinator,
        entry=entry,
        data={"evidence_kind": "experience", "evidence_note": "Stadtteilbegehung im März"},
    )

    entry.refresh_from_db()
    assert (entry.evidence_kind, entry.evidence_note) == ("experience", "Stadtteilbegehung im März")
    assert (entry.indicator, entry.evidence_area, entry.evidence_year) == (None, None, None)


def test_evidence_from_another_municipality_is_refused(conference, coordinator, other_municipality):
    from atlas_data.services import ensure_root

    foreign = ensure_root(municipality=other_municipality)

    with pytest.raises(AnalysisError) as error:
        create_swot_entry(
            user=coordinator,
            conference=conference,
            data={"quadrant": "strength", "text": "x", "area": foreign},
        )

    assert error.value.field == "area"


def test_area_swot_of_an_area_conference_stays_in_its_areas(vechta, coordinator):
    area_conference = Conference.objects.create(
        municipality=vechta, kind=Conference.Kind.AREA, name="Sozialraumkonferenz Vechta"
    )
    area_conference.areas.set([area("Vechta")])

    with pytest.raises(AnalysisError):
        create_swot_entry(
            user=coordinator,
            conference=area_conference,
            data={"quadrant": "strength", "text": "x", "area": area("Lohne (Oldenburg)")},
        )


def test_members_may_not_write_the_swot(conference, member):
    with pytest.raises(PermissionDenied):
        create_swot_entry(
            user=member, conference=conference, data={"quadrant": "risk", "text": "Risiko"}
        )


def test_empty_text_is_refused_in_german(conference, coordinator):
    with pytest.raises(AnalysisError) as error:
        create_swot_entry(
            user=coordinator, conference=conference, data={"quadrant": "risk", "text": " "}
        )

    assert error.value.message == "Bitte ausfüllen: Text."


def test_board_separates_the_conference_swot_from_an_area_swot(conference, coordinator, member):
    for text, where in [("Landkreis", None), ("Nur Vechta", area("Vechta"))]:
        create_swot_entry(
            user=coordinator,
            conference=conference,
            data={"quadrant": "opportunity", "text": text, "area": where},
        )

    whole = swot_board(user=member, conference=conference)
    vechta = swot_board(user=member, conference=conference, area=area("Vechta"))

    assert [b.entry.text for b in whole["opportunity"]] == ["Landkreis"]
    assert [b.entry.text for b in vechta["opportunity"]] == ["Nur Vechta"]
    assert list(whole) == ["strength", "weakness", "opportunity", "risk"]


# --- needs and fields of action ----------------------------------------------------------------


def test_need_links_findings_and_swot_entries(conference, coordinator, gemeinden, share):
    finding = propose_findings(
        user=coordinator, conference=conference, level=gemeinden, year=2013, indicators=[share(U15)]
    ).created[0]
    accept_finding(user=coordinator, finding=finding)
    entry = data_entry(coordinator, conference, share(U15))

    need = create_need(
        user=coordinator,
        conference=conference,
        data={
            "text": "Angebote für Familien in Vechta",
            "priority": 1,
            "room_for_manoeuvre": "Familienzentrum",
            "findings": [finding],
            "swot_entries": [entry],
        },
    )

    assert list(need.findings.all()) == [finding]
    assert list(need.swot_entries.all()) == [entry]
    assert need.get_priority_display() == "Hoch"


def test_need_refuses_a_finding_of_another_conference(
    conference, vechta, coordinator, gemeinden, share
):
    other = Conference.objects.create(
        municipality=vechta, kind=Conference.Kind.PLANNING, name="Andere"
    )
    finding = propose_findings(
        user=coordinator, conference=other, level=gemeinden, year=2013, indicators=[share(U15)]
    ).created[0]

    with pytest.raises(AnalysisError) as error:
        create_need(
            user=coordinator, conference=conference, data={"text": "x", "findings": [finding]}
        )

    assert error.value.field == "findings"
    assert not NeedForAction.objects.exists()


@pytest.mark.parametrize("priority", [0, 4, "hoch"])
def test_need_priority_is_one_to_three(conference, coordinator, priority):
    with pytest.raises(AnalysisError) as error:
        create_need(
            user=coordinator, conference=conference, data={"text": "x", "priority": priority}
        )

    assert error.value.field == "priority"


def test_update_need_keeps_what_is_not_given(conference, coordinator):
    need = create_need(
        user=coordinator,
        conference=conference,
        data={"text": "Sprachförderung", "priority": 1, "room_for_manoeuvre": "Landesmittel"},
    )

    update_need(user=coordinator, need=need, data={"priority": 2})

    need.refresh_from_db()
    assert (need.text, need.priority, need.room_for_manoeuvre) == (
        "Sprachförderung",
        2,
        "Landesmittel",
    )


def test_area_conference_derives_a_field_of_action_from_the_municipal_one(
    conference, vechta, coordinator
):
    municipal = create_field_of_action(
        user=coordinator, conference=conference, data={"title": "Frühe Bildung", "priority": 1}
    )
    area_conference = Conference.objects.create(
        municipality=vechta, kind=Conference.Kind.AREA, name="Sozialraumkonferenz Vechta"
    )

    derived = create_field_of_action(
        user=coordinator,
        conference=area_conference,
        data={"title": "Sprachförderung in den Kitas der Stadt", "derived_from": municipal},
    )

    assert derived.derived_from == municipal
    assert list(municipal.derived.all()) == [derived]


def test_municipal_conference_derives_nothing(conference, coordinator):
    municipal = create_field_of_action(
        user=coordinator, conference=conference, data={"title": "Frühe Bildung"}
    )

    with pytest.raises(AnalysisError) as error:
        create_field_of_action(
            user=coordinator,
            conference=conference,
            data={"title": "Unterfeld", "derived_from": municipal},
        )

    assert error.value.field == "derived_from"
    assert FieldOfAction.objects.count() == 1


def test_area_conference_derives_only_from_a_planning_conference(vechta, coordinator):
    first, second = (
        Conference.objects.create(municipality=vechta, kind=Conference.Kind.AREA, name=name)
        for name in ("Sozialraum A", "Sozialraum B")
    )
    field = create_field_of_action(user=coordinator, conference=first, data={"title": "A"})

    with pytest.raises(AnalysisError):
        create_field_of_action(
            user=coordinator, conference=second, data={"title": "B", "derived_from": field}
        )
