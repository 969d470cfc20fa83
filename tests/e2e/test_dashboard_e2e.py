"""The leadership dashboard in a real browser: the demo leadership of Landkreis Vechta reads the
status of a goal measured with the demo atlas, finds the overdue measure and filters by the
Sozialraumkonferenz."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Municipality
from atlas_data.models import Area, Indicator
from conferences.models import Conference
from keck.demo_analysis import PLANNING_CONFERENCE
from keck.demo_atlas import SHARE_SGB2
from keck.demo_meetings import AREA_NAME
from measures.models import Measure
from measures.selectors import goal_attainments
from measures.services import create_goal, create_measure

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()

GOAL = "Weniger Kinder in SGB-II-Bedarfsgemeinschaften in der Stadt Vechta"
AREA_GOAL = "Übergang Kita–Grundschule in Vechta begleiten"
OVERDUE = "Lotsendienst für Familien starten"


@pytest.fixture
def plan(demo):
    """A goal measured with the demo atlas, an area goal and an overdue measure."""
    municipality = Municipality.objects.get(pk=demo.pk)
    coordinator = User.objects.get(username="demo-koordination")
    planning = Conference.objects.get(municipality=municipality, name=PLANNING_CONFERENCE)
    area_conference = Conference.objects.get(municipality=municipality, name=AREA_NAME)
    vechta = Area.objects.get(municipality=municipality, name="Vechta")
    indicator = Indicator.objects.get(municipality=municipality, catalogue_code=SHARE_SGB2)
    today = timezone.localdate()
    goal = create_goal(
        user=coordinator,
        municipality=municipality,
        data={
            "conference": planning,
            "title": GOAL,
            "indicator": indicator,
            "measurement_area": vechta,
            "baseline_year": 2013,
            "target_value": 9.0,
            "deadline": datetime.date(today.year + 2, 12, 31),
        },
    )
    create_goal(
        user=coordinator,
        municipality=municipality,
        data={
            "conference": area_conference,
            "level": "area",
            "parent": goal,
            "title": AREA_GOAL,
            "qualitative_criterion": "Alle Kitas der Stadt haben eine Kooperationsvereinbarung.",
            "areas": [vechta],
        },
    )
    measure = create_measure(
        user=coordinator,
        municipality=municipality,
        data={
            "conference": planning,
            "title": OVERDUE,
            "responsible_user": coordinator,
            "status": Measure.Status.RUNNING,
            "deadline": today - datetime.timedelta(days=5),
            "goals": [goal],
        },
    )
    leader = User.objects.get(username="demo-leitung")
    status = goal_attainments(user=leader, goals=[goal])[goal.pk].status
    return {"goal": goal, "measure": measure, "status": status, "area_conference": area_conference}


def test_leadership_reads_the_dashboard_and_filters_it(page, login, screenshot, plan):
    login(page, "demo-leitung")
    page.goto(page.base_url + "/app/measures/")
    page.wait_for_load_state("networkidle")

    row = page.locator(f"#goal-{plan['goal'].pk}")
    assert row.get_attribute("data-status") == plan["status"]
    assert GOAL in row.inner_text()
    assert row.locator(".keck-status-label").inner_text().strip()
    assert row.locator("svg.keck-sparkline circle").count() >= 2  # the demo years 2013–2015
    overdue = page.locator("#overdue-table")
    assert OVERDUE in overdue.inner_text()
    assert overdue.get_by_role("link", name=OVERDUE).get_attribute("href") == (
        f"/app/measures/plan/{plan['measure'].pk}/"
    )
    # The plotly charts are drawn.
    assert page.locator("#chart-statuses .main-svg").count() >= 1
    assert page.locator("#chart-areas .main-svg").count() >= 1
    screenshot(page, "dashboard")

    page.locator("select[name=conference]").select_option(str(plan["area_conference"].pk))
    with page.expect_navigation():
        page.locator("#dashboard-filters button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    assert AREA_GOAL in page.locator("#goals").inner_text()
    assert GOAL not in page.locator("#goals").inner_text()
    # The demo's own plan may have overdue items there; ours belongs to the planning conference.
    assert OVERDUE not in page.locator("#overdue").inner_text()
    assert page.locator("select[name=conference]").input_value() == str(plan["area_conference"].pk)
    screenshot(page, "dashboard-filtered")
