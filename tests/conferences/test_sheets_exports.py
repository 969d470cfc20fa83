"""The Vechta demo sheet as DOCX (python-docx reads it back: tables with questions, agreed and
individual answers) and XLSX (agreed answers, individual answers)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from .sheets_fixtures import vechta_sheet_fixture  # noqa: F401 - fixture, used by name

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, vechta_sheet):
    client.force_login(get_user_model().objects.get(username="demo-mitglied"))
    return client


def _docx(reader, sheet) -> Document:
    response = reader.get(reverse("conferences:sheet_docx", kwargs={"pk": sheet.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    return Document(io.BytesIO(response.content))


def _rows(document) -> list[list[str]]:
    return [
        [cell.text for cell in row.cells] for table in document.tables[1:] for row in table.rows
    ]


def test_docx_has_one_table_per_section_with_the_questions(reader, vechta_sheet):
    document = _docx(reader, vechta_sheet)

    tables = document.tables[1:]  # the first holds the facts
    assert len(tables) == 7
    first_cells = [row[1] for row in _rows(document)]
    assert any(text.startswith("Gibt es für unsere Kommune eine Vision") for text in first_cells)
    assert document.paragraphs[0].text == "Vorphase: Schwerpunkt der Arbeit – Zyklus 1"


def test_docx_holds_the_agreed_and_the_individual_answers(reader, vechta_sheet):
    rows = _rows(_docx(reader, vechta_sheet))

    agreed = [row for row in rows if row[1] == "Vereinbarte Antwort"]
    assert len(agreed) == 24
    auftrag = next(i for i, row in enumerate(rows) if row[1].startswith("Liegt ein politischer"))
    assert rows[auftrag + 1][2] == "Ja"
    assert rows[auftrag + 1][3].startswith("Beschluss des Jugendhilfeausschusses vom März")
    individual = {row[1]: row[2] for row in rows[auftrag + 2 : auftrag + 4]}
    assert individual == {"Kai Koordination": "Nein", "Lena Leitung": "Ja"}


def test_docx_lists_the_ticked_options(reader, vechta_sheet):
    rows = _rows(_docx(reader, vechta_sheet))

    topic = next(
        i for i, row in enumerate(rows) if row[1].startswith("Ist festgelegt, auf welchen")
    )
    assert rows[topic + 1][3].endswith("Kindertagesbetreuung")
    assert "Gesundheit" in rows[topic + 3][3]  # Lena Leitung ticked it


def test_xlsx_has_agreed_and_individual_answers(reader, vechta_sheet):
    response = reader.get(reverse("conferences:sheet_xlsx", kwargs={"pk": vechta_sheet.pk}))
    workbook = load_workbook(io.BytesIO(response.content))

    assert workbook.sheetnames == ["Vereinbarte Antworten", "Einzelantworten"]
    agreed = list(workbook["Vereinbarte Antworten"].values)
    individual = list(workbook["Einzelantworten"].values)
    assert agreed[0][:4] == ("Nr.", "Abschnitt", "Frage", "Ja / Nein")
    assert len(agreed) == 1 + 24 and len(individual) == 1 + 48
    vision = next(row for row in agreed if row[0] == "1.1")
    assert vision[3] == "Ja" and vision[4].startswith("Das Kreisentwicklungskonzept")
    people = {row[3] for row in individual[1:]}
    assert people == {"Kai Koordination", "Lena Leitung"}
