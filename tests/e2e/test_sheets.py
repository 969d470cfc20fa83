"""Reflection sheets in a real browser: a member fills a sheet with autosave, the coordinator
consolidates it."""

import pytest
from django.contrib.auth import get_user_model

from conferences.models import Catalogue, Question, Response
from conferences.services_sheets import create_sheet, save_response

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_sheet(demo):
    """An open "state of the work" sheet of Vechta that the leadership answered in part."""
    users = get_user_model().objects.in_bulk(
        ["demo-koordination", "demo-leitung"], field_name="username"
    )
    sheet = create_sheet(
        user=users["demo-koordination"],
        municipality=demo,
        catalogue=Catalogue.objects.get(lineage="keck-arbeitsstand", is_current=True),
        cycle_number=1,
        cycle_label="2025",
    )
    actors = Question.objects.get(section__catalogue=sheet.catalogue, key="sw-klarheit-akteure")
    save_response(
        user=users["demo-leitung"],
        sheet=sheet,
        question=actors,
        answer="no",
        explanation="Die Schulen fehlen noch in der Sozialplanungskonferenz.",
    )
    return sheet


def test_member_answers_two_questions_and_finds_them_after_a_reload(
    page, login, screenshot, open_sheet
):
    actors = Question.objects.get(
        section__catalogue=open_sheet.catalogue, key="sw-klarheit-akteure"
    )
    benefit = Question.objects.get(
        section__catalogue=open_sheet.catalogue, key="sw-klarheit-nutzen"
    )
    login(page, "demo-mitglied")
    page.goto(page.base_url + "/app/conferences/sheets/")
    page.get_by_role("link", name=open_sheet.title).click()
    page.get_by_role("link", name="Meine Antworten eingeben").click()
    page.wait_for_load_state("networkidle")

    page.locator(f"#question-{actors.pk}").get_by_label("Ja", exact=True).check()
    page.locator(f"#question-{actors.pk} [data-status].saved").wait_for()
    page.fill(
        f"#q{benefit.pk}-explanation",
        "Vor allem die Kita-Bedarfsplanung und die Familienzentren.",
    )
    page.locator(f"#question-{benefit.pk} [data-status].saved").wait_for()
    page.locator("[data-autosave-status].saved").wait_for()
    assert page.locator("[data-autosave-status]").inner_text() == "Alle Änderungen gespeichert"
    page.reload()
    page.wait_for_load_state("networkidle")

    assert page.locator(f"#question-{actors.pk}").get_by_label("Ja", exact=True).is_checked()
    assert page.locator(f"#q{benefit.pk}-explanation").input_value() == (
        "Vor allem die Kita-Bedarfsplanung und die Familienzentren."
    )
    assert page.get_by_text("2 von 31 Fragen beantwortet").is_visible()
    assert Response.objects.filter(respondent__username="demo-mitglied").count() == 2
    screenshot(page, "sheet-fill")


def test_coordinator_sees_individual_answers_beside_the_agreed_one(
    page, login, screenshot, open_sheet
):
    member = get_user_model().objects.get(username="demo-mitglied")
    actors = Question.objects.get(
        section__catalogue=open_sheet.catalogue, key="sw-klarheit-akteure"
    )
    save_response(
        user=member,
        sheet=open_sheet,
        question=actors,
        answer="yes",
        explanation="Jugendamt, Gesundheitsamt und Sozialamt arbeiten mit.",
    )
    login(page, "demo-koordination")
    page.goto(page.base_url + f"/app/conferences/sheets/{open_sheet.pk}/consolidate/")

    fieldset = page.locator(f"#question-{actors.pk}")
    assert fieldset.get_by_text("2 Einzelantworten").is_visible()
    assert fieldset.get_by_text("Vorschlag, noch nicht gespeichert").is_visible()
    proposal = fieldset.locator("textarea").input_value()
    assert proposal.startswith("Lena Leitung: Die Schulen fehlen")
    assert "Mia Mitglied: Jugendamt" in proposal
    fieldset.get_by_label("Ja", exact=True).check()
    fieldset.locator("[data-status].saved").wait_for()
    screenshot(page, "sheet-consolidate")
