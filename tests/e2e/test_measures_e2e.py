"""Goals and measures in a real browser, as the demo coordinator of Landkreis Vechta works: a
goal measured by an atlas indicator, checked with the SMART check before saving, then a measure
for it with a sub-step."""

import re

import pytest

from keck.demo_analysis import PLANNING_CONFERENCE
from measures.models import Goal, Measure

pytestmark = pytest.mark.django_db(transaction=True)

SGB2 = "Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften"
GOAL = "Weniger Kinder in SGB-II-Bedarfsgemeinschaften in der Stadt Vechta"
MEASURE = "Elterncafé im Familienzentrum Vechta-Nord"
REASON = (
    "Kitas und Familienzentren in Vechta berichten von vielen Familien, die Beratung zu "
    "Leistungen und Arbeit brauchen."
)


def test_coordinator_creates_a_smart_goal_and_a_measure_for_it(page, login, screenshot):
    login(page, "demo-koordination")
    page.goto(page.base_url + "/app/measures/goals/new/")

    page.locator("select[name=conference]").select_option(label=PLANNING_CONFERENCE)
    page.locator("input[name=title]").fill(GOAL)
    page.locator("input[name=target_group]").fill("Kinder unter 15 Jahren und ihre Familien")
    page.locator("#field-areas").get_by_label("Vechta (Gemeinden)", exact=True).check()
    page.locator("select[name=indicator]").select_option(label=SGB2)
    page.locator("select[name=measurement_area]").select_option(label="Vechta (Gemeinden)")
    page.locator("select[name=baseline_year]").select_option("2014")
    page.locator("input[name=target_value]").fill("9,5")
    page.locator("input[name=deadline]").fill("2030-12-31")

    # The SMART check, without saving: measurable is sound, acceptance and realism are missing.
    with page.expect_navigation():
        page.locator("button[name=check]").click()
    panel = page.locator(".keck-smart-panel")
    assert panel.locator('[data-criterion="S"]').get_attribute("data-state") == "ok"
    assert panel.locator('[data-criterion="M"]').get_attribute("data-state") == "ok"
    assert panel.locator('[data-criterion="A"]').get_attribute("data-state") == "missing"
    assert panel.locator('[data-criterion="R"]').get_attribute("data-state") == "missing"
    assert panel.locator('[data-criterion="T"]').get_attribute("data-state") == "ok"
    # The baseline of 2014, as the German page says it.
    assert "Ausgangswert 11,5 %" in panel.locator('[data-criterion="M"]').inner_text()
    assert not Goal.objects.filter(title=GOAL).exists()
    # The form kept what was entered.
    assert page.locator("input[name=target_value]").input_value() == "9,5"
    screenshot(page, "measures-goal-smart-check")

    page.locator("textarea[name=acceptance]").fill(REASON)
    page.locator("textarea[name=realism]").fill(REASON)
    with page.expect_navigation():
        page.locator("button[name=save]").click()

    goal = Goal.objects.get(title=GOAL)
    assert goal.baseline_year == 2014 and goal.target_value == 9.5
    assert page.url.endswith(f"/app/measures/goals/{goal.pk}/")
    assert page.locator("h1").inner_text().endswith(GOAL)
    for letter in "SMART":
        criterion = page.locator(f'.keck-smart-panel [data-criterion="{letter}"]')
        assert criterion.get_attribute("data-state") == "ok"
    assert page.locator(".keck-chart svg polyline").count() >= 1
    screenshot(page, "measures-goal-detail")

    # A measure for the goal, with a sub-step: who does what with whom by when.
    with page.expect_navigation():
        page.locator(f'a[href$="/app/measures/plan/new/?goal={goal.pk}"]').click()
    page.locator("input[name=title]").fill(MEASURE)
    page.locator("select[name=conference]").select_option(label=PLANNING_CONFERENCE)
    page.locator("select[name=responsible_user]").select_option(label="Mia Mitglied")
    page.locator("textarea[name=support]").fill("Jobcenter, Kita St. Georg")
    page.locator("input[name=deadline]").fill("2029-06-30")
    page.locator("input[name=resources_money]").fill("2500")
    page.locator("input[name='steps-0-title']").fill(
        "Raum und Zeiten mit dem Familienzentrum klären"
    )
    page.locator("select[name='steps-0-responsible_user']").select_option(label="Kai Koordination")
    page.locator("input[name='steps-0-deadline']").fill("2029-01-31")
    assert page.locator("#field-goals").get_by_label(GOAL).is_checked()
    screenshot(page, "measures-measure-form")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^(Save|Speichern)$")).click()

    measure = Measure.objects.get(title=MEASURE)
    assert list(measure.goals.all()) == [goal]
    assert measure.substeps.get().responsible_user.username == "demo-koordination"
    assert page.locator("h1").inner_text() == MEASURE
    steps = page.locator("#substeps")
    assert "Raum und Zeiten mit dem Familienzentrum klären" in steps.inner_text()
    assert "Kai Koordination" in steps.inner_text()
    screenshot(page, "measures-measure-detail")

    page.goto(page.base_url + "/app/measures/plan/")
    row = page.locator(f'tr[data-measure="{measure.pk}"]')
    assert "Mia Mitglied" in row.first.inner_text()
    assert GOAL in row.first.inner_text()
    screenshot(page, "measures-plan")

    page.goto(page.base_url + "/app/measures/goals/")
    item = page.locator(f"#goal-{goal.pk}")
    assert GOAL in item.inner_text()
    assert item.locator(".keck-att").count() == 1
    screenshot(page, "measures-goals")
