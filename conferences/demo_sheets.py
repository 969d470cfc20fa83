"""Demo data of the reflection sheets: a consolidated Vorphase sheet of the Landkreis Vechta
(cycle 1), answered by the coordinator and the leadership, whose answers differ in places.
The texts are invented. Idempotent: the sheet is created once."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from accounts.models import Municipality

from .models import Catalogue, Question, Sheet
from .services_sheets import (
    close_sheet,
    create_sheet,
    load_default_catalogues,
    save_agreed_answers,
    save_responses,
)

DEMO_SHEET_TITLE = "Vorphase: Schwerpunkt der Arbeit – Zyklus 1"
COORDINATION, LEADERSHIP = "demo-koordination", "demo-leitung"


def a(answer: str = "", explanation: str = "", choices=(), other: str = "") -> dict:
    return {"answer": answer, "explanation": explanation, "choices": list(choices), "other": other}


# question key: {respondent: answer, ..., "agreed": answer}
ANSWERS: dict[str, dict[str, dict]] = {
    "vp-rahmen-vision": {
        COORDINATION: a(
            "yes",
            "Das Kreisentwicklungskonzept „Vechta 2030“ nennt gute Startchancen für alle Kinder "
            "als Leitziel.",
        ),
        LEADERSHIP: a("yes", "Leitbild des Kreistags, für Familien bisher wenig konkret."),
        "agreed": a(
            "yes",
            "Das Kreisentwicklungskonzept „Vechta 2030“ nennt gute Startchancen für alle Kinder "
            "als Leitziel. Für Familien ist es bisher wenig konkret; KECK soll es mit Daten "
            "untersetzen.",
        ),
    },
    "vp-rahmen-leitlinien": {
        COORDINATION: a("no", "Es gibt Fachpläne, aber keine gemeinsamen Leitlinien."),
        LEADERSHIP: a("no"),
        "agreed": a(
            "no",
            "Es gibt Fachpläne (Kita-Bedarfsplanung, Jugendhilfeplanung), aber keine gemeinsamen "
            "Leitlinien für das Aufwachsen im Landkreis.",
        ),
    },
    "vp-rahmen-ziel": {
        COORDINATION: a(
            "yes", "Mehr Bildungsgerechtigkeit in den Gemeinden mit hohem Anteil junger Familien."
        ),
        LEADERSHIP: a(
            "no",
            "Ein übergeordnetes Ziel ist noch nicht beschlossen; das soll die erste "
            "Sozialplanungskonferenz vorbereiten.",
        ),
        "agreed": a(
            "no",
            "Noch nicht beschlossen. Arbeitsziel bis zum Beschluss: mehr Bildungsgerechtigkeit "
            "in den Gemeinden mit hohem Anteil junger Familien. Die erste "
            "Sozialplanungskonferenz bereitet einen Vorschlag vor.",
        ),
    },
    "vp-rahmen-auftrag": {
        COORDINATION: a("no", "Bisher nur ein Prüfauftrag der Verwaltung."),
        LEADERSHIP: a(
            "yes",
            "Der Jugendhilfeausschuss hat im März die Einführung eines Sozialraum-Atlas "
            "beschlossen.",
        ),
        "agreed": a(
            "yes",
            "Beschluss des Jugendhilfeausschusses vom März: Einführung eines Sozialraum-Atlas "
            "und jährlicher Bericht an den Ausschuss. Ein Auftrag für ämterübergreifende "
            "Steuerung fehlt noch.",
        ),
    },
    "vp-thema-schwerpunkt": {
        COORDINATION: a(
            "yes",
            "Übergänge Kita – Grundschule.",
            ["Kindertagesbetreuung", "Übergang Schule – Beruf"],
        ),
        LEADERSHIP: a("yes", "", ["Kindertagesbetreuung", "Gesundheit"]),
        "agreed": a(
            "yes",
            "Erster Schwerpunkt: Kindertagesbetreuung und der Übergang in die Grundschule. "
            "Gesundheit (Schuleingangsuntersuchung) wird als Datenquelle mitgenutzt.",
            ["Kindertagesbetreuung"],
        ),
    },
    "vp-thema-aktuell": {
        COORDINATION: a(
            "", "Ausbau der Krippenplätze und Sprachförderung.", ["Kindertagesbetreuung"]
        ),
        LEADERSHIP: a(
            "",
            "Fachkräftemangel in den Kitas ist Dauerthema im Kreistag.",
            ["Kindertagesbetreuung", "Demografischer Wandel"],
        ),
        "agreed": a(
            "",
            "Krippenausbau, Sprachförderung und der Fachkräftemangel in den Kitas.",
            ["Kindertagesbetreuung", "Demografischer Wandel"],
        ),
    },
    "vp-thema-frage": {
        COORDINATION: a(
            "yes",
            "Warum unterscheiden sich die Ergebnisse der Schuleingangsuntersuchung zwischen den "
            "Gemeinden so stark?",
        ),
        LEADERSHIP: a("not_discussed"),
        "agreed": a(
            "yes",
            "Warum unterscheiden sich Sprachstand und Förderbedarf bei der "
            "Schuleingangsuntersuchung zwischen den Gemeinden so stark, und was hilft vor der "
            "Einschulung?",
        ),
    },
    "vp-zweck-vorhaben": {
        COORDINATION: a("yes", "", ["Integrierte Sozialplanung", "Fachplanung einzelner Ämter"]),
        LEADERSHIP: a("yes", "", ["Berichterstattung", "Integrierte Sozialplanung"]),
        "agreed": a(
            "yes",
            "",
            ["Berichterstattung", "Fachplanung einzelner Ämter", "Integrierte Sozialplanung"],
        ),
    },
    "vp-zweck-produkte": {
        COORDINATION: a("yes", "", ["Interne Berichte", "Planungsgrundlage"]),
        LEADERSHIP: a(
            "no",
            "Über einen öffentlichen Bericht ist noch nicht entschieden.",
            ["Interne Berichte"],
        ),
        "agreed": a(
            "yes",
            "Zunächst interne Berichte und eine Planungsgrundlage für die Kita-Bedarfsplanung; "
            "über einen öffentlichen Sozialbericht entscheidet der Ausschuss später.",
            ["Interne Berichte", "Planungsgrundlage"],
        ),
    },
    "vp-zweck-ausrichtung": {
        COORDINATION: a("yes", "", ["Stärkung der fachübergreifenden Zusammenarbeit"]),
        LEADERSHIP: a("yes", "", ["Begründung von Entscheidungen gegenüber der Politik"]),
        "agreed": a(
            "yes",
            "Beides gleich wichtig.",
            [
                "Begründung von Entscheidungen gegenüber der Politik",
                "Stärkung der fachübergreifenden Zusammenarbeit",
            ],
        ),
    },
    "vp-absicht-ziel": {
        COORDINATION: a("yes", "", ["Transparenz schaffen", "Planen"]),
        LEADERSHIP: a("yes", "", ["Transparenz schaffen", "Politische Entscheidungen vorbereiten"]),
        "agreed": a(
            "yes", "", ["Transparenz schaffen", "Planen", "Politische Entscheidungen vorbereiten"]
        ),
    },
    "vp-absicht-adressaten": {
        COORDINATION: a(
            "yes", "", ["Mitarbeitende der Verwaltung", "Akteure im Sozialraum"], "Kita-Träger"
        ),
        LEADERSHIP: a("yes", "", ["Mitarbeitende der Verwaltung", "Politik"]),
        "agreed": a(
            "yes",
            "Die Gemeinden als Kita-Träger früh einbinden.",
            ["Mitarbeitende der Verwaltung", "Politik", "Akteure im Sozialraum"],
            "Kita-Träger",
        ),
    },
    "vp-absicht-form": {
        COORDINATION: a("no", "Bisher nur Tabellen; Karten fehlen."),
        LEADERSHIP: a("no"),
        "agreed": a(
            "no",
            "Bisher gibt es nur lange Tabellen. Für den Ausschuss werden kurze Steckbriefe je "
            "Gemeinde mit Karte gewünscht.",
        ),
    },
    "vp-verortung-steuerung": {
        COORDINATION: a("yes", "Lenkungsgruppe aus Dezernentin, Jugendamt und Sozialplanung."),
        LEADERSHIP: a("yes", "Die Dezernentin für Jugend und Soziales."),
        "agreed": a(
            "yes",
            "Eine Lenkungsgruppe unter Leitung der Dezernentin für Jugend und Soziales, mit "
            "Jugendamtsleitung und Sozialplanung.",
        ),
    },
    "vp-verortung-federfuehrung": {
        COORDINATION: a("yes", "", ["Sozialplanung"]),
        LEADERSHIP: a("yes", "", ["Jugendamt"]),
        "agreed": a(
            "yes",
            "Die Sozialplanung koordiniert, fachlich angebunden an das Jugendamt.",
            ["Sozialplanung", "Jugendamt"],
        ),
    },
    "vp-verortung-person": {
        COORDINATION: a("no", "Koordination mit einer halben Stelle, das reicht nicht."),
        LEADERSHIP: a("yes", "Kai Koordination ist benannt."),
        "agreed": a(
            "no",
            "Eine Person ist benannt, hat dafür aber nur eine halbe Stelle. Die Lenkungsgruppe "
            "prüft eine Aufstockung.",
        ),
    },
    "vp-steuerung-verstaendnis": {
        COORDINATION: a("yes", "", ["Jedes Amt steuert für sich"]),
        LEADERSHIP: a("yes", "", ["Ämterübergreifend für die ganze Kommune"]),
        "agreed": a(
            "yes",
            "Heute steuert jedes Amt für sich; Ziel ist eine ämterübergreifende Steuerung für den "
            "ganzen Landkreis.",
            ["Jedes Amt steuert für sich"],
        ),
    },
    "vp-steuerung-kreislauf": {
        COORDINATION: a("yes"),
        LEADERSHIP: a("not_discussed"),
        "agreed": a("not_discussed"),
    },
    "vp-steuerung-spk": {
        COORDINATION: a("yes", "Jugendamt, Gesundheitsamt, Schulamt, Sozialamt, Statistik."),
        LEADERSHIP: a("yes", "Ja, zunächst für ein Jahr."),
        "agreed": a(
            "yes",
            "Ja, zunächst für ein Jahr: Jugendamt, Gesundheitsamt, Schulamt, Sozialamt, "
            "Statistikstelle und zwei Vertretungen der Gemeinden.",
        ),
    },
    "vp-steuerung-srk": {
        COORDINATION: a("yes", "Zuerst in der Stadt Vechta, dann in Lohne."),
        LEADERSHIP: a("no", "Erst wenn die Daten stehen."),
        "agreed": a(
            "yes",
            "Eine erste Sozialraumkonferenz in der Stadt Vechta, sobald die Daten der ersten "
            "Sozialplanungskonferenz vorliegen.",
        ),
    },
    "vp-steuerung-schluesselpersonen": {
        COORDINATION: a("yes", "Die Leitungen der Familienzentren."),
        LEADERSHIP: a("yes", "Der Kreiselternrat."),
        "agreed": a("yes", "Die Leitungen der Familienzentren und der Kreiselternrat."),
    },
    "vp-beteiligung-kreis": {
        COORDINATION: a("yes", "", ["Mehrere Ämter oder Dezernate"]),
        LEADERSHIP: a("yes", "", ["Mehrere Ämter oder Dezernate", "Politische Gremien"]),
        "agreed": a("yes", "", ["Mehrere Ämter oder Dezernate", "Politische Gremien"]),
    },
    "vp-beteiligung-zeitpunkt": {
        COORDINATION: a("no"),
        LEADERSHIP: a("not_discussed"),
        "agreed": a("not_discussed"),
    },
    "vp-beteiligung-gremien": {
        COORDINATION: a(
            "yes", "AG nach § 78 SGB VIII Kindertagesbetreuung; Präventionsnetzwerk Lohne."
        ),
        LEADERSHIP: a("yes"),
        "agreed": a(
            "yes",
            "Die Arbeitsgemeinschaft nach § 78 SGB VIII Kindertagesbetreuung und das "
            "Präventionsnetzwerk in Lohne.",
        ),
    },
}


def _fields(question: Question, answer: dict) -> dict:
    fields = {}
    if question.has_yes_no:
        fields["answer"] = answer["answer"]
    if question.has_explanation:
        fields["explanation"] = answer["explanation"]
    if question.options:
        fields["choices"] = answer["choices"]
    if question.allow_other:
        fields["other_text"] = answer["other"]
    return fields


def load_demo_sheets(municipality: Municipality) -> Sheet:
    catalogues = load_default_catalogues()
    existing = Sheet.objects.filter(
        municipality=municipality, catalogue__lineage="keck-vorphase", cycle_number=1
    ).first()
    if existing is not None:
        return existing
    users = get_user_model().objects.in_bulk([COORDINATION, LEADERSHIP], field_name="username")
    catalogue: Catalogue = catalogues["vorphase"]
    questions = {q.key: q for q in Question.objects.filter(section__catalogue=catalogue)}
    sheet = create_sheet(
        user=users[COORDINATION],
        municipality=municipality,
        catalogue=catalogue,
        title=DEMO_SHEET_TITLE,
        cycle_number=1,
        cycle_label="2025",
    )
    for username in (COORDINATION, LEADERSHIP):
        save_responses(
            user=users[username],
            sheet=sheet,
            answers={
                questions[key].pk: _fields(questions[key], answers[username])
                for key, answers in ANSWERS.items()
            },
        )
    save_agreed_answers(
        user=users[COORDINATION],
        sheet=sheet,
        answers={
            questions[key].pk: _fields(questions[key], answers["agreed"])
            for key, answers in ANSWERS.items()
        },
    )
    return close_sheet(user=users[COORDINATION], sheet=sheet)
