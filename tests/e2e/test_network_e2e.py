"""The KECK network comparison in a real browser: a visitor opens a compared indicator and the
line chart draws one line per municipality under the Content-Security-Policy."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_opens_a_comparison_and_sees_one_line_per_municipality(page, demo, screenshot):
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    page.goto(page.base_url + "/netzwerk/")

    page.get_by_role("link", name="Anteil unter 15-Jähriger an der Gesamtbevölkerung").click()
    page.wait_for_selector("#keck-network-chart .scatterlayer .trace", timeout=45_000)

    assert page.locator("#keck-network-chart .scatterlayer .trace").count() == 2
    legend = page.locator("#keck-network-chart .legend").text_content()
    assert "Landkreis Vechta" in legend and "Stadt Lohne (Oldenburg)" in legend
    assert violations == []
    screenshot(page, "network-comparison")
