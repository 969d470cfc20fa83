"""Citable public data (issue 11, point 4) on the pages of the network: the public comparison
of institutions with their areas (page, CSV) and the KECK network comparison (pages, API). Each
released indicator year shown is cited, each from its own municipality's release; nothing
unreleased is cited."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from atlas_data.models import (
    IndicatorRelease,
    InstitutionValue,
    ValueChange,
)
from atlas_data.services.institutions import set_institution_value
from tests.atlas_data.institution_fixtures import YEAR, add_sgb2_share, make_city

from .test_network import POPULATION
from .test_network import pair as pair  # noqa: F401  (fixtures)
from .test_network import town as town  # noqa: F401

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
RELEASED_AT = datetime(2026, 3, 5, 9, 30, tzinfo=BERLIN)
CORRECTED_AT = datetime(2026, 4, 10, 14, 0, tzinfo=BERLIN)


# --- the public comparison of institutions ---------------------------------------------------


@pytest.fixture
def released_city(municipality, member_of):
    """The city of institution_fixtures with an SGB II share per Bezirk; both indicator years
    released on 05.03.2026, and Kita Eiche's value corrected on 10.04.2026."""
    city = make_city(municipality, member_of)
    city.sgb2 = add_sgb2_share(
        city, weights=False, data_source="Statistik der Bundesagentur für Arbeit"
    )
    for indicator in (city.indicator, city.sgb2):
        IndicatorRelease.objects.create(indicator=indicator, year=YEAR)
    IndicatorRelease.objects.update(released_at=RELEASED_AT)
    set_institution_value(
        user=city.admin,
        indicator=city.indicator,
        poi=city.kitas["Kita Eiche"],
        year=YEAR,
        numerator=11,
        denominator=40,
    )
    history = InstitutionValue.history.model
    latest = history.objects.filter(poi=city.kitas["Kita Eiche"]).latest("history_id")
    history.objects.filter(pk=latest.pk).update(history_date=CORRECTED_AT)
    # The roll-up of the correction changed Bezirk 002's value on the same day.
    ValueChange.objects.filter(indicator=city.indicator, changed_at__gt=RELEASED_AT).update(
        changed_at=CORRECTED_AT
    )
    return city


def _query(city) -> dict:
    return {"indicator": city.indicator.pk, "year": YEAR, "x": city.sgb2.pk, "level": "bezirke"}


def _permanent(city, indicator) -> str:
    return f"http://testserver/atlas/{city.municipality.slug}/i/{indicator.pk}/{YEAR}/"


def test_the_public_comparison_cites_both_indicator_years(client, released_city):
    city = released_city
    page = client.get(f"/atlas/{city.municipality.slug}/institutions/", _query(city))

    html = page.content.decode()
    section = html[html.index("Zitiervorschlag") :]
    assert f"Musterstadt (2026): {city.indicator.name} {YEAR}." in section
    assert "Freigegeben am 05.03.2026, korrigiert am 10.04.2026." in section
    assert f"Musterstadt (2026): {city.sgb2.name} {YEAR}." in section
    assert "Quelle: Statistik der Bundesagentur für Arbeit." in section
    assert _permanent(city, city.indicator) in section and _permanent(city, city.sgb2) in section
    assert "korrigiert am 10.04.2026</span>" in html  # beside Kita Eiche's value


def test_the_public_csv_ends_with_the_correction_and_the_citations(client, released_city):
    city = released_city
    response = client.get(f"/atlas/{city.municipality.slug}/institutions.csv", _query(city))

    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    blank = lines.index([])
    table, notes = lines[:blank], lines[blank + 1 :]
    assert len(table) == 6  # header and five Kitas: the table stays rectangular
    assert notes[0] == [
        "Nach der Freigabe korrigiert",
        str(city.kitas["Kita Eiche"].pk),
        "Kita Eiche",
        city.indicator.name,
        "korrigiert am 10.04.2026",
    ]
    cited = [note[1] for note in notes if note[0] == "Zitiervorschlag"]
    assert len(cited) == 2
    assert cited[0].endswith(_permanent(city, city.indicator))
    assert cited[1].endswith(_permanent(city, city.sgb2))
    assert response["Link"] == ", ".join(
        f'<{_permanent(city, i)}>; rel="cite-as"' for i in (city.indicator, city.sgb2)
    )


def test_the_internal_csv_of_a_draft_year_cites_nothing(client, released_city):
    city = released_city
    IndicatorRelease.objects.filter(indicator=city.indicator).delete()
    client.force_login(city.admin)

    response = client.get("/app/atlas/institutions.csv", _query(city))

    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert _permanent(city, city.indicator) not in text
    assert _permanent(city, city.sgb2) in text  # the released x year is still cited
    assert response["Link"] == f'<{_permanent(city, city.sgb2)}>; rel="cite-as"'


# --- the KECK network comparison --------------------------------------------------------------


def test_the_network_page_cites_each_municipalitys_release_per_year(client, pair):
    a, b = pair

    html = client.get(f"/netzwerk/{POPULATION}/").content.decode()

    section = html[html.index('id="keck-network-citations"') :]
    section = section[: section.index("</ul>")]
    for town_, years in ((a, (2022, 2023)), (b, (2022,))):
        indicator = town_.municipality.indicators.get()
        for year in years:
            url = f"http://testserver/atlas/{town_.municipality.slug}/i/{indicator.pk}/{year}/"
            assert f"{town_.municipality.name} (" in section and url in section
    b_indicator = b.municipality.indicators.get()
    assert f"/atlas/b/i/{b_indicator.pk}/2023/" not in html  # B's 2023 is a draft
    assert section.count("<li") == 3


def test_the_network_api_gives_a_citation_per_released_value(client, pair):
    _a, b = pair
    comparison = client.get(f"/api/v1/network/{POPULATION}/").json()

    by_slug = {m["municipality"]["slug"]: m for m in comparison["members"]}
    b_values = {v["year"]: v for v in by_slug["b"]["values"]}
    citation = b_values[2022]["citation"]
    indicator = b.municipality.indicators.get()
    assert citation["municipality"] == "Stadt B"
    assert citation["indicator"] == {"id": indicator.pk, "name": indicator.name}
    assert citation["year"] == 2022
    assert citation["url"] == f"http://testserver/atlas/b/i/{indicator.pk}/2022/"
    assert citation["text"].startswith("Stadt B (")
    assert b_values[2023]["citation"] is None  # not released by B
    assert all(v["citation"] for v in by_slug["a"]["values"])


def test_the_network_api_schema_documents_the_citation(client, db):
    schema = client.get("/api/schema/?format=json").json()

    properties = schema["components"]["schemas"]["NetworkYearValue"]["properties"]
    assert "citation" in properties


# --- links between the public pages ------------------------------------------------------------


def test_the_public_atlas_links_the_comparison_of_released_institutions(client, released_city):
    slug = released_city.municipality.slug

    page = client.get(f"/atlas/{slug}/").content.decode()

    assert f'href="/atlas/{slug}/institutions/" id="keck-institutions-link"' in page


def test_without_released_institution_values_the_atlas_has_no_such_link(client, released_city):
    IndicatorRelease.objects.filter(indicator=released_city.indicator).delete()

    page = client.get(f"/atlas/{released_city.municipality.slug}/").content.decode()

    assert "keck-institutions-link" not in page


def test_the_network_entry_links_each_municipalitys_public_atlas(client, pair):
    page = client.get(f"/netzwerk/{POPULATION}/").content.decode()

    sources = page[page.index('id="keck-network-sources"') :]
    assert '<th scope="row"><a href="/atlas/a/">Stadt A</a></th>' in sources
    assert '<th scope="row"><a href="/atlas/b/">Stadt B</a></th>' in sources
