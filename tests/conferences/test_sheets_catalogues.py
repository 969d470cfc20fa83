"""Question catalogues: the five shipped defaults, copying, editing with copy-on-write versions
(old sheets keep their questions and answers), and who may do what."""

import copy

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.models import Role
from conferences.catalogues_default import CATALOGUES, VORPHASE
from conferences.models import Catalogue, ConferenceStep, Question, Section
from conferences.selectors_sheets import sheet_content
from conferences.services_sheets import (
    SheetError,
    add_question,
    add_section,
    copy_catalogue,
    delete_question,
    load_default_catalogues,
    move_question,
    move_section,
    save_response,
    update_question,
)

from .sheets_fixtures import (  # noqa: F401 - fixtures, used by name
    catalogues_fixture,
    coordinator_fixture,
    leader_fixture,
    member_fixture,
    outsider_fixture,
    question,
    sheet_fixture,
)

pytestmark = pytest.mark.django_db


def test_fresh_migrate_has_the_five_default_catalogues_with_their_sections():
    """No loader call here: the data migration created them."""
    defaults = Catalogue.objects.filter(municipality__isnull=True, is_current=True)

    counts = {c.kind: c.sections.count() for c in defaults}

    assert counts == {
        "vorphase": 7,
        "conference_steps": 10,
        "state_of_work": 7,
        "process_evaluation": 5,
        "sticking_points": 8,
    }


def test_vorphase_sections_follow_the_focus_of_the_work():
    catalogue = Catalogue.objects.get(lineage="keck-vorphase", is_current=True)

    titles = list(catalogue.sections.order_by("order").values_list("title", flat=True))

    assert titles == [
        "Kommunale Rahmenbedingungen",
        "Bestimmung des Themas",
        "Nutzungszweck",
        "Nutzungsabsicht",
        "Prozessverortung",
        "Steuerungsverständnis",
        "Beteiligungsverständnis",
    ]
    for section in catalogue.sections.all():
        assert section.questions.count() >= 3


def test_vorphase_topic_question_offers_the_topics_as_checklist_with_other():
    topic = Question.objects.get(
        key="vp-thema-schwerpunkt", section__catalogue__lineage="keck-vorphase"
    )

    assert "Kindertagesbetreuung" in topic.options
    assert "Übergang Schule – Beruf" in topic.options
    assert topic.allow_other and topic.has_yes_no and topic.has_explanation


def test_conference_steps_catalogue_has_one_section_per_step_in_order():
    catalogue = Catalogue.objects.get(lineage="keck-konferenzschritte", is_current=True)

    steps = list(catalogue.sections.order_by("order").values_list("step", flat=True))

    assert steps == ConferenceStep.values


def test_process_evaluation_asks_where_it_shows_for_every_question():
    questions = Question.objects.filter(section__catalogue__lineage="keck-prozessbewertung")

    assert questions.count() >= 5
    assert {q.explanation_label for q in questions} == {"Woran macht sich das bemerkbar?"}
    assert all(q.has_yes_no for q in questions)


def test_question_keys_are_unique_across_the_default_catalogues():
    keys = [
        q["key"]
        for data in CATALOGUES
        for section in data["sections"]
        for q in section["questions"]
    ]

    assert len(keys) == len(set(keys))


def test_loading_the_defaults_again_adds_nothing(catalogues):
    before = (Catalogue.objects.count(), Section.objects.count(), Question.objects.count())

    load_default_catalogues()

    assert (Catalogue.objects.count(), Section.objects.count(), Question.objects.count()) == before


def test_changed_default_in_use_becomes_a_new_version_and_the_sheet_keeps_the_old(sheet):
    changed = copy.deepcopy(VORPHASE)
    changed["sections"][0]["questions"][0]["text"] = "Gibt es ein Leitbild (neu formuliert)?"

    result = load_default_catalogues(catalogues=[changed])["vorphase"]

    assert result.version == 2 and result.based_on_id == sheet.catalogue_id
    sheet.catalogue.refresh_from_db()
    assert not sheet.catalogue.is_current
    assert question(sheet, "vp-rahmen-vision").text.startswith("Gibt es für unsere Kommune")


def test_changed_default_without_sheets_is_replaced_in_place(catalogues):
    changed = copy.deepcopy(VORPHASE)
    changed["title"] = "Vorphase (neu)"

    result = load_default_catalogues(catalogues=[changed])["vorphase"]

    assert result.pk == catalogues["vorphase"].pk
    assert result.title == "Vorphase (neu)" and result.version == 1


def test_copy_of_a_default_belongs_to_the_municipality_and_keeps_the_question_keys(
    municipality, coordinator, catalogues
):
    original = catalogues["vorphase"]

    copied = copy_catalogue(user=coordinator, municipality=municipality, catalogue=original)

    assert copied.municipality == municipality and copied.version == 1
    assert copied.based_on == original and copied.lineage != original.lineage
    keys = set(Question.objects.filter(section__catalogue=copied).values_list("key", flat=True))
    original_keys = Question.objects.filter(section__catalogue=original)
    assert keys == set(original_keys.values_list("key", flat=True))


def test_member_may_not_copy_a_catalogue(municipality, member, catalogues):
    with pytest.raises(PermissionDenied):
        copy_catalogue(user=member, municipality=municipality, catalogue=catalogues["vorphase"])

    assert not Catalogue.objects.filter(municipality=municipality).exists()


def test_municipal_admin_may_copy_and_edit(municipality, member_of, catalogues):
    admin = member_of(municipality, Role.MUNICIPAL_ADMIN)

    copied = copy_catalogue(user=admin, municipality=municipality, catalogue=catalogues["vorphase"])
    first = Question.objects.filter(section__catalogue=copied).order_by("section__order", "order")[
        0
    ]
    update_question(user=admin, question=first, text="Haben wir ein Leitbild?")

    assert Question.objects.get(pk=first.pk).text == "Haben wir ein Leitbild?"


def test_default_catalogue_cannot_be_edited(coordinator, catalogues):
    first = Question.objects.filter(section__catalogue=catalogues["vorphase"]).first()

    with translation.override("en"), pytest.raises(SheetError) as error:
        update_question(user=coordinator, question=first, text="Anders")

    assert "Copy it into your municipality first" in str(error.value)
    assert Question.objects.get(pk=first.pk).text != "Anders"


@pytest.fixture
def own(municipality, coordinator, catalogues):
    return copy_catalogue(
        user=coordinator, municipality=municipality, catalogue=catalogues["vorphase"]
    )


def test_editing_a_catalogue_no_sheet_uses_changes_it_in_place(coordinator, own):
    first = Question.objects.filter(section__catalogue=own).order_by("section__order", "order")[0]

    result = update_question(user=coordinator, question=first, text="Neu formuliert?")

    assert result.pk == first.pk and result.section.catalogue == own
    assert Catalogue.objects.filter(lineage=own.lineage).count() == 1


def test_editing_after_answering_creates_a_new_version_and_old_answers_keep_their_question(
    municipality, coordinator, member, own
):
    from conferences.services_sheets import create_sheet

    old_sheet = create_sheet(user=coordinator, municipality=municipality, catalogue=own)
    old_question = question(old_sheet, "vp-rahmen-vision")
    save_response(
        user=member, sheet=old_sheet, question=old_question, answer="yes", explanation="Leitbild"
    )

    new_question = update_question(
        user=coordinator, question=old_question, text="Haben wir ein Leitbild 2030?"
    )

    new_catalogue = new_question.section.catalogue
    assert new_catalogue.version == 2 and new_catalogue.lineage == own.lineage
    assert new_catalogue.is_current and not Catalogue.objects.get(pk=own.pk).is_current
    assert new_question.key == old_question.key and new_question.pk != old_question.pk
    old_sheet.refresh_from_db()
    assert old_sheet.catalogue_id == own.pk
    content = sheet_content(user=member, sheet=old_sheet, individual=False)
    row = content.rows[0]
    assert row.question.text.startswith("Gibt es für unsere Kommune eine Vision")
    assert (row.mine.answer, row.mine.explanation) == ("yes", "Leitbild")


def test_deleting_a_question_in_use_keeps_it_in_the_old_version(
    municipality, coordinator, member, own
):
    from conferences.services_sheets import create_sheet

    old_sheet = create_sheet(user=coordinator, municipality=municipality, catalogue=own)
    target = question(old_sheet, "vp-thema-frage")
    save_response(user=member, sheet=old_sheet, question=target, answer="no")

    new_catalogue = delete_question(user=coordinator, question=target)

    assert not Question.objects.filter(section__catalogue=new_catalogue, key=target.key).exists()
    assert Question.objects.filter(pk=target.pk).exists()
    assert old_sheet.responses.get().question_id == target.pk


def test_old_version_cannot_be_edited(municipality, coordinator, own):
    from conferences.services_sheets import create_sheet

    create_sheet(user=coordinator, municipality=municipality, catalogue=own)
    first = Question.objects.filter(section__catalogue=own).order_by("section__order", "order")[0]
    update_question(user=coordinator, question=first, text="Version 2")

    with translation.override("en"), pytest.raises(SheetError) as error:
        update_question(user=coordinator, question=first, text="Noch einmal")

    assert "old version" in str(error.value)


def test_questions_can_be_added_reordered_and_sections_moved(coordinator, own):
    section = own.sections.get(key="vp-thema")

    added = add_question(
        user=coordinator,
        section=section,
        text="Welche Daten brauchen wir dafür?",
        has_yes_no=False,
        options=["Statistik", "Befragung", "Statistik", " "],
        allow_other=True,
    )
    move_question(user=coordinator, question=added, direction="up")
    move_section(user=coordinator, section=section, direction="up")

    texts = list(section.questions.order_by("order").values_list("text", flat=True))
    assert texts[-2] == "Welche Daten brauchen wir dafür?"
    assert Question.objects.get(pk=added.pk).options == ["Statistik", "Befragung"]
    assert list(own.sections.order_by("order").values_list("key", flat=True))[:2] == [
        "vp-thema",
        "vp-rahmen",
    ]


def test_question_without_any_way_to_answer_is_refused_and_nothing_changes(coordinator, own):
    section = own.sections.get(key="vp-thema")
    before = section.questions.count()

    with translation.override("en"), pytest.raises(SheetError) as error:
        add_question(
            user=coordinator,
            section=section,
            text="Nur eine Frage?",
            has_yes_no=False,
            has_explanation=False,
        )

    assert "at least one way to answer" in str(error.value)
    assert section.questions.count() == before


def test_new_section_goes_to_the_end(coordinator, own):
    section = add_section(user=coordinator, catalogue=own, title="Eigene Fragen", intro="Lokal")

    assert section.order == 8 and len(section.key) == 32
    assert own.sections.order_by("order").last() == section


def test_member_may_not_edit_the_municipal_catalogue(member, own):
    first = Question.objects.filter(section__catalogue=own).first()

    with pytest.raises(PermissionDenied):
        update_question(user=member, question=first, text="Anders")


def test_catalogue_of_another_municipality_cannot_be_copied(
    municipality, coordinator, own, other_municipality, outsider
):
    with translation.override("en"), pytest.raises(SheetError) as error:
        copy_catalogue(user=outsider, municipality=other_municipality, catalogue=own)

    assert "another municipality" in str(error.value)


def test_load_catalogues_command_reports_the_five_defaults(catalogues):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_catalogues", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 5
    assert "vorphase: Vorphase: Schwerpunkt der Arbeit (v1, 7 sections)" in lines


def test_an_unused_own_catalogue_can_be_deleted_with_all_versions(coordinator, own):
    from conferences.services_sheets import delete_catalogue

    section = add_section(user=coordinator, catalogue=own, title="Eigene Fragen")
    delete_catalogue(user=coordinator, catalogue=section.catalogue)

    assert not Catalogue.objects.filter(lineage=own.lineage).exists()


def test_a_catalogue_that_sheets_use_cannot_be_deleted(municipality, coordinator, own):
    from conferences.services_sheets import create_sheet, delete_catalogue

    create_sheet(user=coordinator, municipality=municipality, catalogue=own)
    newer = add_section(user=coordinator, catalogue=own, title="Neu").catalogue

    with translation.override("en"), pytest.raises(SheetError) as error:
        delete_catalogue(user=coordinator, catalogue=newer)

    assert "cannot be deleted" in str(error.value)
    assert Catalogue.objects.filter(lineage=own.lineage).count() == 2
