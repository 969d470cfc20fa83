"""Reads the control cycle pages need besides workflow.selectors: the working questions of a
step with the conference's agreed answers, the outputs a cycle linked, who may take over a step,
and which steps can be reopened."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q

from accounts import permissions
from conferences.models import AgreedAnswer, Catalogue, Question, Response, Section, Sheet
from conferences.selectors_meetings import municipality_users

from .models import AreaCycle, Cycle
from .selectors import ACTIVE_STATE, DONE, SKIPPED, StepState


@dataclass
class WorkingQuestion:
    question: Question
    number: str
    agreed: AgreedAnswer | None = None
    respondents: int = 0


@dataclass
class WorkingSection:
    section: Section
    questions: list[WorkingQuestion]


@dataclass
class WorkingQuestions:
    """The questions of one step of the step catalogue, answered in `sheet` if there is one."""

    catalogue: Catalogue | None
    sheet: Sheet | None
    sections: list[WorkingSection] = field(default_factory=list)

    @property
    def question_count(self) -> int:
        return sum(len(section.questions) for section in self.sections)

    @property
    def answered_count(self) -> int:
        return sum(
            1 for section in self.sections for row in section.questions if row.agreed is not None
        )


def current_catalogue(municipality, kind: str) -> Catalogue | None:
    """The current catalogue of `kind`: the municipality's own version before KECK's."""
    return (
        Catalogue.objects.filter(kind=kind, is_current=True)
        .filter(Q(municipality=municipality) | Q(municipality__isnull=True))
        .order_by(F("municipality_id").desc(nulls_last=True), "-version")
        .first()
    )


def working_questions(*, user, cycle: Cycle, conference, catalogue_step: str) -> WorkingQuestions:
    """The working questions of `catalogue_step` with the agreed answers of the conference's
    newest conference-steps sheet of this cycle (by cycle number); without such a sheet, the
    questions of the current catalogue. Five queries at most."""
    permissions.require(user, permissions.Action.VIEW_INTERNAL, cycle.municipality)
    sheet = (
        Sheet.objects.filter(
            municipality=cycle.municipality,
            catalogue__kind=Catalogue.Kind.CONFERENCE_STEPS,
            catalogue__sections__step=catalogue_step,
            conference=conference,
            cycle_number=cycle.number,
        )
        .select_related("catalogue")
        .order_by("-created", "-pk")
        .first()
    )
    catalogue = (
        sheet.catalogue
        if sheet
        else current_catalogue(cycle.municipality, Catalogue.Kind.CONFERENCE_STEPS)
    )
    if catalogue is None:
        return WorkingQuestions(catalogue=None, sheet=None)
    sections = list(
        catalogue.sections.filter(step=catalogue_step)
        .order_by("order", "pk")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order", "pk")))
    )
    agreed, respondents = {}, {}
    if sheet is not None:
        agreed = {
            answer.question_id: answer
            for answer in AgreedAnswer.objects.filter(sheet=sheet, question__section__in=sections)
        }
        respondents = dict(
            Response.objects.filter(sheet=sheet, question__section__in=sections)
            .values("question")
            .annotate(total=Count("respondent", distinct=True))
            .values_list("question", "total")
        )
    result = []
    for section_number, section in enumerate(sections, start=1):
        rows = [
            WorkingQuestion(
                question=question,
                number=f"{section_number}.{number}" if len(sections) > 1 else str(number),
                agreed=agreed.get(question.pk),
                respondents=respondents.get(question.pk, 0),
            )
            for number, question in enumerate(section.questions.all(), start=1)
        ]
        result.append(WorkingSection(section=section, questions=rows))
    return WorkingQuestions(catalogue=catalogue, sheet=sheet, sections=result)


def assignee_candidates(*, ctx) -> list:
    """The users of the municipality who may complete the step of `ctx` (StepContext)."""
    return [
        user
        for user in municipality_users(municipality=ctx.municipality)
        if ctx.node.rule(user, ctx.conference)
    ]


def reopenable(steps: list[StepState]) -> list[StepState]:
    """The steps that were completed (or skipped) before the first open one: those
    workflow.services.reopen_step accepts."""
    result = []
    for step in steps:
        if step.state == ACTIVE_STATE:
            break
        if step.kind == "step" and step.state in (DONE, SKIPPED):
            result.append(step)
    return result


@dataclass
class CycleOutputs:
    """What the steps of a cycle linked, for the overview."""

    indicators: list
    prioritised_areas: list
    swot_count: int
    findings: list
    needs: list
    goals: list
    hypotheses: list
    measures: list


def cycle_outputs(cycle: Cycle) -> CycleOutputs:
    """The objects the cycle's steps linked (eight queries)."""
    return CycleOutputs(
        indicators=list(cycle.indicators.order_by("name")),
        prioritised_areas=(
            list(cycle.prioritisation.urgent_areas.order_by("key", "pk"))
            if cycle.prioritisation_id
            else []
        ),
        swot_count=cycle.swot_entries.count(),
        findings=list(cycle.findings.select_related("area").order_by("pk")),
        needs=list(cycle.needs.order_by("pk")),
        goals=list(cycle.goals.order_by("title", "pk")),
        hypotheses=list(cycle.hypotheses.order_by("pk")),
        measures=list(cycle.measures.order_by("title", "pk")),
    )


def impulses_of(cycle: Cycle) -> dict[int, AreaCycle]:
    """The area cycles of the current round by area id: which prioritised area has its impulse."""
    return {
        area_cycle.area_id: area_cycle
        for area_cycle in AreaCycle.objects.filter(cycle=cycle, round=cycle.round).select_related(
            "area", "conference"
        )
    }
