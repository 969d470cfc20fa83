"""Comparing the agreed answers of one catalogue kind across cycles: matched by question key
across versions and copies, changed Ja/Nein answers marked, growth of explanations shown."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conferences.models import Question
from conferences.selectors_sheets import compare_sheets, mark_new_text
from conferences.services_sheets import (
    copy_catalogue,
    create_sheet,
    save_agreed,
    update_question,
)

from .sheets_fixtures import vechta_sheet_fixture  # noqa: F401 - fixture, used by name

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_cycle(vechta_sheet):
    """Cycle 2 of Vechta on its own copy of the catalogue, one question reworded since."""
    coordinator = get_user_model().objects.get(username="demo-koordination")
    municipality = vechta_sheet.municipality
    own = copy_catalogue(
        user=coordinator, municipality=municipality, catalogue=vechta_sheet.catalogue
    )
    vision = Question.objects.get(section__catalogue=own, key="vp-rahmen-vision")
    vision = update_question(user=coordinator, question=vision, text="Gibt es ein Leitbild?")
    sheet = create_sheet(
        user=coordinator,
        municipality=municipality,
        catalogue=vision.section.catalogue,
        cycle_number=2,
    )
    goal = Question.objects.get(section__catalogue=sheet.catalogue, key="vp-rahmen-ziel")
    save_agreed(
        user=coordinator,
        sheet=sheet,
        question=goal,
        answer="yes",
        explanation=(
            "Noch nicht beschlossen. Arbeitsziel bis zum Beschluss: mehr Bildungsgerechtigkeit "
            "in den Gemeinden mit hohem Anteil junger Familien. Die erste "
            "Sozialplanungskonferenz bereitet einen Vorschlag vor. Der Kreistag hat das Ziel "
            "im Juni beschlossen."
        ),
    )
    save_agreed(
        user=coordinator,
        sheet=sheet,
        question=Question.objects.get(section__catalogue=sheet.catalogue, key="vp-rahmen-vision"),
        answer="yes",
    )
    return sheet


def _row(comparison, key):
    return next(row for group in comparison.groups for row in group.rows if row.key == key)


def test_changed_yes_no_answer_is_marked_against_the_previous_cycle(second_cycle):
    user = get_user_model().objects.get(username="demo-leitung")

    comparison = compare_sheets(user=user, municipality=second_cycle.municipality, kind="vorphase")

    goal = _row(comparison, "vp-rahmen-ziel")
    first, second = goal.cells
    assert [s.cycle_number for s in comparison.sheets] == [1, 2]
    assert (first.answer, second.answer) == ("no", "yes")
    assert second.changed and not first.changed and second.previous_answer == "no"
    vision = _row(comparison, "vp-rahmen-vision")
    assert not any(cell.changed for cell in vision.cells)
    assert comparison.change_count == 1


def test_explanation_growth_and_new_text_are_shown(second_cycle):
    user = get_user_model().objects.get(username="demo-leitung")

    comparison = compare_sheets(user=user, municipality=second_cycle.municipality, kind="vorphase")

    second = _row(comparison, "vp-rahmen-ziel").cells[1]
    assert second.growth == len(" Der Kreistag hat das Ziel im Juni beschlossen.")
    assert str(second.explanation_html).endswith(
        "<mark>Der Kreistag hat das Ziel im Juni beschlossen.</mark>"
    )
    assert str(second.explanation_html).startswith("Noch nicht beschlossen.")


def test_questions_match_across_catalogue_versions_by_key(second_cycle):
    user = get_user_model().objects.get(username="demo-leitung")

    comparison = compare_sheets(user=user, municipality=second_cycle.municipality, kind="vorphase")

    vision = _row(comparison, "vp-rahmen-vision")
    assert vision.text == "Gibt es ein Leitbild?"  # the newest sheet's wording
    assert [cell.answer for cell in vision.cells] == ["yes", "yes"]
    assert len([r for g in comparison.groups for r in g.rows]) == 24


def test_compare_page_highlights_the_change(client, second_cycle):
    client.force_login(get_user_model().objects.get(username="demo-mitglied"))

    html = client.get(reverse("conferences:sheet_compare") + "?kind=vorphase").content.decode()

    assert 'class="cell changed"' in html
    assert "geändert (vorher: Nein)" in html
    assert "1 Frage mit geänderter Antwort Ja / Nein" in html
    assert "<mark>Der Kreistag hat das Ziel im Juni beschlossen.</mark>" in html


def test_compare_api_returns_the_rows(client, second_cycle):
    client.force_login(get_user_model().objects.get(username="demo-mitglied"))

    body = client.get(
        reverse("api-sheet-compare", kwargs={"slug": "vechta"}), {"kind": "vorphase"}
    ).json()

    goal = next(row for row in body["rows"] if row["key"] == "vp-rahmen-ziel")
    assert [cell["answer"] for cell in goal["cells"]] == ["no", "yes"]
    assert goal["cells"][1]["changed"] is True and goal["cells"][1]["growth"] > 0


def test_marked_text_is_escaped():
    html = str(mark_new_text("Alt", "Alt <script>x</script>"))

    assert "<script>" not in html and "&lt;script&gt;" in html
