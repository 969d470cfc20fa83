"""The control cycle part of the Vechta demo: cycle 1 finished – Vorphase with the consolidated
sheet of the sheets demo, the mandate of the Jugendhilfeausschuss, the five steps of the
Sozialplanungskonferenz, the Sozialraumkonferenzen Stadt Vechta and Lohne through all their steps
with their recommendations, and the consolidated process evaluation of the Nachphase –, and
cycle 2, carried over from cycle 1, running in step 4 of the Sozialplanungskonferenz: impulses
went to Vechta (now at area step 3) and Lohne (at area step 2, overdue), Dinklage still needs a
Sozialraumkonferenz for its impulse; a few step deadlines.

Every step runs through workflow.services on the conferences, goals and measures of the earlier
demo parts. The services stamp the present time; the demo then dates each step back to when it
happened (relative to the day the demo is loaded), so that history, inbox and deadlines read like
a real course. Texts are invented. A second run finds both cycles and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone, translation
from viewflow.workflow.models import Process, Task

from accounts.models import Municipality
from atlas_data.models import Area, Indicator
from conferences import services_analysis
from conferences.models import (
    AgreedAnswer,
    Answer,
    Conference,
    Finding,
    NeedForAction,
    Prioritisation,
    PrioritisationIndicator,
    Question,
    Session,
    Sheet,
    SwotEntry,
)
from conferences.services_sheets import save_agreed_answers, save_responses
from measures.models import Goal, ImpactHypothesis, Measure
from workflow import selectors, services
from workflow.models import AreaCycle, Cycle, StepRecord

from .demo_analysis import PRIORITISATION_TITLE
from .demo_atlas import RATE_35A, SHARE_NON_GERMAN, SHARE_SGB2, SHARE_U15
from .demo_measures import LOHNE, LOHNE_NAME
from .demo_meetings import AREA_NAME, PLANNING_NAME

VECHTA_TOWN = "03460009"
COORDINATION, LEADERSHIP = "demo-koordination", "demo-leitung"

CYCLE_1 = {
    "title": "Gute Startchancen für alle Kinder",
    "topic": "Kinderarmut und frühe Bildung",
}
CYCLE_2 = {
    "title": "Gute Startchancen II: Sprache und Teilhabe",
    "topic": "Sprachförderung und Teilhabe von Kindern aus armen Familien",
}
HIGHER_NEED = PrioritisationIndicator.Direction.HIGHER_NEED
FIRST_PRIORITISATION = "Priorisierung der Gemeinden 2013 (Zyklus 1)"
FIRST_PRIORITISATION_NOTE = (
    "Für den ersten Zyklus wählt die Konferenz die beiden Städte: Dort sind die meisten Kinder "
    "betroffen, und dort gibt es Partner für eine Sozialraumkonferenz."
)
INDICATORS = [SHARE_SGB2, SHARE_U15, SHARE_NON_GERMAN, RATE_35A]
INVENTORY = [
    {
        "data": "Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften je Gemeinde",
        "holder": "Jobcenter Landkreis Vechta",
        "status": "available",
        "note": "Jährlich zum 31.12., über die Statistik der Bundesagentur für Arbeit.",
    },
    {
        "data": "Bevölkerung nach Alter und Staatsangehörigkeit",
        "holder": "Landkreis Vechta, Statistikstelle",
        "status": "available",
        "note": "",
    },
    {
        "data": "Eingliederungshilfen nach § 35a SGB VIII",
        "holder": "Jugendamt Landkreis Vechta",
        "status": "available",
        "note": "Nur Fallzahlen; kleine Zahlen werden im Atlas unterdrückt.",
    },
    {
        "data": "Ergebnisse der Schuleingangsuntersuchung (Sprachstand)",
        "holder": "Gesundheitsamt Landkreis Vechta",
        "status": "to_obtain",
        "note": "Anfrage läuft; Auswertung nach Gemeinden vereinbart.",
    },
]
# Measures each Sozialraumkonferenz planned in cycle 1 (step 4 of the area process).
AREA_MEASURES = {
    AREA_NAME: [
        "Elterncafé „Gut informiert“ in der Kita Sonnenblume",
        "Kostenfreies Ferienprogramm im Jugendtreff Stadtmitte",
        "Sozialberatung im Familienzentrum Vechta-Mitte",
    ],
    LOHNE_NAME: [
        "Sprachförderung in Lohner Kitas ausbauen",
        "Mobile Beratung in den Lohner Ortsteilen",
    ],
}
IMPULSES = {
    1: {
        AREA_NAME: "In der Stadt Vechta leben anteilig die meisten Kinder in "
        "SGB-II-Bedarfsgemeinschaften. Bitte prüfen Sie, wie Familien früher von Beratung und "
        "Leistungen für Bildung und Teilhabe erfahren.",
        LOHNE_NAME: "In Lohne steigt der Anteil armer und zugewanderter Kinder. Bitte entwickeln "
        "Sie Angebote, die diese Familien in den Kitas und Ortsteilen erreichen.",
    },
    2: {
        AREA_NAME: "Die Sozialberatung im Familienzentrum wirkt. Bitte verbinden Sie sie mit der "
        "Sprachförderung beim Übergang von der Kita in die Grundschule.",
        LOHNE_NAME: "Die Sprachförderung in den Kitas reicht nicht aus. Bitte beziehen Sie die "
        "Eltern und die Sportvereine ein und planen Sie die mobile Beratung neu.",
    },
}
RECOMMENDATIONS = {
    AREA_NAME: (
        "Die Sozialberatung im Familienzentrum erreicht Familien, die bisher keine Leistungen "
        "beantragt haben; das Elterncafé hat sich bewährt, das Ferienprogramm nicht.",
        "Sozialberatung dauerhaft finanzieren und auf zwei weitere Kitas ausweiten; "
        "Ferienangebote mit den Vereinen statt allein im Jugendtreff planen.",
    ),
    LOHNE_NAME: (
        "Die Sprachförderung hat begonnen, die mobile Beratung verzögert sich mangels Personal. "
        "Der Anteil armer Kinder in Lohne steigt weiter.",
        "Lohne im nächsten Zyklus weiter priorisieren; Sprachförderung und Elternarbeit "
        "verbinden, für die mobile Beratung eine Stelle beim Landkreis beantragen.",
    ),
}
IMPACT_ANALYSIS = (
    "Der Anteil der Kinder in SGB-II-Bedarfsgemeinschaften ist im Landkreis leicht gesunken, in "
    "der Stadt Vechta deutlicher, in Lohne gestiegen. Die Sozialberatung im Familienzentrum "
    "erreicht nach den Zahlen der Caritas vor allem Familien, die vorher keine Leistungen "
    "bezogen haben."
)
REALITY_CHECK = (
    "Die Ziele für die Stadt Vechta sind erreichbar; für Lohne war das Ziel zu ehrgeizig, solange "
    "die mobile Beratung fehlt. Der Zyklus wird abgeschlossen, Lohne bleibt Schwerpunkt."
)
# Process evaluation of cycle 1: question key: (coordination, leadership, agreed), each
# (answer, explanation).
EVALUATION = {
    "pb-daten-interesse": (
        ("yes", "Die Fachämter fragen die Karten inzwischen selbst an."),
        ("yes", ""),
        (
            "yes",
            "Die Fachämter und die Träger fragen die Karten des Atlas inzwischen selbst an, "
            "vor allem zur Kinderarmut.",
        ),
    ),
    "pb-daten-ausserhalb": (
        ("yes", "Der Jugendhilfeausschuss hat den Atlas im Herbst vorgestellt bekommen."),
        ("no", "Bisher vor allem innerhalb der Verwaltung."),
        (
            "yes",
            "Der Jugendhilfeausschuss und zwei Gemeinderäte haben nach den Daten gefragt; "
            "außerhalb der Politik noch selten.",
        ),
    ),
    "pb-raum-interesse": (
        ("yes", ""),
        ("yes", "Besonders für Lohne."),
        ("yes", "Vor allem für Lohne und die Stadt Vechta, die beiden Sozialraumkonferenzen."),
    ),
    "pb-raum-projekte": (
        ("no", "Die Kita-Bedarfsplanung rechnet noch mit dem ganzen Landkreis."),
        ("no", ""),
        (
            "no",
            "Noch nicht: Die Kita-Bedarfsplanung rechnet weiter mit dem ganzen Landkreis. Für "
            "die nächste Fortschreibung ist eine Planung nach Gemeinden verabredet.",
        ),
    ),
    "pb-gerechtigkeit-wahrnehmung": (
        ("yes", "Die Karte der Kinderarmut hat viele überrascht."),
        ("yes", ""),
        (
            "yes",
            "Die Karte der Kinderarmut je Gemeinde hat in beiden Konferenzen viele überrascht.",
        ),
    ),
    "pb-gerechtigkeit-abbau": (
        ("yes", ""),
        ("yes", "Der Kreistag will einen Bericht je Zyklus."),
        (
            "yes",
            "Der Kreistag will nach jedem Zyklus einen Bericht; die Träger bringen eigene "
            "Mittel ein.",
        ),
    ),
    "pb-vernetzung-grenzen": (
        ("yes", "Die Kitas sehen, dass sie Beratung nicht allein leisten können."),
        ("yes", ""),
        (
            "yes",
            "Die Kitas sehen, dass sie Sozialberatung nicht allein leisten können; daraus ist "
            "die Zusammenarbeit mit der Caritas entstanden.",
        ),
    ),
    "pb-vernetzung-kooperation": (
        ("yes", ""),
        ("yes", "Familienzentrum und Jobcenter arbeiten jetzt mit einem gemeinsamen Formular."),
        (
            "yes",
            "Familienzentrum, Jobcenter und Sozialamt arbeiten jetzt mit einem gemeinsamen "
            "Formular für Leistungen für Bildung und Teilhabe.",
        ),
    ),
    "pb-kontext-individualisierung": (
        ("no", "Im ASD noch unterschiedlich."),
        ("no", ""),
        (
            "no",
            "Teils: In den Konferenzen ja, im Alltag der Dienste noch unterschiedlich. Thema "
            "für eine Fortbildung im nächsten Zyklus.",
        ),
    ),
}
# Answers of the Vorphase of cycle 2 that differ from those of cycle 1 (the others carry over).
VORPHASE_2 = {
    "vp-rahmen-ziel": (
        "yes",
        "Beschluss des Kreistags nach dem ersten Zyklus: gleiche Startchancen für alle Kinder im "
        "Landkreis, gemessen am Anteil der Kinder in SGB-II-Bedarfsgemeinschaften.",
    ),
    "vp-rahmen-auftrag": (
        "yes",
        "Der Jugendhilfeausschuss hat den Bericht zum ersten Zyklus angenommen und den zweiten "
        "Zyklus mit dem Schwerpunkt Sprache und Teilhabe beauftragt.",
    ),
}


# --- dates ---------------------------------------------------------------------------------------


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _month_start(days: int) -> datetime.date:
    return _day(days).replace(day=1)


def _month_end(days: int) -> datetime.date:
    first_of_next = (_month_start(days) + datetime.timedelta(days=32)).replace(day=1)
    return first_of_next - datetime.timedelta(days=1)


def _at(days: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(_day(days), datetime.time(hour)))


@contextmanager
def _on(municipality: Municipality, days: int, hour: int = 10) -> Iterator[None]:
    """Date what the services write inside the block back to `days` from today: the history,
    the tasks and processes, the cycles, their sheets and prioritisations."""
    start = timezone.now()
    yield
    when = _at(days, hour)
    of_cycles = Q(cycle__municipality=municipality) | Q(
        area_cycle__cycle__municipality=municipality
    )
    of_tasks = Q(process__cycle__municipality=municipality) | Q(
        process__area_cycle__cycle__municipality=municipality
    )
    stamped = [
        (StepRecord.objects.filter(cycle__municipality=municipality), ["at"]),
        (Task.objects.filter(of_tasks), ["created", "assigned", "started", "finished"]),
        (Process.objects.filter(of_cycles), ["created", "finished"]),
        (Cycle.objects.filter(municipality=municipality), ["created", "finished", "mandate_at"]),
        (AreaCycle.objects.filter(cycle__municipality=municipality), ["created", "finished"]),
        (Sheet.objects.filter(municipality=municipality), ["created", "closed_at"]),
        (
            Prioritisation.objects.filter(conference__municipality=municipality),
            ["created", "computed_at", "confirmed_at"],
        ),
    ]
    for queryset, fields in stamped:
        for name in fields:
            queryset.filter(**{f"{name}__gte": start}).update(**{name: when})


@contextmanager
def _without_assignment_emails() -> Iterator[None]:
    """The demo replays work done months ago: nobody is to be e-mailed about steps assigned
    back then."""
    notify = services.notify_assignment
    services.notify_assignment = lambda task: None
    try:
        yield
    finally:
        services.notify_assignment = notify


# --- loading ---------------------------------------------------------------------------------


def load_demo_workflow(municipality: Municipality) -> None:
    with translation.override("de"), _without_assignment_emails():
        demo = _Demo(municipality)
        first = Cycle.objects.filter(municipality=municipality, number=1).first()
        if first is None:
            first = demo.first_cycle()
        if (
            first.state == Cycle.State.FINISHED
            and not Cycle.objects.filter(municipality=municipality, number=2).exists()
        ):
            demo.second_cycle(first)


class _Demo:
    """The people, conferences and outputs both cycles link."""

    def __init__(self, municipality: Municipality):
        self.municipality = municipality
        users = get_user_model().objects.in_bulk([COORDINATION, LEADERSHIP], field_name="username")
        self.coordinator, self.leader = users[COORDINATION], users[LEADERSHIP]
        conferences = {
            c.name: c
            for c in Conference.objects.filter(
                municipality=municipality, name__in=[PLANNING_NAME, AREA_NAME, LOHNE_NAME]
            )
        }
        self.planning = conferences[PLANNING_NAME]
        areas = {a.key: a for a in Area.objects.filter(municipality=municipality)}
        # (area, its Sozialraumkonferenz), in the order the impulses are given
        self.areas = [
            (areas[VECHTA_TOWN], conferences[AREA_NAME]),
            (areas[LOHNE], conferences[LOHNE_NAME]),
        ]

    def on(self, days: int, hour: int = 10):
        return _on(self.municipality, days, hour)

    def complete(self, target, node: str, user=None, **data) -> None:
        task = selectors.active_task(target, node)
        if task is None:
            raise RuntimeError(f"Demo: step {node} of {target} is not open.")
        services.complete_step(user=user or self.coordinator, task=task, data=data)
        target.refresh_from_db()

    # --- outputs of the earlier demo parts ---

    def indicators(self) -> list[Indicator]:
        return list(
            Indicator.objects.filter(municipality=self.municipality, catalogue_code__in=INDICATORS)
        )

    def municipal_goals(self) -> list[Goal]:
        return list(Goal.objects.filter(conference=self.planning, level=Goal.Level.MUNICIPAL))

    def step_2(self, prioritisation) -> dict:
        return {
            "prioritisation": prioritisation,
            "swot_entries": list(SwotEntry.objects.filter(conference=self.planning, area=None)),
            "findings": list(
                Finding.objects.filter(conference=self.planning, state=Finding.State.ACCEPTED)
            ),
        }

    def step_3(self) -> dict:
        return {
            "goals": self.municipal_goals(),
            "needs": list(NeedForAction.objects.filter(conference=self.planning)),
            "hypotheses": list(ImpactHypothesis.objects.filter(conference=self.planning)),
        }

    def first_prioritisation(self) -> Prioritisation:
        """Cycle 1 prioritised the two towns with a Sozialraumkonferenz (2013 table)."""
        existing = Prioritisation.objects.filter(
            conference=self.planning, title=FIRST_PRIORITISATION
        ).first()
        if existing is not None:
            return existing
        indicators = {i.catalogue_code: i for i in self.indicators()}
        level = self.areas[0][0].level
        prioritisation = services_analysis.create_prioritisation(
            user=self.coordinator,
            conference=self.planning,
            title=FIRST_PRIORITISATION,
            level=level,
            year=2013,
            method=Prioritisation.Method.ZSCORES,
            inputs=[
                services_analysis.InputSpec(indicators[SHARE_NON_GERMAN], 2, HIGHER_NEED),
                services_analysis.InputSpec(indicators[SHARE_U15], 1, HIGHER_NEED),
            ],
        )
        return services_analysis.confirm_prioritisation(
            user=self.coordinator,
            prioritisation=prioritisation,
            urgent=[area for area, _conference in self.areas],
            good=[],
            note=FIRST_PRIORITISATION_NOTE,
        )

    # --- cycle 1: finished ---

    def first_cycle(self) -> Cycle:
        with self.on(-640):
            cycle = services.open_cycle(
                user=self.coordinator,
                conference=self.planning,
                period_start=_month_start(-610),
                period_end=_month_end(-200),
                **CYCLE_1,
            )
        sheet = Sheet.objects.get(
            municipality=self.municipality, catalogue__kind="vorphase", cycle_number=1
        )
        with self.on(-600):
            self.complete(
                cycle, "vorphase", sheet=sheet, note="Vorphase im Leitungskreis besprochen."
            )
        with self.on(-575, 15):
            services.confirm_mandate(
                user=self.leader,
                cycle=cycle,
                political_decision=True,
                reference="Jugendhilfeausschuss, Beschluss JHA/14/2025",
                date=_day(-580),
            )
        with self.on(-540):
            self.complete(
                cycle, "planning_1", indicators=self.indicators(), data_inventory=INVENTORY
            )
        with self.on(-500):
            prioritisation = self.first_prioritisation()
            self.complete(cycle, "planning_2", **self.step_2(prioritisation))
        with self.on(-460):
            self.complete(cycle, "planning_3", **self.step_3())
        with self.on(-430):
            self.impulses(cycle, 1)
        with self.on(-425):
            self.complete(
                cycle, "planning_4", measures=list(Measure.objects.filter(conference=self.planning))
            )
        for area_cycle in cycle.area_cycles.select_related("conference"):
            self.finish_area(area_cycle)
        with self.on(-220):
            self.complete(
                cycle,
                "planning_5",
                impact_analysis=IMPACT_ANALYSIS,
                reality_check=REALITY_CHECK,
                decision=Cycle.Decision.CONTINUE,
            )
        with self.on(-200):
            cycle.refresh_from_db()
            self.evaluation(cycle)
        with self.on(-190):
            self.complete(cycle, "nachphase", note="Auswertung mit der Leitung abgestimmt.")
        cycle.refresh_from_db()
        return cycle

    def impulses(self, cycle: Cycle, number: int) -> None:
        for area, conference in self.areas:
            services.give_impulse(
                user=self.coordinator,
                cycle=cycle,
                area=area,
                text=IMPULSES[number][conference.name],
                goals=self.municipal_goals(),
                conference=conference,
            )

    def finish_area(self, area_cycle: AreaCycle) -> None:
        conference = area_cycle.conference
        offset = 0 if conference.name == AREA_NAME else 6
        with self.on(-400 + offset):
            self.complete(area_cycle, "area_1")
        with self.on(-360 + offset):
            self.complete(area_cycle, "area_2")
        with self.on(-320 + offset):
            self.complete(
                area_cycle,
                "area_3",
                goals=list(Goal.objects.filter(conference=conference, level=Goal.Level.AREA)),
            )
        with self.on(-280 + offset):
            self.complete(
                area_cycle,
                "area_4",
                measures=list(
                    Measure.objects.filter(
                        conference=conference, title__in=AREA_MEASURES[conference.name]
                    )
                ),
            )
        reflection, recommendation = RECOMMENDATIONS[conference.name]
        with self.on(-240 + offset):
            self.complete(
                area_cycle, "area_5", reflection=reflection, recommendation=recommendation
            )

    def evaluation(self, cycle: Cycle) -> None:
        """The process evaluation, answered by the coordinator and the leadership and
        consolidated in the Sozialplanungskonferenz."""
        sheet = services.create_evaluation_sheet(user=self.coordinator, cycle=cycle)
        questions = {q.key: q for q in Question.objects.filter(section__catalogue=sheet.catalogue)}
        for index, user in enumerate((self.coordinator, self.leader)):
            save_responses(
                user=user,
                sheet=sheet,
                answers={
                    questions[key].pk: _fields(questions[key], *answers[index])
                    for key, answers in EVALUATION.items()
                },
            )
        agreed = {q.pk: {"answer": Answer.NOT_DISCUSSED} for q in questions.values()}
        for key, answers in EVALUATION.items():
            agreed[questions[key].pk] = _fields(questions[key], *answers[2])
        save_agreed_answers(user=self.coordinator, sheet=sheet, answers=agreed)

    # --- cycle 2: running in step 4 ---

    def second_cycle(self, first: Cycle) -> Cycle:
        with self.on(-180):
            cycle = services.start_next_cycle(
                user=self.coordinator,
                cycle=first,
                period_start=_month_start(-180),
                period_end=_month_end(540),
                **CYCLE_2,
            )
        with self.on(-170):
            self.vorphase_sheet(cycle, first)
            services.consolidate_vorphase(
                user=self.coordinator,
                cycle=cycle,
                note="Vorphase aus Zyklus 1 fortgeschrieben.",
            )
        with self.on(-150, 15):
            services.confirm_mandate(
                user=self.leader,
                cycle=cycle,
                political_decision=True,
                reference="Jugendhilfeausschuss, Beschluss JHA/31/2026",
                date=_day(-155),
            )
        with self.on(-120):
            self.complete(
                cycle, "planning_1", indicators=self.indicators(), data_inventory=INVENTORY
            )
        with self.on(-100):
            prioritisation = Prioritisation.objects.get(
                conference=self.planning, title=PRIORITISATION_TITLE
            )
            self.complete(cycle, "planning_2", **self.step_2(prioritisation))
        with self.on(-95):
            self.complete(cycle, "planning_3", **self.step_3())
        with self.on(-90):
            self.impulses(cycle, 2)
        vechta, lohne = (
            cycle.area_cycles.get(area=area, round=cycle.round) for area, _conf in self.areas
        )
        sessions = list(Session.objects.filter(conference=vechta.conference).order_by("starts_at"))
        with self.on(-84, 17):
            self.complete(vechta, "area_1", session=sessions[0])
        with self.on(-60):
            self.complete(lohne, "area_1", note="Auftakt mit den Kitas und dem Familienzentrum.")
        with self.on(-42, 17):
            self.complete(vechta, "area_2", session=sessions[1])
        # Deadlines as the coordinator set them back then: Lohne's step 2 is overdue now.
        for target, node, due, days_set in (
            (cycle, "planning_4", _day(21), -90),
            (cycle, "planning_5", _day(150), -90),
            (vechta, "area_3", _day(10), -42),
            (lohne, "area_2", _day(-6), -60),
        ):
            services.set_deadline(
                user=self.coordinator, target=target, node=node, due=due, today=_day(days_set)
            )
        cycle.refresh_from_db()
        return cycle

    def vorphase_sheet(self, cycle: Cycle, first: Cycle) -> None:
        """The Vorphase of cycle 2 updates that of cycle 1: its agreed answers carry over, the
        goal and the mandate are new."""
        sheet = services.create_vorphase_sheet(user=self.coordinator, cycle=cycle)
        questions = Question.objects.filter(section__catalogue=sheet.catalogue)
        previous = {
            a.question_id: a for a in AgreedAnswer.objects.filter(sheet=first.vorphase_sheet)
        }
        answers = {}
        for question in questions:
            if question.key in VORPHASE_2:
                answers[question.pk] = _fields(question, *VORPHASE_2[question.key])
            elif question.pk in previous:
                old = previous[question.pk]
                answers[question.pk] = {
                    "answer": old.answer,
                    "explanation": old.explanation,
                    "choices": old.choices,
                    "other_text": old.other_text,
                }
            else:
                answers[question.pk] = {"answer": Answer.NOT_DISCUSSED}
        save_agreed_answers(user=self.coordinator, sheet=sheet, answers=answers)


def _fields(question: Question, answer: str, explanation: str) -> dict:
    fields = {}
    if question.has_yes_no:
        fields["answer"] = answer
    if question.has_explanation:
        fields["explanation"] = explanation
    return fields
