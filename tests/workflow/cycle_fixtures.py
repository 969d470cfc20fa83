"""Fixtures of the control cycle tests: the Vechta analysis fixtures (10 Gemeinden, the real
published 2013 table) with a Sozialplanungskonferenz coordinated by `coordinator`, a confirmed
prioritisation with two urgent areas (Vechta, Visbek: the top two of the 2013 ranking), a
Sozialraumkonferenz for each of them with its own coordinator, municipal and area goals and
measures, and helpers that open a cycle and drive it to a step.

Test modules import the fixtures they use: `from .cycle_fixtures import *`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from accounts.models import Role
from atlas_data.models import Area, Indicator
from conferences.models import Answer, Conference, PrioritisationIndicator, Question
from conferences.services_analysis import (
    InputSpec,
    confirm_prioritisation,
    create_prioritisation,
)
from conferences.services_sheets import save_agreed_answers
from tests.conferences.analysis_fixtures import *  # noqa: F403
from tests.conferences.analysis_fixtures import NON_GERMAN, U15
from tests.factories import GoalFactory, MeasureFactory
from workflow import services
from workflow.models import Cycle
from workflow.selectors import active_task

__all__ = [  # noqa: F405
    "GEMEINDEN",
    "admin",
    "area_conferences",
    "conference",
    "coordinator",
    "data_admin",
    "gemeinden",
    "leader",
    "member",
    "outsider",
    "plan",
    "share",
    "vechta",
    "CyclePlan",
    "consolidate",
    "drive_to",
    "open_cycle",
]

HIGHER = PrioritisationIndicator.Direction.HIGHER_NEED
LOWER = PrioritisationIndicator.Direction.LOWER_NEED


@dataclass
class CyclePlan:
    """Everything a cycle of the tests links: the outputs of each step."""

    conference: Conference
    prioritisation: object
    urgent: list[Area]
    area_conferences: dict[str, Conference]
    area_coordinators: dict[str, object]
    indicators: list[Indicator]
    municipal_goals: list
    measures: list
    area_goals: dict[str, list]
    area_measures: dict[str, list]


@pytest.fixture
def area_conferences(vechta, member_of):
    """A Sozialraumkonferenz per urgent area, each with its own coordinator."""
    result = {}
    for name, username in (("Vechta", "quartier-vechta"), ("Visbek", "quartier-visbek")):
        coordinator = member_of(vechta, Role.COORDINATOR, username=username)
        conference = Conference.objects.create(
            municipality=vechta,
            kind=Conference.Kind.AREA,
            name=f"Sozialraumkonferenz {name}",
            coordinator=coordinator,
        )
        conference.areas.add(Area.objects.get(municipality=vechta, name=name))
        result[name] = conference
    return result


@pytest.fixture
def plan(vechta, conference, coordinator, gemeinden, share, area_conferences) -> CyclePlan:
    conference.coordinator = coordinator
    conference.save(update_fields=["coordinator"])
    prioritisation = create_prioritisation(
        user=coordinator,
        conference=conference,
        level=gemeinden,
        year=2013,
        method="zscores",
        inputs=[InputSpec(share(NON_GERMAN), 2, HIGHER), InputSpec(share(U15), 1, LOWER)],
    )
    urgent = list(Area.objects.filter(municipality=vechta, name__in=["Vechta", "Visbek"]))
    urgent.sort(key=lambda area: area.name)
    confirm_prioritisation(user=coordinator, prioritisation=prioritisation, urgent=urgent, good=[])
    municipal_goals = [
        GoalFactory(
            municipality=vechta,
            conference=conference,
            level="municipal",
            title="Mehr Kinder mit Migrationsgeschichte besuchen eine Kita",
        )
    ]
    area_goals, area_measures = {}, {}
    for name, area_conference in area_conferences.items():
        area_goals[name] = [
            GoalFactory(
                municipality=vechta,
                conference=area_conference,
                level="area",
                parent=municipal_goals[0],
                title=f"Kita-Besuch in {name} steigt",
            )
        ]
        area_measures[name] = [
            MeasureFactory(
                municipality=vechta, conference=area_conference, title=f"Elterncafé {name}"
            )
        ]
    return CyclePlan(
        conference=conference,
        prioritisation=prioritisation,
        urgent=urgent,
        area_conferences=area_conferences,
        area_coordinators={n: c.coordinator for n, c in area_conferences.items()},
        indicators=[share(NON_GERMAN), share(U15)],
        municipal_goals=municipal_goals,
        measures=[MeasureFactory(municipality=vechta, conference=conference, title="Kita-Lotsen")],
        area_goals=area_goals,
        area_measures=area_measures,
    )


def open_cycle(plan: CyclePlan, user, number_title: str = "Frühe Bildung") -> Cycle:
    return services.open_cycle(
        user=user,
        conference=plan.conference,
        title=number_title,
        topic="Kindertagesbetreuung",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )


def consolidate(sheet, user) -> None:
    """Agree on every question of a sheet, as a consolidated sheet has: yes where the
    question asks yes or no, otherwise "not yet discussed"."""
    questions = Question.objects.filter(section__catalogue=sheet.catalogue)
    save_agreed_answers(
        user=user,
        sheet=sheet,
        answers={
            question.pk: {"answer": Answer.YES if question.has_yes_no else Answer.NOT_DISCUSSED}
            for question in questions
        },
    )


def step_data(plan: CyclePlan, node: str, area: str | None = None) -> dict:
    """The outputs a step is completed with in the tests."""
    if node == "planning_1":
        return {
            "indicators": plan.indicators,
            "data_inventory": [
                {"data": "Kita-Belegung", "holder": "Jugendamt", "status": "to_obtain"},
                {
                    "data": "Einwohner nach Alter",
                    "holder": "Statistikstelle",
                    "status": "available",
                },
            ],
        }
    if node == "planning_2":
        return {"prioritisation": plan.prioritisation}
    if node == "planning_3":
        return {"goals": plan.municipal_goals}
    if node == "planning_4":
        return {"measures": plan.measures}
    if node == "planning_5":
        return {"impact_analysis": "Kita-Quote steigt langsam.", "decision": "continue"}
    if node == "area_3":
        return {"goals": plan.area_goals[area]}
    if node == "area_4":
        return {"measures": plan.area_measures[area]}
    if node == "area_5":
        return {"recommendation": f"Sprachförderung in {area} ausbauen."}
    return {}


def drive_to(plan: CyclePlan, cycle: Cycle, node: str, *, leader) -> Cycle:
    """Complete the open steps of `cycle` until step `node` is open; with "wait_areas", step 4
    is completed after impulses to the urgent areas that have none in the current round, whose
    area processes are left running. Steps passed already are left alone."""
    coordinator = plan.conference.coordinator
    order = [
        "vorphase",
        "mandate",
        "planning_1",
        "planning_2",
        "planning_3",
        "planning_4",
        "wait_areas",
    ]
    for current in order:
        if current == node:
            return cycle
        task = active_task(cycle, current)
        if task is None:
            continue
        if current == "vorphase":
            sheet = cycle.vorphase_sheet or services.create_vorphase_sheet(
                user=coordinator, cycle=cycle
            )
            consolidate(sheet, coordinator)
            services.consolidate_vorphase(user=coordinator, cycle=cycle)
        elif current == "mandate":
            services.confirm_mandate(
                user=leader,
                cycle=cycle,
                political_decision=True,
                reference="Jugendhilfeausschuss JHA/2025/017",
                date=datetime.date(2025, 2, 12),
            )
        elif current == "planning_4":
            for area in services.areas_without_impulse(cycle):
                services.give_impulse(
                    user=coordinator,
                    cycle=cycle,
                    area=area,
                    text=f"Zugang zur Kita in {area.name} verbessern",
                    goals=plan.municipal_goals,
                )
            services.complete_step(user=coordinator, task=task, data=step_data(plan, current))
        else:
            services.complete_step(user=coordinator, task=task, data=step_data(plan, current))
        cycle.refresh_from_db()
    raise ValueError(node)
