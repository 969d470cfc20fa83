"""The app shell in a real browser: German by default, login, applications, public atlas."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_logs_in_and_sees_the_german_atlas_of_vechta(page, login, screenshot):
    login(page, "demo-mitglied")
    assert page.url.endswith("/app/atlas/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_text("Landkreis Vechta").first.is_visible()
    assert page.get_by_role("cell", name="Gemeinden").is_visible()
    screenshot(page, "atlas-home")


def test_anonymous_visitor_sees_the_public_atlas_without_login(page, demo, screenshot):
    page.goto(page.base_url + "/atlas/vechta/")
    assert page.locator("h1").inner_text().startswith("Datenatlas")
    assert page.get_by_text("© GeoBasis-DE / BKG 2021").is_visible()
    screenshot(page, "public-atlas")


def test_language_switch_to_english_and_back(page, login):
    login(page, "demo-mitglied")
    with page.expect_navigation():
        page.select_option("#keck-language", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text(re.compile("Data atlas of Landkreis Vechta")).is_visible()
    with page.expect_navigation():
        page.select_option("#keck-language", "de")
    assert page.locator("html").get_attribute("lang") == "de"


def test_municipal_admin_adds_a_member_in_the_browser(page, login, screenshot):
    login(page, "demo-admin")
    page.goto(page.base_url + "/app/administration/members/add/")
    page.fill("input[name=username]", "neue-kollegin")
    page.check("input[name=roles][value=member]")
    page.locator("form.keck-form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("cell", name="neue-kollegin").is_visible()
    assert page.get_by_text(re.compile("Einmal-Passwort")).is_visible()
    screenshot(page, "members")
