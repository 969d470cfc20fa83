"""No lost updates in a real browser: the demo coordinator and the municipal admin of Vechta open
the same goal in two browsers; the admin saves first, the coordinator's save is refused with the
admin's change beside the coordinator's input, and saving again is the coordinator's decision."""

import pytest

from keck.demo import DEMO_SLUG
from measures.models import Goal

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_second_of_two_editors_of_a_goal_sees_the_conflict(page, browser, login, screenshot):
    goal = Goal.objects.filter(municipality__slug=DEMO_SLUG).order_by("pk").first()
    edit_url = page.base_url + f"/app/measures/goals/{goal.pk}/edit/"
    login(page, "demo-koordination")
    page.goto(edit_url)

    context = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 900})
    try:
        other = context.new_page()
        other.base_url = page.base_url
        login(other, "demo-admin")
        other.goto(edit_url)
        other.locator("input[name=title]").fill("Titel der Verwaltung")
        with other.expect_navigation():
            other.locator("button[name=save]").click()
    finally:
        context.close()

    page.locator("input[name=title]").fill("Titel der Koordination")
    with page.expect_navigation():
        page.locator("button[name=save]").click()

    conflict = page.locator("[data-conflict]")
    assert "wurde inzwischen von Anna Admin am" in conflict.inner_text()
    assert "Titel der Verwaltung" in conflict.locator("table").inner_text()
    assert page.locator("input[name=title]").input_value() == "Titel der Koordination"
    assert Goal.objects.get(pk=goal.pk).title == "Titel der Verwaltung"
    screenshot(page, "locking-goal-conflict")

    with page.expect_navigation():
        page.locator("button[name=save]").click()
    assert Goal.objects.get(pk=goal.pk).title == "Titel der Koordination"


def test_the_autosave_of_a_sheet_answer_changed_elsewhere_asks_before_overwriting(
    page, login, demo
):
    """The member's answer is changed in another window (here: directly through the service)
    while the fill page is open: the next autosave shows the saved answer and keeps the member's
    until they choose "keep my answer"."""
    from django.contrib.auth import get_user_model

    from conferences.models import Catalogue, Question, Response
    from conferences.services_sheets import create_sheet, save_response

    users = get_user_model().objects.in_bulk(
        ["demo-koordination", "demo-mitglied"], field_name="username"
    )
    sheet = create_sheet(
        user=users["demo-koordination"],
        municipality=demo,
        catalogue=Catalogue.objects.get(lineage="keck-arbeitsstand", is_current=True),
        cycle_number=1,
        cycle_label="2025",
    )
    question = Question.objects.get(section__catalogue=sheet.catalogue, key="sw-klarheit-nutzen")
    login(page, "demo-mitglied")
    page.goto(page.base_url + f"/app/conferences/sheets/{sheet.pk}/fill/")
    block = page.locator(f"#question-{question.pk}")

    save_response(
        user=users["demo-mitglied"], sheet=sheet, question=question, explanation="Anderes Fenster"
    )
    page.fill(f"#q{question.pk}-explanation", "Dieses Fenster")

    block.locator("[data-conflict-live]").wait_for()
    assert "Anderes Fenster" in block.locator("[data-conflict-live]").inner_text()
    assert Response.objects.get(sheet=sheet).explanation == "Anderes Fenster"

    block.get_by_role("button", name="Meine Antwort behalten").click()
    block.locator("[data-status].saved").wait_for()
    assert Response.objects.get(sheet=sheet).explanation == "Dieses Fenster"
