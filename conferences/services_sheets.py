"""Every write of the reflection sheets: default catalogues, copying and editing catalogues
(copy-on-write versions), creating sheets, individual answers, consolidation and closing."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable

from django.apps import apps as django_apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import Municipality
from accounts.permissions import Action, require
from keck.locking import ConflictError, claim, differences, history_last_change

from .catalogues_default import CATALOGUES
from .models import AgreedAnswer, Answer, Catalogue, Question, Response, Section, Sheet

MAX_OPTIONS = 40
MAX_OPTION_LENGTH = 200
MAX_EXPLANATION_LENGTH = 20000
ANSWER_FIELDS = ("answer", "explanation", "choices", "other_text")
QUESTION_FIELDS = (
    "text",
    "help",
    "has_yes_no",
    "has_explanation",
    "explanation_label",
    "options",
    "allow_other",
)


class SheetError(Exception):
    """Bad input or a forbidden state change, with a message a user can read."""


class AnswerConflict(ConflictError, SheetError):
    """An answer saved by someone else (or in another window) since the caller read it."""


class AnswerConflicts(SheetError):
    """Answers of a whole-sheet save that changed since the form was read: nothing was saved.
    `conflicts` maps question id to its AnswerConflict."""

    def __init__(self, conflicts: dict[int, AnswerConflict]):
        self.conflicts = conflicts
        super().__init__(
            _(
                "%(count)s answers were changed in the meantime; nothing was saved. The changed "
                "questions are marked: compare and save again."
            )
            % {"count": len(conflicts)}
        )


# --- default catalogues --------------------------------------------------------------------


def load_default_catalogues(
    *, registry=None, catalogues: list[dict] | None = None
) -> dict[str, Catalogue]:
    """Create or update the catalogues KECK ships (`catalogues_default.CATALOGUES`); idempotent.

    A default whose content changed gets a new version when sheets already use the current
    one, else its content is replaced. `registry` is the app registry of a data migration.
    """
    registry = registry or django_apps
    models = {name: registry.get_model("conferences", name) for name in ("Catalogue", "Sheet")}
    models["Section"] = registry.get_model("conferences", "Section")
    models["Question"] = registry.get_model("conferences", "Question")
    loaded = {}
    with transaction.atomic():
        for data in CATALOGUES if catalogues is None else catalogues:
            loaded[data["kind"]] = _sync_default(data, models)
    return loaded


def _sync_default(data: dict, models: dict):
    catalogue_model = models["Catalogue"]
    current = (
        catalogue_model.objects.filter(lineage=data["lineage"], is_current=True)
        .order_by("-version")
        .first()
    )
    if current is None:
        catalogue = catalogue_model.objects.create(
            municipality=None,
            lineage=data["lineage"],
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            version=1,
            is_current=True,
        )
        _write_content(catalogue, data["sections"], models)
        return catalogue
    if _content_of(current, models) == _content_from_data(data):
        return current
    if models["Sheet"].objects.filter(catalogue=current).exists():
        current.is_current = False
        current.save(update_fields=["is_current"])
        catalogue = catalogue_model.objects.create(
            municipality=None,
            lineage=data["lineage"],
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            version=current.version + 1,
            based_on=current,
            is_current=True,
        )
    else:
        catalogue = current
        catalogue.title, catalogue.description = data["title"], data["description"]
        catalogue.save(update_fields=["title", "description"])
        models["Section"].objects.filter(catalogue=catalogue).delete()
    _write_content(catalogue, data["sections"], models)
    return catalogue


def _question_tuple(question) -> tuple:
    return (
        question["key"],
        question["text"],
        question["help"],
        question["has_yes_no"],
        question["has_explanation"],
        question["explanation_label"],
        tuple(question["options"]),
        question["allow_other"],
    )


def _content_from_data(data: dict) -> tuple:
    return (
        data["kind"],
        data["title"],
        data["description"],
        tuple(
            (
                section["key"],
                section["title"],
                section["intro"],
                section["step"],
                tuple(_question_tuple(q) for q in section["questions"]),
            )
            for section in data["sections"]
        ),
    )


def _content_of(catalogue, models: dict) -> tuple:
    questions_by_section: dict[int, list] = {}
    for question in (
        models["Question"].objects.filter(section__catalogue=catalogue).order_by("order", "pk")
    ):
        questions_by_section.setdefault(question.section_id, []).append(question)
    sections = models["Section"].objects.filter(catalogue=catalogue).order_by("order", "pk")
    return (
        catalogue.kind,
        catalogue.title,
        catalogue.description,
        tuple(
            (
                section.key,
                section.title,
                section.intro,
                section.step,
                tuple(
                    _question_tuple({f: getattr(q, f) for f in QUESTION_FIELDS} | {"key": q.key})
                    for q in questions_by_section.get(section.pk, [])
                ),
            )
            for section in sections
        ),
    )


def _write_content(catalogue, sections: list[dict], models: dict) -> None:
    section_model, question_model = models["Section"], models["Question"]
    created = section_model.objects.bulk_create(
        section_model(
            catalogue=catalogue,
            key=section["key"],
            order=index,
            title=section["title"],
            intro=section["intro"],
            step=section["step"],
        )
        for index, section in enumerate(sections, start=1)
    )
    question_model.objects.bulk_create(
        question_model(
            section=section_row,
            key=question["key"],
            order=index,
            **{field: question[field] for field in QUESTION_FIELDS},
        )
        for section_row, section in zip(created, sections, strict=True)
        for index, question in enumerate(section["questions"], start=1)
    )


# --- copying and editing catalogues --------------------------------------------------------


def _clone(
    source: Catalogue, *, municipality, lineage: str, version: int, user, title: str | None = None
) -> Catalogue:
    """A new catalogue with the sections and questions of `source`; keys stay the same."""
    catalogue = Catalogue.objects.create(
        municipality=municipality,
        lineage=lineage,
        kind=source.kind,
        title=title or source.title,
        description=source.description,
        version=version,
        based_on=source,
        is_current=True,
        created_by=user,
    )
    sections = list(source.sections.order_by("order", "pk"))
    questions = list(
        Question.objects.filter(section__catalogue=source).order_by("section_id", "order", "pk")
    )
    copies = Section.objects.bulk_create(
        Section(
            catalogue=catalogue,
            key=s.key,
            order=s.order,
            title=s.title,
            intro=s.intro,
            step=s.step,
        )
        for s in sections
    )
    new_section = {old.pk: new for old, new in zip(sections, copies, strict=True)}
    Question.objects.bulk_create(
        Question(
            section=new_section[q.section_id],
            key=q.key,
            order=q.order,
            **{field: getattr(q, field) for field in QUESTION_FIELDS},
        )
        for q in questions
    )
    return catalogue


def copy_catalogue(*, user, municipality: Municipality, catalogue: Catalogue) -> Catalogue:
    """Copy a shipped (or an own) catalogue into the municipality as its own, editable one."""
    require(user, Action.EDIT_CATALOGUES, municipality)
    if catalogue.municipality_id not in (None, municipality.pk):
        raise SheetError(_("This catalogue belongs to another municipality."))
    with transaction.atomic():
        return _clone(
            catalogue,
            municipality=municipality,
            lineage=uuid.uuid4().hex,
            version=1,
            user=user,
            title=_("%(title)s (%(municipality)s)")
            % {"title": catalogue.title, "municipality": municipality.name},
        )


def delete_catalogue(*, user, catalogue: Catalogue) -> None:
    """Delete a municipality's own catalogue with all its versions, if no sheet uses any."""
    if catalogue.municipality is None:
        raise SheetError(_("The catalogues KECK ships cannot be deleted."))
    require(user, Action.EDIT_CATALOGUES, catalogue.municipality)
    with transaction.atomic():
        versions = Catalogue.objects.select_for_update().filter(lineage=catalogue.lineage)
        if Sheet.objects.filter(catalogue__lineage=catalogue.lineage).exists():
            raise SheetError(
                _("Sheets use this catalogue, so it cannot be deleted; their answers need it.")
            )
        versions.delete()  # sections and questions go with them


def is_in_use(catalogue: Catalogue) -> bool:
    return Sheet.objects.filter(catalogue=catalogue).exists()


def _writable(user, catalogue: Catalogue) -> tuple[Catalogue, bool]:
    """The version of `catalogue` that an edit may change, and whether it is a new version.

    A catalogue that sheets use is never changed: the edit goes to a new version, so the
    sheets keep the questions they were answered with.
    """
    if catalogue.municipality is None:
        raise SheetError(
            _("The catalogues KECK ships cannot be changed. Copy it into your municipality first.")
        )
    require(user, Action.EDIT_CATALOGUES, catalogue.municipality)
    catalogue = Catalogue.objects.select_for_update().get(pk=catalogue.pk)
    if not catalogue.is_current:
        raise SheetError(
            _("This is an old version of the catalogue. Please edit the current version.")
        )
    if not is_in_use(catalogue):
        return catalogue, False
    catalogue.is_current = False
    catalogue.save(update_fields=["is_current"])
    new = _clone(
        catalogue,
        municipality=catalogue.municipality,
        lineage=catalogue.lineage,
        version=catalogue.version + 1,
        user=user,
    )
    return new, True


def _section_in(catalogue: Catalogue, section: Section) -> Section:
    return Section.objects.get(catalogue=catalogue, key=section.key)


def _question_in(catalogue: Catalogue, question: Question) -> Question:
    """The question with the same key in `catalogue` (in the section of the same key)."""
    return Question.objects.select_related("section").get(
        section__catalogue=catalogue, section__key=question.section.key, key=question.key
    )


def update_catalogue(*, user, catalogue: Catalogue, title: str, description: str) -> Catalogue:
    title = (title or "").strip()
    if not title:
        raise SheetError(_("Please give the catalogue a title."))
    with transaction.atomic():
        catalogue, _new = _writable(user, catalogue)
        catalogue.title, catalogue.description = title[:200], (description or "").strip()
        catalogue.save(update_fields=["title", "description"])
    return catalogue


def _clean_section(title: str, intro: str, step: str) -> dict:
    from .models import ConferenceStep

    title = (title or "").strip()
    if not title:
        raise SheetError(_("Please give the section a title."))
    if step and step not in ConferenceStep.values:
        raise SheetError(_("Unknown conference step: %(step)s") % {"step": step})
    return {"title": title[:200], "intro": (intro or "").strip(), "step": step or ""}


def add_section(
    *, user, catalogue: Catalogue, title: str, intro: str = "", step: str = ""
) -> Section:
    fields = _clean_section(title, intro, step)
    with transaction.atomic():
        catalogue, _new = _writable(user, catalogue)
        last = catalogue.sections.order_by("-order").values_list("order", flat=True).first()
        return Section.objects.create(
            catalogue=catalogue, key=uuid.uuid4().hex, order=(last or 0) + 1, **fields
        )


def update_section(*, user, section: Section, title: str, intro: str = "", step: str = ""):
    fields = _clean_section(title, intro, step)
    with transaction.atomic():
        catalogue, _new = _writable(user, section.catalogue)
        section = _section_in(catalogue, section)
        for name, value in fields.items():
            setattr(section, name, value)
        section.save(update_fields=list(fields))
    return section


def delete_section(*, user, section: Section) -> Catalogue:
    with transaction.atomic():
        catalogue, _new = _writable(user, section.catalogue)
        if catalogue.sections.count() <= 1:
            raise SheetError(_("A catalogue needs at least one section."))
        _section_in(catalogue, section).delete()
        _renumber(catalogue.sections.order_by("order", "pk"))
    return catalogue


def _renumber(rows: Iterable) -> None:
    rows = list(rows)
    for index, row in enumerate(rows, start=1):
        row.order = index
    if rows:
        type(rows[0]).objects.bulk_update(rows, ["order"])


def _move(rows: list, target, direction: str) -> None:
    if direction not in ("up", "down"):
        raise SheetError(_("Move up or down."))
    index = next(i for i, row in enumerate(rows) if row.pk == target.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)


def move_section(*, user, section: Section, direction: str) -> Section:
    with transaction.atomic():
        catalogue, _new = _writable(user, section.catalogue)
        section = _section_in(catalogue, section)
        _move(list(catalogue.sections.order_by("order", "pk")), section, direction)
    return section


def clean_options(options) -> list[str]:
    """Checklist options: a list (or text with one option per line) of distinct short texts."""
    if isinstance(options, str):
        options = options.splitlines()
    if not isinstance(options, list | tuple):
        raise SheetError(_("The checklist options must be a list."))
    cleaned = []
    for option in options:
        option = str(option).strip()
        if not option or option in cleaned:
            continue
        if len(option) > MAX_OPTION_LENGTH:
            raise SheetError(
                _("An option may have at most %(count)s characters.") % {"count": MAX_OPTION_LENGTH}
            )
        cleaned.append(option)
    if len(cleaned) > MAX_OPTIONS:
        raise SheetError(
            _("A question may have at most %(count)s options.") % {"count": MAX_OPTIONS}
        )
    return cleaned


def _clean_question(fields: dict) -> dict:
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise SheetError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    cleaned = dict(fields)
    if "text" in cleaned:
        cleaned["text"] = (cleaned["text"] or "").strip()
        if not cleaned["text"]:
            raise SheetError(_("Please enter the question."))
    for name in ("help", "explanation_label"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "explanation_label" in cleaned:
        cleaned["explanation_label"] = cleaned["explanation_label"][:200]
    if "options" in cleaned:
        cleaned["options"] = clean_options(cleaned["options"])
    for name in ("has_yes_no", "has_explanation", "allow_other"):
        if name in cleaned:
            cleaned[name] = bool(cleaned[name])
    return cleaned


def _check_answerable(question: Question) -> None:
    if not (
        question.has_yes_no or question.has_explanation or question.options or question.allow_other
    ):
        raise SheetError(
            _("A question needs at least one way to answer: Yes / No, explanation or checklist.")
        )


def add_question(*, user, section: Section, **fields) -> Question:
    cleaned = _clean_question(fields)
    if "text" not in cleaned:
        raise SheetError(_("Please enter the question."))
    with transaction.atomic():
        catalogue, _new = _writable(user, section.catalogue)
        section = _section_in(catalogue, section)
        last = section.questions.order_by("-order").values_list("order", flat=True).first()
        question = Question(section=section, key=uuid.uuid4().hex, order=(last or 0) + 1)
        for name, value in cleaned.items():
            setattr(question, name, value)
        _check_answerable(question)
        question.save()
    return question


def update_question(*, user, question: Question, **fields) -> Question:
    cleaned = _clean_question(fields)
    with transaction.atomic():
        catalogue, _new = _writable(user, question.section.catalogue)
        question = _question_in(catalogue, question)
        for name, value in cleaned.items():
            setattr(question, name, value)
        _check_answerable(question)
        question.save()
    return question


def delete_question(*, user, question: Question) -> Catalogue:
    with transaction.atomic():
        catalogue, _new = _writable(user, question.section.catalogue)
        question = _question_in(catalogue, question)
        section = question.section
        question.delete()
        _renumber(section.questions.order_by("order", "pk"))
    return catalogue


def move_question(*, user, question: Question, direction: str) -> Question:
    with transaction.atomic():
        catalogue, _new = _writable(user, question.section.catalogue)
        question = _question_in(catalogue, question)
        _move(list(question.section.questions.order_by("order", "pk")), question, direction)
    return question


# --- sheets --------------------------------------------------------------------------------


def create_sheet(
    *,
    user,
    municipality: Municipality,
    catalogue: Catalogue,
    title: str = "",
    cycle_number: int | None = None,
    cycle_label: str = "",
    conference=None,
    session=None,
) -> Sheet:
    require(user, Action.MANAGE_CONFERENCES, municipality)
    if catalogue.municipality_id not in (None, municipality.pk):
        raise SheetError(_("This catalogue belongs to another municipality."))
    if not catalogue.is_current:
        raise SheetError(_("New sheets use the current version of a catalogue."))
    if cycle_number is not None and cycle_number < 1:
        raise SheetError(_("The cycle number starts at 1."))
    if session is not None:
        if conference is not None and session.conference_id != conference.pk:
            raise SheetError(_("The session does not belong to the chosen conference."))
        conference = session.conference
    if conference is not None and conference.municipality_id != municipality.pk:
        raise SheetError(_("The conference belongs to another municipality."))
    cycle_label = (cycle_label or "").strip()[:100]
    title = (title or "").strip()[:200]
    if not title:
        cycle = cycle_label or (
            _("cycle %(number)s") % {"number": cycle_number} if cycle_number else ""
        )
        title = f"{catalogue.title} – {cycle}" if cycle else catalogue.title
    return Sheet.objects.create(
        municipality=municipality,
        catalogue=catalogue,
        title=title[:200],
        cycle_number=cycle_number,
        cycle_label=cycle_label,
        conference=conference,
        session=session,
        created_by=user,
    )


def _locked_open(sheet: Sheet) -> Sheet:
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.state != Sheet.State.OPEN:
        raise SheetError(_("This sheet is closed; closed sheets are read-only."))
    return sheet


def _question_of(sheet: Sheet, question) -> Question:
    question_id = question.pk if isinstance(question, Question) else question
    try:
        return Question.objects.select_related("section").get(
            pk=question_id, section__catalogue_id=sheet.catalogue_id
        )
    except (Question.DoesNotExist, ValueError, TypeError) as exc:
        raise SheetError(_("This question is not part of the sheet.")) from exc


def clean_answer(question: Question, fields: dict, *, agreed: bool = False) -> dict:
    """The given answer fields, checked against the question; absent fields stay absent."""
    unknown = set(fields) - set(ANSWER_FIELDS)
    if unknown:
        raise SheetError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    cleaned = {}
    if "answer" in fields:
        answer = fields["answer"] or ""
        if answer not in ("", *Answer.values):
            raise SheetError(
                _("Unknown answer: %(answer)s. Possible: yes, no, not_discussed.")
                % {"answer": answer}
            )
        if answer in (Answer.YES, Answer.NO) and not question.has_yes_no:
            raise SheetError(_("This question has no Yes / No answer."))
        if answer == Answer.NOT_DISCUSSED and not (question.has_yes_no or agreed):
            raise SheetError(_("This question has no Yes / No answer."))
        cleaned["answer"] = answer
    if "explanation" in fields:
        explanation = str(fields["explanation"] or "")
        if explanation.strip() and not question.has_explanation:
            raise SheetError(_("This question has no explanation field."))
        if len(explanation) > MAX_EXPLANATION_LENGTH:
            raise SheetError(
                _("The explanation may have at most %(count)s characters.")
                % {"count": MAX_EXPLANATION_LENGTH}
            )
        cleaned["explanation"] = explanation.strip()
    if "choices" in fields:
        choices = fields["choices"] or []
        if not isinstance(choices, list | tuple):
            raise SheetError(_("The checklist choices must be a list."))
        for choice in choices:
            if choice not in question.options:
                raise SheetError(
                    _("“%(choice)s” is not an option of this question.") % {"choice": choice}
                )
        cleaned["choices"] = [option for option in question.options if option in choices]
    if "other_text" in fields:
        other = str(fields["other_text"] or "").strip()
        if other and not question.allow_other:
            raise SheetError(_("This question has no “other” option."))
        if len(other) > 500:
            raise SheetError(_("“Other” may have at most 500 characters."))
        cleaned["other_text"] = other
    return cleaned


def _check_version(row, version: int | None, cleaned: dict) -> None:
    """Refuse when the answer changed since the caller read `version` (0: read no answer)."""
    if version is None:
        return
    stored = row.version if row is not None else 0
    if stored == version:
        return
    if row is None:
        raise AnswerConflict(current=None, deleted=True)
    raise AnswerConflict(
        current=row, last=history_last_change(row), differences=differences(row, cleaned)
    )


def _upsert(model, lookup: dict, cleaned: dict, extra: dict | None = None, *, user, version=None):
    """Create or change the answer row of `lookup`; `version` is the version the caller read
    (0: no row yet, None: not checked). Call inside a transaction that locked the sheet."""
    row = model.objects.filter(**lookup).first()
    _check_version(row, version, cleaned)
    if row is None:
        row = model(**lookup)
        for name, value in cleaned.items():
            setattr(row, name, value)
        if row.is_empty:
            return None  # nothing to keep: an untouched question stays without a row
    else:
        if all(getattr(row, name) == value for name, value in cleaned.items()):
            # Unchanged (the whole-sheet form sends every question): no new version, so an
            # autosave in another window is not refused for nothing, and no empty history row.
            return row
        claim(row, version=version, conflict=AnswerConflict, mine=cleaned)
        for name, value in cleaned.items():
            setattr(row, name, value)
    for name, value in (extra or {}).items():
        setattr(row, name, value)
    row._history_user = user
    row.save()
    return row


def _check_versions(model, sheet: Sheet, cleaned, versions: dict | None, **lookup) -> None:
    """All conflicts of a whole-sheet save at once, before anything is written."""
    if not versions:
        return
    rows = {row.question_id: row for row in model.objects.filter(sheet=sheet, **lookup)}
    conflicts = {}
    for question, fields in cleaned:
        try:
            _check_version(rows.get(question.pk), versions.get(question.pk), fields)
        except AnswerConflict as exc:
            conflicts[question.pk] = exc
    if conflicts:
        raise AnswerConflicts(conflicts)


def save_response(
    *, user, sheet: Sheet, question, version: int | None = None, **fields
) -> Response | None:
    """Save (part of) the user's own answer to one question: autosave and the sheet form.
    `version` is the version of the answer the caller read (0: none yet; None: not checked);
    AnswerConflict when it was saved since (e.g. in another window)."""
    require(user, Action.FILL_SHEETS, sheet.municipality)
    with transaction.atomic():
        sheet = _locked_open(sheet)
        question = _question_of(sheet, question)
        cleaned = clean_answer(question, fields)
        lookup = {"sheet": sheet, "question": question, "respondent": user}
        return _upsert(Response, lookup, cleaned, user=user, version=version)


def save_responses(*, user, sheet: Sheet, answers: dict, versions: dict | None = None) -> int:
    """Save the user's answers to several questions at once ({question id: fields}); all or
    nothing. `versions` ({question id: version read}) makes AnswerConflicts refuse answers
    saved since. Returns the number of questions that have an answer row afterwards."""
    require(user, Action.FILL_SHEETS, sheet.municipality)
    with transaction.atomic():
        sheet = _locked_open(sheet)
        cleaned = _clean_many(sheet, answers, agreed=False)
        _check_versions(Response, sheet, cleaned, versions, respondent=user)
        saved = 0
        for question, fields in cleaned:
            lookup = {"sheet": sheet, "question": question, "respondent": user}
            version = (versions or {}).get(question.pk)
            saved += _upsert(Response, lookup, fields, user=user, version=version) is not None
        return saved


def _clean_many(sheet: Sheet, answers: dict, *, agreed: bool) -> list[tuple[Question, dict]]:
    questions = {
        q.pk: q
        for q in Question.objects.filter(section__catalogue_id=sheet.catalogue_id).select_related(
            "section"
        )
    }
    cleaned = []
    for question_id, fields in answers.items():
        question = questions.get(int(question_id))
        if question is None:
            raise SheetError(_("This question is not part of the sheet."))
        try:
            cleaned.append((question, clean_answer(question, fields, agreed=agreed)))
        except SheetError as exc:
            raise SheetError(
                _("Question “%(question)s”: %(error)s")
                % {"question": question.text[:80], "error": exc}
            ) from exc
    return cleaned


def save_agreed(
    *, user, sheet: Sheet, question, version: int | None = None, **fields
) -> AgreedAnswer | None:
    """Save (part of) the agreed answer to one question (coordinators). `version` as in
    save_response: another coordinator's save in between is refused with AnswerConflict."""
    require(user, Action.MANAGE_CONFERENCES, sheet.municipality)
    with transaction.atomic():
        sheet = _locked_open(sheet)
        question = _question_of(sheet, question)
        cleaned = clean_answer(question, fields, agreed=True)
        return _upsert(
            AgreedAnswer,
            {"sheet": sheet, "question": question},
            cleaned,
            {"updated_by": user},
            user=user,
            version=version,
        )


def save_agreed_answers(*, user, sheet: Sheet, answers: dict, versions: dict | None = None) -> int:
    require(user, Action.MANAGE_CONFERENCES, sheet.municipality)
    with transaction.atomic():
        sheet = _locked_open(sheet)
        cleaned = _clean_many(sheet, answers, agreed=True)
        _check_versions(AgreedAnswer, sheet, cleaned, versions)
        saved = 0
        for question, fields in cleaned:
            lookup = {"sheet": sheet, "question": question}
            version = (versions or {}).get(question.pk)
            row = _upsert(
                AgreedAnswer, lookup, fields, {"updated_by": user}, user=user, version=version
            )
            saved += row is not None
        return saved


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def propose_agreed(question: Question, responses: Iterable[Response]) -> dict:
    """A proposal for the agreed answer from the individual ones: the Ja/Nein answer a clear
    majority gave (none on a tie), the explanations one below the other with the names, every
    checklist option someone ticked, the "other" texts joined."""
    responses = list(responses)
    counts = Counter(r.answer for r in responses if r.answer)
    answer = ""
    if counts:
        ranked = counts.most_common()
        if len(ranked) == 1 or ranked[1][1] < ranked[0][1]:
            answer = ranked[0][0]
    explanation = "\n\n".join(
        f"{display_name(r.respondent)}: {r.explanation.strip()}"
        for r in responses
        if r.explanation.strip()
    )
    ticked = {choice for r in responses for choice in r.choices}
    others = dict.fromkeys(r.other_text.strip() for r in responses if r.other_text.strip())
    return {
        "answer": answer,
        "explanation": explanation if question.has_explanation else "",
        "choices": [option for option in question.options if option in ticked],
        "other_text": "; ".join(others)[:500] if question.allow_other else "",
    }


def prefill_agreed(*, user, sheet: Sheet) -> int:
    """Store the proposal as agreed answer for every question that has individual answers but
    no agreed answer yet; returns how many were filled. Existing agreed answers stay."""
    require(user, Action.MANAGE_CONFERENCES, sheet.municipality)
    with transaction.atomic():
        sheet = _locked_open(sheet)
        done = set(sheet.agreed_answers.values_list("question_id", flat=True))
        by_question: dict[int, list[Response]] = {}
        for response in sheet.responses.select_related("respondent", "question").order_by(
            "respondent__last_name", "respondent__username"
        ):
            if response.question_id not in done:
                by_question.setdefault(response.question_id, []).append(response)
        created = []
        for responses in by_question.values():
            question = responses[0].question
            agreed = AgreedAnswer(
                sheet=sheet,
                question=question,
                updated_by=user,
                **propose_agreed(question, responses),
            )
            if not agreed.is_empty:
                created.append(agreed)
        # With history rows, so that the history page shows who filled in the proposal.
        bulk_create_with_history(created, AgreedAnswer, default_user=user)
        return len(created)


def is_resolved(question: Question, agreed: AgreedAnswer | None) -> bool:
    """Has the question an agreed answer (or an explicit "not yet discussed")?"""
    if agreed is None:
        return False
    if question.has_yes_no:
        return bool(agreed.answer)
    return agreed.answer == Answer.NOT_DISCUSSED or not agreed.is_empty


def unresolved_questions(sheet: Sheet) -> list[Question]:
    agreed = {a.question_id: a for a in sheet.agreed_answers.all()}
    questions = Question.objects.filter(section__catalogue_id=sheet.catalogue_id).order_by(
        "section__order", "order", "pk"
    )
    return [q for q in questions if not is_resolved(q, agreed.get(q.pk))]


def close_sheet(*, user, sheet: Sheet) -> Sheet:
    """Close a consolidated sheet: every question needs an agreed answer or an explicit
    "not yet discussed". Closed sheets are read-only."""
    require(user, Action.MANAGE_CONFERENCES, sheet.municipality)
    with transaction.atomic():
        sheet = _locked_open(sheet)
        missing = unresolved_questions(sheet)
        if missing:
            raise SheetError(
                _(
                    "The sheet cannot be closed yet: %(count)s questions have no agreed answer "
                    "(mark them “not yet discussed” if the group did not talk about them). "
                    "First: “%(question)s”"
                )
                % {"count": len(missing), "question": missing[0].text[:120]}
            )
        sheet.state = Sheet.State.CLOSED
        sheet.closed_at = timezone.now()
        sheet.closed_by = user
        sheet.save(update_fields=["state", "closed_at", "closed_by"])
    return sheet


def reopen_sheet(*, user, sheet: Sheet) -> Sheet:
    require(user, Action.MANAGE_CONFERENCES, sheet.municipality)
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.state != Sheet.State.CLOSED:
            raise SheetError(_("The sheet is open already."))
        sheet.state = Sheet.State.OPEN
        sheet.closed_at = None
        sheet.closed_by = None
        sheet.save(update_fields=["state", "closed_at", "closed_by"])
    return sheet
