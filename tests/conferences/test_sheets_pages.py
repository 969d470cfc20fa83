"""Pages of the reflection sheets: who sees and may do what, the fill form without JavaScript,
consolidation with closing, the catalogue editor, and constant queries however many questions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences.models import AgreedAnswer, Catalogue, Question, Response, Sheet
from conferences.services_sheets import create_sheet, save_responses

from .sheets_fixtures import (  # noqa: F401 - fixtures, used by name
    catalogues_fixture,
    coordinator_fixture,
    leader_fixture,
    member_fixture,
    outsider_fixture,
    question,
    questions_of,
    sheet_fixture,
)

pytestmark = pytest.mark.django_db


def page(name, **kwargs):
    return reverse(f"conferences:{name}", kwargs=kwargs or None)


def test_sheet_list_shows_the_sheet_to_a_member(client, sheet, member):
    client.force_login(member)

    response = client.get(page("sheets"))

    assert response.status_code == 200
    assert sheet.title in response.content.decode()
    assert "Neuer Bogen" not in response.content.decode()


def test_menu_offers_reflection_sheets(client, sheet, member):
    client.force_login(member)

    html = client.get(page("sheets")).content.decode()

    assert "Reflexionsbögen" in html and "Fragenkataloge" in html


def test_public_is_sent_to_the_login(client, sheet):
    for url in (page("sheets"), page("sheet", pk=sheet.pk), page("catalogues")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_member_of_another_municipality_gets_404_for_the_sheet(client, sheet, outsider):
    client.force_login(outsider)

    assert client.get(page("sheet", pk=sheet.pk)).status_code == 404
    assert client.get(page("sheet_fill", pk=sheet.pk)).status_code == 404
    assert client.get(page("sheet_docx", pk=sheet.pk)).status_code == 404


def test_member_may_fill_but_not_consolidate_or_create(client, sheet, member):
    client.force_login(member)

    assert client.get(page("sheet_fill", pk=sheet.pk)).status_code == 200
    assert client.get(page("sheet_consolidate", pk=sheet.pk)).status_code == 403
    assert client.get(page("sheet_new")).status_code == 403


def test_leadership_reads_the_sheet_and_its_exports(client, sheet, leader):
    client.force_login(leader)

    assert client.get(page("sheet", pk=sheet.pk)).status_code == 200
    assert client.get(page("sheet_xlsx", pk=sheet.pk)).status_code == 200
    assert client.get(page("sheet_consolidate", pk=sheet.pk)).status_code == 403


def test_fill_page_is_a_readable_form_with_radio_buttons_and_checklists(client, sheet, member):
    client.force_login(member)

    html = client.get(page("sheet_fill", pk=sheet.pk)).content.decode()

    vision = question(sheet, "vp-rahmen-vision")
    assert "1. Kommunale Rahmenbedingungen" in html
    assert f'name="q{vision.pk}-answer" value="not_discussed"' in html
    assert "noch nicht besprochen" in html and "Inhaltliche Erläuterung" in html
    topic = question(sheet, "vp-thema-schwerpunkt")
    assert f'name="q{topic.pk}-choices" value="Kindertagesbetreuung"' in html
    assert "sheets.js" in html and "gespeichert" in html


def test_fill_form_saves_without_javascript(client, sheet, member):
    client.force_login(member)
    vision = question(sheet, "vp-rahmen-vision")
    topic = question(sheet, "vp-thema-schwerpunkt")

    response = client.post(
        page("sheet_fill", pk=sheet.pk),
        {
            f"q{vision.pk}-answer": "yes",
            f"q{vision.pk}-explanation": "Leitbild 2030",
            f"q{topic.pk}-choices": ["Gesundheit", "Jugendarbeit"],
            f"q{topic.pk}-other": "Inklusion",
        },
    )

    assert response.status_code == 302
    saved = {r.question_id: r for r in Response.objects.filter(respondent=member)}
    assert set(saved) == {vision.pk, topic.pk}
    assert saved[vision.pk].explanation == "Leitbild 2030"
    assert saved[topic.pk].choices == ["Jugendarbeit", "Gesundheit"]
    html = client.get(page("sheet_fill", pk=sheet.pk)).content.decode()
    assert "Leitbild 2030</textarea>" in html and "2 von 24 Fragen beantwortet" in html


def _answer_all(sheet, user):
    answers = {}
    for q in questions_of(sheet):
        fields = {"answer": "yes"} if q.has_yes_no else {}
        if q.has_explanation:
            fields["explanation"] = f"Erläuterung zu {q.key}"
        if q.options:
            fields["choices"] = q.options[:2]
        answers[q.pk] = fields
    save_responses(user=user, sheet=sheet, answers=answers)


def test_fill_page_runs_the_same_queries_for_24_and_45_questions(
    client, municipality, coordinator, member, catalogues
):
    small = create_sheet(
        user=coordinator, municipality=municipality, catalogue=catalogues["vorphase"]
    )
    large = create_sheet(
        user=coordinator, municipality=municipality, catalogue=catalogues["conference_steps"]
    )
    _answer_all(small, member)
    _answer_all(large, member)
    client.force_login(member)
    client.get(page("sheet_fill", pk=small.pk))  # session and memberships warm

    counts = []
    for one in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page("sheet_fill", pk=one.pk)).status_code == 200
        counts.append(len(queries))

    assert Question.objects.filter(section__catalogue=large.catalogue).count() == 45
    assert counts[0] == counts[1], counts


def test_consolidate_page_shows_proposal_and_individual_answers(client, sheet, member, coordinator):
    vision = question(sheet, "vp-rahmen-vision")
    save_responses(
        user=member, sheet=sheet, answers={vision.pk: {"answer": "no", "explanation": "Entwurf"}}
    )
    client.force_login(coordinator)

    html = client.get(page("sheet_consolidate", pk=sheet.pk)).content.decode()

    assert "mitglied: Entwurf</textarea>" in html
    assert "Vorschlag, noch nicht gespeichert" in html
    assert f'name="q{vision.pk}-answer" value="no" checked' in html


def _all_agreed_post(sheet):
    data = {}
    for q in questions_of(sheet):
        data[f"q{q.pk}-answer"] = "not_discussed" if q.has_yes_no else ""
        if not q.has_yes_no:
            data[f"q{q.pk}-explanation"] = "Gemeinsame Notiz"
    return data


def test_save_and_close_without_javascript(client, sheet, coordinator):
    client.force_login(coordinator)

    response = client.post(
        page("sheet_consolidate", pk=sheet.pk), _all_agreed_post(sheet) | {"close": "1"}
    )

    assert response.status_code == 302 and response["Location"] == page("sheet", pk=sheet.pk)
    assert Sheet.objects.get(pk=sheet.pk).state == "closed"
    assert AgreedAnswer.objects.filter(sheet=sheet).count() == 24


def test_close_with_open_questions_saves_but_stays_open(client, sheet, coordinator):
    client.force_login(coordinator)
    vision = question(sheet, "vp-rahmen-vision")

    response = client.post(
        page("sheet_consolidate", pk=sheet.pk), {f"q{vision.pk}-answer": "yes", "close": "1"}
    )

    assert response.status_code == 302
    assert Sheet.objects.get(pk=sheet.pk).state == "open"
    assert AgreedAnswer.objects.get().answer == "yes"
    html = client.get(response["Location"]).content.decode()
    assert "kann noch nicht abgeschlossen werden: 23 Fragen" in html


def test_closed_sheet_fill_page_is_read_only(client, sheet, coordinator, member):
    client.force_login(coordinator)
    client.post(page("sheet_consolidate", pk=sheet.pk), _all_agreed_post(sheet) | {"close": "1"})
    client.force_login(member)

    html = client.get(page("sheet_fill", pk=sheet.pk)).content.decode()
    posted = client.post(
        page("sheet_fill", pk=sheet.pk), {f"q{question(sheet, 'vp-rahmen-vision').pk}-answer": "no"}
    )

    assert "disabled" in html and "sheets.js" not in html
    assert posted.status_code == 302 and not Response.objects.exists()


def test_coordinator_creates_a_sheet_on_the_page(client, municipality, coordinator, catalogues):
    client.force_login(coordinator)

    response = client.post(
        page("sheet_new"),
        {"catalogue": catalogues["state_of_work"].pk, "cycle_number": "1", "cycle_label": "2025"},
    )

    sheet = Sheet.objects.get()
    assert response["Location"] == page("sheet", pk=sheet.pk)
    assert sheet.title == "Stand der Arbeit – 2025" and sheet.catalogue.kind == "state_of_work"


def test_catalogue_editor_copies_and_edits_a_question(
    client, municipality, coordinator, catalogues
):
    client.force_login(coordinator)
    client.post(page("catalogue_copy", pk=catalogues["vorphase"].pk))
    own = Catalogue.objects.get(municipality=municipality)
    first = Question.objects.filter(section__catalogue=own).order_by("section__order", "order")[0]

    response = client.post(
        page("question_edit", pk=first.pk),
        {
            "text": "Haben wir ein Leitbild?",
            "help": "",
            "has_yes_no": "on",
            "has_explanation": "on",
            "explanation_label": "",
            "options": "Ja, beschlossen\nIn Arbeit\n",
            "allow_other": "",
        },
    )

    assert response["Location"] == page("catalogue", pk=own.pk)
    first.refresh_from_db()
    assert first.text == "Haben wir ein Leitbild?"
    assert first.options == ["Ja, beschlossen", "In Arbeit"]
    html = client.get(page("catalogue", pk=own.pk)).content.decode()
    assert "Haben wir ein Leitbild?" in html and "Frage hinzufügen" in html


def test_member_sees_catalogues_without_edit_controls(client, member, catalogues):
    client.force_login(member)

    html = client.get(page("catalogue", pk=catalogues["vorphase"].pk)).content.decode()

    assert "Bestimmung des Themas" in html
    assert "In meine Kommune kopieren" not in html and "Frage hinzufügen" not in html
    assert client.post(page("catalogue_copy", pk=catalogues["vorphase"].pk)).status_code == 403


def test_catalogue_list_counts_sections_and_questions(client, member, catalogues):
    client.force_login(member)

    response = client.get(page("catalogues"))

    rows = {c.kind: c for c in response.context["catalogues"]}
    assert (rows["vorphase"].section_count, rows["vorphase"].question_count) == (7, 24)
    assert rows["conference_steps"].section_count == 10
