"""Citable public data (issue 11, point 4) in every file and in the JSON API: the citation of
each released indicator year, the correction date of values changed after their release, and
nothing cited that is not released."""

from __future__ import annotations

import csv
import io

import openpyxl

from .citation_fixtures import *  # noqa: F403
from .citation_fixtures import YEAR
from .export_files import docx_text, pdf_text, svg_texts

API = "/api/v1/municipalities/musterstadt"


def _permanent(setup) -> str:
    return f"http://testserver{setup.path}"


def _table(client, setup, fmt: str, indicator=None):
    indicator = indicator or setup.indicator
    return client.get(
        f"{API}/table.{fmt}", {"indicators": indicator.pk, "year": YEAR, "level": "bezirke"}
    )


# --- tables ------------------------------------------------------------------------------------


def test_the_csv_keeps_its_table_and_ends_with_corrections_and_the_citation(client, corrected):
    response = _table(client, corrected, "csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    blank = lines.index([])
    table, notes = lines[:blank], lines[blank + 1 :]
    assert table[0] == ["Schlüssel", "Gebiet", "Kinder unter 6 Jahren (Personen)"]
    assert ["002", "Bezirk 2", "115"] in table
    assert notes[0] == [
        "Nach der Freigabe korrigiert",
        "002",
        "Bezirk 2",
        "Kinder unter 6 Jahren",
        "korrigiert am 10.04.2026",
    ]
    assert notes[1][0] == "Zitiervorschlag"
    assert "Freigegeben am 05.03.2026, korrigiert am 10.04.2026." in notes[1][1]
    assert notes[1][1].endswith(_permanent(corrected))


def test_files_name_the_permanent_url_in_a_cite_as_link_header(client, cited):
    response = _table(client, cited, "csv")
    assert response["Link"] == f'<{_permanent(cited)}>; rel="cite-as"'


def test_an_internal_file_of_draft_data_carries_no_citation(client, cited):
    client.force_login(cited.admin)
    response = _table(client, cited, "csv", indicator=cited.draft)
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "Zitiervorschlag" not in text and "/i/" not in text
    assert not response.has_header("Link")


def test_the_xlsx_has_a_citation_sheet_a_comment_on_the_corrected_value_and_a_footer(
    client, corrected
):
    workbook = openpyxl.load_workbook(io.BytesIO(_table(client, corrected, "xlsx").content))
    sheet = workbook["Zitation"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Indikator", "Jahr", "Freigegeben am", "Korrigiert am"]
    row = [cell.value for cell in sheet[2]]
    assert row[:4] == ["Kinder unter 6 Jahren", 2023, "05.03.2026", "10.04.2026"]
    assert row[5] == _permanent(corrected) and row[6].startswith("Musterstadt (2026)")
    values = workbook["Werte"]
    comments = {
        values.cell(row=r, column=2).value: values.cell(row=r, column=3).comment
        for r in range(5, values.max_row + 1)
    }
    assert comments["Bezirk 2"].text == "korrigiert am 10.04.2026"
    assert comments["Bezirk 1"] is None
    assert "Zitiervorschlag: siehe Blatt „Zitation“" in values.oddFooter.left.text


# --- print graphics ----------------------------------------------------------------------------


def test_the_svg_map_carries_the_citation_and_the_correction_in_its_footer(client, corrected):
    response = client.get(
        f"{API}/indicators/{corrected.indicator.pk}/map.svg", {"year": YEAR, "level": "bezirke"}
    )
    text = " ".join(svg_texts(response.content))
    assert "Zitiervorschlag: Musterstadt (2026): Kinder unter 6 Jahren 2023." in text
    assert "† nach der Freigabe geändert: Bezirk 2, Kinder unter 6 Jahren: korrigiert am" in text


def test_the_pdf_chart_carries_the_citation(client, cited):
    response = client.get(
        f"{API}/chart.pdf", {"indicators": cited.indicator.pk, "year": YEAR, "level": "bezirke"}
    )
    text = pdf_text(response.content)
    assert "Zitiervorschlag: Musterstadt (2026): Kinder unter 6 Jahren 2023." in text
    assert response["Link"] == f'<{_permanent(cited)}>; rel="cite-as"'


# --- area report files -------------------------------------------------------------------------


def _report(client, setup, fmt):
    area = setup.bezirke[1]
    return client.get(f"/atlas/musterstadt/report.{fmt}", {"areas": area.pk, "year": YEAR})


def test_the_docx_report_has_a_citation_section_and_marks_the_corrected_value(client, corrected):
    text = docx_text(_report(client, corrected, "docx").content)
    section = text[text.index("Zitiervorschlag") :]
    assert "Musterstadt (2026): Kinder unter 6 Jahren 2023." in section
    assert _permanent(corrected) in section
    assert "115†" in text
    assert "† nach der Freigabe geändert: Bezirk 2, Kinder unter 6 Jahren: korrigiert am" in text


def test_the_pdf_report_has_a_citation_section(client, cited):
    text = pdf_text(_report(client, cited, "pdf").content)
    assert "Zitiervorschlag" in text
    assert "Musterstadt (2026): Kinder unter 6 Jahren 2023." in text


# --- JSON API ----------------------------------------------------------------------------------


def test_the_values_api_carries_a_citation_object_and_corrected_on_per_area(client, corrected):
    body = client.get(
        f"{API}/indicators/{corrected.indicator.pk}/values/", {"year": YEAR, "level": "bezirke"}
    ).json()
    citation = body["citation"]
    assert (citation["released_on"], citation["corrected_on"]) == ("2026-03-05", "2026-04-10")
    assert citation["url"] == _permanent(corrected)
    assert citation["text"].startswith("Musterstadt (2026): Kinder unter 6 Jahren 2023.")
    dates = {area["area_name"]: area["corrected_on"] for area in body["areas"]}
    assert dates == {"Bezirk 1": None, "Bezirk 2": "2026-04-10", "Bezirk 3": None}


def test_the_values_api_cites_nothing_for_a_members_draft(client, cited):
    client.force_login(cited.admin)
    body = client.get(
        f"{API}/indicators/{cited.draft.pk}/values/", {"year": YEAR, "level": "bezirke"}
    ).json()
    assert body["released"] is False and body["citation"] is None


def test_the_table_api_cites_each_indicator_and_lists_the_corrections(client, corrected):
    body = client.get(
        f"{API}/table/", {"indicators": corrected.indicator.pk, "year": YEAR, "level": "bezirke"}
    ).json()
    assert body["indicators"][0]["citation"]["url"] == _permanent(corrected)
    area = corrected.bezirke[1]
    assert body["corrections"] == [
        {"area": area.pk, "indicator": corrected.indicator.pk, "corrected_on": "2026-04-10"}
    ]


def test_the_map_api_cites_and_marks_only_the_corrected_area(client, corrected):
    body = client.get(
        f"{API}/indicators/{corrected.indicator.pk}/map/", {"year": YEAR, "level": "bezirke"}
    ).json()
    assert body["citation"]["corrected_on"] == "2026-04-10"
    marked = {
        f["properties"]["name"]: f["properties"].get("corrected_text") for f in body["features"]
    }
    assert marked == {"Bezirk 1": None, "Bezirk 2": "korrigiert am 10.04.2026", "Bezirk 3": None}
