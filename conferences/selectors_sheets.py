"""Every read of the reflection sheets, scoped by permissions: catalogues, sheets with their
answers (constant queries however many questions), consolidation and the comparison over time."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Municipality
from accounts.permissions import Action, can, require

from .models import AgreedAnswer, Answer, Catalogue, Question, Response, Section, Sheet
from .services_sheets import display_name, is_resolved, propose_agreed


def _count(queryset: QuerySet, *, group: str, column: str = "pk") -> Coalesce:
    """A correlated COUNT subquery instead of joins that multiply rows; `queryset` is already
    filtered by an OuterRef on `group`."""
    counted = (
        queryset.order_by()
        .values(group)
        .annotate(total=Count(column, distinct=True))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- catalogues ----------------------------------------------------------------------------


def catalogues_for(
    *, user, municipality: Municipality, include_old: bool = False, kind: str = ""
) -> QuerySet[Catalogue]:
    """The shipped catalogues and the municipality's own, current versions unless asked."""
    require(user, Action.VIEW_INTERNAL, municipality)
    queryset = Catalogue.objects.filter(
        Q(municipality__isnull=True) | Q(municipality=municipality)
    ).select_related("municipality", "based_on")
    if not include_old:
        queryset = queryset.filter(is_current=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.annotate(
        section_count=_count(Section.objects.filter(catalogue=OuterRef("pk")), group="catalogue"),
        question_count=_count(
            Question.objects.filter(section__catalogue=OuterRef("pk")), group="section__catalogue"
        ),
        sheet_count=_count(
            Sheet.objects.filter(catalogue=OuterRef("pk"), municipality=municipality),
            group="catalogue",
        ),
    ).order_by("kind", "municipality_id", "title", "-version")


def catalogue_for(*, user, municipality: Municipality, pk: int) -> Catalogue:
    """A catalogue the municipality may see; Catalogue.DoesNotExist otherwise."""
    require(user, Action.VIEW_INTERNAL, municipality)
    return Catalogue.objects.select_related("municipality", "based_on").get(
        Q(municipality__isnull=True) | Q(municipality=municipality), pk=pk
    )


def sections_of(catalogue: Catalogue) -> list[Section]:
    """The catalogue's sections with their questions, in order (two queries)."""
    return list(
        catalogue.sections.order_by("order", "pk").prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("order", "pk"))
        )
    )


def versions_of(catalogue: Catalogue, *, municipality: Municipality) -> list[Catalogue]:
    """Every version of the catalogue, newest first, with the number of the municipality's
    sheets that use it."""
    sheets = Sheet.objects.filter(catalogue=OuterRef("pk"), municipality=municipality)
    return list(
        Catalogue.objects.filter(lineage=catalogue.lineage)
        .annotate(sheet_count=_count(sheets, group="catalogue"))
        .order_by("-version")
    )


def section_for(*, user, municipality: Municipality, pk: int) -> Section:
    require(user, Action.VIEW_INTERNAL, municipality)
    return Section.objects.select_related("catalogue__municipality").get(
        Q(catalogue__municipality__isnull=True) | Q(catalogue__municipality=municipality), pk=pk
    )


def question_for(*, user, municipality: Municipality, pk: int) -> Question:
    require(user, Action.VIEW_INTERNAL, municipality)
    return Question.objects.select_related("section__catalogue__municipality").get(
        Q(section__catalogue__municipality__isnull=True)
        | Q(section__catalogue__municipality=municipality),
        pk=pk,
    )


# --- sheets --------------------------------------------------------------------------------


def sheets_for(
    *, user, municipality: Municipality, kind: str = "", state: str = ""
) -> QuerySet[Sheet]:
    """The municipality's sheets, newest first, with counts for the list."""
    require(user, Action.VIEW_INTERNAL, municipality)
    queryset = Sheet.objects.filter(municipality=municipality).select_related(
        "catalogue", "conference", "session", "created_by"
    )
    if kind:
        queryset = queryset.filter(catalogue__kind=kind)
    if state:
        queryset = queryset.filter(state=state)
    mine = Response.objects.filter(sheet=OuterRef("pk"), respondent=user)
    return queryset.annotate(
        respondent_count=_count(
            Response.objects.filter(sheet=OuterRef("pk")), group="sheet", column="respondent"
        ),
        agreed_count=_count(AgreedAnswer.objects.filter(sheet=OuterRef("pk")), group="sheet"),
        question_count=_count(
            Question.objects.filter(section__catalogue=OuterRef("catalogue")),
            group="section__catalogue",
        ),
        answered_by_me=Exists(mine),
    ).order_by("-created", "-pk")


def sheet_for(*, user, municipality: Municipality, pk: int) -> Sheet:
    """A sheet of the municipality; Sheet.DoesNotExist otherwise (also for other municipalities)."""
    require(user, Action.VIEW_INTERNAL, municipality)
    return Sheet.objects.select_related(
        "municipality", "catalogue", "conference", "session", "created_by", "closed_by"
    ).get(municipality=municipality, pk=pk)


@dataclass
class QuestionRow:
    number: str
    question: Question
    mine: Response | None = None
    agreed: AgreedAnswer | None = None
    responses: list[Response] = field(default_factory=list)
    proposal: dict | None = None

    @property
    def resolved(self) -> bool:
        return is_resolved(self.question, self.agreed)

    @property
    def shown_agreed(self) -> dict:
        """What the consolidation form shows: the stored agreed answer, else the proposal."""
        if self.agreed is not None:
            return {name: getattr(self.agreed, name) for name in _ANSWER_NAMES}
        return self.proposal or {name: _EMPTY[name] for name in _ANSWER_NAMES}


_ANSWER_NAMES = ("answer", "explanation", "choices", "other_text")
_EMPTY = {"answer": "", "explanation": "", "choices": [], "other_text": ""}


@dataclass
class SectionRows:
    number: int
    section: Section
    rows: list[QuestionRow]


@dataclass
class SheetContent:
    sheet: Sheet
    sections: list[SectionRows]
    respondents: list
    may_fill: bool
    may_consolidate: bool

    @property
    def rows(self) -> list[QuestionRow]:
        return [row for section in self.sections for row in section.rows]

    @property
    def question_count(self) -> int:
        return len(self.rows)

    @property
    def answered_by_me(self) -> int:
        return sum(1 for row in self.rows if row.mine is not None and not row.mine.is_empty)

    @property
    def resolved_count(self) -> int:
        return sum(1 for row in self.rows if row.resolved)


def sheet_content(*, user, sheet: Sheet, individual: bool = True) -> SheetContent:
    """The sheet's questions with the user's own answers, the agreed answers and (with
    `individual`) everybody's answers plus proposals for the agreed ones. Five queries at most,
    however many questions the catalogue has."""
    municipality = sheet.municipality
    require(user, Action.VIEW_INTERNAL, municipality)
    sections = sections_of(sheet.catalogue)
    agreed = {a.question_id: a for a in AgreedAnswer.objects.filter(sheet=sheet)}
    by_question: dict[int, list[Response]] = {}
    mine: dict[int, Response] = {}
    respondents: dict[int, object] = {}
    if individual:
        responses = Response.objects.filter(sheet=sheet).select_related("respondent")
        for response in responses.order_by(
            "respondent__last_name", "respondent__first_name", "respondent__username"
        ):
            by_question.setdefault(response.question_id, []).append(response)
            respondents.setdefault(response.respondent_id, response.respondent)
            if response.respondent_id == user.pk:
                mine[response.question_id] = response
    else:
        mine = {r.question_id: r for r in Response.objects.filter(sheet=sheet, respondent=user)}
    result = []
    for section_number, section in enumerate(sections, start=1):
        rows = []
        for question_number, question in enumerate(section.questions.all(), start=1):
            answers = by_question.get(question.pk, [])
            rows.append(
                QuestionRow(
                    number=f"{section_number}.{question_number}",
                    question=question,
                    mine=mine.get(question.pk),
                    agreed=agreed.get(question.pk),
                    responses=answers,
                    proposal=propose_agreed(question, answers) if answers else None,
                )
            )
        result.append(SectionRows(number=section_number, section=section, rows=rows))
    return SheetContent(
        sheet=sheet,
        sections=result,
        respondents=sorted(respondents.values(), key=display_name),
        may_fill=sheet.is_open and can(user, Action.FILL_SHEETS, municipality),
        may_consolidate=sheet.is_open and can(user, Action.MANAGE_CONFERENCES, municipality),
    )


def answer_label(answer: str) -> str:
    return str(Answer(answer).label) if answer else ""


# --- comparison over time ------------------------------------------------------------------


@dataclass
class CompareCell:
    sheet: Sheet
    agreed: AgreedAnswer | None
    previous_answer: str = ""
    changed: bool = False
    explanation_html: SafeString | str = ""
    length: int = 0
    growth: int | None = None
    present: bool = True  # the sheet's catalogue version has this question

    @property
    def answer(self) -> str:
        return self.agreed.answer if self.agreed else ""

    @property
    def answer_label(self) -> str:
        return answer_label(self.answer)

    @property
    def previous_label(self) -> str:
        return answer_label(self.previous_answer)


@dataclass
class CompareRow:
    key: str
    text: str
    section_title: str
    cells: list[CompareCell]

    @property
    def has_change(self) -> bool:
        return any(cell.changed for cell in self.cells)


@dataclass
class CompareGroup:
    title: str
    rows: list[CompareRow]


@dataclass
class Comparison:
    kind: str
    sheets: list[Sheet]
    available: list[Sheet]
    groups: list[CompareGroup]

    @property
    def change_count(self) -> int:
        return sum(row.has_change for group in self.groups for row in group.rows)


_TOKENS = re.compile(r"\w+|[^\w\s]+|\s+")


def mark_new_text(old: str, new: str) -> SafeString:
    """`new` as HTML with the words that are not in `old` wrapped in <mark> (spacing kept)."""
    if not old.strip():
        return mark_safe(escape(new))  # noqa: S308 - escaped
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        text = "".join(new_tokens[j1:j2])
        core = text.strip()
        if tag in ("insert", "replace") and core:
            start = text.index(core)
            before, after = text[:start], text[start + len(core) :]
            parts.append(f"{escape(before)}<mark>{escape(core)}</mark>{escape(after)}")
        else:
            parts.append(escape(text))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped


def _sheet_order(sheet: Sheet):
    return (sheet.cycle_number is None, sheet.cycle_number or 0, sheet.created, sheet.pk)


def compare_sheets(
    *, user, municipality: Municipality, kind: str, sheet_ids: list[int] | None = None
) -> Comparison:
    """The agreed answers of the sheets of one catalogue kind, oldest cycle first, matched by
    question key across catalogue versions and copies; changed Ja/Nein answers and the growth
    of the explanations are marked against the previous sheet."""
    require(user, Action.VIEW_INTERNAL, municipality)
    # With the counts of the sheet list: the comparison shows the sheets as the list does.
    available = sorted(
        sheets_for(user=user, municipality=municipality, kind=kind), key=_sheet_order
    )
    sheets = [s for s in available if s.pk in set(sheet_ids)] if sheet_ids else available
    questions = list(
        Question.objects.filter(section__catalogue__in={s.catalogue_id for s in sheets})
        .select_related("section")
        .order_by("section__order", "order", "pk")
    )
    by_catalogue: dict[int, dict[str, Question]] = {}
    for question in questions:
        by_catalogue.setdefault(question.section.catalogue_id, {})[question.key] = question
    agreed = {
        (a.sheet_id, a.question_id): a
        for a in AgreedAnswer.objects.filter(sheet__in=[s.pk for s in sheets])
    }
    # Row order: the newest sheet's catalogue first, then questions only older versions had.
    order: dict[str, Question] = {}
    for sheet in reversed(sheets):
        for key, question in by_catalogue.get(sheet.catalogue_id, {}).items():
            order.setdefault(key, question)
    groups: list[CompareGroup] = []
    for key, question in order.items():
        cells = []
        previous: CompareCell | None = None
        for sheet in sheets:
            own = by_catalogue.get(sheet.catalogue_id, {}).get(key)
            answer = agreed.get((sheet.pk, own.pk)) if own else None
            cell = CompareCell(sheet=sheet, agreed=answer, present=own is not None)
            explanation = answer.explanation if answer else ""
            cell.length = len(explanation)
            if previous is not None and previous.agreed is not None:
                old = previous.agreed.explanation
                cell.previous_answer = previous.answer
                cell.changed = bool(
                    cell.answer and previous.answer and cell.answer != previous.answer
                )
                cell.growth = cell.length - len(old) if answer else None
                cell.explanation_html = mark_new_text(old, explanation) if explanation else ""
            else:
                cell.explanation_html = explanation
            cells.append(cell)
            if answer is not None:
                previous = cell
        row = CompareRow(
            key=key, text=question.text, section_title=question.section.title, cells=cells
        )
        if groups and groups[-1].title == row.section_title:
            groups[-1].rows.append(row)
        else:
            groups.append(CompareGroup(title=row.section_title, rows=[row]))
    return Comparison(kind=kind, sheets=sheets, available=available, groups=groups)
