"""The sticking points guide (Knackpunkte der integrierten Planung, issue 11 point 6): the fifth
shipped catalogue exists after migrate, works like the other sheets (individual and agreed
answers, comparison, copy, DOCX and XLSX) and is part of the Vechta demo."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from conferences.catalogues_default import STICKING_POINTS
from conferences.models import Catalogue, Question, Sheet
from conferences.selectors_sheets import compare_sheets
from conferences.services_sheets import (
    copy_catalogue,
    create_sheet,
    save_agreed_answers,
    save_responses,
)
from keck.demo_knackpunkte import SHEET_TITLE, load_demo_knackpunkte

from .sheets_fixtures import (  # noqa: F401 - fixtures, used by name
    catalogues_fixture,
    coordinator_fixture,
    leader_fixture,
    member_fixture,
    vechta_sheet_fixture,
)

pytestmark = pytest.mark.django_db

OBSTACLES = [
    "Fachbereiche halten Daten zurück",
    "Politische Ziele sind nicht heruntergebrochen",
    "Gleiche Wörter, verschiedene Bedeutungen",
    "Arbeitsgruppen bleiben passiv",
    "Programme laufen nebeneinander her",
    "Zeit und Personal fehlen",
    "Verbindlichkeit bleibt unklar",
    "Fachliche und technische Kenntnisse fehlen",
]


@pytest.fixture
def knackpunkte_sheet(municipality, coordinator, catalogues):
    return create_sheet(
        user=coordinator,
        municipality=municipality,
        catalogue=catalogues["sticking_points"],
        cycle_number=1,
    )


def _question(sheet, key) -> Question:
    return Question.objects.get(section__catalogue=sheet.catalogue, key=key)


def test_fresh_migrate_has_the_knackpunkte_catalogue_with_the_eight_obstacles_in_order():
    """No loader call: the data migration created it."""
    catalogue = Catalogue.objects.get(
        lineage="keck-knackpunkte", is_current=True, municipality__isnull=True
    )

    titles = list(catalogue.sections.order_by("order").values_list("title", flat=True))

    assert catalogue.kind == Catalogue.Kind.STICKING_POINTS
    assert catalogue.title == "Knackpunkte der integrierten Planung"
    assert titles == OBSTACLES


def test_every_obstacle_has_three_to_five_steering_questions():
    catalogue = Catalogue.objects.get(lineage="keck-knackpunkte", is_current=True)

    counts = [section.questions.count() for section in catalogue.sections.order_by("order")]

    assert all(3 <= count <= 5 for count in counts), counts


def test_steering_questions_ask_what_we_take_on_and_have_keys_of_their_own():
    keys = [q["key"] for section in STICKING_POINTS["sections"] for q in section["questions"]]
    labels = {
        q["explanation_label"]
        for section in STICKING_POINTS["sections"]
        for q in section["questions"]
        if q["has_yes_no"]
    }

    assert all(key.startswith("kp-") for key in keys) and len(keys) == len(set(keys))
    assert "Woran zeigt sich das bei uns, und was nehmen wir uns vor?" in labels


def test_the_kind_is_named_in_german(catalogues):
    from django.utils import translation

    with translation.override("de"):
        label = str(Catalogue.Kind.STICKING_POINTS.label)

    assert label == "Knackpunkte der integrierten Planung"


def test_a_knackpunkte_sheet_takes_individual_and_agreed_answers(
    knackpunkte_sheet, coordinator, member
):
    question = _question(knackpunkte_sheet, "kp-daten-zusagen")
    save_responses(
        user=member,
        sheet=knackpunkte_sheet,
        answers={question.pk: {"answer": "no", "explanation": "Das Schulamt liefert nicht."}},
    )
    save_responses(
        user=coordinator, sheet=knackpunkte_sheet, answers={question.pk: {"answer": "yes"}}
    )
    save_agreed_answers(
        user=coordinator,
        sheet=knackpunkte_sheet,
        answers={question.pk: {"answer": "no", "explanation": "Vereinbarung mit dem Schulamt."}},
    )

    assert knackpunkte_sheet.responses.filter(question=question).count() == 2
    agreed = knackpunkte_sheet.agreed_answers.get(question=question)
    assert (agreed.answer, agreed.explanation) == ("no", "Vereinbarung mit dem Schulamt.")


def test_the_checklist_of_missing_skills_takes_options_and_other(knackpunkte_sheet, member):
    question = _question(knackpunkte_sheet, "kp-kenntnisse-bedarf")

    save_responses(
        user=member,
        sheet=knackpunkte_sheet,
        answers={
            question.pk: {
                "choices": ["Arbeit mit Karten", "Datenschutz"],
                "other_text": "Statistik-Software",
            }
        },
    )

    response = knackpunkte_sheet.responses.get(question=question)
    assert response.choices == ["Arbeit mit Karten", "Datenschutz"]
    assert response.other_text == "Statistik-Software"
    assert not question.has_yes_no


def test_two_cycles_of_knackpunkte_are_compared_by_question_key(
    municipality, coordinator, catalogues
):
    catalogue = catalogues["sticking_points"]
    question = Question.objects.get(section__catalogue=catalogue, key="kp-ziele-konkret")
    for cycle, answer in ((1, "no"), (2, "yes")):
        sheet = create_sheet(
            user=coordinator, municipality=municipality, catalogue=catalogue, cycle_number=cycle
        )
        save_agreed_answers(
            user=coordinator, sheet=sheet, answers={question.pk: {"answer": answer}}
        )

    comparison = compare_sheets(user=coordinator, municipality=municipality, kind="sticking_points")

    row = next(r for g in comparison.groups for r in g.rows if r.key == "kp-ziele-konkret")
    assert [cell.answer for cell in row.cells] == ["no", "yes"]
    assert row.cells[1].changed


def test_a_coordinator_copies_the_guide_into_the_municipality(
    municipality, coordinator, catalogues
):
    own = copy_catalogue(
        user=coordinator, municipality=municipality, catalogue=catalogues["sticking_points"]
    )

    assert own.kind == "sticking_points" and own.municipality == municipality
    assert own.sections.count() == 8


def test_the_new_sheet_page_offers_the_guide(client, coordinator, catalogues):
    client.force_login(coordinator)

    html = client.get(reverse("conferences:sheet_new")).content.decode()

    assert "Knackpunkte der integrierten Planung" in html


def test_a_knackpunkte_sheet_exports_to_docx_and_xlsx(client, knackpunkte_sheet, coordinator):
    question = _question(knackpunkte_sheet, "kp-gruppen-auftrag")
    save_agreed_answers(
        user=coordinator,
        sheet=knackpunkte_sheet,
        answers={question.pk: {"answer": "yes", "explanation": "Aufträge stehen im Protokoll."}},
    )
    client.force_login(coordinator)

    docx = client.get(reverse("conferences:sheet_docx", kwargs={"pk": knackpunkte_sheet.pk}))
    xlsx = client.get(reverse("conferences:sheet_xlsx", kwargs={"pk": knackpunkte_sheet.pk}))

    document = Document(io.BytesIO(docx.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert len(document.tables) == 1 + 8  # the facts, then one table per obstacle
    assert any(text.startswith("Hat jede Arbeitsgruppe einen klaren Auftrag") for text in cells)
    assert "Aufträge stehen im Protokoll." in cells
    agreed = list(load_workbook(io.BytesIO(xlsx.content))["Vereinbarte Antworten"].values)
    row = next(r for r in agreed if str(r[2]).startswith("Hat jede Arbeitsgruppe"))
    assert row[1] == "Arbeitsgruppen bleiben passiv"
    assert (row[3], row[4]) == ("Ja", "Aufträge stehen im Protokoll.")


def test_the_demo_has_an_open_knackpunkte_sheet_with_answers_once(vechta_sheet):
    municipality = vechta_sheet.municipality

    sheet = load_demo_knackpunkte(municipality)
    again = load_demo_knackpunkte(municipality)

    assert again.pk == sheet.pk
    assert Sheet.objects.filter(municipality=municipality, title=SHEET_TITLE).count() == 1
    assert sheet.is_open and sheet.catalogue.kind == "sticking_points"
    people = set(sheet.responses.values_list("respondent__username", flat=True))
    assert people == {"demo-koordination", "demo-leitung"}
    assert sheet.agreed_answers.count() == 3


def test_a_member_reads_the_demo_sheet_page(client, vechta_sheet):
    sheet = load_demo_knackpunkte(vechta_sheet.municipality)
    client.force_login(get_user_model().objects.get(username="demo-mitglied"))

    html = client.get(reverse("conferences:sheet", kwargs={"pk": sheet.pk})).content.decode()

    assert "Fachbereiche halten Daten zurück" in html
    assert "Vereinbarung über die Daten der Schuleingangsuntersuchung" in html
