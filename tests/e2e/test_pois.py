"""Points of interest in a real browser: the POI layer on the atlas explorer (toggle, clusters,
popup), keyboard access, the public POI map and setting coordinates by clicking the map."""

import re

import pytest

from atlas_data.models import Poi

pytestmark = pytest.mark.django_db(transaction=True)

LAYER = re.compile("Einrichtungen|Points of interest")
MARKERS = ".keck-poi-marker, .keck-poi-cluster"


def layer_checkbox(page):
    return (
        page.locator(".leaflet-control-layers-overlays label")
        .filter(has_text=LAYER)
        .locator("input")
    )


def zoom_to(page, poi, zoom=15, map_expression="window.keckExplorer.map"):
    """Centre the map on a POI, once a running zoom animation (the initial fit) has ended:
    otherwise its end would move the map back."""
    page.wait_for_function(f"{map_expression} && !{map_expression}._animatingZoom")
    page.evaluate(
        f"([lat, lon, zoom]) => {map_expression}.setView([lat, lon], zoom, {{animate: false}})",
        [poi.latitude, poi.longitude, zoom],
    )


def test_the_poi_layer_on_the_explorer_toggles_and_opens_a_popup(page, login, screenshot):
    login(page, "demo-mitglied")
    page.goto(page.base_url + "/app/atlas/explore/")
    checkbox = layer_checkbox(page)
    checkbox.wait_for()
    page.locator(".keck-poi-cluster").first.wait_for()
    assert checkbox.is_checked()
    screenshot(page, "pois-explorer-clusters")

    checkbox.uncheck()
    assert page.locator(MARKERS).count() == 0
    checkbox.check()
    assert page.locator(MARKERS).count() > 0

    poi = Poi.objects.get(name="Bolzplatz an der Gemeindegrenze Bakum/Vechta")
    zoom_to(page, poi)
    marker = page.locator(".keck-poi-marker[title^='Bolzplatz an der Gemeindegrenze']")
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Bolzplatz an der Gemeindegrenze Bakum/Vechta" in text
    assert "Grenzweg, 49456 Bakum" in text
    assert "Bakum" in text and "Erfundene Beispieldaten" in text
    assert popup.locator("a", has_text=re.compile("Details")).get_attribute("href") == (
        f"/app/atlas/pois/{poi.pk}/"
    )
    screenshot(page, "pois-explorer-popup")


def test_a_cluster_zooms_in_when_clicked(page, login):
    login(page, "demo-mitglied")
    page.goto(page.base_url + "/app/atlas/explore/")
    cluster = page.locator(".keck-poi-cluster").first
    cluster.wait_for()
    before = page.evaluate("window.keckExplorer.map.getZoom()")

    cluster.click()
    page.wait_for_function(f"window.keckExplorer.map.getZoom() > {before}")


def test_a_marker_opens_its_popup_with_the_keyboard(page, login, screenshot):
    login(page, "demo-mitglied")
    page.goto(page.base_url + "/app/atlas/pois/")
    page.wait_for_selector("#keck-poi-map[data-ready=true]")
    poi = Poi.objects.get(name="Kita Sonnenblume")
    zoom_to(page, poi, 16, "document.querySelector('#keck-poi-map').keckMap")
    marker = page.locator(".keck-poi-marker[title^='Kita Sonnenblume']")

    marker.focus()
    page.keyboard.press("Enter")

    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Kita Sonnenblume" in popup.inner_text()
    assert "90" in popup.inner_text()  # places
    screenshot(page, "pois-list-popup")


def test_the_public_poi_map_shows_released_pois_without_internal_links(page, demo, screenshot):
    page.goto(page.base_url + "/atlas/vechta/pois/")
    page.wait_for_selector("#keck-poi-map[data-ready=true]")
    checkbox = layer_checkbox(page)
    assert checkbox.is_checked()
    poi = Poi.objects.get(name="Kita Bakum")
    zoom_to(page, poi, 16, "document.querySelector('#keck-poi-map').keckMap")

    page.locator(".keck-poi-marker[title^='Kita Bakum']").click()

    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Kita Bakum" in popup.inner_text()
    assert popup.locator("a[href*='/app/']").count() == 0
    assert page.locator(".keck-poi-marker[title^='Waldkindergarten']").count() == 0
    screenshot(page, "pois-public")


def test_clicking_the_map_sets_the_coordinates_of_a_new_poi(page, login, screenshot):
    login(page, "demo-data")
    page.goto(page.base_url + "/app/atlas/pois/new/")
    page.wait_for_selector("#keck-poi-map[data-ready=true]")
    box = page.locator("#keck-poi-map").bounding_box()

    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))
    assert 52.4 < latitude < 52.9 and 8.0 < longitude < 8.5  # inside Landkreis Vechta
    screenshot(page, "pois-form")
