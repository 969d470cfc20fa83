"""The five question catalogues KECK ships (domain.md §5, and the sticking points guide of the
KECK network), written in the product's own words.

Plain data: `services_sheets.load_default_catalogues` turns it into catalogue versions. The
question keys are stable: they tie answers of different cycles and of municipal copies together,
so never reuse a key for a question with another meaning. A changed text here becomes a new
version of the default catalogue when sheets already use the old one.
"""

from __future__ import annotations

WHERE_NOTICEABLE = "Woran macht sich das bemerkbar?"
OTHER = True


def q(
    key: str,
    text: str,
    help: str = "",  # noqa: A002 - the field's name
    *,
    yes_no: bool = True,
    explanation: bool = True,
    label: str = "",
    options: tuple[str, ...] = (),
    other: bool = False,
) -> dict:
    return {
        "key": key,
        "text": text,
        "help": help,
        "has_yes_no": yes_no,
        "has_explanation": explanation,
        "explanation_label": label,
        "options": list(options),
        "allow_other": other,
    }


def s(key: str, title: str, intro: str, questions: list[dict], *, step: str = "") -> dict:
    return {"key": key, "title": title, "intro": intro, "step": step, "questions": questions}


TOPICS = (
    "Kindertagesbetreuung",
    "Jugendarbeit",
    "Hilfen zur Erziehung",
    "Gesundheit",
    "Übergang Schule – Beruf",
    "Arbeit und Beschäftigung",
    "Demografischer Wandel",
    "Stadtentwicklung",
    "Flächennutzung",
)

VORPHASE = {
    "lineage": "keck-vorphase",
    "kind": "vorphase",
    "title": "Vorphase: Schwerpunkt der Arbeit",
    "description": (
        "Für Verwaltungsspitze, Koordination und Schlüsselpersonen vor dem ersten Durchlauf: "
        "Welcher Rahmen gilt, worum soll es gehen, wer steuert und wer wird beteiligt? "
        "Die Erläuterungen sind der wertvollste Teil – sie wachsen von Zyklus zu Zyklus."
    ),
    "sections": [
        s(
            "vp-rahmen",
            "Kommunale Rahmenbedingungen",
            "Welche Leitplanken setzt die Kommune, innerhalb derer KECK wirken soll?",
            [
                q(
                    "vp-rahmen-vision",
                    "Gibt es für unsere Kommune eine Vision oder ein Leitbild, an dem sich die "
                    "Arbeit mit KECK ausrichten kann?",
                    "Zum Beispiel ein Stadtentwicklungskonzept, ein Familienleitbild oder ein "
                    "Zukunftsprogramm des Rates.",
                ),
                q(
                    "vp-rahmen-leitlinien",
                    "Sind Leitlinien oder Grundsätze beschlossen, die für das Aufwachsen von "
                    "Kindern bei uns gelten sollen?",
                ),
                q(
                    "vp-rahmen-ziel",
                    "Gibt es ein übergeordnetes strategisches Ziel, zu dem KECK beitragen soll?",
                    "Wenn ja: Wie lautet es, und wer hat es formuliert?",
                ),
                q(
                    "vp-rahmen-auftrag",
                    "Liegt ein politischer Auftrag vor, etwa der Beschluss eines Ausschusses "
                    "oder des Rates?",
                    "Wenn ja: Wann wurde er gefasst, und was genau verlangt er?",
                ),
            ],
        ),
        s(
            "vp-thema",
            "Bestimmung des Themas",
            "Worauf richtet sich der Blick zuerst? Ein klar umrissenes Thema macht den "
            "ersten Durchlauf überschaubar.",
            [
                q(
                    "vp-thema-schwerpunkt",
                    "Ist festgelegt, auf welchen Ausschnitt der Lebenswelt von Kindern sich die "
                    "Arbeit zunächst konzentriert?",
                    "Kreuzen Sie das Thema oder die Themen an, um die es gehen soll.",
                    options=TOPICS,
                    other=OTHER,
                ),
                q(
                    "vp-thema-aktuell",
                    "Welche Themen stehen derzeit politisch besonders im Blick?",
                    yes_no=False,
                    options=TOPICS,
                    other=OTHER,
                ),
                q(
                    "vp-thema-frage",
                    "Lässt sich die Frage oder das Problem, um das es gehen soll, klar und knapp "
                    "beschreiben?",
                    "Versuchen Sie eine Formulierung in ein bis zwei Sätzen.",
                ),
            ],
        ),
        s(
            "vp-zweck",
            "Nutzungszweck",
            "Wofür sollen der Atlas und die Konferenzen gebraucht werden, und was soll am "
            "Ende vorliegen?",
            [
                q(
                    "vp-zweck-vorhaben",
                    "Ist geklärt, welche Vorhaben KECK unterstützen soll?",
                    options=(
                        "Sich selbst einen Überblick verschaffen",
                        "Berichterstattung",
                        "Fachplanung einzelner Ämter",
                        "Integrierte Sozialplanung",
                        "Stadt- und Quartiersentwicklung",
                        "Umsetzung eines Förderprogramms",
                    ),
                    other=OTHER,
                ),
                q(
                    "vp-zweck-produkte",
                    "Ist klar, welche Ergebnisse am Ende vorliegen sollen?",
                    options=(
                        "Interne Berichte",
                        "Öffentlicher Sozialbericht",
                        "Ämterübergreifende Datenquelle",
                        "Planungsgrundlage",
                        "Konzept für ein Projekt",
                        "Auswertung eines Projekts",
                    ),
                    other=OTHER,
                ),
                q(
                    "vp-zweck-ausrichtung",
                    "Ist vereinbart, wozu die Ergebnisse vorrangig dienen sollen?",
                    options=(
                        "Arbeit innerhalb der Verwaltung",
                        "Begründung von Entscheidungen gegenüber der Politik",
                        "Stärkung der fachübergreifenden Zusammenarbeit",
                    ),
                    other=OTHER,
                ),
            ],
        ),
        s(
            "vp-absicht",
            "Nutzungsabsicht",
            "Was soll mit den Informationen erreicht werden, und wen sollen sie erreichen?",
            [
                q(
                    "vp-absicht-ziel",
                    "Ist benannt, was mit KECK vor allem erreicht werden soll?",
                    options=(
                        "Transparenz schaffen",
                        "Planen",
                        "Politische Entscheidungen vorbereiten",
                        "Qualifizieren",
                        "Neues anstoßen",
                    ),
                    other=OTHER,
                ),
                q(
                    "vp-absicht-adressaten",
                    "Ist festgelegt, für wen die Informationen in erster Linie gedacht sind?",
                    options=(
                        "Mitarbeitende der Verwaltung",
                        "Politik",
                        "Akteure im Sozialraum",
                        "Bürgerinnen und Bürger",
                    ),
                    other=OTHER,
                ),
                q(
                    "vp-absicht-form",
                    "Wissen wir, in welcher Form diese Adressaten Informationen am besten "
                    "aufnehmen?",
                    "Zum Beispiel Kurzberichte, Karten, Vorträge in Gremien oder "
                    "Gespräche vor Ort.",
                ),
            ],
        ),
        s(
            "vp-verortung",
            "Prozessverortung",
            "Wo ist der Prozess in der Verwaltung zu Hause, und wer hält die Fäden in der Hand?",
            [
                q(
                    "vp-verortung-steuerung",
                    "Ist entschieden, wer den Prozess steuert?",
                    "Wer entscheidet über Richtung, Tempo und eingesetzte Mittel?",
                ),
                q(
                    "vp-verortung-federfuehrung",
                    "Ist geklärt, welche Stelle hauptverantwortlich ist und koordiniert?",
                    options=(
                        "Sozialplanung",
                        "Jugendamt",
                        "Sozialamt",
                        "Schulamt",
                        "Gesundheitsamt",
                        "Stadtentwicklung",
                        "Statistik / Controlling",
                    ),
                    other=OTHER,
                ),
                q(
                    "vp-verortung-person",
                    "Gibt es eine benannte Person für die Koordination, und hat sie dafür "
                    "ausreichend Zeit?",
                ),
            ],
        ),
        s(
            "vp-steuerung",
            "Steuerungsverständnis",
            "Wie wird in der Verwaltung gesteuert, und welche Gremien braucht der Prozess?",
            [
                q(
                    "vp-steuerung-verstaendnis",
                    "Ist klar, welches Verständnis von Steuerung bei uns vorherrscht?",
                    options=(
                        "Jedes Amt steuert für sich",
                        "Ämterübergreifend für die ganze Kommune",
                        "Ämterübergreifend nach Stadtteilen oder Sozialräumen",
                    ),
                    other=OTHER,
                ),
                q(
                    "vp-steuerung-kreislauf",
                    "Wird der KECK-Regelkreislauf als gemeinsamer Rahmen der Steuerung angenommen?",
                    "Wo gibt es Zustimmung, wo Vorbehalte?",
                ),
                q(
                    "vp-steuerung-spk",
                    "Soll eine ämterübergreifende Arbeitsgruppe (Sozialplanungskonferenz) "
                    "eingerichtet werden?",
                    "Wenn ja: Wer gehört dazu?",
                ),
                q(
                    "vp-steuerung-srk",
                    "Sollen Fachleute aus der Praxis außerhalb der Verwaltung in einer "
                    "Sozialraumkonferenz mitarbeiten?",
                    "Zum Beispiel Schulen, Kitas, Träger, der Allgemeine Soziale Dienst, "
                    "Jugendarbeit oder Ehrenamtliche.",
                ),
                q(
                    "vp-steuerung-schluesselpersonen",
                    "Gibt es weitere Schlüsselpersonen, die früh eingebunden werden sollten?",
                ),
            ],
        ),
        s(
            "vp-beteiligung",
            "Beteiligungsverständnis",
            "Wer spricht wann über die KECK-Informationen, und worauf lässt sich aufbauen?",
            [
                q(
                    "vp-beteiligung-kreis",
                    "Ist geklärt, in welchem Kreis die KECK-Informationen besprochen werden?",
                    options=(
                        "Eine Organisationseinheit",
                        "Mehrere Organisationseinheiten",
                        "Mehrere Ämter oder Dezernate",
                        "Politische Gremien",
                        "Öffentlichkeit",
                    ),
                    other=OTHER,
                ),
                q(
                    "vp-beteiligung-zeitpunkt",
                    "Ist vereinbart, zu welchem Zeitpunkt welcher Kreis hinzukommt?",
                ),
                q(
                    "vp-beteiligung-gremien",
                    "Gibt es bestehende Gremien oder Netzwerke, auf denen wir aufbauen können?",
                    "Zum Beispiel Arbeitsgemeinschaften nach § 78 SGB VIII, Stadtteilrunden "
                    "oder Präventionsnetzwerke.",
                ),
            ],
        ),
    ],
}

CONFERENCE_STEPS = {
    "lineage": "keck-konferenzschritte",
    "kind": "conference_steps",
    "title": "Arbeitsfragen zu den Schritten der Konferenzen",
    "description": (
        "Kurze Arbeitsfragen zu den je fünf Schritten der Sozialplanungskonferenz und der "
        "Sozialraumkonferenz. Sie helfen, in der Sitzung nichts Wesentliches zu übergehen."
    ),
    "sections": [
        s(
            "ks-spk-1",
            "Sozialplanungskonferenz 1: Transparenz herstellen",
            "Den Datenatlas kennenlernen und eine Bestandsaufnahme der Daten machen.",
            [
                q(
                    "ks-spk-1-atlas",
                    "Ist der Datenatlas allen Mitgliedern der Konferenz vorgestellt worden?",
                ),
                q(
                    "ks-spk-1-bestand",
                    "Haben wir einen Überblick, welche Daten es gibt und wer sie hält?",
                ),
                q(
                    "ks-spk-1-luecken",
                    "Ist klar, welche Daten noch fehlen und wer sie beschaffen kann?",
                ),
                q(
                    "ks-spk-1-aufbereitung",
                    "Sind die Daten für die ganze Kommune, ihre Sozialräume und Einrichtungen "
                    "verständlich aufbereitet?",
                ),
            ],
            step="planning_1",
        ),
        s(
            "ks-spk-2",
            "Sozialplanungskonferenz 2: Daten kommunal analysieren",
            "Auffälligkeiten finden, Stärken und Schwächen benennen, Sozialräume priorisieren.",
            [
                q(
                    "ks-spk-2-befunde",
                    "Was sagen die Daten über die Lebenslagen der Kinder in unserer Kommune?",
                    yes_no=False,
                ),
                q(
                    "ks-spk-2-swot",
                    "Sind Stärken, Schwächen, Chancen und Risiken herausgearbeitet?",
                ),
                q(
                    "ks-spk-2-erfahrung",
                    "Sind die Erfahrungen der verschiedenen Fachbereiche in die Analyse "
                    "eingeflossen?",
                ),
                q(
                    "ks-spk-2-prioritaet",
                    "Welche Sozialräume brauchen am dringendsten Unterstützung, und wo gibt es "
                    "gute Voraussetzungen, an die wir anknüpfen können?",
                    yes_no=False,
                ),
            ],
            step="planning_2",
        ),
        s(
            "ks-spk-3",
            "Sozialplanungskonferenz 3: Bedarfe benennen und Ziele definieren",
            "Aus der Analyse Handlungsbedarfe und überprüfbare Wirkungsziele machen.",
            [
                q("ks-spk-3-bedarfe", "Sind die Handlungsbedarfe klar formuliert?"),
                q(
                    "ks-spk-3-spielraum",
                    "Ist der Handlungsspielraum berücksichtigt?",
                    "Zuständigkeiten, verfügbare Mittel, rechtlicher Rahmen.",
                ),
                q(
                    "ks-spk-3-smart",
                    "Sind die Wirkungsziele spezifisch, messbar, akzeptiert, realistisch und "
                    "terminiert formuliert?",
                ),
                q(
                    "ks-spk-3-messung",
                    "Woran erkennen wir, dass ein Ziel erreicht ist?",
                    "Kennzahl, Ausgangswert, Zielwert.",
                    yes_no=False,
                ),
                q(
                    "ks-spk-3-hypothesen",
                    "Haben wir festgehalten, was wirken könnte und warum?",
                ),
            ],
            step="planning_3",
        ),
        s(
            "ks-spk-4",
            "Sozialplanungskonferenz 4: Maßnahmen und Aktivitäten erarbeiten",
            "Vorhaben strategisch verankern und Impulse an die Sozialraumkonferenzen geben.",
            [
                q(
                    "ks-spk-4-verankerung",
                    "Ist geplant, wie die Vorhaben strategisch verankert werden?",
                    "Zum Beispiel durch einen Beschluss, im Haushalt oder in einer Fachplanung.",
                ),
                q(
                    "ks-spk-4-verantwortung",
                    "Sind die Verantwortlichkeiten verbindlich festgelegt?",
                ),
                q(
                    "ks-spk-4-ressourcen",
                    "Sind die nötigen Ressourcen geklärt?",
                    options=("Zeit", "Personal", "Geld"),
                    other=OTHER,
                ),
                q(
                    "ks-spk-4-impulse",
                    "Welche Impulse geben wir an die Sozialraumkonferenzen der priorisierten "
                    "Gebiete weiter?",
                    yes_no=False,
                ),
            ],
            step="planning_4",
        ),
        s(
            "ks-spk-5",
            "Sozialplanungskonferenz 5: Fortschritt und Ergebnisse messen",
            "Wirkungen prüfen, Schlüsse ziehen und die Gremien informieren.",
            [
                q(
                    "ks-spk-5-bewertung",
                    "Sind die angestoßenen Aktivitäten und ihre Ergebnisse bewertet?",
                ),
                q(
                    "ks-spk-5-kriterien",
                    "Passen die Messkriterien noch?",
                    "Wenn nein: Wie sollen sie angepasst werden?",
                ),
                q(
                    "ks-spk-5-rueckmeldung",
                    "Sind die Rückmeldungen der Sozialraumkonferenzen ausgewertet?",
                ),
                q(
                    "ks-spk-5-schluesse",
                    "Welche strategischen Schlüsse ziehen wir?",
                    yes_no=False,
                ),
                q(
                    "ks-spk-5-bericht",
                    "Ist entschieden, ob ein Zwischenbericht erstellt und die Gremien informiert "
                    "werden?",
                ),
            ],
            step="planning_5",
        ),
        s(
            "ks-srk-1",
            "Sozialraumkonferenz 1: Transparenz herstellen",
            "Die Daten des Gebiets mit dem Wissen der Menschen und Einrichtungen vor Ort "
            "zusammenbringen.",
            [
                q(
                    "ks-srk-1-verknuepfung",
                    "Sind die Daten des Sozialraums mit dem Erfahrungswissen der Akteure vor Ort "
                    "zusammengebracht?",
                ),
                q(
                    "ks-srk-1-lebenswelt",
                    "Wissen wir, was sich die Menschen im Sozialraum wünschen und wie sie leben?",
                    "Zum Beispiel aus Stadtteilbegehungen, Befragungen oder Gesprächen.",
                ),
                q(
                    "ks-srk-1-angebote",
                    "Haben wir einen Überblick, welche Angebote und Kooperationen es im Gebiet "
                    "gibt?",
                ),
            ],
            step="area_1",
        ),
        s(
            "ks-srk-2",
            "Sozialraumkonferenz 2: Daten sozialräumlich analysieren",
            "Besonderheiten des Gebiets erkennen, Lücken und Doppelungen finden.",
            [
                q(
                    "ks-srk-2-ueberraschung",
                    "Was hat uns an den Daten überrascht?",
                    yes_no=False,
                ),
                q(
                    "ks-srk-2-swot",
                    "Sind Stärken, Schwächen, Chancen und Risiken des Sozialraums benannt?",
                ),
                q(
                    "ks-srk-2-doppelungen",
                    "Gibt es Überschneidungen oder Doppelungen von Angeboten?",
                ),
                q(
                    "ks-srk-2-gruppen",
                    "Gibt es Gruppen, die bisher zu wenig in den Blick genommen werden?",
                ),
                q(
                    "ks-srk-2-fehlend",
                    "Fehlen uns noch Informationen, um die Lage einzuschätzen?",
                ),
                q(
                    "ks-srk-2-netzwerke",
                    "Auf welche Netzwerke können wir aufbauen?",
                    yes_no=False,
                ),
            ],
            step="area_2",
        ),
        s(
            "ks-srk-3",
            "Sozialraumkonferenz 3: Handlungsfelder definieren und Wirkungsziele ableiten",
            "Die Handlungsfelder der Kommune für das Gebiet konkretisieren.",
            [
                q(
                    "ks-srk-3-handlungsfelder",
                    "Sind die Handlungsfelder der kommunalen Ebene für unser Gebiet konkretisiert "
                    "und priorisiert?",
                ),
                q(
                    "ks-srk-3-ziele",
                    "Sind Wirkungsziele für den Sozialraum abgeleitet und überprüfbar formuliert?",
                ),
                q(
                    "ks-srk-3-zielgruppe",
                    "Wer genau ist die Zielgruppe?",
                    yes_no=False,
                ),
                q(
                    "ks-srk-3-zugang",
                    "Wissen wir, wie wir die Zielgruppe erreichen?",
                ),
            ],
            step="area_3",
        ),
        s(
            "ks-srk-4",
            "Sozialraumkonferenz 4: Maßnahmen und Aktivitäten umsetzen",
            "Wer macht was mit wem bis wann?",
            [
                q(
                    "ks-srk-4-plan",
                    "Gibt es einen Maßnahmenplan, aus dem hervorgeht, wer was mit wem bis wann "
                    "erledigt?",
                ),
                q(
                    "ks-srk-4-verantwortung",
                    "Sind die Verantwortlichkeiten geklärt?",
                ),
                q(
                    "ks-srk-4-ressourcen",
                    "Sind die benötigten Ressourcen vorhanden?",
                    options=("Zeit", "Personal", "Geld", "Räume"),
                    other=OTHER,
                ),
                q(
                    "ks-srk-4-beitrag",
                    "Was kann der Sozialraum selbst beitragen?",
                    yes_no=False,
                ),
                q(
                    "ks-srk-4-untergruppen",
                    "Planen Untergruppen Einzelheiten, und ist vereinbart, wann sie berichten?",
                ),
            ],
            step="area_4",
        ),
        s(
            "ks-srk-5",
            "Sozialraumkonferenz 5: Wirkungen reflektieren",
            "Was hat gewirkt, was nicht, und was geben wir an die Sozialplanungskonferenz "
            "zurück? Ein guter Zeitpunkt ist die Veröffentlichung neuer Daten im Atlas.",
            [
                q(
                    "ks-srk-5-gewirkt",
                    "Welche Maßnahmen haben gewirkt, und warum?",
                    yes_no=False,
                ),
                q(
                    "ks-srk-5-nicht-gewirkt",
                    "Gibt es Maßnahmen, die nicht gewirkt haben oder sich als ungeeignet "
                    "erwiesen haben?",
                ),
                q(
                    "ks-srk-5-nachbessern",
                    "Wissen wir, wo wir nachbessern müssen?",
                ),
                q(
                    "ks-srk-5-empfehlung",
                    "Ist eine Empfehlung an die Sozialplanungskonferenz formuliert?",
                    options=(
                        "Ergänzungen der Datenanalyse",
                        "Handlungsfelder erweitern",
                        "Handlungsfelder eingrenzen",
                        "Weitere Akteure einbeziehen",
                        "Strategien anpassen",
                    ),
                    other=OTHER,
                ),
                q(
                    "ks-srk-5-uebertragbar",
                    "Gibt es Erfahrungen, die auch für andere Sozialräume wichtig sind?",
                ),
            ],
            step="area_5",
        ),
    ],
}

STATE_OF_WORK = {
    "lineage": "keck-arbeitsstand",
    "kind": "state_of_work",
    "title": "Stand der Arbeit",
    "description": (
        "Für Koordination und Konferenz während und nach einem Durchlauf: Was trägt den "
        "Prozess, wo hakt es?"
    ),
    "sections": [
        s(
            "sw-klarheit",
            "Klarheit über den Atlas und seine Nutzung",
            "Wissen alle, wozu der Atlas da ist und wer mit ihm arbeitet?",
            [
                q(
                    "sw-klarheit-akteure",
                    "Sind die wichtigen Akteure auf strategischer und fachlicher Ebene "
                    "identifiziert und eingebunden?",
                ),
                q(
                    "sw-klarheit-nutzen",
                    "Ist klar, wer von der Arbeit mit dem Atlas profitiert?",
                ),
                q(
                    "sw-klarheit-haltung",
                    "Wissen wir, wer überzeugt ist und wer den Prozess bremsen könnte?",
                    "Wie gehen wir mit Bedenken und Widerständen um?",
                ),
                q(
                    "sw-klarheit-moeglichkeiten",
                    "Sind die Möglichkeiten des Atlas allen Beteiligten bekannt?",
                ),
                q(
                    "sw-klarheit-information",
                    "Sind alle Beteiligten informiert?",
                    "In welcher Form geschieht das?",
                    options=(
                        "Sitzungen",
                        "Rundschreiben oder E-Mail",
                        "Schulungen",
                        "Intranet",
                        "Persönliche Gespräche",
                    ),
                    other=OTHER,
                ),
            ],
        ),
        s(
            "sw-orientierung",
            "Orientierung und Rückhalt",
            "Geben Ziele und Vorgesetzte den Beteiligten Halt?",
            [
                q(
                    "sw-orientierung-ziele",
                    "Besteht Sicherheit über die Ziele der Kommune?",
                ),
                q(
                    "sw-orientierung-veraenderung",
                    "Ist klar benannt, was sich verändern soll?",
                ),
                q(
                    "sw-orientierung-bedenken",
                    "Gibt es Bedenken, die noch nicht besprochen wurden?",
                ),
                q(
                    "sw-orientierung-rueckhalt",
                    "Fühlen sich die Beteiligten von ihren Vorgesetzten unterstützt?",
                    "Zeit, Auftrag, Rückendeckung.",
                ),
                q(
                    "sw-orientierung-herunterbrechen",
                    "Lassen sich die Ziele auf die Arbeit der Einzelnen herunterbrechen?",
                ),
                q(
                    "sw-orientierung-identifikation",
                    "Identifizieren sich die Beteiligten mit der Aufgabe?",
                ),
            ],
        ),
        s(
            "sw-ressourcen",
            "Ausreichende Ressourcen",
            "Reichen Zeit, Personal und Strukturen für die Arbeit?",
            [
                q(
                    "sw-ressourcen-zeit",
                    "Stehen genug Zeit und Personal zur Verfügung?",
                ),
                q(
                    "sw-ressourcen-rollen",
                    "Sind Abläufe, Zuständigkeiten und Rollen klar?",
                ),
                q(
                    "sw-ressourcen-dauer",
                    "Sind die geschaffenen Strukturen auf Dauer tragfähig?",
                ),
                q(
                    "sw-ressourcen-aufgabe",
                    "Was sehen die Beteiligten als ihre Aufgabe?",
                    yes_no=False,
                    options=(
                        "Daten erheben",
                        "Informieren",
                        "Analysieren",
                        "Koordinieren",
                        "Neues entwickeln",
                        "Entscheiden",
                        "Kritisch begleiten",
                    ),
                    other=OTHER,
                ),
            ],
        ),
        s(
            "sw-informationen",
            "Umgang mit Informationen",
            "Was geschieht mit den Erkenntnissen, und wer darf was?",
            [
                q(
                    "sw-informationen-auftrag",
                    "Gibt es Zeit und einen Auftrag, die Informationen auszuwerten?",
                ),
                q(
                    "sw-informationen-zugang",
                    "Ist geregelt, wer welche Daten sehen darf?",
                ),
                q(
                    "sw-informationen-veroeffentlichung",
                    "Ist geklärt, wer über eine Veröffentlichung entscheidet?",
                ),
                q(
                    "sw-informationen-schritte",
                    "Sind die nächsten Schritte vereinbart?",
                    options=(
                        "Weitere Analyse",
                        "Bericht an die Gremien",
                        "Weitergabe an Fachbereiche oder Träger",
                    ),
                    other=OTHER,
                ),
                q(
                    "sw-informationen-wer",
                    "Ist festgehalten, wer was bis wann erledigt?",
                ),
            ],
        ),
        s(
            "sw-vernetzung",
            "Vernetztes, ämterübergreifendes Arbeiten",
            "Gelingt die Zusammenarbeit über die Grenzen von Ämtern und Einrichtungen hinweg?",
            [
                q(
                    "sw-vernetzung-verstaendnis",
                    "Gibt es ein gemeinsames Verständnis davon, was integriertes Arbeiten heißt?",
                ),
                q(
                    "sw-vernetzung-beispiele",
                    "Gibt es Beispiele, in denen die Zusammenarbeit über Ämtergrenzen hinweg "
                    "schon gelingt?",
                ),
                q(
                    "sw-vernetzung-bedingungen",
                    "Kennen wir die Bedingungen, unter denen sie gelingt?",
                ),
            ],
        ),
        s(
            "sw-anerkennung",
            "Anerkennung der Leistungen",
            "Wird sichtbar und gewürdigt, was die Beteiligten leisten?",
            [
                q(
                    "sw-anerkennung-rueckmeldung",
                    "Erhalten die Beteiligten positive Rückmeldungen zu ihrer Arbeit?",
                ),
                q(
                    "sw-anerkennung-wertschaetzung",
                    "Wo fühlen sich Beteiligte wertgeschätzt, wo nicht?",
                    yes_no=False,
                ),
            ],
        ),
        s(
            "sw-ergebnisse",
            "Transparenz über Ergebnisse und Erfolge",
            "Was hat sich bewegt, und wie erfahren andere davon?",
            [
                q(
                    "sw-ergebnisse-positiv",
                    "Sind positive Entwicklungen sichtbar geworden?",
                ),
                q(
                    "sw-ergebnisse-unbeabsichtigt",
                    "Gab es Wirkungen, die niemand beabsichtigt hatte?",
                ),
                q(
                    "sw-ergebnisse-stocken",
                    "Gibt es Stellen, an denen der Prozess ins Stocken gerät?",
                ),
                q(
                    "sw-ergebnisse-ziele",
                    "Werden die ursprünglichen Ziele noch verfolgt?",
                ),
                q(
                    "sw-ergebnisse-verhaeltnis",
                    "Stehen Ziele und Ergebnisse in einem nachvollziehbaren Verhältnis?",
                ),
                q(
                    "sw-ergebnisse-bekanntmachen",
                    "Ist geklärt, wie die Ergebnisse bekannt gemacht werden?",
                    options=(
                        "Zwischenbericht",
                        "Berichte in Gremien",
                        "Pressearbeit",
                        "Veröffentlichung im Atlas",
                    ),
                    other=OTHER,
                ),
            ],
        ),
    ],
}

PROCESS_EVALUATION = {
    "lineage": "keck-prozessbewertung",
    "kind": "process_evaluation",
    "title": "Nachphase: Bewertung des Prozesses",
    "description": (
        "Für Verwaltungsspitze und Koordination nach einem Durchlauf: Was hat sich bei den "
        "Beteiligten verändert? Beschreiben Sie zu jeder Antwort, woran Sie das festmachen."
    ),
    "sections": [
        s(
            "pb-daten",
            "Datensensibilität",
            "Aufmerksamkeit für Daten und Interesse an ihnen.",
            [
                q(
                    "pb-daten-interesse",
                    "Zeigen die Beteiligten mehr Aufmerksamkeit für Daten und mehr Interesse an "
                    "ihnen als zu Beginn?",
                    label=WHERE_NOTICEABLE,
                ),
                q(
                    "pb-daten-ausserhalb",
                    "Fragen auch Menschen außerhalb der KECK-Gremien nach den Daten?",
                    label=WHERE_NOTICEABLE,
                ),
            ],
        ),
        s(
            "pb-raum",
            "Raumsensibilität",
            "Interesse an den Bedingungen in den einzelnen Gebieten.",
            [
                q(
                    "pb-raum-interesse",
                    "Interessieren sich die Beteiligten stärker für die Bedingungen in den "
                    "einzelnen Sozialräumen?",
                    label=WHERE_NOTICEABLE,
                ),
                q(
                    "pb-raum-projekte",
                    "Wird der Sozialraum inzwischen auch in anderen Projekten und Planungen "
                    "berücksichtigt?",
                    label=WHERE_NOTICEABLE,
                ),
            ],
        ),
        s(
            "pb-gerechtigkeit",
            "Gerechtigkeitssensibilität",
            "Blick für ungleiche Lebensbedingungen von Kindern.",
            [
                q(
                    "pb-gerechtigkeit-wahrnehmung",
                    "Nehmen die Beteiligten ungleiche Lebensbedingungen von Kindern deutlicher "
                    "wahr?",
                    label=WHERE_NOTICEABLE,
                ),
                q(
                    "pb-gerechtigkeit-abbau",
                    "Wächst das Interesse daran, diese Ungleichheit zu verringern?",
                    label=WHERE_NOTICEABLE,
                ),
            ],
        ),
        s(
            "pb-vernetzung",
            "Vernetzungssensibilität",
            "Bewusstsein für die Grenzen der eigenen Einrichtung.",
            [
                q(
                    "pb-vernetzung-grenzen",
                    "Sehen die Beteiligten deutlicher, wo die Möglichkeiten der eigenen "
                    "Einrichtung enden?",
                    label=WHERE_NOTICEABLE,
                ),
                q(
                    "pb-vernetzung-kooperation",
                    "Wird die Zusammenarbeit über Einrichtungen hinweg häufiger als notwendig "
                    "erkannt und gesucht?",
                    label=WHERE_NOTICEABLE,
                ),
            ],
        ),
        s(
            "pb-kontext",
            "Kontextsensibilität",
            "Probleme im Zusammenhang der Lebensbedingungen sehen.",
            [
                q(
                    "pb-kontext-individualisierung",
                    "Werden die Probleme von Hilfesuchenden seltener vorschnell als persönliches "
                    "Versagen gedeutet und stärker im Zusammenhang ihrer Lebensbedingungen "
                    "gesehen?",
                    label=WHERE_NOTICEABLE,
                ),
            ],
        ),
    ],
}

# The steering question behind every sticking point: is it an obstacle here, and what do we do.
WHAT_NEXT = "Woran zeigt sich das bei uns, und was nehmen wir uns vor?"

STICKING_POINTS = {
    "lineage": "keck-knackpunkte",
    "kind": "sticking_points",
    "title": "Knackpunkte der integrierten Planung",
    "description": (
        "Für die Koordination: acht typische Hürden, an denen integrierte Planung ins Stocken "
        "gerät. Die Steuerungsfragen helfen zu erkennen, ob eine Hürde bei uns auftritt, und "
        "festzuhalten, was wir dagegen tun. Gut geeignet für die Vorbereitung einer Konferenz "
        "und für den Rückblick nach einem Durchlauf."
    ),
    "sections": [
        s(
            "kp-daten",
            "Fachbereiche halten Daten zurück",
            "Daten kommen spät, unvollständig oder gar nicht – aus Sorge vor Bewertung, aus "
            "Unsicherheit beim Datenschutz oder weil die Aufbereitung Arbeit macht.",
            [
                q(
                    "kp-daten-zusagen",
                    "Haben alle Datenhalter verbindlich zugesagt, welche Daten sie zu welchem "
                    "Stichtag liefern?",
                    "Zum Beispiel in einer Vereinbarung oder durch eine Weisung der "
                    "Verwaltungsspitze.",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-daten-vorbehalte",
                    "Kennen wir die Gründe, aus denen ein Fachbereich Daten zurückhält?",
                    "Etwa die Sorge, im Vergleich schlecht dazustehen, oder fehlende Zeit.",
                    label="Welche Gründe sind es, und wie gehen wir darauf ein?",
                ),
                q(
                    "kp-daten-schutz",
                    "Wissen die Datenhalter, dass der Atlas nur zusammengefasste Zahlen zeigt "
                    "und kleine Fallzahlen als „k. A.“ verbirgt?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-daten-nutzen",
                    "Erfahren die Datenhalter, wofür ihre Daten genutzt werden und was sie "
                    "selbst davon haben?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-daten-weg",
                    "Gibt es einen vereinbarten Weg, wenn zugesagte Daten ausbleiben?",
                    "Wer spricht wen an, und wann wird die Verwaltungsspitze eingeschaltet?",
                    label=WHAT_NEXT,
                ),
            ],
        ),
        s(
            "kp-ziele",
            "Politische Ziele sind nicht heruntergebrochen",
            "Rat und Verwaltungsspitze haben Ziele beschlossen, doch sie sind zu allgemein, um "
            "daraus Ziele für einzelne Sozialräume oder Maßnahmen abzuleiten.",
            [
                q(
                    "kp-ziele-bekannt",
                    "Kennen alle Beteiligten die politisch beschlossenen Ziele, auf die unsere "
                    "Arbeit einzahlen soll?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-ziele-konkret",
                    "Lassen sich aus diesen Zielen überprüfbare Ziele für die Sozialräume "
                    "ableiten – spezifisch, messbar und mit Termin?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-ziele-zustaendig",
                    "Ist geklärt, wer die Ziele für die Fachbereiche und Gebiete herunterbricht?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-ziele-kennzahlen",
                    "Gibt es zu jedem Ziel eine Kennzahl im Atlas, an der sich der Fortschritt "
                    "zeigen kann?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-ziele-rueckmeldung",
                    "Erhält die Politik regelmäßig eine Rückmeldung, wie weit die Ziele erreicht "
                    "sind?",
                    label=WHAT_NEXT,
                ),
            ],
        ),
        s(
            "kp-begriffe",
            "Gleiche Wörter, verschiedene Bedeutungen",
            "Jugendhilfe, Schule, Gesundheit und Stadtplanung verstehen unter „Sozialraum“, "
            "„Bedarf“ oder „Prävention“ oft Verschiedenes; solche Missverständnisse bleiben "
            "lange unbemerkt.",
            [
                q(
                    "kp-begriffe-geklaert",
                    "Haben wir die zentralen Begriffe unserer Arbeit gemeinsam geklärt?",
                    "Kreuzen Sie an, welche Begriffe schon geklärt sind.",
                    options=(
                        "Sozialraum",
                        "Bedarf",
                        "Prävention",
                        "Wirkung",
                        "Zielgruppe",
                        "Beteiligung",
                    ),
                    other=OTHER,
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-begriffe-festgehalten",
                    "Sind die vereinbarten Bedeutungen schriftlich festgehalten und für alle "
                    "zugänglich?",
                    "Zum Beispiel als kurzes Glossar im Protokoll oder in den Erläuterungen der "
                    "Kennzahlen im Atlas.",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-begriffe-gebiete",
                    "Meinen alle dieselben Gebiete, wenn sie einen Ortsteil oder Sozialraum "
                    "nennen?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-begriffe-nachfragen",
                    "Wird in den Sitzungen nachgefragt, wenn ein Begriff unterschiedlich "
                    "gebraucht wird?",
                    label=WHAT_NEXT,
                ),
            ],
        ),
        s(
            "kp-gruppen",
            "Arbeitsgruppen bleiben passiv",
            "Gruppen treffen sich, aber es geht nicht voran: Aufgaben bleiben liegen, und "
            "dieselben wenigen tragen die Arbeit.",
            [
                q(
                    "kp-gruppen-auftrag",
                    "Hat jede Arbeitsgruppe einen klaren Auftrag mit erwartetem Ergebnis und "
                    "Termin?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-gruppen-besetzung",
                    "Sitzen in den Gruppen Personen, die für ihre Einrichtung Zusagen machen "
                    "dürfen?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-gruppen-aufgaben",
                    "Werden Aufgaben mit Verantwortlichen und Fristen festgehalten und in der "
                    "nächsten Sitzung nachgehalten?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-gruppen-beitraege",
                    "Bringen die Mitglieder eigene Beiträge ein, statt vor allem Berichte "
                    "entgegenzunehmen?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-gruppen-nutzen",
                    "Sehen die Mitglieder, was die Gruppe für ihre eigene Arbeit bringt?",
                    label=WHAT_NEXT,
                ),
            ],
        ),
        s(
            "kp-programme",
            "Programme laufen nebeneinander her",
            "Förderprogramme, Netzwerke und Modellprojekte verfolgen in denselben Gebieten "
            "ähnliche Ziele – mit eigenen Gremien, Kennzahlen und Berichten.",
            [
                q(
                    "kp-programme-ueberblick",
                    "Haben wir einen Überblick, welche Programme und Netzwerke in denselben "
                    "Gebieten oder für dieselben Zielgruppen arbeiten?",
                    "Kreuzen Sie an, was es bei uns gibt.",
                    options=(
                        "Frühe Hilfen",
                        "Präventionskette",
                        "Bildungsbüro oder Bildungsnetzwerk",
                        "Quartiersmanagement",
                        "Familienzentren",
                        "Gesundheitsförderung im Quartier",
                    ),
                    other=OTHER,
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-programme-abgestimmt",
                    "Sind Ziele und Kennzahlen dieser Programme mit unserer Arbeit abgestimmt?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-programme-gremien",
                    "Lassen sich Gremien zusammenlegen, in denen dieselben Personen über "
                    "ähnliche Fragen beraten?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-programme-daten",
                    "Nutzen die Programme den Atlas als gemeinsame Datengrundlage?",
                    label=WHAT_NEXT,
                ),
            ],
        ),
        s(
            "kp-ressourcen",
            "Zeit und Personal fehlen",
            "Koordination und Mitarbeit laufen neben dem Tagesgeschäft; wer die Stelle "
            "wechselt, nimmt Wissen mit.",
            [
                q(
                    "kp-ressourcen-stunden",
                    "Ist für die Koordination ein fester Stundenanteil vereinbart, der auch "
                    "tatsächlich zur Verfügung steht?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-ressourcen-entlastung",
                    "Werden die Mitglieder der Konferenzen für ihre Mitarbeit von anderen "
                    "Aufgaben entlastet?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-ressourcen-vertretung",
                    "Gibt es eine Vertretung für die Koordination?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-ressourcen-wissen",
                    "Ist das Wissen über den Prozess so festgehalten, dass ein Wechsel im "
                    "Personal ihn nicht abbrechen lässt?",
                    "Protokolle, Reflexionsbögen und Lesezeichen im Atlas helfen dabei.",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-ressourcen-vorrang",
                    "Hat die Verwaltungsspitze festgelegt, welche Aufgaben zurückstehen dürfen, "
                    "wenn die Zeit knapp wird?",
                    label=WHAT_NEXT,
                ),
            ],
        ),
        s(
            "kp-verbindlichkeit",
            "Verbindlichkeit bleibt unklar",
            "Es wird viel vereinbart, aber offen bleibt, ob es gilt, wer es umsetzt und was "
            "geschieht, wenn nicht.",
            [
                q(
                    "kp-verbindlichkeit-beschluss",
                    "Ist die Arbeit mit KECK durch einen Beschluss von Rat oder "
                    "Verwaltungsspitze abgesichert?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-verbindlichkeit-befugnis",
                    "Wissen alle, was die Konferenzen selbst entscheiden dürfen und was sie "
                    "nur empfehlen?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-verbindlichkeit-antwort",
                    "Greifen die zuständigen Stellen die Empfehlungen der Konferenzen auf und "
                    "antworten darauf?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-verbindlichkeit-nachhalten",
                    "Wird nachgehalten, ob vereinbarte Maßnahmen umgesetzt werden, und über "
                    "Abweichungen gesprochen?",
                    label=WHAT_NEXT,
                ),
            ],
        ),
        s(
            "kp-kenntnisse",
            "Fachliche und technische Kenntnisse fehlen",
            "Für die Aufbereitung von Daten, die Arbeit mit Karten und die Deutung von "
            "Kennzahlen fehlen Kenntnisse oder Zeit zum Lernen; Zahlen werden dann falsch "
            "gelesen oder gar nicht genutzt.",
            [
                q(
                    "kp-kenntnisse-atlas",
                    "Können die Beteiligten selbst mit dem Atlas arbeiten – Karten lesen, "
                    "Gebiete vergleichen, Berichte erstellen?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-kenntnisse-deutung",
                    "Wissen alle, wie Anteile, Quoten und verborgene Werte („k. A.“) zu lesen "
                    "sind?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-kenntnisse-pflege",
                    "Gibt es jemanden, der Daten aufbereiten, einspielen und freigeben kann?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-kenntnisse-einfuehrung",
                    "Ist eine Einführung für neue Mitglieder vorgesehen?",
                    label=WHAT_NEXT,
                ),
                q(
                    "kp-kenntnisse-bedarf",
                    "Welche Kenntnisse fehlen uns derzeit am meisten?",
                    yes_no=False,
                    options=(
                        "Aufbereitung von Daten",
                        "Arbeit mit Karten",
                        "Deutung von Kennzahlen",
                        "Datenschutz",
                        "Moderation von Sitzungen",
                        "Formulierung von Zielen",
                    ),
                    other=OTHER,
                    label="Wie schließen wir die Lücke?",
                ),
            ],
        ),
    ],
}

CATALOGUES = [VORPHASE, CONFERENCE_STEPS, STATE_OF_WORK, PROCESS_EVALUATION, STICKING_POINTS]
