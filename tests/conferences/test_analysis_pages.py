"""The analysis pages: who sees and edits what, the forms' round trips, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atlas_data.models import Area
from conferences.models import Finding, Prioritisation, PrioritisationIndicator, SwotEntry
from conferences.services_analysis import (
    InputSpec,
    confirm_prioritisation,
    create_field_of_action,
    create_need,
    create_prioritisation,
    create_swot_entry,
    propose_findings,
)

from .analysis_fixtures import *  # noqa: F403
from .analysis_fixtures import NON_GERMAN, U15, correct_values

pytestmark = pytest.mark.django_db


def url(name, conference, **kwargs):
    return reverse(f"conferences:{name}", kwargs={"conference_pk": conference.pk, **kwargs})


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_overview_lists_the_conferences(as_user, member, conference):
    page = as_user(member).get(reverse("conferences:analysis"))

    assert page.status_code == 200
    assert conference.name in page.content.decode()


def test_member_reads_the_analysis_page_without_edit_buttons(as_user, member, conference):
    page = as_user(member).get(url("analysis_conference", conference))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Stärken, Schwächen, Chancen und Risiken" in html
    assert url("analysis_swot_new", conference) not in html


def test_leadership_reads_the_analysis_page(as_user, leader, conference):
    assert as_user(leader).get(url("analysis_conference", conference)).status_code == 200


def test_coordinator_sees_the_edit_buttons(as_user, coordinator, conference):
    html = as_user(coordinator).get(url("analysis_conference", conference)).content.decode()

    assert url("analysis_swot_new", conference) in html
    assert url("analysis_findings_propose", conference) in html


@pytest.mark.parametrize(
    "name", ["analysis_swot_new", "analysis_findings_propose", "analysis_prioritisation_new"]
)
def test_member_may_not_open_the_edit_forms(as_user, member, conference, name):
    assert as_user(member).get(url(name, conference)).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login(client, conference):
    page = client.get(url("analysis_conference", conference))

    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]


def test_conference_of_another_municipality_is_not_found(as_user, outsider, conference):
    assert as_user(outsider).get(url("analysis_conference", conference)).status_code == 404


def test_coordinator_adds_a_data_backed_swot_entry(as_user, coordinator, conference, share):
    client = as_user(coordinator)
    vechta = Area.objects.get(name="Vechta")

    response = client.post(
        url("analysis_swot_new", conference),
        {
            "quadrant": "weakness",
            "text": "Wenige Kinder in der Stadt Vechta",
            "evidence_kind": "data",
            "indicator": share(U15).pk,
            "evidence_area": vechta.pk,
            "evidence_year": "2013",
            "order": "0",
        },
    )

    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Wenige Kinder in der Stadt Vechta" in html
    assert "15,03 %" in html
    assert "16,15 %" in html


def test_incomplete_data_evidence_gets_a_german_message_and_saves_nothing(
    as_user, coordinator, conference, share
):
    response = as_user(coordinator).post(
        url("analysis_swot_new", conference),
        {
            "quadrant": "weakness",
            "text": "Ohne Jahr",
            "evidence_kind": "data",
            "indicator": share(U15).pk,
            "evidence_area": Area.objects.get(name="Vechta").pk,
        },
    )

    assert response.status_code == 200
    assert "Bitte das Jahr des Werts wählen." in response.content.decode()
    assert not SwotEntry.objects.exists()


def test_coordinator_edits_and_deletes_a_swot_entry(as_user, coordinator, conference):
    entry = create_swot_entry(
        user=coordinator, conference=conference, data={"quadrant": "risk", "text": "Alt"}
    )
    client = as_user(coordinator)

    client.post(
        url("analysis_swot_edit", conference, pk=entry.pk),
        {"quadrant": "risk", "text": "Neu", "evidence_kind": "experience", "order": "1"},
    )
    entry.refresh_from_db()
    assert (entry.text, entry.evidence_kind) == ("Neu", "experience")

    client.post(url("analysis_swot_delete", conference, pk=entry.pk))
    assert not SwotEntry.objects.exists()


def test_proposing_from_the_page_lists_the_proposals(
    as_user, coordinator, conference, gemeinden, share
):
    client = as_user(coordinator)

    response = client.post(
        url("analysis_findings_propose", conference),
        {
            "level": gemeinden.pk,
            "year": "2013",
            "indicators": [share(U15).pk],
            "kinds": ["deviation"],
            "k": "1,0",
            "top": "3",
        },
        follow=True,
    )

    html = response.content.decode()
    assert "3 Auffälligkeiten vorgeschlagen." in html
    assert "Bakum: " in html and "auffällig hoch" in html
    assert Finding.objects.filter(state=Finding.State.PROPOSED).count() == 3


def test_accept_and_dismiss_buttons(as_user, coordinator, conference, gemeinden, share):
    first, second, _third = propose_findings(
        user=coordinator, conference=conference, level=gemeinden, year=2013, indicators=[share(U15)]
    ).created
    client = as_user(coordinator)

    client.post(url("analysis_finding_decide", conference, pk=first.pk), {"action": "accept"})
    client.post(url("analysis_finding_decide", conference, pk=second.pk), {"action": "dismiss"})

    states = dict(Finding.objects.values_list("pk", "state"))
    assert (states[first.pk], states[second.pk]) == ("accepted", "dismissed")


def test_accept_with_an_edited_text(as_user, coordinator, conference, gemeinden, share):
    finding = propose_findings(
        user=coordinator, conference=conference, level=gemeinden, year=2013, indicators=[share(U15)]
    ).created[0]

    as_user(coordinator).post(
        url("analysis_finding_edit", conference, pk=finding.pk),
        {"text": "Bakum hat viele Kinder.", "accept": "1"},
    )

    finding.refresh_from_db()
    assert (finding.state, finding.current_text) == ("accepted", "Bakum hat viele Kinder.")


def test_member_may_not_decide_a_finding(
    as_user, coordinator, member, conference, gemeinden, share
):
    finding = propose_findings(
        user=coordinator, conference=conference, level=gemeinden, year=2013, indicators=[share(U15)]
    ).created[0]

    response = as_user(member).post(
        url("analysis_finding_decide", conference, pk=finding.pk), {"action": "accept"}
    )

    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.state == "proposed"


def formset(rows):
    data = {
        "inputs-TOTAL_FORMS": str(len(rows)),
        "inputs-INITIAL_FORMS": "0",
        "inputs-MIN_NUM_FORMS": "0",
        "inputs-MAX_NUM_FORMS": "20",
    }
    for n, (indicator, weight, direction) in enumerate(rows):
        data |= {
            f"inputs-{n}-indicator": indicator,
            f"inputs-{n}-weight": weight,
            f"inputs-{n}-direction": direction,
        }
    return data


def test_prioritisation_form_computes_and_shows_the_table(
    as_user, coordinator, conference, gemeinden, share
):
    client = as_user(coordinator)

    response = client.post(
        url("analysis_prioritisation_new", conference),
        {
            "title": "",
            "level": gemeinden.pk,
            "year": "2013",
            "method": "zscores",
            **formset(
                [
                    (share(NON_GERMAN).pk, "2", "higher_need"),
                    (share(U15).pk, "1", "lower_need"),
                    ("", "1", ""),
                ]
            ),
        },
        follow=True,
    )

    prioritisation = Prioritisation.objects.get()
    assert prioritisation.title == "Priorisierung der Gemeinden 2013"
    html = response.content.decode()
    assert "+1,34" in html  # Vechta's index
    assert 'name="urgent_areas"' in html


def test_prioritisation_form_explains_a_missing_direction(
    as_user, coordinator, conference, gemeinden, share
):
    response = as_user(coordinator).post(
        url("analysis_prioritisation_new", conference),
        {
            "level": gemeinden.pk,
            "year": "2013",
            "method": "zscores",
            **formset([(share(U15).pk, "1", "")]),
        },
    )

    assert response.status_code == 200
    assert "hat keine Wertung" in response.content.decode()
    assert not Prioritisation.objects.exists()


@pytest.fixture
def prioritisation(conference, coordinator, gemeinden, share):
    return create_prioritisation(
        user=coordinator,
        conference=conference,
        level=gemeinden,
        year=2013,
        method=Prioritisation.Method.ZSCORES,
        inputs=[
            InputSpec(share(NON_GERMAN), 2, PrioritisationIndicator.Direction.HIGHER_NEED),
            InputSpec(share(U15), 1, PrioritisationIndicator.Direction.LOWER_NEED),
        ],
    )


def test_detail_suggests_the_top_and_bottom_areas(as_user, member, conference, prioritisation):
    html = (
        as_user(member)
        .get(url("analysis_prioritisation", conference, pk=prioritisation.pk))
        .content.decode()
    )

    vechta = Area.objects.get(name="Vechta")
    assert f'name="urgent_areas" value="{vechta.pk}" checked disabled' in html
    assert "Beide Listen bestätigen" not in html  # members only read


def test_confirm_from_the_page(as_user, coordinator, conference, prioritisation):
    names = dict(Area.objects.values_list("name", "pk"))

    as_user(coordinator).post(
        url("analysis_prioritisation", conference, pk=prioritisation.pk),
        {
            "urgent_areas": [names["Vechta"], names["Visbek"]],
            "good_areas": [names["Holdorf"]],
            "note": "Beschluss",
        },
    )

    prioritisation.refresh_from_db()
    assert prioritisation.is_confirmed
    assert {a.name for a in prioritisation.urgent_areas.all()} == {"Vechta", "Visbek"}


def test_confirm_with_an_area_in_both_lists_shows_the_message(
    as_user, coordinator, conference, prioritisation
):
    vechta = Area.objects.get(name="Vechta").pk

    response = as_user(coordinator).post(
        url("analysis_prioritisation", conference, pk=prioritisation.pk),
        {"urgent_areas": [vechta], "good_areas": [vechta]},
    )

    assert "Ein Gebiet kann nicht in beiden Listen stehen: Vechta." in response.content.decode()
    prioritisation.refresh_from_db()
    assert not prioritisation.is_confirmed


def test_member_may_not_confirm(as_user, member, conference, prioritisation):
    vechta = Area.objects.get(name="Vechta").pk

    response = as_user(member).post(
        url("analysis_prioritisation", conference, pk=prioritisation.pk), {"urgent_areas": [vechta]}
    )

    assert response.status_code == 403


def test_confirmed_detail_shows_the_drift_after_a_data_correction(
    as_user, coordinator, conference, prioritisation, share
):
    from atlas_data.models import Value

    confirm_prioritisation(
        user=coordinator,
        prioritisation=prioritisation,
        urgent=[Area.objects.get(name="Vechta")],
        good=[],
    )
    correct_values(
        Value.objects.filter(indicator=share(NON_GERMAN), area__name="Vechta"), value=2.5
    )

    html = (
        as_user(coordinator)
        .get(url("analysis_prioritisation", conference, pk=prioritisation.pk))
        .content.decode()
    )

    assert "Die Daten haben sich seit der Bestätigung geändert" in html
    assert "6,98 %" in html  # the confirmed table keeps the value it was decided on


def test_recompute_button_is_refused_after_confirmation(
    as_user, coordinator, conference, prioritisation
):
    confirm_prioritisation(
        user=coordinator,
        prioritisation=prioritisation,
        urgent=[Area.objects.get(name="Vechta")],
        good=[],
    )

    response = as_user(coordinator).post(
        url("analysis_prioritisation_recompute", conference, pk=prioritisation.pk), follow=True
    )

    assert "bleibt so, wie sie beschlossen wurde" in response.content.decode()


def test_need_and_field_of_action_forms(as_user, coordinator, conference):
    client = as_user(coordinator)

    client.post(
        url("analysis_need_new", conference),
        {"text": "Sprachförderung ausbauen", "priority": "1", "room_for_manoeuvre": "Landesmittel"},
    )
    client.post(url("analysis_field_new", conference), {"title": "Frühe Bildung", "priority": "1"})

    html = client.get(url("analysis_conference", conference)).content.decode()
    assert "Sprachförderung ausbauen" in html
    assert "Frühe Bildung" in html


# --- constant queries ---------------------------------------------------------------------------


def fill(conference, coordinator, gemeinden, share, count):
    vechta = Area.objects.get(name="Vechta")
    for n in range(count):
        create_swot_entry(
            user=coordinator,
            conference=conference,
            data={
                "quadrant": ["strength", "weakness", "opportunity", "risk"][n % 4],
                "text": f"Eintrag {n}",
                "evidence_kind": "data",
                "indicator": share(U15),
                "evidence_area": vechta,
                "evidence_year": 2013,
            },
        )


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def add_needs_and_priorities(conference, coordinator, gemeinden, share, count):
    findings = list(Finding.objects.filter(conference=conference))
    for n in range(count):
        need = create_need(
            user=coordinator,
            conference=conference,
            data={"text": f"Bedarf {n}", "priority": 1 + n % 3, "findings": findings[:2]},
        )
        create_field_of_action(
            user=coordinator, conference=conference, data={"title": f"Feld {n}", "needs": [need]}
        )
        prioritisation = create_prioritisation(
            user=coordinator,
            conference=conference,
            level=gemeinden,
            year=2013,
            method=Prioritisation.Method.RANKS,
            inputs=[InputSpec(share(U15), 1, PrioritisationIndicator.Direction.HIGHER_NEED)],
        )
        confirm_prioritisation(
            user=coordinator,
            prioritisation=prioritisation,
            urgent=list(Area.objects.filter(name__in=["Bakum", "Vechta"])),
            good=list(Area.objects.filter(name="Holdorf")),
        )


def test_analysis_page_runs_a_constant_number_of_queries(
    as_user, coordinator, member, conference, gemeinden, share
):
    client = as_user(member)
    path = url("analysis_conference", conference)
    fill(conference, coordinator, gemeinden, share, 2)
    propose_findings(
        user=coordinator, conference=conference, level=gemeinden, year=2013, indicators=[share(U15)]
    )
    add_needs_and_priorities(conference, coordinator, gemeinden, share, 1)
    few = queries_of(client, path)

    fill(conference, coordinator, gemeinden, share, 10)
    propose_findings(
        user=coordinator,
        conference=conference,
        level=gemeinden,
        year=2013,
        indicators=[share(NON_GERMAN)],
        kinds=["deviation"],
    )
    add_needs_and_priorities(conference, coordinator, gemeinden, share, 4)

    assert queries_of(client, path) == few
