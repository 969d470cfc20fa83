"""The sticking points guide in the Vechta demo: an open sheet of the catalogue "Knackpunkte der
integrierten Planung" (cycle 2) that the coordinator and the leadership have begun to answer,
with a few agreed answers. The texts are invented. Idempotent: the sheet is created once.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from accounts.models import Municipality
from conferences.models import Question, Sheet
from conferences.services_sheets import (
    create_sheet,
    load_default_catalogues,
    save_agreed_answers,
    save_responses,
)

LINEAGE = "keck-knackpunkte"
SHEET_TITLE = "Knackpunkte der integrierten Planung – Zyklus 2"
COORDINATION, LEADERSHIP = "demo-koordination", "demo-leitung"

# question key: {respondent or "agreed": answer fields}
ANSWERS: dict[str, dict[str, dict]] = {
    "kp-daten-zusagen": {
        COORDINATION: {
            "answer": "no",
            "explanation": "Jobcenter und Gesundheitsamt liefern, das Schulamt hat für die "
            "Schuleingangsuntersuchung noch nichts zugesagt.",
        },
        LEADERSHIP: {
            "answer": "no",
            "explanation": "Eine Vereinbarung mit dem Schulamt bereiten wir bis zum Sommer vor.",
        },
        "agreed": {
            "answer": "no",
            "explanation": "Jobcenter und Gesundheitsamt liefern verlässlich. Mit dem Schulamt "
            "schließt die Verwaltungsspitze bis zum Sommer eine Vereinbarung über die Daten der "
            "Schuleingangsuntersuchung.",
        },
    },
    "kp-daten-schutz": {
        COORDINATION: {
            "answer": "yes",
            "explanation": "Im Fachdienst Jugend haben wir die Unterdrückung kleiner Zahlen "
            "(„k. A.“) am Beispiel § 35a gezeigt; das hat Bedenken ausgeräumt.",
        },
    },
    "kp-ziele-konkret": {
        COORDINATION: {
            "answer": "no",
            "explanation": "„Gute Startchancen für alle Kinder“ ist für die Gemeinden noch zu "
            "allgemein.",
        },
        LEADERSHIP: {
            "answer": "not_discussed",
        },
        "agreed": {
            "answer": "no",
            "explanation": "Das Leitziel wird in der nächsten Sozialplanungskonferenz für "
            "Vechta und Dinklage in zwei messbare Ziele zur Kinderarmut übersetzt.",
        },
    },
    "kp-begriffe-geklaert": {
        COORDINATION: {
            "answer": "no",
            "choices": ["Sozialraum", "Zielgruppe"],
            "explanation": "Unter „Bedarf“ versteht die Jugendhilfe etwas anderes als die "
            "Kita-Planung; das klären wir im Protokoll.",
        },
    },
    "kp-ressourcen-stunden": {
        COORDINATION: {
            "answer": "yes",
            "explanation": "Zehn Wochenstunden sind vereinbart, reichen vor Konferenzen aber "
            "nicht aus.",
        },
        LEADERSHIP: {"answer": "yes"},
        "agreed": {
            "answer": "yes",
            "explanation": "Zehn Wochenstunden sind vereinbart; vor Konferenzen übernimmt die "
            "Sozialplanung zusätzlich die Datenaufbereitung.",
        },
    },
    "kp-kenntnisse-bedarf": {
        COORDINATION: {
            "choices": ["Deutung von Kennzahlen", "Arbeit mit Karten"],
            "explanation": "Eine Einführung in den Atlas für die Mitglieder der "
            "Sozialraumkonferenz im Herbst.",
        },
    },
}


def load_demo_knackpunkte(municipality: Municipality) -> Sheet:
    """The open Knackpunkte sheet of cycle 2 with its answers (created once)."""
    catalogue = load_default_catalogues()["sticking_points"]
    existing = Sheet.objects.filter(
        municipality=municipality, catalogue__lineage=LINEAGE, title=SHEET_TITLE
    ).first()
    if existing is not None:
        return existing
    users = get_user_model().objects.in_bulk([COORDINATION, LEADERSHIP], field_name="username")
    questions = {q.key: q.pk for q in Question.objects.filter(section__catalogue=catalogue)}
    sheet = create_sheet(
        user=users[COORDINATION],
        municipality=municipality,
        catalogue=catalogue,
        title=SHEET_TITLE,
        cycle_number=2,
        cycle_label="2026",
    )
    for who in (COORDINATION, LEADERSHIP, "agreed"):
        answers = {
            questions[key]: by_whom[who] for key, by_whom in ANSWERS.items() if who in by_whom
        }
        if who == "agreed":
            save_agreed_answers(user=users[COORDINATION], sheet=sheet, answers=answers)
        else:
            save_responses(user=users[who], sheet=sheet, answers=answers)
    return sheet
