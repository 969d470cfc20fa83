"""Institution-level values in a real browser: the public map's popup of a Kita draws its
values over the years, and the comparison page draws one point per shown Kita, both under the
Content-Security-Policy."""

import pytest

from atlas_data.models import Poi

from .test_pois import zoom_to

pytestmark = pytest.mark.django_db(transaction=True)


def _watch(page) -> list:
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


def test_the_public_popup_of_a_kita_draws_its_values_over_the_years(page, demo, screenshot):
    violations = _watch(page)
    page.goto(page.base_url + "/atlas/vechta/pois/")
    page.wait_for_selector("#keck-poi-map[data-ready=true]")
    poi = Poi.objects.get(name="Kita Bakum")
    zoom_to(page, poi, 17, "document.querySelector('#keck-poi-map').keckMap")
    page.locator(".keck-poi-marker[title^='Kita Bakum']").click()

    page.wait_for_selector(".leaflet-popup-content .keck-poi-values[data-ready=true]")
    values = page.locator(".leaflet-popup-content .keck-poi-values")
    text = values.inner_text()
    assert "Werte der Einrichtung" in text and "2015: 41,7 %" in text
    # The public sees the released years 2014 and 2015 only: two dots, one line.
    assert values.locator("svg circle").count() == 2
    # Below the values, in small text: the citation of each released year (2014, 2015).
    cited = values.locator(".keck-poi-citation")
    assert cited.inner_text().startswith("Zitiervorschlag:")
    lines = cited.locator("span").all_inner_texts()
    assert len(lines) == 2 and all("Freigegeben am" in line for line in lines)
    assert "/atlas/vechta/i/" in lines[0] and lines[0].rstrip("/").endswith("/2014")
    assert violations == []
    screenshot(page, "institution-popup")


def test_the_comparison_page_draws_the_kitas_against_their_gemeinde(page, demo, screenshot):
    violations = _watch(page)
    page.goto(page.base_url + "/atlas/vechta/institutions/")
    page.wait_for_selector("#keck-institution-chart[data-ready=true] .scatterlayer .point")

    points = page.locator("#keck-institution-chart .scatterlayer .point").count()
    rows = page.locator("#keck-institution-table tbody tr").count()
    assert 10 <= points < rows  # k. A. Kitas are in the table, not in the chart
    assert "fehlen im Diagramm" in page.locator("main").inner_text()
    assert violations == []
    screenshot(page, "institution-comparison")
