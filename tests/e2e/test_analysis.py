"""The analysis steps in a real browser, as the demo coordinator works with the
Sozialplanungskonferenz of Landkreis Vechta: a SWOT entry backed by data, findings proposed from
the data and one accepted, a prioritisation computed and confirmed."""

import re

import pytest

from conferences.models import Conference, Finding, Prioritisation
from keck.demo_analysis import PLANNING_CONFERENCE

pytestmark = pytest.mark.django_db(transaction=True)


def open_analysis(page):
    page.goto(page.base_url + "/app/conferences/analysis/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name=PLANNING_CONFERENCE).click()
    page.wait_for_load_state("networkidle")


def test_coordinator_adds_a_data_backed_swot_entry(page, login, screenshot):
    login(page, "demo-koordination")
    open_analysis(page)

    page.get_by_role("link", name="Hinzufügen: Schwäche").click()
    page.locator("textarea[name=text]").fill(
        "Dinklage: viele Kinder in SGB-II-Bedarfsgemeinschaften"
    )
    page.get_by_label("Faktenwissen (Atlas)").check()
    page.locator("select[name=indicator]").select_option(
        label="Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften"
    )
    page.locator("select[name=evidence_area]").select_option(label="Dinklage")
    page.locator("select[name=evidence_year]").select_option("2015")
    screenshot(page, "analysis-swot-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern").click()

    entry = page.locator(".keck-swot-weakness .keck-swot-entry").filter(
        has_text="Dinklage: viele Kinder"
    )
    assert "9,8 %" in entry.inner_text()  # the value through values_table
    assert "Landkreis Vechta: 8,2 %" in entry.inner_text()
    screenshot(page, "analysis-swot")


def test_coordinator_proposes_findings_and_accepts_one(page, login, screenshot, demo):
    login(page, "demo-koordination")
    open_analysis(page)

    page.get_by_role("link", name="Auffälligkeiten aus den Daten vorschlagen").click()
    page.locator("select[name=year]").select_option("2015")
    page.get_by_label("Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Auffälligkeiten vorschlagen").click()
    assert page.get_by_text(re.compile(r"\d+ Auffälligkeiten vorgeschlagen\.")).is_visible()
    screenshot(page, "analysis-findings-proposed")

    proposal = page.locator(".keck-finding.proposed").filter(has_text="Vechta: Kinder unter 15")
    proposal = proposal.filter(has_text="2015 auffällig ungünstig")
    with page.expect_navigation():
        proposal.get_by_role("button", name="Übernehmen").click()

    accepted = page.locator(".keck-finding.accepted").filter(has_text="2015 auffällig ungünstig")
    assert accepted.count() == 1
    assert Finding.objects.filter(
        conference__name=PLANNING_CONFERENCE,
        year=2015,
        area__name="Vechta",
        state=Finding.State.ACCEPTED,
    ).exists()


def test_coordinator_computes_and_confirms_a_prioritisation(page, login, screenshot, demo):
    login(page, "demo-koordination")
    open_analysis(page)

    page.get_by_role("link", name="Neue Priorisierung").click()
    page.locator("input[name=title]").fill("Priorisierung Kinderarmut 2014")
    page.locator("select[name=year]").select_option("2014")
    page.get_by_label("Indikator 1", exact=True).select_option(
        label="Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften"
    )
    page.get_by_label("Gewicht 1", exact=True).fill("2")
    page.get_by_label("Indikator 2", exact=True).select_option(
        label="Eingliederungshilfe nach § 35a SGB VIII je 1.000 unter 21-Jährige"
    )
    screenshot(page, "analysis-prioritisation-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Rangfolge berechnen").click()

    first = page.locator("table.keck-ranking tbody tr").first
    assert "Vechta" in first.inner_text()
    assert (
        page.get_by_text("ohne Eingliederungshilfe § 35a: über die übrigen gewichtet").count() == 2
    )
    page.get_by_label("Anmerkung zum Beschluss").fill("Beschluss der Sitzung vom 4. März")
    with page.expect_navigation():
        page.get_by_role("button", name="Beide Listen bestätigen").click()

    assert page.get_by_text("Die Listen der Konferenz wurden bestätigt.").is_visible()
    assert page.get_by_text(re.compile("bestätigt von Kai Koordination")).is_visible()
    screenshot(page, "analysis-prioritisation")
    prioritisation = Prioritisation.objects.get(title="Priorisierung Kinderarmut 2014")
    assert prioritisation.is_confirmed
    assert "Vechta" in {a.name for a in prioritisation.urgent_areas.all()}
    assert Conference.objects.filter(name=PLANNING_CONFERENCE).count() == 1
