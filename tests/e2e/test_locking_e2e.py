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
