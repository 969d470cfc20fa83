"""The atlas explorer in a real browser: map, table and chart linked, state in the URL, the
public view with `k. A.`."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from atlas_data.models import Area, Indicator
from atlas_data.services.release import release
from tests.atlas_data.conftest import complete_metadata, count_indicator, store

pytestmark = pytest.mark.django_db(transaction=True)

HOVER_COLOUR = "#e0a526"


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(municipality__slug="vechta", catalogue_code=code)


def open_explorer(page, query: str = "", *, public: bool = False) -> None:
    page.keck_console = []
    page.on("console", lambda message: page.keck_console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: page.keck_console.append(f"error: {error}"))
    path = "/atlas/vechta/explore/" if public else "/app/atlas/explore/"
    page.goto(page.base_url + path + ("?" + query if query else ""))
    # The first drawing loads plotly.js (3.5 MB) and the map data: slow on a busy test machine.
    try:
        page.wait_for_selector("#keck-map path.keck-area", timeout=45_000)
    except PlaywrightTimeout as exc:
        state = page.evaluate(
            """() => [document.getElementById('keck-status')?.textContent,
                      document.getElementById('keck-legend')?.textContent]"""
        )
        raise AssertionError(
            f"the map was not drawn: {state}, console: {page.keck_console}"
        ) from exc
    page.wait_for_selector("#keck-legend li")


def point_inside(page, key: str) -> tuple[float, float]:
    """A point of the page where the map shows the area (not a neighbour, not a bar column)."""
    point = page.evaluate(
        """(key) => {
            document.getElementById('keck-map').scrollIntoView({block: 'center'});
            const path = document.querySelector(`#keck-map path[data-key="${key}"]`);
            const box = path.getBoundingClientRect();
            for (let step = 8; step >= 2; step /= 2) {
                for (let y = box.top + 2; y < box.bottom; y += step) {
                    for (let x = box.left + 2; x < box.right; x += step) {
                        if (document.elementFromPoint(x, y) === path) return [x, y];
                    }
                }
            }
            return null;
        }""",
        key,
    )
    assert point, f"area {key} is visible on the map"
    return point[0], point[1]


def legend_classes(page) -> list[str]:
    return page.locator('#keck-legend li[data-kind="class"] .keck-legend-label').all_inner_texts()


def table_rows(page) -> list[str]:
    return page.locator("#keck-table-body tr th[scope=row]").all_inner_texts()


def test_member_switches_indicator_and_classification_and_the_legend_follows(
    page, login, screenshot
):
    u15 = indicator("anteil-unter-15")
    non_german = indicator("anteil-nichtdeutsche-unter-15")
    login(page, "demo-mitglied")
    open_explorer(page, f"indicator={u15.pk}&year=2013")
    assert page.locator("#keck-map path.keck-area").count() == 10
    assert (
        page.locator("#keck-legend h3")
        .inner_text()
        .startswith("Anteil unter 15-Jähriger an der Gesamtbevölkerung 2013")
    )
    assert legend_classes(page)[0] == "15,03 % – 15,76 %"
    assert page.get_by_text("© GeoBasis-DE / BKG 2021 (Daten verändert)").is_visible()
    screenshot(page, "explorer-map")

    page.select_option("#keck-indicator", str(non_german.pk))
    page.wait_for_function(
        "() => document.querySelector('#keck-legend h3').textContent.startsWith('Anteil Nicht')"
    )
    page.wait_for_function(  # the table comes with its own request
        "() => document.querySelector('#keck-table thead').textContent.includes('Anteil Nicht')"
    )
    assert f"indicator={non_german.pk}" in page.url
    assert page.locator("#keck-table thead").inner_text().count("Anteil Nicht-Deutsche") == 1

    page.select_option("#keck-year", "2013")
    page.select_option("#keck-method", "equal_interval")
    page.select_option("#keck-classes", "3")
    page.wait_for_function(
        "() => document.querySelectorAll('#keck-legend li[data-kind=class]').length === 3"
    )
    assert "Gleiche Intervalle" in page.locator("#keck-legend").inner_text()
    assert legend_classes(page) == ["2,34 % – 4,11 %", "4,11 % – 5,88 %", "5,88 % – 7,65 %"]
    assert "method=equal_interval&classes=3" in page.url

    page.select_option("#keck-method", "manual")
    page.fill("#keck-breaks", "5")
    page.press("#keck-breaks", "Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('#keck-legend li[data-kind=class]').length === 2"
    )
    assert legend_classes(page) == ["2,34 % – 5,00 %", "5,00 % – 7,65 %"]
    assert "breaks=5" in page.url
    screenshot(page, "explorer-manual-breaks")


def test_hovering_an_area_highlights_its_row_and_shows_its_value(page, login, screenshot):
    u15 = indicator("anteil-unter-15")
    login(page, "demo-mitglied")
    open_explorer(page, f"indicator={u15.pk}&year=2013")
    x, y = point_inside(page, "03460001")
    page.mouse.move(x, y)
    row = page.locator('#keck-table-body tr[data-key="03460001"]')
    page.wait_for_selector('#keck-table-body tr[data-key="03460001"].is-hovered')
    assert "17,53 %" in row.inner_text()
    tooltip = page.locator(".keck-tooltip")
    assert "Bakum" in tooltip.inner_text()
    assert "17,53 %" in tooltip.inner_text()
    screenshot(page, "explorer-hover")

    # and the other way round: a row of the table highlights its area on the map
    page.locator('#keck-table-body tr[data-key="03460009"] th').hover()
    vechta = page.locator('#keck-map path[data-key="03460009"]')
    page.wait_for_function(
        f"() => document.querySelector('#keck-map path[data-key=\"03460009\"]')"
        f".getAttribute('stroke') === '{HOVER_COLOUR}'"
    )
    assert vechta.get_attribute("stroke-width") == "4"
    assert page.locator('#keck-table-body tr[data-key="03460001"].is-hovered').count() == 0


def chart_bar_widths(page) -> list[str]:
    """The outline widths of the columns of the first chart trace, in area order."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#keck-chart g.trace.bars')[0]
            .querySelectorAll('g.point path')).map((p) => p.style.strokeWidth)"""
    )


def test_selecting_an_area_highlights_it_in_chart_map_and_table_and_stays_in_the_url(
    page, login, screenshot
):
    u15 = indicator("anteil-unter-15")
    login(page, "demo-mitglied")
    open_explorer(page, f"indicator={u15.pk}&year=2013&chart=column")
    page.wait_for_selector("#keck-chart g.trace.bars g.point path")
    assert set(chart_bar_widths(page)) == {"0px"}

    page.get_by_label("Bakum auswählen").check()
    page.wait_for_function(
        "() => document.querySelector('#keck-chart g.trace.bars g.point path')"
        ".style.strokeWidth === '3px'"
    )
    widths = chart_bar_widths(page)
    assert widths[0] == "3px" and set(widths[1:]) == {"0px"}
    row_classes = page.locator('#keck-table-body tr[data-key="03460001"]').get_attribute("class")
    assert "is-selected" in row_classes.split()
    page.locator("#keck-map-title").hover()  # away from the row: no hover outline any more
    assert page.locator('#keck-map path[data-key="03460001"]').get_attribute("stroke-width") == "3"
    assert "areas=03460001" in page.url

    # Shift+click on the map selects a second area
    x, y = point_inside(page, "03460009")
    page.keyboard.down("Shift")
    page.mouse.click(x, y)
    page.keyboard.up("Shift")
    page.wait_for_function("() => location.search.includes('areas=03460001,03460009')")
    screenshot(page, "explorer-selection")

    page.reload()
    page.wait_for_selector("#keck-chart g.trace.bars g.point path")
    assert page.get_by_label("Bakum auswählen").is_checked()
    assert page.get_by_label("Vechta auswählen").is_checked()
    widths = chart_bar_widths(page)
    assert widths[0] == "3px" and widths[8] == "3px" and widths[1] == "0px"


def test_the_table_sorts_with_the_keyboard(page, login):
    u15 = indicator("anteil-unter-15")
    login(page, "demo-mitglied")
    open_explorer(page, f"indicator={u15.pk}&year=2013")
    header = page.locator("#keck-table thead th[data-indicator]")
    header.locator("button").focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    assert table_rows(page)[0] == "Vechta"  # 15,03 %
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    assert table_rows(page)[0] == "Bakum"  # 17,53 %
    # the reference row stays where it is
    assert page.locator(".keck-reference-row th").inner_text().startswith("Landkreis Vechta")


def test_bar_columns_scatter_and_line_chart(page, login, screenshot):
    u15 = indicator("anteil-unter-15")
    non_german = indicator("anteil-nichtdeutsche-unter-15")
    login(page, "demo-mitglied")
    open_explorer(page, f"indicator={u15.pk}&year=2013")
    page.select_option("#keck-bar-1", str(non_german.pk))
    page.wait_for_function("() => document.querySelectorAll('.keck-bars-icon svg').length === 10")
    assert "Säulen auf der Karte" in page.locator("#keck-bars-legend").inner_text()

    page.locator(".keck-further summary").click()
    page.locator(f'input[name="indicators"][value="{non_german.pk}"]').check()
    page.wait_for_function(
        "() => document.querySelectorAll('#keck-table thead th[data-indicator]').length === 2"
    )
    page.select_option("#keck-chart-type", "scatter")
    page.wait_for_selector("#keck-chart g.trace.scatter g.points path")
    assert page.locator("#keck-chart g.trace.scatter g.points path").count() == 10
    assert f"indicators={non_german.pk}" in page.url and "chart=scatter" in page.url
    screenshot(page, "explorer-scatter")

    page.select_option("#keck-chart-type", "line")
    page.wait_for_function(
        "() => document.querySelectorAll('#keck-chart g.trace.scatter').length >= 2"
    )
    years = page.evaluate("() => document.getElementById('keck-chart').data[0].x")
    assert 2013 in years
    assert "Landkreis Vechta" in page.locator("#keck-chart g.legend").text_content()
    screenshot(page, "explorer-line")


def test_clicking_an_area_opens_its_page(page, login, screenshot):
    u15 = indicator("anteil-unter-15")
    login(page, "demo-mitglied")
    open_explorer(page, f"indicator={u15.pk}&year=2013")
    x, y = point_inside(page, "03460001")
    with page.expect_navigation():
        page.mouse.click(x, y)
    bakum = Area.objects.get(key="03460001")
    assert page.url.endswith(f"/app/atlas/areas/{bakum.pk}/")
    assert page.locator("h1").inner_text().startswith("Bakum")
    assert "17,53 %" in page.locator(".keck-area-table").inner_text()
    page.wait_for_selector("#keck-area-map path")
    screenshot(page, "area-page")


def test_the_state_function_and_the_overlay_hook(page, login):
    u15 = indicator("anteil-unter-15")
    login(page, "demo-mitglied")
    open_explorer(page, f"indicator={u15.pk}&year=2013&areas=03460005")
    state = page.evaluate("() => window.keckExplorerState()")
    assert page.url.endswith("?" + state)
    assert state.startswith(f"level=gemeinden&indicator={u15.pk}&year=2013&")
    page.evaluate(
        """() => {
            window.kitas = L.layerGroup([L.circleMarker([52.7, 8.2], {radius: 6})]);
            window.keckExplorer.addOverlay('kitas', window.kitas, 'Kitas');
        }"""
    )
    assert page.evaluate("() => window.keckExplorer.map.hasLayer(window.kitas)")
    control = page.locator(".leaflet-control-layers")
    control.get_by_label("Kitas").uncheck()
    assert not page.evaluate("() => window.keckExplorer.map.hasLayer(window.kitas)")


@pytest.fixture
def released_counts(demo):
    """Children under 3 per Gemeinde, released for 2013, with a small count in Holdorf; and a
    draft indicator that the public must not see."""
    gemeinden = {a.key: a for a in Area.objects.filter(municipality=demo, level__depth=1)}
    released = complete_metadata(count_indicator(demo, name="Kinder unter 3 Jahren (Test)"))
    numbers = dict(
        zip(sorted(gemeinden), [180, 410, 330, 240, 2, 700, 220, 260, 880, 250], strict=True)
    )
    store(released, 2013, {gemeinden[key]: n for key, n in numbers.items()})
    release(user=get_user_model().objects.get(username="demo-data"), indicator=released, year=2013)
    draft = count_indicator(demo, name="Hilfen zur Erziehung (Entwurf)")
    store(draft, 2013, dict.fromkeys(gemeinden.values(), 40))
    return released


def test_anonymous_visitors_see_released_data_only_and_k_a_where_suppressed(
    page, released_counts, screenshot
):
    open_explorer(page, f"indicator={released_counts.pk}&year=2013", public=True)
    options = page.locator("#keck-indicator option").all_inner_texts()
    assert any(o.startswith("Kinder unter 3 Jahren (Test)") for o in options)
    assert not any("Entwurf" in o for o in options)
    holdorf = page.locator('#keck-table-body tr[data-key="03460005"] td.num')
    assert holdorf.inner_text() == "k. A."
    suppressed = page.locator('#keck-legend li[data-kind="suppressed"]').inner_text()
    assert re.search(r"k\. A\..*\((\d+)\)", suppressed.replace("\n", " "))
    assert page.locator('#keck-map path[data-key="03460005"]').get_attribute("fill") == (
        "url(#keck-hatch)"
    )
    x, y = point_inside(page, "03460005")
    page.mouse.move(x, y)
    assert "k. A." in page.locator(".keck-tooltip").inner_text()
    assert "Anmelden" in page.locator(".keck-public-header").inner_text()
    screenshot(page, "public-explorer")


def test_the_menu_entry_opens_a_working_explorer(page, login):
    login(page, "demo-mitglied")
    page.get_by_role("link", name="Karte & Tabelle").click()
    page.wait_for_selector("#keck-map path.keck-area")
    page.wait_for_selector("#keck-chart g.trace")
    assert page.url.split("?")[0].endswith("/app/atlas/explore/")
    assert page.locator("#keck-table-body tr").count() == 10
