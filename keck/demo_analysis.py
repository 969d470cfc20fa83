"""The analysis part of the Vechta demo: the Sozialplanungskonferenz's SWOT (backed by real
Vechta indicators, experience and institution knowledge), findings proposed from the published
2013 table with some accepted, a need and a field of action, and a confirmed prioritisation of
the 10 Gemeinden. Every write goes through services_analysis; a second run changes nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import translation

from accounts.models import Municipality
from atlas_data.models import Area, Bookmark, Indicator, SpatialLevel
from conferences import services_analysis as services
from conferences.models import (
    Conference,
    FieldOfAction,
    Finding,
    NeedForAction,
    Prioritisation,
    PrioritisationIndicator,
    SwotEntry,
)

from .demo_atlas import BOOKMARK_TITLE, RATE_35A, SHARE_NON_GERMAN, SHARE_SGB2, SHARE_U15

PLANNING_CONFERENCE = "Sozialplanungskonferenz Landkreis Vechta"
PRIORITISATION_TITLE = "Priorisierung der Gemeinden 2015"

# (quadrant, text, evidence kind, evidence: (indicator code, area key, year) / bookmark / note)
SWOT = [
    (
        SwotEntry.Quadrant.STRENGTH,
        "Viele junge Familien: In Bakum und Neuenkirchen-Vörden ist der Anteil der Kinder unter "
        "15 Jahren deutlich höher als im Landkreis.",
        SwotEntry.Evidence.DATA,
        {"indicator": SHARE_U15, "area": "03460001", "year": 2013},
    ),
    (
        SwotEntry.Quadrant.STRENGTH,
        "Die Familienzentren in Lohne und Damme arbeiten eng mit Kitas, Grundschulen und "
        "Beratungsstellen zusammen.",
        SwotEntry.Evidence.INSTITUTION,
        {"note": "Übersicht der Familienzentren des Jugendamts, Netzwerktreffen Frühe Hilfen"},
    ),
    (
        SwotEntry.Quadrant.WEAKNESS,
        "In der Stadt Vechta leben anteilig die meisten Kinder in SGB-II-Bedarfsgemeinschaften.",
        SwotEntry.Evidence.DATA,
        {"indicator": SHARE_SGB2, "area": "03460009", "year": 2015},
    ),
    (
        SwotEntry.Quadrant.WEAKNESS,
        "Der Abstand zwischen den Gemeinden bei der Kinderarmut ist seit 2014 kaum kleiner "
        "geworden.",
        SwotEntry.Evidence.DATA,
        {"bookmark": BOOKMARK_TITLE},
    ),
    (
        SwotEntry.Quadrant.OPPORTUNITY,
        "Sportvereine in den kleineren Gemeinden wollen Kinder aus zugewanderten Familien "
        "gezielt ansprechen und suchen dafür Partner.",
        SwotEntry.Evidence.EXPERIENCE,
        {"note": "Gespräche mit Vereinsvorständen beim Fachtag Kinder und Sport"},
    ),
    (
        SwotEntry.Quadrant.RISK,
        "Der Anteil nichtdeutscher Kinder wächst in Lohne am stärksten; die Plätze in der "
        "Sprachförderung wachsen nicht im selben Maß.",
        SwotEntry.Evidence.DATA,
        {"indicator": SHARE_NON_GERMAN, "area": "03460006", "year": 2015},
    ),
    (
        SwotEntry.Quadrant.RISK,
        "Lange Wartelisten in den Kitas von Lohne und Dinklage: Familien mit Sprachförderbedarf "
        "finden schwer einen Platz.",
        SwotEntry.Evidence.EXPERIENCE,
        {"note": "Rückmeldungen der Kita-Leitungen und des ASD"},
    ),
]
# Accepted among the proposals from the 2013 table: (indicator code, area key).
ACCEPTED = [(SHARE_U15, "03460009"), (SHARE_U15, "03460001"), (SHARE_NON_GERMAN, "03460006")]
NEED = (
    "Sprachförderung für Kinder aus zugewanderten Familien in Lohne und Vechta ausbauen.",
    "Landesmittel für Sprachförderung in Kitas, Fachkräfte der Familienzentren, Kooperation mit "
    "den Sportvereinen; keine neuen Kita-Plätze vor 2017.",
)
FIELD = (
    "Frühe Bildung und Sprache",
    "Sprachförderung vom Krippenalter bis zur Einschulung, Eltern einbeziehen.",
)
# (indicator code, weight, direction)
PRIORITY_INPUTS = [
    (SHARE_SGB2, 2, PrioritisationIndicator.Direction.BY_POLARITY),
    (RATE_35A, 1, PrioritisationIndicator.Direction.BY_POLARITY),
    (SHARE_NON_GERMAN, 1, PrioritisationIndicator.Direction.HIGHER_NEED),
]
PRIORITY_NOTE = (
    "Beschluss der Sozialplanungskonferenz: Die Impulse zur Sprachförderung und zu den "
    "Familienzentren gehen zuerst an die Gemeinden mit dringendem Handlungsbedarf; die "
    "Gemeinden mit guten Voraussetzungen bringen ihre Erfahrungen ein."
)


def load_demo_analysis(municipality: Municipality) -> Conference:
    with translation.override("de"):
        coordinator = get_user_model().objects.get(username="demo-koordination")
        conference = _conference(municipality, coordinator)
        indicators = {
            indicator.catalogue_code: indicator
            for indicator in Indicator.objects.filter(
                municipality=municipality, catalogue_code__gt=""
            ).select_related("municipality", "topic")
        }
        areas = {area.key: area for area in Area.objects.filter(municipality=municipality)}
        level = SpatialLevel.objects.get(municipality=municipality, depth=1)
        _swot(conference, coordinator, indicators, areas)
        findings = _findings(conference, coordinator, indicators, areas, level)
        _need_and_field(conference, coordinator, findings)
        _prioritisation(conference, coordinator, indicators, level)
    return conference


def _conference(municipality, coordinator) -> Conference:
    """The meetings part of the demo creates it too; both get it by name and so converge."""
    conference, _created = Conference.objects.get_or_create(
        municipality=municipality,
        name=PLANNING_CONFERENCE,
        defaults={
            "kind": Conference.Kind.PLANNING,
            "coordinator": coordinator,
            "purpose": "Fachbereichsübergreifende Planung für gleiche Chancen der Kinder im "
            "Landkreis Vechta.",
            "rhythm": "alle 6 Wochen, 2 Stunden",
        },
    )
    return conference


def _swot(conference, user, indicators, areas) -> None:
    existing = set(
        SwotEntry.objects.filter(conference=conference, area=None).values_list("text", flat=True)
    )
    bookmarks = {b.title: b for b in Bookmark.objects.filter(municipality=conference.municipality)}
    for order, (quadrant, text, kind, evidence) in enumerate(SWOT):
        if text in existing:
            continue
        data = {
            "quadrant": quadrant,
            "text": text,
            "evidence_kind": kind,
            "evidence_note": evidence.get("note", ""),
            "order": order,
        }
        if "indicator" in evidence:
            data |= {
                "indicator": indicators[evidence["indicator"]],
                "evidence_area": areas[evidence["area"]],
                "evidence_year": evidence["year"],
            }
        if "bookmark" in evidence:
            data["bookmark"] = bookmarks[evidence["bookmark"]]
        services.create_swot_entry(user=user, conference=conference, data=data)


def _findings(conference, user, indicators, areas, level) -> list[Finding]:
    services.propose_findings(
        user=user,
        conference=conference,
        level=level,
        year=2013,
        indicators=[indicators[SHARE_U15], indicators[SHARE_NON_GERMAN]],
        kinds=[Finding.Kind.DEVIATION],
    )
    accepted = []
    for code, key in ACCEPTED:
        finding = Finding.objects.select_related("conference__municipality").get(
            conference=conference,
            indicator=indicators[code],
            area=areas[key],
            year=2013,
            kind=Finding.Kind.DEVIATION,
        )
        if finding.state == Finding.State.PROPOSED:
            services.accept_finding(user=user, finding=finding)
        accepted.append(finding)
    return accepted


def _need_and_field(conference, user, findings) -> None:
    need = NeedForAction.objects.filter(conference=conference, text=NEED[0]).first()
    if need is None:
        need = services.create_need(
            user=user,
            conference=conference,
            data={
                "text": NEED[0],
                "priority": 1,
                "room_for_manoeuvre": NEED[1],
                "findings": [f for f in findings if f.area.key == "03460006"],
            },
        )
    if not FieldOfAction.objects.filter(conference=conference, title=FIELD[0]).exists():
        services.create_field_of_action(
            user=user,
            conference=conference,
            data={"title": FIELD[0], "description": FIELD[1], "priority": 1, "needs": [need]},
        )


def _prioritisation(conference, user, indicators, level) -> None:
    if Prioritisation.objects.filter(conference=conference, title=PRIORITISATION_TITLE).exists():
        return
    prioritisation = services.create_prioritisation(
        user=user,
        conference=conference,
        title=PRIORITISATION_TITLE,
        level=level,
        year=2015,
        method=Prioritisation.Method.ZSCORES,
        inputs=[
            services.InputSpec(indicators[code], weight, direction)
            for code, weight, direction in PRIORITY_INPUTS
        ],
    )
    urgent, good = services.suggested_lists(prioritisation.snapshot)
    areas = Area.objects.in_bulk(urgent + good)
    services.confirm_prioritisation(
        user=user,
        prioritisation=prioritisation,
        urgent=[areas[pk] for pk in urgent],
        good=[areas[pk] for pk in good],
        note=PRIORITY_NOTE,
    )
