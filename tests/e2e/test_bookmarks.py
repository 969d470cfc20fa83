"""Bookmarks, indicator pages and the public atlas in a real browser."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from atlas_data.models import Bookmark, Indicator

pytestmark = pytest.mark.django_db(transaction=True)


def query_of(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def test_member_saves_the_explorer_view_as_a_bookmark_and_reopens_it(page, login, screenshot):
    login(page, "demo-mitglied")
    sgb2 = Indicator.objects.get(municipality__slug="vechta", catalogue_code="sgb2-kinder-unter-15")
    cases = Indicator.objects.get(name="Eingliederungshilfen nach § 35a SGB VIII (Fälle)")
    page.goto(
        page.base_url
        + f"/app/atlas/explore/?level=gemeinden&indicator={sgb2.pk}&year=2014"
        + f"&bars={cases.pk}&method=equal_interval&classes=4&chart=bar"
    )
    page.wait_for_load_state("networkidle")
    explored = page.url  # the explorer writes its canonical state into the address
    with page.expect_navigation():
        page.get_by_role("link", name="Als Lesezeichen speichern").click()
    assert page.url.split("?")[0].endswith("/app/atlas/bookmarks/new/")
    page.fill("input[name=title]", "SGB II 2014 mit Fallzahlen")
    page.fill("textarea[name=interpretation]", "Dinklage und Vechta fallen auf.")
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern").click()
    assert page.get_by_role("link", name="SGB II 2014 mit Fallzahlen").is_visible()
    screenshot(page, "bookmark-list")

    bookmark = Bookmark.objects.get(title="SGB II 2014 mit Fallzahlen")
    with page.expect_navigation():
        page.get_by_role("link", name="SGB II 2014 mit Fallzahlen").click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == "/app/atlas/explore/"
    assert query_of(page.url) == query_of(explored)
    assert query_of(page.url) == {key: [value] for key, value in bookmark.state.items()}
    assert page.locator("#keck-year").input_value() == "2014"
    assert page.locator("#keck-method").input_value() == "equal_interval"


def test_member_saves_a_view_through_the_form_and_opens_it(page, login):
    login(page, "demo-mitglied")
    u15 = Indicator.objects.get(municipality__slug="vechta", catalogue_code="anteil-unter-15")
    state = f"level=gemeinden&indicator={u15.pk}&year=2013&chart=column"
    page.goto(page.base_url + f"/app/atlas/bookmarks/new/?{state}&view=chart")
    page.fill("input[name=title]", "Kinderanteil 2013")
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Kinderanteil 2013").click()
    # The explorer shows exactly the saved state and adds its defaults for the rest.
    shown = query_of(page.url)
    assert {key: shown[key] for key in parse_qs(state)} == parse_qs(state)
    # A chart bookmark jumps to the chart (the explorer then rewrites the address).
    box = page.locator("#keck-chart-title").bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"] / 2


def test_anonymous_visitor_sees_the_published_demo_bookmark(page, demo, screenshot):
    page.goto(page.base_url + "/atlas/vechta/")
    finding = page.get_by_role(
        "link", name="Kinderarmut 2015: Kinder in SGB-II-Bedarfsgemeinschaften"
    )
    assert finding.is_visible()
    assert page.get_by_text(re.compile("In den Städten Vechta und Lohne")).is_visible()
    assert not page.get_by_text("Entwurf: Kinder unter 15").count()
    assert page.get_by_text("© GeoBasis-DE / BKG 2021").is_visible()
    screenshot(page, "public-landing")
    with page.expect_navigation():
        finding.click()
    assert page.locator("h1").inner_text() == (
        "Kinderarmut 2015: Kinder in SGB-II-Bedarfsgemeinschaften"
    )
    assert page.get_by_role("rowheader", name="Vechta", exact=True).is_visible()
    screenshot(page, "public-bookmark")


def test_anonymous_visitor_reads_an_indicator_page_with_its_time_series(page, demo, screenshot):
    u15 = Indicator.objects.get(municipality__slug="vechta", catalogue_code="anteil-unter-15")
    page.goto(page.base_url + f"/atlas/vechta/indicators/{u15.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#keck-indicator-chart .main-svg").first.is_visible()  # plotly drew it
    rows = page.locator("#keck-series-table tbody tr")
    assert rows.count() == 3
    assert rows.first.inner_text().startswith("2013")
    assert "16,15 %" in rows.first.inner_text()
    assert page.get_by_text("Einwohnermelderegister").first.is_visible()
    screenshot(page, "public-indicator")


def test_data_admin_corrects_a_value_and_finds_it_in_the_history(page, login, screenshot):
    login(page, "demo-data")
    cases = Indicator.objects.get(name="Eingliederungshilfen nach § 35a SGB VIII (Fälle)")
    page.goto(page.base_url + f"/app/atlas/indicators/{cases.pk}/")
    page.wait_for_load_state("networkidle")
    screenshot(page, "indicator-internal")
    with page.expect_navigation():
        page.get_by_role("link", name="Werte korrigieren").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Bakum korrigieren").click()
    page.fill("input[name=value]", "6")
    page.fill("input[name=source_note]", "Nachmeldung des Jugendamts")
    with page.expect_navigation():
        page.get_by_role("button", name="Korrektur speichern").click()
    bakum_row = page.locator("tr", has=page.get_by_role("rowheader", name="Bakum"))
    assert "6" in bakum_row.inner_text()
    page.goto(page.base_url + f"/app/atlas/indicators/{cases.pk}/history/")
    change = page.locator("tr", has=page.get_by_role("cell", name="Bakum", exact=True))
    assert re.search(r"2015\s+3\s+6", change.inner_text())
    screenshot(page, "indicator-history")
