"""The analysis part of the Vechta demo: what a visitor of the demo finds."""

import pytest
from django.http import HttpRequest

from conferences.models import Conference, Finding, Prioritisation, SwotEntry
from keck.demo_analysis import PLANNING_CONFERENCE, PRIORITISATION_TITLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def planning(demo):
    return Conference.objects.get(municipality=demo, name=PLANNING_CONFERENCE)


def test_demo_swot_rests_on_real_vechta_indicators_and_on_experience(planning):
    entries = SwotEntry.objects.filter(conference=planning).select_related(
        "indicator", "evidence_area"
    )
    kinds = {entry.evidence_kind for entry in entries}
    data = {
        (e.indicator.catalogue_code, e.evidence_area.name, e.evidence_year)
        for e in entries
        if e.indicator
    }

    assert kinds == {"data", "experience", "institution"}
    assert ("anteil-unter-15", "Bakum", 2013) in data
    assert {e.quadrant for e in entries} == {"strength", "weakness", "opportunity", "risk"}


def test_demo_has_accepted_findings_from_the_published_table(planning):
    accepted = Finding.objects.filter(conference=planning, state=Finding.State.ACCEPTED)

    assert {(f.area.name, f.indicator.catalogue_code) for f in accepted} == {
        ("Vechta", "anteil-unter-15"),
        ("Bakum", "anteil-unter-15"),
        ("Lohne (Oldenburg)", "anteil-nichtdeutsche-unter-15"),
    }
    assert Finding.objects.filter(conference=planning, state=Finding.State.PROPOSED).count() == 3


def test_demo_prioritisation_of_the_10_gemeinden_is_confirmed(planning):
    prioritisation = Prioritisation.objects.get(conference=planning, title=PRIORITISATION_TITLE)

    assert prioritisation.is_confirmed
    assert len(prioritisation.snapshot["rows"]) == 10
    assert [a.name for a in prioritisation.urgent_areas.order_by("key")] == [
        "Dinklage",
        "Lohne (Oldenburg)",
        "Vechta",
    ]
    assert prioritisation.good_areas.count() == 3


def test_demo_prioritisation_shows_the_gemeinden_with_suppressed_cases(planning):
    prioritisation = Prioritisation.objects.get(conference=planning, title=PRIORITISATION_TITLE)
    flagged = {row["area_name"] for row in prioritisation.snapshot["rows"] if row["missing"]}

    assert flagged == {"Bakum", "Holdorf"}  # § 35a cases are k. A. there


def test_demo_coordinator_opens_the_analysis_page(client, planning):
    client.login(request=HttpRequest(), username="demo-koordination", password="KeckDemo-2026")

    page = client.get(f"/app/conferences/{planning.pk}/analysis/")

    assert page.status_code == 200
    assert "Wartelisten in den Kitas" in page.content.decode()
