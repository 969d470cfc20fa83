"""The Content-Security-Policy in a real browser (issue 9, point 6): the main pages run without a
single violation (no inline script, no eval, no foreign source) and their maps, charts, autosave
and polling still work under it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from atlas_data.models import ImportRun
from conferences.models import Catalogue, Question
from conferences.services_sheets import create_sheet
from workflow.models import Cycle

pytestmark = pytest.mark.django_db(transaction=True)

# Registered before any page script: Playwright's init scripts are not subject to the page's CSP.
RECORD_VIOLATIONS = """
window.__keckViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__keckViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} in ${where}`
  );
});
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations (event and console) and script errors per page."""
    page.keck_problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and page.keck_problems.append(f"{page.url}: console: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: page.keck_problems.append(f"{page.url}: error: {error}"))
    return page


def visit(page, path: str, *, ready: str) -> None:
    """Open `path`, wait until `ready` (a selector proving the scripts did their work) shows."""
    page.goto(page.base_url + path)
    page.wait_for_selector(ready, timeout=45_000)
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__keckViolations")
    page.keck_problems.extend(f"{path}: {violation}" for violation in violations)


def test_the_main_pages_work_without_any_csp_violation(watched, login, demo):
    page = watched
    users = get_user_model().objects.in_bulk(
        ["demo-admin", "demo-koordination", "demo-data"], field_name="username"
    )
    sheet = create_sheet(
        user=users["demo-koordination"],
        municipality=demo,
        catalogue=Catalogue.objects.get(lineage="keck-arbeitsstand", is_current=True),
        cycle_number=1,
        cycle_label="2025",
    )
    question = Question.objects.get(section__catalogue=sheet.catalogue, key="sw-klarheit-akteure")
    run = ImportRun.objects.create(
        municipality=demo,
        kind=ImportRun.Kind.VALUES,
        state=ImportRun.State.PENDING,
        file_name="werte.csv",
        options={"level": "Gemeinden"},
        total=10,
        created_by=users["demo-data"],
    )
    cycle = Cycle.objects.filter(municipality=demo).order_by("-number").first()

    # The public atlas, anonymous: landing page, map and indicator chart.
    visit(page, "/atlas/vechta/", ready="main")
    visit(page, "/atlas/vechta/explore/", ready="#keck-map path.keck-area")
    visit(page, "/api/docs/", ready=".swagger-ui .info")

    login(page, "demo-admin")
    visit(page, "/app/atlas/explore/", ready="#keck-map path.keck-area")
    visit(page, "/app/measures/", ready="#chart-statuses .main-svg")
    visit(page, f"/app/process/cycles/{cycle.pk}/", ready="svg.keck-flow-chart")
    visit(page, f"/app/atlas/imports/{run.pk}/", ready="#keck-import-progress")
    with page.expect_response(lambda response: f"/imports/{run.pk}/" in response.url):
        pass  # the import page polls its state: a fetch allowed by connect-src 'self'
    visit(page, f"/app/conferences/sheets/{sheet.pk}/fill/", ready=f"#question-{question.pk}")
    page.locator(f"#question-{question.pk}").get_by_label("Ja", exact=True).check()
    page.locator(f"#question-{question.pk} [data-status].saved").wait_for()  # autosave worked
    visit(page, "/app/administration/", ready="table.keck-table")

    assert page.keck_problems == []
