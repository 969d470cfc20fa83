"""Exports and the area report in a real browser, as the demo member uses them."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from atlas_data.models import Indicator
from tests.atlas_data.export_files import pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def _map_file(page, indicator: Indicator, fmt: str) -> bytes:
    """The print map of the explorer's download link, or by URL where the page has none yet."""
    page.goto(page.base_url + "/app/atlas/explore/")
    page.wait_for_load_state("networkidle")
    link = page.locator(f'a[href*="/indicators/{indicator.pk}/map.{fmt}"]')
    if link.count():
        with page.expect_download() as download:
            link.first.click()
        with open(download.value.path(), "rb") as file:
            return file.read()
    response = page.request.get(
        f"{page.base_url}/api/v1/municipalities/vechta/indicators/{indicator.pk}/map.{fmt}?year=2013"
    )
    assert response.ok
    return response.body()


def test_member_downloads_the_vechta_map_as_png_and_pdf(page, login, demo):
    login(page, "demo-mitglied")
    indicator = Indicator.objects.get(municipality=demo, catalogue_code="anteil-unter-15")
    png = Image.open(io.BytesIO(_map_file(page, indicator, "png")))
    assert png.format == "PNG" and round(png.info["dpi"][0]) >= 300
    text = pdf_text(_map_file(page, indicator, "pdf"))
    assert indicator.name in text
    assert "Legende (%)" in text
    assert "k. A. (" in text


def test_member_opens_an_area_report_for_two_areas(page, login, screenshot):
    login(page, "demo-mitglied")
    page.get_by_role("link", name="Gebietsbericht").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Gebiet 1").select_option(label="Bakum")
    page.get_by_label("Gebiet 2").select_option(label="Damme")
    page.get_by_label("Jahr").select_option("2013")
    with page.expect_navigation():
        page.get_by_role("button", name="Bericht anzeigen").click()
    table = page.locator("table.keck-report-table").first
    assert table.get_by_role("columnheader", name="Bakum").is_visible()
    assert table.get_by_role("columnheader", name="Damme").is_visible()
    row = page.get_by_role("row").filter(has_text="Anteil unter 15-Jähriger")
    assert "17,53 %" in row.inner_text() and "16,63 %" in row.inner_text()
    screenshot(page, "area-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF herunterladen").click()
    with open(download.value.path(), "rb") as file:
        text = pdf_text(file.read())
    assert "Gebietsbericht 2013" in text and "Bakum, Damme" in text
