"""The institution profile in a real browser: the public map's popup links the Sozialraumprofil,
which shows the key indicators with their sparklines."""

import pytest

from atlas_data.models import Poi

from .test_pois import zoom_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_public_popup_opens_the_social_area_profile(page, demo, screenshot):
    page.goto(page.base_url + "/atlas/vechta/pois/")
    page.wait_for_selector("#keck-poi-map[data-ready=true]")
    poi = Poi.objects.get(name="Familienzentrum Vechta-Mitte")
    zoom_to(page, poi, 17, "document.querySelector('#keck-poi-map').keckMap")
    page.locator(".keck-poi-marker[title^='Familienzentrum Vechta-Mitte']").click()

    link = page.locator(".leaflet-popup-content a", has_text="Sozialraumprofil")
    assert link.get_attribute("href") == f"/atlas/vechta/pois/{poi.pk}/profile/"
    # The profile page computes every key indicator; on a busy CI machine that takes a while.
    with page.expect_navigation(url=f"**/atlas/vechta/pois/{poi.pk}/profile/", timeout=60_000):
        link.click()

    page.wait_for_selector(
        "h1:has-text('Sozialraumprofil: Familienzentrum Vechta-Mitte')", timeout=60_000
    )
    assert page.locator("svg.keck-sparkline").count() >= 5
    assert "15,98 %" in page.locator(".keck-profile-table").inner_text()
    screenshot(page, "poi-profile-public")
