"""Filling and consolidating a sheet: individual answers (partial, checked), proposals from
them, the agreed answers beside them, and the rules for closing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from conferences.models import AgreedAnswer, Response, Sheet
from conferences.selectors_sheets import sheet_content
from conferences.services_sheets import (
    SheetError,
    close_sheet,
    create_sheet,
    prefill_agreed,
    reopen_sheet,
    save_agreed,
    save_agreed_answers,
    save_response,
    save_responses,
)

from .sheets_fixtures import (  # noqa: F401 - fixtures, used by name
    catalogues_fixture,
    coordinator_fixture,
    leader_fixture,
    member_fixture,
    outsider_fixture,
    question,
    questions_of,
    second_member_fixture,
    sheet_fixture,
)

pytestmark = pytest.mark.django_db


def test_a_member_saves_one_field_at_a_time_and_the_others_stay(sheet, member):
    target = question(sheet, "vp-rahmen-vision")

    save_response(user=member, sheet=sheet, question=target, answer="yes")
    save_response(user=member, sheet=sheet, question=target, explanation="Leitbild von 2019")

    response = Response.objects.get(sheet=sheet, respondent=member)
    assert (response.answer, response.explanation) == ("yes", "Leitbild von 2019")


def test_a_partial_sheet_keeps_only_the_answered_questions(sheet, member):
    save_responses(
        user=member,
        sheet=sheet,
        answers={
            question(sheet, "vp-rahmen-vision").pk: {"answer": "no", "explanation": ""},
            question(sheet, "vp-rahmen-ziel").pk: {"answer": "", "explanation": ""},
        },
    )

    assert Response.objects.filter(sheet=sheet).count() == 1


def test_checklist_choices_are_stored_in_the_order_of_the_options(sheet, member):
    target = question(sheet, "vp-thema-schwerpunkt")

    save_response(
        user=member,
        sheet=sheet,
        question=target,
        choices=["Gesundheit", "Kindertagesbetreuung"],
        other_text="Inklusion",
    )

    response = Response.objects.get()
    assert response.choices == ["Kindertagesbetreuung", "Gesundheit"]
    assert response.other_text == "Inklusion"


def test_an_unknown_checklist_option_is_refused_and_nothing_is_saved(sheet, member):
    with translation.override("en"), pytest.raises(SheetError) as error:
        save_response(
            user=member,
            sheet=sheet,
            question=question(sheet, "vp-thema-schwerpunkt"),
            choices=["Raumfahrt"],
        )

    assert "“Raumfahrt” is not an option" in str(error.value)
    assert not Response.objects.exists()


def test_one_bad_answer_in_a_batch_saves_none_of_it(sheet, member):
    with pytest.raises(SheetError):
        save_responses(
            user=member,
            sheet=sheet,
            answers={
                question(sheet, "vp-rahmen-vision").pk: {"answer": "yes"},
                question(sheet, "vp-thema-aktuell").pk: {"answer": "yes"},  # has no Ja/Nein
            },
        )

    assert not Response.objects.exists()


def test_a_question_of_another_catalogue_is_refused(sheet, member, catalogues):
    from conferences.models import Question

    foreign = Question.objects.filter(section__catalogue=catalogues["state_of_work"]).first()

    with pytest.raises(SheetError):
        save_response(user=member, sheet=sheet, question=foreign, answer="yes")


def test_a_member_of_another_municipality_cannot_answer(sheet, outsider):
    with pytest.raises(PermissionDenied):
        save_response(
            user=outsider, sheet=sheet, question=question(sheet, "vp-rahmen-vision"), answer="yes"
        )


def test_a_member_cannot_save_agreed_answers(sheet, member):
    with pytest.raises(PermissionDenied):
        save_agreed(
            user=member, sheet=sheet, question=question(sheet, "vp-rahmen-vision"), answer="yes"
        )


def test_leadership_cannot_create_sheets(municipality, leader, catalogues):
    with pytest.raises(PermissionDenied):
        create_sheet(user=leader, municipality=municipality, catalogue=catalogues["vorphase"])


def test_sheet_title_defaults_to_catalogue_and_cycle(sheet):
    with translation.override("de"):
        titled = create_sheet(
            user=sheet.created_by,
            municipality=sheet.municipality,
            catalogue=sheet.catalogue,
            cycle_number=2,
        )

    assert titled.title == "Vorphase: Schwerpunkt der Arbeit – Zyklus 2"


@pytest.fixture
def answered(sheet, member, second_member, coordinator):
    """Three respondents; Ja/Nein 2:1 on the vision, 1:1 on the mandate."""
    vision = question(sheet, "vp-rahmen-vision")
    mandate = question(sheet, "vp-rahmen-auftrag")
    topic = question(sheet, "vp-thema-schwerpunkt")
    save_response(user=member, sheet=sheet, question=vision, answer="yes", explanation="Leitbild")
    save_response(user=second_member, sheet=sheet, question=vision, answer="yes")
    save_response(
        user=coordinator, sheet=sheet, question=vision, answer="no", explanation="Nur Entwurf"
    )
    save_response(user=member, sheet=sheet, question=mandate, answer="yes")
    save_response(user=second_member, sheet=sheet, question=mandate, answer="no")
    save_response(user=member, sheet=sheet, question=topic, choices=["Gesundheit"])
    save_response(
        user=coordinator,
        sheet=sheet,
        question=topic,
        choices=["Jugendarbeit"],
        other_text="Inklusion",
    )
    return sheet


def _row(content, key):
    return next(row for row in content.rows if row.question.key == key)


def test_proposal_takes_the_majority_and_the_explanations_with_names(answered, coordinator):
    content = sheet_content(user=coordinator, sheet=answered)

    proposal = _row(content, "vp-rahmen-vision").proposal

    assert proposal["answer"] == "yes"
    assert proposal["explanation"] == "koordinatorin: Nur Entwurf\n\nmitglied: Leitbild"


def test_proposal_leaves_a_tie_open(answered, coordinator):
    content = sheet_content(user=coordinator, sheet=answered)

    assert _row(content, "vp-rahmen-auftrag").proposal["answer"] == ""


def test_proposal_ticks_every_option_someone_ticked(answered, coordinator):
    content = sheet_content(user=coordinator, sheet=answered)

    proposal = _row(content, "vp-thema-schwerpunkt").proposal

    assert proposal["choices"] == ["Jugendarbeit", "Gesundheit"]
    assert proposal["other_text"] == "Inklusion"


def test_prefill_stores_proposals_and_keeps_the_individual_answers(answered, coordinator):
    before = list(Response.objects.order_by("pk").values())

    filled = prefill_agreed(user=coordinator, sheet=answered)

    assert filled == 2  # the mandate's 1:1 tie without explanations stays for the group
    agreed = AgreedAnswer.objects.get(sheet=answered, question__key="vp-rahmen-vision")
    assert agreed.answer == "yes" and agreed.updated_by == coordinator
    assert not AgreedAnswer.objects.filter(question__key="vp-rahmen-auftrag").exists()
    assert list(Response.objects.order_by("pk").values()) == before


def test_prefill_does_not_overwrite_an_edited_agreed_answer(answered, coordinator):
    vision = question(answered, "vp-rahmen-vision")
    save_agreed(user=coordinator, sheet=answered, question=vision, answer="no", explanation="Eig.")

    prefill_agreed(user=coordinator, sheet=answered)

    agreed = AgreedAnswer.objects.get(sheet=answered, question=vision)
    assert (agreed.answer, agreed.explanation) == ("no", "Eig.")


def test_agreed_answers_are_editable_after_the_prefill(answered, coordinator):
    prefill_agreed(user=coordinator, sheet=answered)
    vision = question(answered, "vp-rahmen-vision")

    save_agreed(user=coordinator, sheet=answered, question=vision, explanation="Gemeinsam: ja.")

    agreed = AgreedAnswer.objects.get(sheet=answered, question=vision)
    assert (agreed.answer, agreed.explanation) == ("yes", "Gemeinsam: ja.")


def test_the_consolidation_shows_the_individual_answers_beside_the_agreed_one(
    answered, coordinator
):
    prefill_agreed(user=coordinator, sheet=answered)

    row = _row(sheet_content(user=coordinator, sheet=answered), "vp-rahmen-vision")

    assert [r.respondent.username for r in row.responses] == [
        "kollege",
        "koordinatorin",
        "mitglied",
    ]
    assert row.agreed.answer == "yes" and row.shown_agreed["answer"] == "yes"


def _agree_everything(sheet, coordinator, *, skip: str = ""):
    answers = {}
    for q in questions_of(sheet):
        if q.key == skip:
            continue
        answers[q.pk] = {"answer": "not_discussed"} if q.has_yes_no else {"explanation": "Notiz"}
    save_agreed_answers(user=coordinator, sheet=sheet, answers=answers)


def test_closing_needs_an_agreed_answer_for_every_question(sheet, coordinator):
    _agree_everything(sheet, coordinator, skip="vp-beteiligung-gremien")

    with translation.override("en"), pytest.raises(SheetError) as error:
        close_sheet(user=coordinator, sheet=sheet)

    assert "1 questions have no agreed answer" in str(error.value)
    assert "bestehende Gremien" in str(error.value)
    assert Sheet.objects.get(pk=sheet.pk).state == "open"


def test_an_explanation_without_yes_or_no_does_not_resolve_a_yes_no_question(sheet, coordinator):
    _agree_everything(sheet, coordinator, skip="vp-rahmen-vision")
    save_agreed(
        user=coordinator,
        sheet=sheet,
        question=question(sheet, "vp-rahmen-vision"),
        explanation="Noch offen",
    )

    with pytest.raises(SheetError):
        close_sheet(user=coordinator, sheet=sheet)


def test_not_discussed_marks_a_question_without_yes_no_as_resolved(sheet, coordinator):
    _agree_everything(sheet, coordinator, skip="vp-thema-aktuell")
    save_agreed(
        user=coordinator,
        sheet=sheet,
        question=question(sheet, "vp-thema-aktuell"),
        answer="not_discussed",
    )

    closed = close_sheet(user=coordinator, sheet=sheet)

    assert closed.state == "closed" and closed.closed_by == coordinator


def test_a_closed_sheet_is_read_only(sheet, coordinator, member):
    _agree_everything(sheet, coordinator)
    close_sheet(user=coordinator, sheet=sheet)

    with translation.override("en"), pytest.raises(SheetError) as error:
        save_response(
            user=member, sheet=sheet, question=question(sheet, "vp-rahmen-vision"), answer="yes"
        )
    with pytest.raises(SheetError):
        save_agreed(
            user=coordinator, sheet=sheet, question=question(sheet, "vp-rahmen-vision"), answer="no"
        )

    assert "read-only" in str(error.value)
    assert not Response.objects.exists()


def test_a_coordinator_can_reopen_a_closed_sheet(sheet, coordinator):
    _agree_everything(sheet, coordinator)
    close_sheet(user=coordinator, sheet=sheet)

    reopened = reopen_sheet(user=coordinator, sheet=sheet)

    assert reopened.state == "open" and reopened.closed_at is None


def test_a_sheet_can_belong_to_a_conference_and_its_session(municipality, coordinator, catalogues):
    from django.utils import timezone

    from conferences.models import Conference, Session

    conference = Conference.objects.create(
        municipality=municipality, kind="planning", name="Sozialplanungskonferenz"
    )
    session = Session.objects.create(conference=conference, starts_at=timezone.now())

    sheet = create_sheet(
        user=coordinator,
        municipality=municipality,
        catalogue=catalogues["conference_steps"],
        session=session,
    )

    assert (sheet.conference, sheet.session) == (conference, session)


def test_a_conference_of_another_municipality_is_refused(
    municipality, other_municipality, coordinator, catalogues
):
    from conferences.models import Conference

    foreign = Conference.objects.create(
        municipality=other_municipality, kind="planning", name="Fremde Konferenz"
    )

    with pytest.raises(SheetError):
        create_sheet(
            user=coordinator,
            municipality=municipality,
            catalogue=catalogues["vorphase"],
            conference=foreign,
        )

    assert not Sheet.objects.exists()
