"""API of the analysis steps: members read, coordinators write, everybody else gets 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from atlas_data.models import Area
from conferences.models import Finding, NeedForAction, Prioritisation, SwotEntry
from conferences.services_analysis import create_swot_entry, propose_findings

from .analysis_fixtures import *  # noqa: F403
from .analysis_fixtures import NON_GERMAN, U15

pytestmark = pytest.mark.django_db


def base(conference):
    return f"/api/v1/municipalities/vechta/conferences/{conference.pk}/"


@pytest.fixture
def api():
    def as_user(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return as_user


@pytest.fixture
def public_atlas(vechta):
    vechta.public_atlas_enabled = True
    vechta.save()
    return vechta


@pytest.mark.parametrize(
    "part", ["swot/", "findings/", "needs/", "fields-of-action/", "prioritisations/"]
)
def test_the_public_sees_nothing(api, conference, public_atlas, part):
    assert api().get(base(conference) + part).status_code == 404


def test_members_of_another_municipality_see_nothing(api, outsider, conference):
    assert api(outsider).get(base(conference) + "swot/").status_code == 404


def test_member_reads_the_swot_with_the_value_of_its_evidence(
    api, member, coordinator, conference, share
):
    create_swot_entry(
        user=coordinator,
        conference=conference,
        data={
            "quadrant": "weakness",
            "text": "Wenige Kinder",
            "evidence_kind": "data",
            "indicator": share(U15),
            "evidence_area": Area.objects.get(name="Vechta"),
            "evidence_year": 2013,
        },
    )

    response = api(member).get(base(conference) + "swot/")

    assert response.status_code == 200
    [entry] = response.json()
    assert entry["evidence"]["value_display"] == "15,03 %"
    assert entry["evidence"]["reference_display"] == "16,15 %"


def test_member_may_not_write(api, member, conference):
    response = api(member).post(base(conference) + "swot/", {"quadrant": "risk", "text": "x"})

    assert response.status_code == 403
    assert not SwotEntry.objects.exists()


def test_anonymous_write_asks_for_login(api, conference):
    assert api().post(base(conference) + "swot/", {"quadrant": "risk"}).status_code in (401, 403)


def test_coordinator_creates_changes_and_deletes_a_swot_entry(api, coordinator, conference, share):
    client = api(coordinator)
    vechta = Area.objects.get(name="Vechta")

    created = client.post(
        base(conference) + "swot/",
        {
            "quadrant": "strength",
            "text": "Junge Gemeinden",
            "evidence_kind": "data",
            "indicator": share(U15).pk,
            "evidence_area": vechta.pk,
            "evidence_year": 2013,
        },
        format="json",
    )
    assert created.status_code == 201
    entry_url = base(conference) + f"swot/{created.json()['id']}/"
    assert created.json()["evidence"]["value_display"] == "15,03 %"

    changed = client.patch(entry_url, {"text": "Junge Familien"}, format="json")
    assert (changed.status_code, changed.json()["text"]) == (200, "Junge Familien")
    assert changed.json()["indicator"] == share(U15).pk

    assert client.delete(entry_url).status_code == 204
    assert not SwotEntry.objects.exists()


def test_bad_swot_input_gets_a_german_message_and_changes_nothing(
    api, coordinator, conference, share
):
    response = api(coordinator).post(
        base(conference) + "swot/",
        {"quadrant": "strength", "text": "x", "evidence_kind": "data", "indicator": share(U15).pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"evidence_area": ["Bitte das Gebiet des Werts wählen."]}
    assert not SwotEntry.objects.exists()


def test_area_of_another_municipality_is_not_accepted(
    api, coordinator, conference, other_municipality
):
    from atlas_data.services import ensure_root

    foreign = ensure_root(municipality=other_municipality)

    response = api(coordinator).post(
        base(conference) + "swot/",
        {"quadrant": "strength", "text": "x", "area": foreign.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "area" in response.json()


def test_propose_accept_and_dismiss(api, coordinator, conference, gemeinden, share):
    client = api(coordinator)

    proposed = client.post(
        base(conference) + "findings/propose/",
        {
            "level": gemeinden.slug,
            "year": 2013,
            "indicators": [share(U15).pk],
            "kinds": ["deviation"],
        },
        format="json",
    )

    assert proposed.status_code == 201
    created = {f["area_name"]: f for f in proposed.json()["created"]}
    assert set(created) == {"Bakum", "Neuenkirchen-Vörden", "Vechta"}
    assert created["Vechta"]["numbers"]["reference_display"] == "16,15 %"

    accepted = client.post(
        base(conference) + f"findings/{created['Vechta']['id']}/accept/",
        {"text": "Vechta: wenige Kinder"},
        format="json",
    )
    dismissed = client.post(base(conference) + f"findings/{created['Bakum']['id']}/dismiss/")

    assert (accepted.json()["state"], accepted.json()["current_text"]) == (
        "accepted",
        "Vechta: wenige Kinder",
    )
    assert dismissed.json()["state"] == "dismissed"
    listed = client.get(base(conference) + "findings/?state=accepted").json()
    assert [f["area_name"] for f in listed] == ["Vechta"]


def test_propose_again_reports_the_dismissed_one(api, coordinator, conference, gemeinden, share):
    client = api(coordinator)
    payload = {
        "level": gemeinden.slug,
        "year": 2013,
        "indicators": [share(U15).pk],
        "kinds": ["deviation"],
    }
    first = client.post(base(conference) + "findings/propose/", payload, format="json").json()
    client.post(base(conference) + f"findings/{first['created'][0]['id']}/dismiss/")

    again = client.post(base(conference) + "findings/propose/", payload, format="json").json()

    assert (again["created"], again["dismissed_before"], again["already_there"]) == ([], 1, 2)


def test_propose_with_a_bad_threshold_is_refused(api, coordinator, conference, gemeinden, share):
    response = api(coordinator).post(
        base(conference) + "findings/propose/",
        {"level": gemeinden.slug, "year": 2013, "indicators": [share(U15).pk], "k": 9},
        format="json",
    )

    assert response.status_code == 400
    assert "Standardabweichungen" in response.json()["k"][0]
    assert not Finding.objects.exists()


def test_member_may_not_propose(api, member, conference, gemeinden, share):
    response = api(member).post(
        base(conference) + "findings/propose/",
        {"level": gemeinden.slug, "year": 2013, "indicators": [share(U15).pk]},
        format="json",
    )

    assert response.status_code == 403


def test_finding_text_is_patched(api, coordinator, conference, gemeinden, share):
    finding = propose_findings(
        user=coordinator, conference=conference, level=gemeinden, year=2013, indicators=[share(U15)]
    ).created[0]

    response = api(coordinator).patch(
        base(conference) + f"findings/{finding.pk}/", {"text": "Neu"}, format="json"
    )

    assert (response.json()["current_text"], response.json()["state"]) == ("Neu", "proposed")


def test_needs_and_fields_of_action(api, coordinator, member, conference):
    client = api(coordinator)

    need = client.post(
        base(conference) + "needs/",
        {"text": "Sprachförderung", "priority": 1, "room_for_manoeuvre": "Landesmittel"},
        format="json",
    )
    field = client.post(
        base(conference) + "fields-of-action/",
        {"title": "Frühe Bildung", "priority": 1, "needs": [need.json()["id"]]},
        format="json",
    )

    assert (need.status_code, field.status_code) == (201, 201)
    assert api(member).get(base(conference) + "fields-of-action/").json()[0]["needs"] == [
        need.json()["id"]
    ]
    bad = client.patch(
        base(conference) + f"needs/{need.json()['id']}/", {"priority": 5}, format="json"
    )
    assert bad.status_code == 400
    assert NeedForAction.objects.get().priority == 1


def prioritisation_payload(gemeinden, share):
    return {
        "level": gemeinden.slug,
        "year": 2013,
        "method": "zscores",
        "inputs": [
            {"indicator": share(NON_GERMAN).pk, "weight": "2", "direction": "higher_need"},
            {"indicator": share(U15).pk, "weight": "1", "direction": "lower_need"},
        ],
    }


def test_prioritisation_is_computed_confirmed_and_then_kept(
    api, coordinator, conference, gemeinden, share
):
    client = api(coordinator)

    created = client.post(
        base(conference) + "prioritisations/",
        prioritisation_payload(gemeinden, share),
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["snapshot"]["rows"][0]["area_name"] == "Vechta"
    assert body["inputs"][0] == {
        "indicator": share(NON_GERMAN).pk,
        "weight": "2.00",
        "direction": "higher_need",
    }
    names = dict(Area.objects.values_list("name", "pk"))

    confirmed = client.post(
        base(conference) + f"prioritisations/{body['id']}/confirm/",
        {"urgent_areas": [names["Vechta"]], "good_areas": [names["Holdorf"]]},
        format="json",
    )
    assert confirmed.json()["is_confirmed"] is True

    again = client.post(base(conference) + f"prioritisations/{body['id']}/recompute/")
    deleted = client.delete(base(conference) + f"prioritisations/{body['id']}/")
    assert (again.status_code, deleted.status_code) == (400, 400)
    assert "beschlossen" in again.json()["detail"][0]
    assert Prioritisation.objects.get().is_confirmed


def test_prioritisation_with_a_neutral_indicator_needs_a_direction(
    api, coordinator, conference, gemeinden, share
):
    payload = prioritisation_payload(gemeinden, share)
    payload["inputs"][1]["direction"] = ""

    response = api(coordinator).post(base(conference) + "prioritisations/", payload, format="json")

    assert response.status_code == 400
    assert "hat keine Wertung" in response.json()["inputs"][0]
    assert not Prioritisation.objects.exists()


def test_schema_documents_the_analysis_endpoints(api):
    schema = api().get("/api/schema/", HTTP_ACCEPT="application/json")
    paths = schema.json()["paths"] if schema.status_code == 200 else {}
    if not paths:
        from drf_spectacular.generators import SchemaGenerator

        paths = SchemaGenerator().get_schema(public=True)["paths"]

    prefix = "/api/v1/municipalities/{slug}/conferences/{conference}/"
    for part in ("swot/", "findings/propose/", "prioritisations/{id}/confirm/"):
        assert prefix + part in paths


# --- constant queries ---------------------------------------------------------------------------


def count_queries(client, path):
    client.get(path)  # the forced user caches its memberships on the first request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def add_entries(conference, coordinator, share, count):
    vechta = Area.objects.get(name="Vechta")
    for n in range(count):
        create_swot_entry(
            user=coordinator,
            conference=conference,
            data={
                "quadrant": "strength",
                "text": f"Eintrag {n}",
                "evidence_kind": "data",
                "indicator": share(U15),
                "evidence_area": vechta,
                "evidence_year": 2013,
            },
        )


def test_swot_list_runs_a_constant_number_of_queries(api, coordinator, member, conference, share):
    client = api(member)
    add_entries(conference, coordinator, share, 2)
    few = count_queries(client, base(conference) + "swot/")

    add_entries(conference, coordinator, share, 12)

    assert count_queries(client, base(conference) + "swot/") == few


def test_findings_list_runs_a_constant_number_of_queries(
    api, coordinator, member, conference, gemeinden, share
):
    client = api(member)
    propose_findings(
        user=coordinator, conference=conference, level=gemeinden, year=2013, indicators=[share(U15)]
    )
    few = count_queries(client, base(conference) + "findings/")

    propose_findings(
        user=coordinator,
        conference=conference,
        level=gemeinden,
        year=2013,
        indicators=[share(NON_GERMAN)],
    )

    assert count_queries(client, base(conference) + "findings/") == few


def test_prioritisations_list_runs_a_constant_number_of_queries(
    api, coordinator, member, conference, gemeinden, share
):
    writer, client = api(coordinator), api(member)
    payload = prioritisation_payload(gemeinden, share)
    writer.post(base(conference) + "prioritisations/", payload, format="json")
    few = count_queries(client, base(conference) + "prioritisations/")

    for _ in range(4):
        writer.post(base(conference) + "prioritisations/", payload, format="json")

    assert count_queries(client, base(conference) + "prioritisations/") == few
