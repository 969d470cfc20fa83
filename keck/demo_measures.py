"""The goals and measures part of the Vechta demo: three impact goals on child poverty measured
with the demo atlas (share of children in SGB II households, released for 2014 and 2015), one of
the Sozialplanungskonferenz for the Landkreis and two of the Sozialraumkonferenzen for the towns
of Vechta and Lohne refining it; three impact hypotheses; eight measures in every state (planned,
running, done with a reflection, delayed, dropped) with sub-steps and timelines, exactly one of
them overdue.

People, institutions and texts are invented. Dates are relative to the day the demo is loaded.
Every write goes through measures.services (the baselines come from the atlas); a second run
finds everything in place by name and changes nothing.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from accounts.models import Municipality
from atlas_data.models import Area, Indicator, Poi
from conferences import services_analysis
from conferences.models import Conference, ConferenceMember, FieldOfAction
from conferences.services_meetings import add_member, create_conference
from measures import services
from measures.models import Goal, ImpactHypothesis, Measure

from .demo_atlas import SHARE_SGB2
from .demo_meetings import AREA_NAME, PLANNING_NAME, VECHTA_TOWN

LOHNE = "03460006"
LOHNE_NAME = "Sozialraumkonferenz Lohne (Oldenburg)"
# (name, function, institution, e-mail, demo user) – invented people and institutions.
LOHNE_MEMBERS = [
    (
        "Kai Koordination",
        "Koordination",
        "Landkreis Vechta, Stabsstelle Sozialplanung",
        "",
        "demo-koordination",
    ),
    (
        "Sabine Westerhoff",
        "Fachberatung Kindertagesstätten",
        "Stadt Lohne, Fachdienst Kinder und Familie",
        "sabine.westerhoff@example.org",
        None,
    ),
    (
        "Elif Demir",
        "Leitung Familienzentrum",
        "Familienzentrum Lohne",
        "elif.demir@example.org",
        None,
    ),
    (
        "Markus Tegeler",
        "Offene Jugendarbeit",
        "Jugendzentrum Lohne",
        "markus.tegeler@example.org",
        None,
    ),
]

FIELD = (
    "Kinderarmut und Teilhabe",
    "Armutsfolgen für Kinder mildern: Beratung, Leistungen für Bildung und Teilhabe, kostenfreie "
    "Angebote.",
)

# Goal keys: the municipal goal and the two area goals refining it. target: baseline + delta.
GOALS = {
    "landkreis": {
        "conference": PLANNING_NAME,
        "level": Goal.Level.MUNICIPAL,
        "area": None,  # the Landkreis
        "title": "Weniger Kinder im Landkreis wachsen in SGB-II-Bedarfsgemeinschaften auf",
        "target_group": "Kinder unter 15 Jahren und ihre Familien im Landkreis Vechta",
        "delta": -0.5,
        "acceptance": "Armut ist der stärkste Risikofaktor für die Entwicklung der Kinder. Eltern "
        "und Fachkräfte nennen fehlendes Geld für Vereine, Ausflüge und Nachhilfe als größtes "
        "Hindernis für die Teilhabe der Kinder.",
        "realism": "Jobcenter, Familienzentren und Jugendamt bündeln ihre Beratung; die "
        "Leistungen für Bildung und Teilhabe nutzt bisher nur etwa die Hälfte der Berechtigten. "
        "Dazu kommt eine halbe Stelle Koordination aus Landesmitteln.",
    },
    "vechta": {
        "conference": AREA_NAME,
        "level": Goal.Level.AREA,
        "area": VECHTA_TOWN,
        "title": "Stadt Vechta: Anteil der Kinder in SGB-II-Bedarfsgemeinschaften senken",
        "target_group": "Kinder unter 15 Jahren in der Stadt Vechta, besonders in den "
        "Mietwohnungsgebieten am Stadtrand",
        "delta": -1.0,
        "acceptance": "Die Sozialraumkonferenz hat Armut als wichtigstes Thema der Kinder im "
        "Stadtgebiet benannt; Kitas und Schulen erleben die Folgen täglich.",
        "realism": "Familienzentrum, ASD und Quartiersmanagement arbeiten bereits zusammen; "
        "die Sozialberatung im Familienzentrum ist finanziert.",
    },
    "lohne": {
        "conference": LOHNE_NAME,
        "level": Goal.Level.AREA,
        "area": LOHNE,
        "title": "Lohne: den Anstieg der Kinderarmut stoppen und umkehren",
        "target_group": "Kinder unter 15 Jahren in Lohne und ihre Eltern, besonders "
        "zugewanderte Familien",
        "delta": -0.3,
        "acceptance": "Der Anteil der Kinder in SGB-II-Bedarfsgemeinschaften steigt in Lohne "
        "seit 2013; die Kitas berichten von mehr Familien in schwierigen Lagen.",
        "realism": "Die Landesmittel für Sprachförderung und die mobile Beratung reichen für "
        "eine Trendwende, nicht für einen schnellen Rückgang.",
    },
}

# (if, then, because, evidence, source, goal keys, measure titles)
HYPOTHESES = [
    (
        "Familienzentren bieten Sozialberatung direkt in den Kitas und Familienzentren an",
        "mehr Familien nutzen die Leistungen für Bildung und Teilhabe und die Hilfen des "
        "Jobcenters",
        "Eltern kommen täglich in die Kita; der Weg zum Amt ist für viele eine hohe Schwelle.",
        ImpactHypothesis.Evidence.LOCAL,
        "Erfahrungen des Familienzentrums Vechta-Mitte",
        ["vechta"],
        [
            "Sozialberatung im Familienzentrum Vechta-Mitte",
            "Elterncafé „Gut informiert“ in der Kita Sonnenblume",
        ],
    ),
    (
        "Eltern kleiner Kinder werden früh und aufsuchend begleitet",
        "sinkt das Armutsrisiko der Kinder auf Dauer",
        "Frühe, niedrigschwellige Unterstützung stärkt Erziehungskompetenz und "
        "Erwerbsbeteiligung der Eltern.",
        ImpactHypothesis.Evidence.SCIENTIFIC,
        "Forschung zu Frühen Hilfen (Nationales Zentrum Frühe Hilfen)",
        ["landkreis", "lohne"],
        [
            "Familienpatenschaften für Familien mit kleinen Kindern",
            "Mobile Beratung in den Lohner Ortsteilen",
        ],
    ),
    (
        "alle Kinder können kostenfrei an Ferien- und Vereinsangeboten teilnehmen",
        "nehmen Kinder aus armen Familien genauso oft teil wie andere",
        "Die Kosten sind der häufigste Grund, nicht teilzunehmen.",
        ImpactHypothesis.Evidence.ASSUMPTION,
        "",
        ["landkreis"],
        [
            "Kostenfreies Ferienprogramm im Jugendtreff Stadtmitte",
            "Kreisweite Informationskampagne Bildung und Teilhabe",
        ],
    ),
]

# Responsible: ("user", username) or ("member", name in the measure's conference).
# Sub-steps: (title, responsible, deadline in days from today, progress, done).
# Timeline: (days from today, text, new status, progress, author username).
MEASURES = [
    {
        "title": "Sozialberatung im Familienzentrum Vechta-Mitte",
        "conference": AREA_NAME,
        "description": "Eine wöchentliche offene Sprechstunde zu Bildung und Teilhabe, "
        "Kinderzuschlag und Wohngeld direkt im Familienzentrum.",
        "responsible": ("member", "Anja Thölking"),
        "supporters": ["Heike Ostendorf", "Mia Mitglied"],
        "support": "Jobcenter Landkreis Vechta, Schuldnerberatung der Caritas",
        "start": -120,
        "deadline": 180,
        "goals": ["vechta"],
        "field": "poverty",
        "areas": [VECHTA_TOWN],
        "resources_time": "2 Stunden pro Woche",
        "resources_staff": "Sozialberatung der Caritas (0,2 Stellen)",
        "resources_money": 4800,
        "resources_note": "Landesprogramm Familienzentren",
        "own_contribution": "Räume, Kinderbetreuung während der Sprechstunde und Werbung durch "
        "das Familienzentrum",
        "existing_offer": "Familienzentrum Vechta-Mitte",
        "substeps": [
            (
                "Sprechzeiten mit dem Familienzentrum abstimmen",
                ("member", "Heike Ostendorf"),
                -90,
                100,
                True,
            ),
            ("Flyer in fünf Sprachen erstellen", ("user", "demo-mitglied"), 20, 60, False),
            ("Erste Auswertung der Beratungen", ("member", "Anja Thölking"), 150, 0, False),
        ],
        "timeline": [
            (
                -100,
                "Start der Sprechstunde jeden Dienstag im Familienzentrum.",
                "running",
                None,
                "demo-koordination",
            ),
            (
                -30,
                "Bisher 23 Beratungen, vor allem zu Bildung und Teilhabe und zum Kinderzuschlag.",
                "",
                None,
                "demo-koordination",
            ),
        ],
    },
    {
        "title": "Elterncafé „Gut informiert“ in der Kita Sonnenblume",
        "conference": AREA_NAME,
        "description": "Sechs Elterncafés mit Kinderbetreuung: Leistungen für Familien "
        "verständlich erklärt, Anträge gemeinsam ausgefüllt.",
        "responsible": ("user", "demo-mitglied"),
        "supporters": ["Heike Ostendorf"],
        "support": "Kita Sonnenblume",
        "start": -300,
        "deadline": -60,
        "goals": ["vechta"],
        "field": "poverty",
        "areas": [VECHTA_TOWN],
        "resources_time": "monatlich 2 Stunden",
        "resources_staff": "Quartiersmanagement, Kita-Leitung",
        "resources_money": 600,
        "own_contribution": "Kaffee und Kuchen vom Elternbeirat",
        "substeps": [
            ("Termine und Themen planen", ("user", "demo-mitglied"), -280, 100, True),
            ("Sechs Elterncafés durchführen", ("user", "demo-mitglied"), -70, 100, True),
        ],
        "timeline": [
            (
                -270,
                "Erstes Elterncafé mit 14 Eltern, Thema Bildung und Teilhabe.",
                "running",
                None,
                "demo-mitglied",
            ),
            (
                -65,
                "Sechstes und letztes Elterncafé; im Schnitt kamen 12 Eltern, viele Anträge "
                "wurden gleich ausgefüllt.",
                "done",
                None,
                "demo-mitglied",
            ),
        ],
        "reflection": (
            Measure.Outcome.SUCCESSFUL,
            "Die Eltern kamen, weil die Kita eingeladen und Kinderbetreuung angeboten hat; 31 "
            "Anträge auf Leistungen für Bildung und Teilhabe wurden gestellt.",
            "Übersetzungen ins Russische und Arabische früher einplanen; Termine am Nachmittag "
            "statt am Vormittag.",
        ),
    },
    {
        "title": "Familienpatenschaften für Familien mit kleinen Kindern",
        "conference": AREA_NAME,
        "description": "Ehrenamtliche Patinnen und Paten begleiten Familien mit Kindern unter "
        "drei Jahren im Alltag.",
        "responsible": ("member", "Gisela Rohe"),
        "supporters": ["Anja Thölking"],
        "support": "Freiwilligenagentur Vechta",
        "start": 30,
        "deadline": 300,
        "goals": ["vechta"],
        "field": "poverty",
        "areas": [VECHTA_TOWN],
        "resources_time": "Schulung an drei Abenden",
        "resources_staff": "Ehrenamtliche Patinnen und Paten",
        "resources_money": 1500,
        "substeps": [
            ("Patinnen und Paten gewinnen", ("member", "Gisela Rohe"), 60, 0, False),
            ("Patinnen und Paten schulen", ("member", "Anja Thölking"), 120, 0, False),
        ],
        "timeline": [
            (
                -5,
                "Die Freiwilligenagentur übernimmt die Gewinnung der Ehrenamtlichen.",
                "",
                None,
                "demo-koordination",
            ),
        ],
    },
    {
        "title": "Fachtag Übergang Kita–Grundschule",
        "conference": AREA_NAME,
        "description": "Ein gemeinsamer Fachtag der Kitas und Grundschulen im Stadtgebiet zum "
        "Übergang, mit Blick auf Kinder aus armen und zugewanderten Familien.",
        "responsible": ("member", "Stefan Göttke"),
        "supporters": ["Heike Ostendorf"],
        "support": "Gesundheitsamt (Schuleingangsuntersuchung)",
        "start": -60,
        "deadline": -10,
        "goals": ["vechta"],
        "field": "language",
        "areas": [VECHTA_TOWN],
        "resources_time": "1 Tag",
        "resources_staff": "Schulleitungen, Kita-Leitungen",
        "resources_money": 800,
        "substeps": [
            ("Referentin anfragen", ("member", "Heike Ostendorf"), -30, 100, True),
            ("Termin mit Schulen und Kitas abstimmen", ("member", "Stefan Göttke"), -20, 50, False),
        ],
        "timeline": [
            (
                -50,
                "Die Vorbereitungsgruppe hat sich getroffen; Schulen und Kitas wollen einen "
                "gemeinsamen Termin.",
                "running",
                None,
                "demo-koordination",
            ),
            (
                -15,
                "Die Terminabstimmung stockt: zwei Schulen haben noch nicht geantwortet.",
                "",
                None,
                "demo-koordination",
            ),
        ],
    },
    {
        "title": "Sprachförderung in Lohner Kitas ausbauen",
        "conference": LOHNE_NAME,
        "description": "Zwei zusätzliche Sprachförderkräfte für die Kitas mit den meisten "
        "Kindern aus zugewanderten Familien.",
        "responsible": ("member", "Sabine Westerhoff"),
        "supporters": ["Elif Demir"],
        "support": "Landesprogramm Sprachförderung",
        "start": -200,
        "deadline": 240,
        "goals": ["lohne"],
        "field": "language",
        "areas": [LOHNE],
        "resources_time": "2 Kita-Jahre",
        "resources_staff": "zwei Sprachförderkräfte (je 0,5 Stellen)",
        "resources_money": 12000,
        "resources_note": "Landesmittel, Eigenanteil der Stadt Lohne 20 %",
        "own_contribution": "Fortbildungsräume im Familienzentrum",
        "existing_offer": "Familienzentrum Lohne",
        "substeps": [
            ("Sprachförderkräfte einstellen", ("member", "Sabine Westerhoff"), -150, 100, True),
            (
                "Fortbildung alltagsintegrierte Sprachbildung",
                ("member", "Elif Demir"),
                60,
                40,
                False,
            ),
            ("Elternabende zur Mehrsprachigkeit", ("member", "Elif Demir"), 200, 0, False),
        ],
        "timeline": [
            (
                -180,
                "Der Förderbescheid des Landes liegt vor.",
                "running",
                None,
                "demo-koordination",
            ),
            (-90, "Beide Sprachförderkräfte haben angefangen.", "", None, "demo-koordination"),
        ],
    },
    {
        "title": "Kreisweite Informationskampagne Bildung und Teilhabe",
        "conference": PLANNING_NAME,
        "description": "Flyer, Plakate und ein vereinfachtes Antragsformular, verteilt über "
        "Kitas, Schulen und Vereine im ganzen Landkreis.",
        "responsible": ("user", "demo-koordination"),
        "supporters": ["Birgit Wessels", "Hendrik Bußmann"],
        "support": "Jobcenter, Kitas, Schulen, Sportvereine",
        "start": -150,
        "deadline": 120,
        "goals": ["landkreis"],
        "field": "poverty",
        "areas": [],
        "resources_time": "6 Monate",
        "resources_staff": "Stabsstelle Sozialplanung",
        "resources_money": 3500,
        "substeps": [
            ("Flyer und Plakate gestalten", ("member", "Hendrik Bußmann"), -100, 100, True),
            (
                "Vereinfachtes Antragsformular mit dem Jobcenter abstimmen",
                ("member", "Birgit Wessels"),
                45,
                50,
                False,
            ),
        ],
        "timeline": [
            (
                -140,
                "Auftakt mit Jobcenter und Sozialamt: ein gemeinsames Formular ist vereinbart.",
                "running",
                None,
                "demo-koordination",
            ),
            (-60, "Flyer an alle Kitas und Grundschulen verteilt.", "", None, "demo-koordination"),
        ],
    },
    {
        "title": "Kostenfreies Ferienprogramm im Jugendtreff Stadtmitte",
        "conference": AREA_NAME,
        "description": "Zwei Wochen Ferienprogramm ohne Teilnahmebeitrag für Kinder von 8 bis "
        "12 Jahren.",
        "responsible": ("member", "Jonas Brinkmann"),
        "supporters": [],
        "support": "Bürgerstiftung (angefragt)",
        "start": -240,
        "deadline": -30,
        "goals": ["vechta"],
        "field": "poverty",
        "areas": [VECHTA_TOWN],
        "resources_time": "2 Wochen in den Sommerferien",
        "resources_staff": "2 Fachkräfte, 4 Ehrenamtliche",
        "resources_money": 5000,
        "substeps": [
            ("Finanzierung klären", ("member", "Jonas Brinkmann"), -200, 100, True),
        ],
        "timeline": [
            (
                -220,
                "Planung begonnen, Förderantrag bei der Bürgerstiftung gestellt.",
                "running",
                None,
                "demo-koordination",
            ),
            (
                -120,
                "Die Stiftung hat die Förderung abgelehnt; ohne Mittel findet das Programm "
                "nicht statt.",
                "dropped",
                None,
                "demo-koordination",
            ),
        ],
        "reflection": (
            Measure.Outcome.NOT_SUITABLE,
            "Ohne gesicherte Finanzierung war das Programm nicht umsetzbar; Ferienangebote der "
            "Vereine sind über den Teilhabebetrag schon heute kostenfrei möglich.",
            "Erst die Finanzierung sichern, dann planen; die vorhandenen Leistungen bekannter "
            "machen (siehe Informationskampagne).",
        ),
    },
    {
        "title": "Mobile Beratung in den Lohner Ortsteilen",
        "conference": LOHNE_NAME,
        "description": "Ein Beratungsbus hält einmal pro Woche in den Ortsteilen ohne "
        "Familienzentrum.",
        "responsible": ("member", "Markus Tegeler"),
        "supporters": ["Elif Demir"],
        "support": "Landkreis Vechta (Beratungsbus)",
        "start": -60,
        "deadline": 150,
        "goals": ["lohne"],
        "field": "poverty",
        "areas": [LOHNE],
        "resources_time": "1 Nachmittag pro Woche",
        "resources_staff": "Offene Jugendarbeit, Familienzentrum",
        "resources_money": 2500,
        "substeps": [
            ("Beratungsbus beim Landkreis ausleihen", ("member", "Markus Tegeler"), 30, 0, False),
        ],
        "timeline": [
            (
                -40,
                "Start verschoben: Der Beratungsbus ist erst in zwei Monaten frei.",
                "delayed",
                None,
                "demo-koordination",
            ),
        ],
    },
]


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def load_demo_measures(municipality: Municipality) -> None:
    with translation.override("de"):
        users = {
            u.username: u for u in get_user_model().objects.filter(username__startswith="demo-")
        }
        coordinator = users["demo-koordination"]
        conferences = _conferences(municipality, coordinator, users)
        fields = _fields(conferences[PLANNING_NAME], coordinator)
        goals = _goals(municipality, coordinator, conferences, fields)
        measures = _measures(municipality, users, conferences, goals, fields)
        _hypotheses(municipality, coordinator, conferences[PLANNING_NAME], goals, measures)


def _conferences(municipality, coordinator, users) -> dict[str, Conference]:
    """The two conferences of the meetings demo and a Sozialraumkonferenz for Lohne."""
    lohne = Conference.objects.filter(municipality=municipality, name=LOHNE_NAME).first()
    if lohne is None:
        lohne = create_conference(
            user=coordinator,
            municipality=municipality,
            kind=Conference.Kind.AREA,
            name=LOHNE_NAME,
            areas=list(Area.objects.filter(municipality=municipality, key=LOHNE)),
            purpose="Kitas, Familienzentrum und Jugendarbeit in Lohne planen gemeinsam, wie "
            "Kinder aus armen und zugewanderten Familien besser erreicht werden.",
            rhythm="alle 8 Wochen, 2 Stunden",
            coordinator=coordinator,
        )
    existing = set(lohne.members.values_list("name", flat=True))
    for name, function, institution, email, username in LOHNE_MEMBERS:
        if name not in existing:
            add_member(
                user=coordinator,
                conference=lohne,
                name=name,
                function=function,
                institution=institution,
                email=email,
                member_user=users.get(username) if username else None,
            )
    return {
        c.name: c
        for c in Conference.objects.filter(
            municipality=municipality, name__in=[PLANNING_NAME, AREA_NAME, LOHNE_NAME]
        )
    }


def _fields(planning, coordinator) -> dict[str, FieldOfAction]:
    """The field of action of the analysis demo (language) and one on child poverty."""
    from .demo_analysis import FIELD as LANGUAGE_FIELD

    poverty = FieldOfAction.objects.filter(conference=planning, title=FIELD[0]).first()
    if poverty is None:
        poverty = services_analysis.create_field_of_action(
            user=coordinator,
            conference=planning,
            data={"title": FIELD[0], "description": FIELD[1], "priority": 1},
        )
    return {
        "poverty": poverty,
        "language": FieldOfAction.objects.get(conference=planning, title=LANGUAGE_FIELD[0]),
    }


def _goals(municipality, coordinator, conferences, fields) -> dict[str, Goal]:
    indicator = Indicator.objects.select_related("municipality").get(
        municipality=municipality, catalogue_code=SHARE_SGB2
    )
    root = Area.objects.get(municipality=municipality, parent=None)
    areas = {a.key: a for a in Area.objects.filter(municipality=municipality)}
    existing = {g.title: g for g in Goal.objects.filter(municipality=municipality)}
    deadline = datetime.date(timezone.localdate().year + 3, 12, 31)
    goals: dict[str, Goal] = {}
    for key, spec in GOALS.items():  # the municipal goal first: the area goals refine it
        if spec["title"] in existing:
            goals[key] = existing[spec["title"]]
            continue
        area = areas[spec["area"]] if spec["area"] else root
        baseline = services.baseline_from_atlas(
            user=coordinator, municipality=municipality, indicator=indicator, area=area, year=2014
        )
        goals[key] = services.create_goal(
            user=coordinator,
            municipality=municipality,
            data={
                "conference": conferences[spec["conference"]],
                "level": spec["level"],
                "parent": goals["landkreis"] if spec["level"] == Goal.Level.AREA else None,
                "field_of_action": fields["poverty"],
                "title": spec["title"],
                "target_group": spec["target_group"],
                "areas": [area],
                "indicator": indicator,
                "measurement_area": area,
                "baseline_year": 2014,
                "target_value": round(baseline + spec["delta"], 1),
                "acceptance": spec["acceptance"],
                "realism": spec["realism"],
                "deadline": deadline,
            },
        )
    return goals


def _responsible(spec, conference, users) -> dict:
    kind, name = spec
    if kind == "user":
        return {"responsible_user": users[name]}
    return {"responsible_member": ConferenceMember.objects.get(conference=conference, name=name)}


def _measures(municipality, users, conferences, goals, fields) -> dict[str, Measure]:
    coordinator = users["demo-koordination"]
    areas = {a.key: a for a in Area.objects.filter(municipality=municipality)}
    existing = {m.title: m for m in Measure.objects.filter(municipality=municipality)}
    result: dict[str, Measure] = {}
    for spec in MEASURES:
        if spec["title"] in existing:
            result[spec["title"]] = existing[spec["title"]]
            continue
        conference = conferences[spec["conference"]]
        offer = spec.get("existing_offer")
        data = {
            "conference": conference,
            "title": spec["title"],
            "description": spec["description"],
            **_responsible(spec["responsible"], conference, users),
            "supporters": list(conference.members.filter(name__in=spec["supporters"])),
            "support": spec["support"],
            "start": _day(spec["start"]),
            "deadline": _day(spec["deadline"]),
            "goals": [goals[key] for key in spec["goals"]],
            "field_of_action": fields[spec["field"]],
            "areas": [areas[key] for key in spec["areas"]],
            "resources_time": spec.get("resources_time", ""),
            "resources_staff": spec.get("resources_staff", ""),
            "resources_money": spec.get("resources_money"),
            "resources_note": spec.get("resources_note", ""),
            "own_contribution": spec.get("own_contribution", ""),
            "continues_existing_offer": offer is not None,
            "existing_offer": (
                Poi.objects.get(municipality=municipality, name=offer) if offer else None
            ),
            "status": Measure.Status.PLANNED,
        }
        substeps = [
            {
                "title": title,
                **_responsible(who, conference, users),
                "deadline": _day(days),
                "progress": progress,
                "done": done,
            }
            for title, who, days, progress, done in spec["substeps"]
        ]
        measure = services.create_measure(
            user=coordinator, municipality=municipality, data=data, substeps=substeps
        )
        for days, text, status, progress, author in spec["timeline"]:
            services.add_update(
                user=users[author],
                measure=measure,
                text=text,
                status=status,
                progress=progress,
                date=_day(days),
            )
        if "reflection" in spec:
            outcome, reason, lessons = spec["reflection"]
            services.save_reflection(
                user=coordinator, measure=measure, outcome=outcome, reason=reason, lessons=lessons
            )
        result[spec["title"]] = measure
    return result


def _hypotheses(municipality, coordinator, planning, goals, measures) -> None:
    existing = set(
        ImpactHypothesis.objects.filter(municipality=municipality).values_list("if_text", flat=True)
    )
    for if_text, then_text, because, evidence, source, goal_keys, titles in HYPOTHESES:
        if if_text in existing:
            continue
        services.save_hypothesis(
            user=coordinator,
            municipality=municipality,
            data={
                "conference": planning,
                "if_text": if_text,
                "then_text": then_text,
                "because_text": because,
                "evidence": evidence,
                "source": source,
                "goals": [goals[key] for key in goal_keys],
                "measures": [measures[title] for title in titles],
            },
        )
