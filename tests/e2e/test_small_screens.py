"""On a phone (390 px wide) no page is wider than the screen: wide tables scroll on their own,
form fields and headings shrink or break (static/keck/keck.css, "Small screens")."""

from __future__ import annotations

import pytest

from atlas_data.models import Area, Indicator, IndicatorRelease
from conferences.models import Conference
from workflow.models import Cycle

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}

# Elements that stand out to the right of the screen, outside any element that scrolls or
# clips: what makes the page wider than the screen.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const element of document.querySelectorAll('body *')) {
    if (element.getBoundingClientRect().right <= width + 1) continue;
    let clipped = false;
    for (let up = element.parentElement; up; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) {
        clipped = true;
        break;
      }
    }
    if (!clipped) found.push(element.tagName + '.' + element.className);
  }
  return {page: document.documentElement.scrollWidth, screen: width, found: found.slice(0, 5)};
}"""


def too_wide(page, paths) -> list:
    page.set_viewport_size(PHONE)
    wide = []
    for path in paths:
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        measured = page.evaluate(OVERFLOW)
        if measured["page"] > measured["screen"]:
            wide.append((path, measured))
    return wide


def test_public_pages_fit_a_phone(page, demo):
    indicator = Indicator.objects.filter(
        municipality=demo, pk__in=IndicatorRelease.objects.values("indicator_id")
    ).first()
    area = Area.objects.filter(municipality=demo, level__depth=1).order_by("name").first()
    code = indicator.catalogue_code
    paths = [
        "/",
        "/atlas/vechta/",
        "/atlas/vechta/explore/",
        f"/atlas/vechta/indicators/{indicator.pk}/",
        f"/atlas/vechta/areas/{area.pk}/",
        "/atlas/vechta/pois/",
        "/atlas/vechta/institutions/",
        "/atlas/vechta/report/",
        "/netzwerk/",
    ]
    if code:
        paths.append(f"/netzwerk/{code}/")
    assert too_wide(page, paths) == []


def test_internal_pages_fit_a_phone(page, demo, login):
    login(page, "demo-koordination")
    area = Area.objects.filter(municipality=demo, level__depth=1).order_by("name").first()
    conference = Conference.objects.filter(municipality=demo).order_by("pk").first()
    cycle = Cycle.objects.filter(municipality=demo).order_by("-pk").first()
    paths = [
        "/app/atlas/",
        f"/app/atlas/areas/{area.pk}/",
        "/app/conferences/",
        f"/app/conferences/conferences/{conference.pk}/",
        "/app/conferences/action-items/",
        "/app/measures/dashboard/",
        "/app/measures/plan/",
        "/app/measures/goals/",
        "/app/measures/hypotheses/",
        "/app/process/",
        f"/app/process/cycles/{cycle.pk}/",
        "/app/process/inbox/",
    ]
    assert too_wide(page, paths) == []
