"""Citable public data (issue 11, point 4): the citation line, the permanent URL and the
correction date of values changed after their release, on the public pages."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils.html import escape

from atlas_data.citation import citation_for, load_citations
from atlas_data.models import (
    Bookmark,
    Indicator,
    IndicatorRelease,
    InstitutionValue,
    Poi,
    PoiCategory,
    Value,
)
from atlas_data.services.bookmarks import create_bookmark, publish_bookmark
from atlas_data.services.indicators import update_indicator
from atlas_data.services.release import withdraw

from .citation_fixtures import *  # noqa: F403
from .citation_fixtures import BERLIN, YEAR, build_cited

BASE = "https://keck.example.org"


def _citation(setup):
    return citation_for(
        municipality=setup.municipality, indicator=setup.indicator, year=YEAR, base=BASE
    )


# --- the citation ------------------------------------------------------------------------------


def test_the_citation_names_municipality_indicator_year_release_source_and_permanent_url(cited):
    text = _citation(cited).text
    url = f"{BASE}/atlas/musterstadt/i/{cited.indicator.pk}/{YEAR}/"
    assert text.startswith("Musterstadt (2026): Kinder unter 6 Jahren 2023. ")
    assert "Freigegeben am 05.03.2026." in text
    assert "Quelle: Melderegister (Statistikstelle)." in text
    assert text.endswith(f" unter {url}")
    assert "Abgerufen am " in text
    assert "korrigiert" not in text


def test_the_citation_has_structured_fields_for_the_api(cited):
    data = _citation(cited).as_dict()
    assert data["indicator"] == {"id": cited.indicator.pk, "name": "Kinder unter 6 Jahren"}
    assert (data["year"], data["released_on"], data["corrected_on"]) == (2023, "2026-03-05", None)
    assert data["municipality"] == "Musterstadt"
    assert data["url"] == f"{BASE}/atlas/musterstadt/i/{cited.indicator.pk}/2023/"


def test_unreleased_data_is_never_cited(cited):
    assert (
        citation_for(municipality=cited.municipality, indicator=cited.draft, year=YEAR, base=BASE)
        is None
    )
    assert (
        citation_for(
            municipality=cited.municipality, indicator=cited.indicator, year=YEAR + 1, base=BASE
        )
        is None
    )


def test_a_change_after_the_release_appears_as_corrected_on_in_the_citation(corrected):
    citation = _citation(corrected)
    assert "Freigegeben am 05.03.2026, korrigiert am 10.04.2026." in citation.text
    assert citation.as_dict()["corrected_on"] == "2026-04-10"


def test_a_change_before_the_release_is_no_correction(cited):
    IndicatorRelease.objects.filter(indicator=cited.indicator).update(
        released_at=datetime(2026, 5, 1, tzinfo=BERLIN)
    )
    cited.correct(cited.bezirke[1], 115)  # dated 10.04.2026: before the release
    citations = load_citations(
        municipality=cited.municipality, pairs=[(cited.indicator, YEAR)], base=BASE
    )
    assert citations.get(cited.indicator.pk, YEAR).corrected_at is None
    assert citations.corrected(cited.indicator.pk, YEAR, cited.bezirke[1].pk) is None


def test_only_the_corrected_value_carries_the_correction_date(corrected):
    citations = load_citations(
        municipality=corrected.municipality, pairs=[(corrected.indicator, YEAR)], base=BASE
    )
    first, second, third = corrected.bezirke
    assert citations.corrected_text(corrected.indicator.pk, YEAR, second.pk) == (
        "korrigiert am 10.04.2026"
    )
    assert citations.corrected(corrected.indicator.pk, YEAR, first.pk) is None
    assert citations.corrected(corrected.indicator.pk, YEAR, third.pk) is None


def test_a_value_added_after_the_release_is_no_correction(cited):
    Value.objects.filter(indicator=cited.indicator, area=cited.bezirke[2]).delete()
    cited.correct(cited.bezirke[2], 130)  # created again after the release
    assert _citation(cited).corrected_at is None


def test_a_value_removed_after_the_release_is_a_correction(cited):
    cited.correct(cited.bezirke[0], None)
    assert "korrigiert am 10.04.2026" in _citation(cited).text


def test_changed_institution_values_are_corrections_of_their_institution(cited):
    category = PoiCategory.objects.create(municipality=cited.municipality, code="kita", name="Kita")
    kita = Poi.objects.create(
        municipality=cited.municipality,
        category=category,
        name="Kita Am Park",
        latitude=52.7,
        longitude=8.2,
    )
    observed = Indicator.objects.create(
        municipality=cited.municipality,
        name="Beobachtete Kinder mit Interesse an Naturwissenschaften",
        kind=Indicator.Kind.SHARE,
        observation_unit=Indicator.ObservationUnit.INSTITUTION,
    )
    entry = InstitutionValue.objects.create(
        indicator=observed, poi=kita, year=YEAR, value=40, numerator=8, denominator=20
    )
    IndicatorRelease.objects.create(indicator=observed, year=YEAR)
    IndicatorRelease.objects.filter(indicator=observed).update(
        released_at=datetime(2026, 3, 5, tzinfo=BERLIN)
    )
    entry.numerator, entry.value = 9, 45
    entry.save()
    pairs = [(observed, YEAR)]
    without = load_citations(municipality=cited.municipality, pairs=pairs, base=BASE)
    assert without.get(observed.pk, YEAR).corrected_at is None
    citations = load_citations(
        municipality=cited.municipality, pairs=pairs, base=BASE, institutions=True
    )
    assert citations.corrected_poi(observed.pk, YEAR, kita.pk) is not None
    assert citations.get(observed.pk, YEAR).corrected_at is not None


@pytest.mark.parametrize("districts", [3, 40])
def test_citations_and_corrections_take_one_query(
    municipality, member_of, django_assert_num_queries, districts
):
    setup = build_cited(municipality, member_of, districts=districts)
    for area in setup.bezirke:
        setup.correct(area, 999)
    with django_assert_num_queries(1):
        citations = load_citations(
            municipality=setup.municipality,
            pairs=[(setup.indicator, YEAR), (setup.draft, YEAR)],
            base=BASE,
        )
    assert len(citations.area_corrections) == districts
    assert citations.get(setup.draft.pk, YEAR) is None


# --- the permanent URL -------------------------------------------------------------------------


def test_the_permanent_url_shows_the_values_the_citation_and_its_canonical_link(client, cited):
    html = client.get(cited.path).content.decode()
    url = f"http://testserver{cited.path}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert "<h1>Kinder unter 6 Jahren 2023</h1>" in html
    assert (
        "Zitiervorschlag" in html and escape(_citation(cited).text.split(" Abgerufen")[0]) in html
    )
    assert all(f"Bezirk {n}</th>" in html for n in (1, 2, 3))


def test_the_permanent_url_survives_renaming_the_indicator(client, cited):
    update_indicator(
        user=cited.admin,
        indicator=cited.indicator,
        data={"name": "Kinder im Alter von 0 bis 5 Jahren"},
    )
    response = client.get(cited.path)
    assert response.status_code == 200
    assert "Kinder im Alter von 0 bis 5 Jahren 2023" in response.content.decode()


def test_the_permanent_url_of_an_unreleased_year_is_not_found(client, cited):
    assert client.get(f"/atlas/musterstadt/i/{cited.draft.pk}/{YEAR}/").status_code == 404
    assert client.get(f"/atlas/musterstadt/i/{cited.indicator.pk}/{YEAR + 1}/").status_code == 404


def test_a_withdrawn_year_is_no_longer_cited(client, cited):
    withdraw(user=cited.admin, indicator=cited.indicator, year=YEAR)
    assert client.get(cited.path).status_code == 404
    assert _citation(cited) is None


def test_the_permanent_page_marks_the_corrected_value(client, corrected):
    html = client.get(corrected.path).content.decode()
    row = html[html.index("Bezirk 2</th>") :].split("</tr>")[0]
    assert "115" in row and "korrigiert am 10.04.2026" in row
    other = html[html.index("Bezirk 3</th>") :].split("</tr>")[0]
    assert "korrigiert" not in other


@pytest.mark.parametrize("districts", [3, 40])
def test_the_permanent_page_runs_a_constant_number_of_queries(
    client, municipality, member_of, django_assert_num_queries, districts
):
    setup = build_cited(municipality, member_of, districts=districts)
    setup.correct(setup.bezirke[0], 999)
    # municipality, indicator, its levels, years, releases, levels, release check, areas,
    # values, citations
    with django_assert_num_queries(10):
        assert client.get(setup.path).status_code == 200


# --- the public pages --------------------------------------------------------------------------


def test_the_public_explorer_cites_the_shown_indicator_and_marks_corrections(client, corrected):
    html = client.get(
        "/atlas/musterstadt/explore/",
        {"indicator": corrected.indicator.pk, "year": YEAR, "level": "bezirke"},
    ).content.decode()
    assert 'class="keck-citation"' in html
    assert f"http://testserver{corrected.path}" in html
    assert "korrigiert am 10.04.2026" in html
    assert '<link rel="canonical" href="http://testserver/atlas/musterstadt/explore/?' in html


def test_the_internal_explorer_does_not_cite_a_draft_column(client, cited, member_of):
    client.force_login(cited.admin)
    html = client.get(
        "/app/atlas/explore/",
        {"indicator": cited.draft.pk, "year": YEAR, "level": "bezirke"},
    ).content.decode()
    assert 'class="keck-citation"' not in html
    assert f"/i/{cited.draft.pk}/" not in html


def test_the_public_indicator_page_cites_and_links_the_permanent_url(client, corrected):
    html = client.get(f"/atlas/musterstadt/indicators/{corrected.indicator.pk}/").content.decode()
    assert f'href="http://testserver{corrected.path}"' in html
    assert "korrigiert am 10.04.2026" in html
    assert "Zitiervorschlag" in html
    assert 'rel="canonical"' in html


def test_the_public_area_page_cites_its_indicators_and_marks_the_corrected_value(client, corrected):
    area = corrected.bezirke[1]
    html = client.get(f"/atlas/musterstadt/areas/{area.pk}/").content.decode()
    assert "korrigiert am 10.04.2026" in html
    assert f"http://testserver{corrected.path}" in html
    assert "Kinder unter 3 Jahren" not in html


def test_a_published_bookmark_cites_its_columns(client, corrected):
    bookmark = create_bookmark(
        user=corrected.admin,
        municipality=corrected.municipality,
        title="Kleine Kinder 2023",
        view=Bookmark.View.TABLE,
        state={"level": "bezirke", "indicator": str(corrected.indicator.pk), "year": str(YEAR)},
    )
    publish_bookmark(user=corrected.admin, bookmark=bookmark)
    html = client.get(f"/atlas/musterstadt/bookmarks/{bookmark.pk}/").content.decode()
    assert f"http://testserver{corrected.path}" in html
    assert "Zitiervorschlag" in html
    row = html[html.index("Bezirk 2</th>") :].split("</tr>")[0]
    assert "korrigiert am 10.04.2026" in row


def test_the_public_area_report_cites_and_marks_corrections(client, corrected):
    area = corrected.bezirke[1]
    html = client.get(
        "/atlas/musterstadt/report/", {"areas": area.pk, "year": YEAR}
    ).content.decode()
    assert "Zitiervorschlag" in html
    assert f"http://testserver{corrected.path}" in html
    assert "korrigiert am 10.04.2026" in html
