"""The kinds of the history page (keck.history) of sheet answers (individual and agreed), the
decisions of a session and the minutes of its agenda items. Members read; the respondent
restores their own answer, coordinators the agreed answers and the session record."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.permissions import Action, can, current_municipality
from keck.history import Kind, int_ref, record_data, record_of, record_versions, register, scoped

from . import selectors_meetings, selectors_sheets, services_meetings, services_sheets
from .models import AgendaItem, AgreedAnswer, Response

ANSWER_FIELDS = services_sheets.ANSWER_FIELDS
AGENDA_FIELDS = ("title", "description", "minutes")


def _answers(model, request, ref):
    municipality = current_municipality(request)
    sheets = selectors_sheets.sheets_for(user=request.user, municipality=municipality)
    rows = model.objects.filter(sheet__in=sheets).select_related("sheet__municipality", "question")
    return scoped(rows, int_ref(ref))


def _answer_title(row) -> str:
    return f"{row.sheet.title}: {row.question.text[:80]}"


def _restore_response(user, row, ref, version):
    data = record_data(record_of(row, ref), ANSWER_FIELDS)
    services_sheets.save_response(
        user=user, sheet=row.sheet, question=row.question, version=version, **data
    )


register(
    Kind(
        name="answer",
        app="conferences",
        label=gettext_lazy("Individual answer"),
        get=lambda request, ref: _answers(Response, request, ref),
        title=_answer_title,
        back_url=lambda row: (
            reverse("conferences:sheet_fill", args=[row.sheet_id]) + f"#question-{row.question_id}"
        ),
        versions=lambda user, row: record_versions(row, ANSWER_FIELDS),
        # An individual answer is its respondent's own: only they restore it.
        may_restore=lambda user, row: (
            row.respondent_id == user.pk
            and row.sheet.is_open
            and can(user, Action.FILL_SHEETS, row.sheet.municipality)
        ),
        restore=_restore_response,
        version_of=lambda row: row.version,
        errors=(services_sheets.SheetError,),
    )
)


def _restore_agreed(user, row, ref, version):
    data = record_data(record_of(row, ref), ANSWER_FIELDS)
    services_sheets.save_agreed(
        user=user, sheet=row.sheet, question=row.question, version=version, **data
    )


register(
    Kind(
        name="agreed-answer",
        app="conferences",
        label=gettext_lazy("Agreed answer"),
        get=lambda request, ref: _answers(AgreedAnswer, request, ref),
        title=_answer_title,
        back_url=lambda row: (
            reverse("conferences:sheet_consolidate", args=[row.sheet_id])
            + f"#question-{row.question_id}"
        ),
        versions=lambda user, row: record_versions(row, ANSWER_FIELDS),
        may_restore=lambda user, row: (
            row.sheet.is_open and can(user, Action.MANAGE_CONFERENCES, row.sheet.municipality)
        ),
        restore=_restore_agreed,
        version_of=lambda row: row.version,
        errors=(services_sheets.SheetError,),
    )
)


def _sessions(request):
    municipality = current_municipality(request)
    return selectors_meetings.sessions_for(user=request.user, municipality=municipality)


def _may_record(user, session) -> bool:
    return can(user, Action.MANAGE_CONFERENCES, session.conference.municipality)


def _restore_decisions(user, session, ref, version):
    data = record_data(record_of(session, ref), ("decisions",))
    services_meetings.record_session(
        user=user,
        session=session,
        attendance={},
        agenda=[],
        decisions=data["decisions"],
        action_items=[],
        version=version,
    )


register(
    Kind(
        name="session",
        app="conferences",
        label=gettext_lazy("Decisions of the session"),
        get=lambda request, ref: scoped(_sessions(request), int_ref(ref)),
        title=lambda session: str(session),
        back_url=lambda session: reverse("conferences:session", args=[session.pk]),
        versions=lambda user, session: record_versions(session, ("decisions",)),
        may_restore=_may_record,
        restore=_restore_decisions,
        version_of=lambda session: session.version,
        errors=(services_meetings.MeetingError,),
    )
)


def _agenda_item(request, ref):
    items = AgendaItem.objects.filter(session__in=_sessions(request)).select_related(
        "session__conference__municipality", "bookmark"
    )
    return scoped(items, int_ref(ref))


def _restore_agenda_item(user, item, ref, version):
    """Through the session record, so the session's version guards the minutes (the record
    page saves them all together)."""
    data = record_data(record_of(item, ref), AGENDA_FIELDS)
    session = item.session
    services_meetings.record_session(
        user=user,
        session=session,
        attendance={},
        agenda=[services_meetings.AgendaChange(pk=item.pk, bookmark=item.bookmark, **data)],
        decisions=session.decisions,
        action_items=[],
        version=version,
    )


register(
    Kind(
        name="agenda-item",
        app="conferences",
        label=gettext_lazy("Minutes of an agenda item"),
        get=_agenda_item,
        title=lambda item: f"{item.session}: {item.title}",
        back_url=lambda item: reverse("conferences:session", args=[item.session_id]),
        versions=lambda user, item: record_versions(item, AGENDA_FIELDS),
        may_restore=lambda user, item: _may_record(user, item.session),
        restore=_restore_agenda_item,
        version_of=lambda item: item.session.version,
        errors=(services_meetings.MeetingError,),
    )
)
