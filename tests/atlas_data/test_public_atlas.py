"""The public atlas of a municipality at /atlas/<slug>/ (issue 4, item 7): released data only."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from accounts.models import Role
from atlas_data.models import Area, Bookmark, Indicator
from atlas_data.services.bookmarks import create_bookmark, publish_bookmark
from atlas_data.services.release import withdraw

HOME = "/atlas/vechta/"
DEMO_TITLE = "Kinderarmut 2015: Kinder in SGB-II-Bedarfsgemeinschaften"


@pytest.fixture
def page(client, vechta) -> str:
    return client.get(HOME).content.decode()


@pytest.fixture
def admin(vechta, member_of):
    return member_of(vechta, Role.DATA_ADMIN)


def test_the_landing_page_names_the_municipality(page):
    assert "<h1>" in page and "Landkreis Vechta</h1>" in page


def test_released_indicators_appear_under_their_topic_with_links(vechta, page):
    sgb2 = Indicator.objects.get(municipality=vechta, catalogue_code="sgb2-kinder-unter-15")
    topic = page[page.index(">Soziale Lage</h3>") :].split("</section>")[0]
    assert f'href="/atlas/vechta/indicators/{sgb2.pk}/">{sgb2.name}</a>' in topic
    assert f'href="/atlas/vechta/explore/?indicator={sgb2.pk}"' in topic
    assert "2014, 2015" in topic


def test_draft_indicators_and_draft_years_stay_internal(vechta, page):
    rate = Indicator.objects.get(municipality=vechta, catalogue_code="eingliederungshilfe-35a")
    assert escape(rate.name) not in page
    non_german = Indicator.objects.get(
        municipality=vechta, catalogue_code="anteil-nichtdeutsche-unter-15"
    )
    entry = page[page.index(escape(non_german.name)) :].split("</li>")[0]
    assert "2013" in entry and "2014" not in entry


def test_members_see_the_public_view_too(client, vechta, admin):
    client.force_login(admin)
    page = client.get(HOME).content.decode()
    assert "Eingliederungshilfe nach § 35a SGB VIII je 1.000" not in page


def test_the_published_bookmark_appears_with_its_interpretation(vechta, page):
    bookmark = Bookmark.objects.get(municipality=vechta, title=DEMO_TITLE)
    findings = page[page.index('id="findings"') : page.index('id="indicators"')]
    assert f'href="/atlas/vechta/bookmarks/{bookmark.pk}/">{DEMO_TITLE}</a>' in findings
    assert "In den Städten Vechta und Lohne" in findings


def test_draft_bookmarks_stay_internal(vechta, page):
    assert Bookmark.objects.filter(municipality=vechta, is_published=False).exists()
    assert "Entwurf: Kinder unter 15" not in page


def test_a_published_bookmark_of_unreleased_data_is_not_shown(client, vechta, admin):
    rate = Indicator.objects.get(municipality=vechta, catalogue_code="eingliederungshilfe-35a")
    bookmark = create_bookmark(
        user=admin,
        municipality=vechta,
        title="Noch nicht freigegebene Quote",
        view="map",
        state={"indicator": str(rate.pk), "year": "2015"},
    )
    publish_bookmark(user=admin, bookmark=bookmark)
    assert "Noch nicht freigegebene Quote" not in client.get(HOME).content.decode()


def test_withdrawing_the_data_of_a_bookmark_takes_it_off_the_landing_page(client, vechta, admin):
    sgb2 = Indicator.objects.select_related("municipality", "topic").get(
        municipality=vechta, catalogue_code="sgb2-kinder-unter-15"
    )
    withdraw(user=admin, indicator=sgb2, year=2015)
    assert DEMO_TITLE not in client.get(HOME).content.decode()


def test_the_sources_of_the_released_indicators_and_the_bkg_note_are_named(page):
    about = page[page.index('id="about"') :]
    assert "Einwohnermelderegister" in about
    assert "Synthetische Werte zur Veranschaulichung, keine amtlichen Daten" in about
    assert '<a href="https://www.bkg.bund.de">© GeoBasis-DE / BKG 2021</a>' in about


def test_no_bkg_note_without_official_geometries(client, vechta):
    Area.objects.filter(municipality=vechta).update(geometry_source="")
    page = client.get(HOME).content.decode()
    assert "GeoBasis-DE" not in page


def test_k_a_and_data_protection_are_explained_with_the_municipalitys_threshold(client, vechta):
    vechta.suppression_threshold = 5
    vechta.save()
    about = client.get(HOME).content.decode().split('id="about"')[1]
    assert '<em class="keck-ka">k. A.</em>' in about
    assert "(0 " in about and " 5)" in about


def test_a_municipality_without_public_atlas_gives_404_to_everyone(client, vechta, admin):
    vechta.public_atlas_enabled = False
    vechta.save()
    assert client.get(HOME).status_code == 404
    client.force_login(admin)
    assert client.get(HOME).status_code == 404


def test_an_unknown_municipality_gives_404(client, db):
    assert client.get("/atlas/gibt-es-nicht/").status_code == 404


def test_the_landing_page_takes_a_constant_number_of_queries(
    client, vechta, admin, django_assert_max_num_queries
):
    # Many published bookmarks and indicators must not add queries.
    sgb2 = Indicator.objects.get(municipality=vechta, catalogue_code="sgb2-kinder-unter-15")
    for number in range(30):
        bookmark = create_bookmark(
            user=admin,
            municipality=vechta,
            title=f"Erkenntnis {number}",
            view="map",
            state={"level": "gemeinden", "indicator": str(sgb2.pk), "year": "2015"},
        )
        publish_bookmark(user=admin, bookmark=bookmark)
    with django_assert_max_num_queries(12):
        page = client.get(HOME).content.decode()
    assert page.count('class="keck-bookmark"') == 31
