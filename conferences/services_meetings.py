"""Every write of conferences and sessions: bodies and members, sessions with the carry-over of
open action items, attendance, minutes, decisions and action items, the invitation e-mail with
its iCal file, reminders of due action items and the municipality's own minutes template.

Functions take keyword arguments, check the permission through accounts.permissions and raise
MeetingError with a message a user can read; nothing is written when one is raised.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, Municipality, Role
from accounts.permissions import Action, require
from atlas_data.models import Area, Bookmark
from keck.locking import (
    ConflictError,
    Difference,
    LastChange,
    claim,
    field_label,
    history_last_change,
    show,
    user_name,
)
from keck.uploads import UploadRejected, check_upload

from . import documents_meetings as documents
from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Conference,
    ConferenceMember,
    MinutesTemplate,
    Session,
)
from .selectors_meetings import (
    ABSENT,
    EXCUSED,
    OPEN_STATUSES,
    PRESENT,
    SessionRecord,
    action_items_to_remind,
    member_email,
    minutes_template_of,
    open_action_items_before,
    responsible_email,
    responsible_name,
    session_record,
)

logger = logging.getLogger(__name__)


class MeetingError(Exception):
    """A refused change, with a message for the user."""


class RecordConflict(ConflictError, MeetingError):
    """The record of a session (minutes, decisions …) was saved by someone else since it was
    read: nothing was saved."""


@dataclass
class AgendaChange:
    """One row of the agenda as the coordinator edits it; pk None adds an item."""

    pk: int | None
    title: str
    description: str = ""
    minutes: str = ""
    bookmark: Bookmark | None = None
    order: int | None = None
    delete: bool = False


@dataclass
class ActionItemChange:
    """One row of the action-item table; pk None adds an item."""

    pk: int | None
    what: str
    responsible_member: ConferenceMember | None = None
    responsible_user: object | None = None
    due: datetime.date | None = None
    status: str = ActionItem.Status.OPEN
    delete: bool = False


def _manage(user, municipality: Municipality) -> None:
    require(user, Action.MANAGE_CONFERENCES, municipality)


def _is_member_of(user, municipality: Municipality) -> bool:
    return Membership.objects.filter(user=user, municipality=municipality).exists()


def _display(user) -> str:
    return user.get_full_name() or user.username


# --------------------------------------------------------------------------------------------
# Conferences


def _clean_conference(
    *,
    municipality: Municipality,
    kind: str,
    name: str,
    areas,
    coordinator,
    instance: Conference | None = None,
) -> tuple[str, list[Area]]:
    name = (name or "").strip()
    if not name:
        raise MeetingError(_("A conference needs a name."))
    if kind not in Conference.Kind.values:
        raise MeetingError(_("Unknown kind of conference: %(kind)s.") % {"kind": kind})
    same_name = Conference.objects.filter(municipality=municipality, name__iexact=name)
    if instance is not None:
        same_name = same_name.exclude(pk=instance.pk)
    if same_name.exists():
        raise MeetingError(
            _("%(municipality)s already has a conference named “%(name)s”.")
            % {"municipality": municipality.name, "name": name}
        )
    areas = list(areas or [])
    if any(area.municipality_id != municipality.pk for area in areas):
        raise MeetingError(_("An area does not belong to %(name)s.") % {"name": municipality.name})
    if kind == Conference.Kind.AREA and not areas:
        raise MeetingError(_("A social area conference needs at least one area."))
    if kind == Conference.Kind.PLANNING and areas:
        raise MeetingError(
            _("A social planning conference covers the whole municipality and has no areas.")
        )
    if coordinator is not None:
        membership = Membership.objects.filter(user=coordinator, municipality=municipality).first()
        if membership is None or Role.COORDINATOR not in membership.roles:
            raise MeetingError(
                _("%(user)s does not hold the coordinator role in %(municipality)s.")
                % {"user": _display(coordinator), "municipality": municipality.name}
            )
    return name, areas


@transaction.atomic
def create_conference(
    *,
    user,
    municipality: Municipality,
    kind: str,
    name: str,
    areas=(),
    purpose: str = "",
    rhythm: str = "",
    reuses_body: str = "",
    coordinator=None,
    is_active: bool = True,
) -> Conference:
    _manage(user, municipality)
    name, areas = _clean_conference(
        municipality=municipality, kind=kind, name=name, areas=areas, coordinator=coordinator
    )
    conference = Conference.objects.create(
        municipality=municipality,
        kind=kind,
        name=name,
        purpose=(purpose or "").strip(),
        rhythm=(rhythm or "").strip(),
        reuses_body=(reuses_body or "").strip(),
        coordinator=coordinator,
        is_active=is_active,
    )
    conference.areas.set(areas)
    return conference


@transaction.atomic
def update_conference(
    *,
    user,
    conference: Conference,
    kind: str,
    name: str,
    areas=(),
    purpose: str = "",
    rhythm: str = "",
    reuses_body: str = "",
    coordinator=None,
    is_active: bool = True,
) -> Conference:
    municipality = conference.municipality
    _manage(user, municipality)
    name, areas = _clean_conference(
        municipality=municipality,
        kind=kind,
        name=name,
        areas=areas,
        coordinator=coordinator,
        instance=conference,
    )
    conference.kind = kind
    conference.name = name
    conference.purpose = (purpose or "").strip()
    conference.rhythm = (rhythm or "").strip()
    conference.reuses_body = (reuses_body or "").strip()
    conference.coordinator = coordinator
    conference.is_active = is_active
    conference.save()
    conference.areas.set(areas)
    return conference


@transaction.atomic
def delete_conference(*, user, conference: Conference) -> None:
    _manage(user, conference.municipality)
    if conference.sessions.exists():
        raise MeetingError(
            _(
                "A conference with sessions keeps its minutes and cannot be deleted; "
                "mark it as inactive instead."
            )
        )
    conference.delete()


# --------------------------------------------------------------------------------------------
# Members


def _clean_member(
    *, conference: Conference, name: str, email: str, member_user, instance=None
) -> str:
    municipality = conference.municipality
    name = (name or "").strip()
    if member_user is not None:
        if not _is_member_of(member_user, municipality):
            raise MeetingError(
                _("%(user)s is not a user of %(municipality)s.")
                % {"user": _display(member_user), "municipality": municipality.name}
            )
        linked = ConferenceMember.objects.filter(conference=conference, user=member_user)
        if instance is not None:
            linked = linked.exclude(pk=instance.pk)
        if linked.exists():
            raise MeetingError(
                _("%(user)s is already a member of this conference.")
                % {"user": _display(member_user)}
            )
        name = name or _display(member_user)
    if not name:
        raise MeetingError(_("A member needs a name."))
    if email and "@" not in email:
        raise MeetingError(_("“%(email)s” is not an e-mail address.") % {"email": email})
    return name


@transaction.atomic
def add_member(
    *,
    user,
    conference: Conference,
    name: str = "",
    function: str = "",
    institution: str = "",
    email: str = "",
    member_user=None,
) -> ConferenceMember:
    _manage(user, conference.municipality)
    email = (email or "").strip()
    name = _clean_member(conference=conference, name=name, email=email, member_user=member_user)
    return ConferenceMember.objects.create(
        conference=conference,
        name=name,
        function=(function or "").strip(),
        institution=(institution or "").strip(),
        email=email,
        user=member_user,
    )


@transaction.atomic
def update_member(
    *,
    user,
    member: ConferenceMember,
    name: str = "",
    function: str = "",
    institution: str = "",
    email: str = "",
    member_user=None,
    active: bool = True,
) -> ConferenceMember:
    _manage(user, member.conference.municipality)
    email = (email or "").strip()
    member.name = _clean_member(
        conference=member.conference,
        name=name,
        email=email,
        member_user=member_user,
        instance=member,
    )
    member.function = (function or "").strip()
    member.institution = (institution or "").strip()
    member.email = email
    member.user = member_user
    member.active = active
    member.save()
    return member


@transaction.atomic
def remove_member(*, user, member: ConferenceMember) -> str:
    """Delete a member without history; one who appears in minutes (attendance or action
    items) leaves instead: stays in those minutes, gets no more invitations. Returns
    "removed" or "left"; refused while the member is responsible for open action items."""
    _manage(user, member.conference.municipality)
    open_items = ActionItem.objects.filter(
        responsible_member=member, status__in=OPEN_STATUSES
    ).count()
    if open_items:
        raise MeetingError(
            _(
                "%(name)s is responsible for %(count)d open action items; give them to "
                "someone else or close them first."
            )
            % {"name": member.name, "count": open_items}
        )
    in_minutes = (
        Attendance.objects.filter(member=member).exists()
        or ActionItem.objects.filter(responsible_member=member).exists()
    )
    if in_minutes:
        if member.active:
            member.active = False
            member.save(update_fields=["active"])
        return "left"
    member.delete()
    return "removed"


# --------------------------------------------------------------------------------------------
# Sessions


def _clean_times(starts_at, ends_at) -> None:
    if starts_at is None:
        raise MeetingError(_("A session needs a date and a start time."))
    if ends_at is not None and ends_at <= starts_at:
        raise MeetingError(_("The session must end after it starts."))


@transaction.atomic
def create_session(
    *,
    user,
    conference: Conference,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    place: str = "",
    agenda: list[str | AgendaChange] = (),
) -> Session:
    """A new session with its first agenda items (titles or AgendaChange rows); the open
    action items of the conference's earlier sessions follow as one agenda item each
    (carry_over_action_items)."""
    _manage(user, conference.municipality)
    _clean_times(starts_at, ends_at)
    session = Session(
        conference=conference, starts_at=starts_at, ends_at=ends_at, place=(place or "").strip()
    )
    session._history_user = user
    session.save()
    items = [AgendaChange(pk=None, title=row) if isinstance(row, str) else row for row in agenda]
    items = [item for item in items if (item.title or "").strip()]
    for order, item in enumerate(items, start=1):
        _check_bookmark(session, item.bookmark)
        _new_agenda_item(
            session=session,
            order=order,
            title=item.title.strip(),
            description=(item.description or "").strip(),
            minutes=(item.minutes or "").strip(),
            bookmark=item.bookmark,
            user=user,
        )
    carry_over_action_items(session=session, user=user)
    return session


def _new_agenda_item(*, session: Session, user=None, **fields) -> AgendaItem:
    if len(fields.get("title", "")) > 300:
        raise MeetingError(_("An agenda title may have at most 300 characters."))
    item = AgendaItem(session=session, **fields)
    item._history_user = user
    item.save()
    return item


@transaction.atomic
def carry_over_action_items(*, session: Session, user=None) -> list[AgendaItem]:
    """Put every open action item (open or in progress) of the conference's earlier sessions on
    this session's agenda, one agenda item each pointing to it (carried_over_from).

    Idempotent: an action item already on this agenda is not added again, so saving or
    inviting again never duplicates; done and dropped items never carry over.
    """
    items = list(open_action_items_before(session))
    if not items:
        return []
    last = session.agenda.aggregate(last=Max("order"))["last"] or 0
    created = []
    for offset, action in enumerate(items, start=1):
        title = action.what.strip().splitlines()[0] if action.what.strip() else ""
        if len(title) > 300:
            title = title[:299] + "…"
        created.append(
            _new_agenda_item(
                session=session,
                order=last + offset,
                title=title,
                carried_over_from=action,
                user=user,
            )
        )
    return created


@transaction.atomic
def update_session(
    *,
    user,
    session: Session,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    place: str = "",
) -> Session:
    _manage(user, session.conference.municipality)
    _clean_times(starts_at, ends_at)
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.place = (place or "").strip()
    session._history_user = user
    # Only these fields: a full save would write back the version this object was read with.
    session.save(update_fields=["starts_at", "ends_at", "place"])
    # A session moved later may now follow sessions whose open items belong on its agenda.
    carry_over_action_items(session=session, user=user)
    return session


@transaction.atomic
def delete_session(*, user, session: Session) -> None:
    _manage(user, session.conference.municipality)
    session.delete()


# --------------------------------------------------------------------------------------------
# Recording a session: attendance, agenda and minutes, decisions, action items


def set_attendance(*, user, session: Session, statuses: dict[int, str]) -> None:
    """statuses: member id → present / excused / absent / '' (not recorded)."""
    _manage(user, session.conference.municipality)
    member_ids = set(
        ConferenceMember.objects.filter(conference=session.conference).values_list("pk", flat=True)
    )
    unknown = set(statuses) - member_ids
    if unknown:
        raise MeetingError(_("A member does not belong to this conference."))
    existing = {a.member_id: a for a in Attendance.objects.filter(session=session)}
    for member_id, status in statuses.items():
        row = existing.get(member_id)
        if status not in (PRESENT, EXCUSED, ABSENT, ""):
            raise MeetingError(_("Unknown attendance: %(status)s.") % {"status": status})
        if not status:
            if row is not None:
                row.delete()
            continue
        present, excused = status == PRESENT, status == EXCUSED
        if row is None:
            Attendance.objects.create(
                session=session, member_id=member_id, present=present, excused=excused
            )
        elif (row.present, row.excused) != (present, excused):
            row.present, row.excused = present, excused
            row.save(update_fields=["present", "excused"])


def _check_bookmark(session: Session, bookmark: Bookmark | None) -> None:
    if bookmark is not None and bookmark.municipality_id != session.conference.municipality_id:
        raise MeetingError(_("The bookmark belongs to another municipality."))


def save_agenda(*, user, session: Session, changes: list[AgendaChange]) -> None:
    _manage(user, session.conference.municipality)
    existing = {item.pk: item for item in AgendaItem.objects.filter(session=session)}
    next_order = max((item.order for item in existing.values()), default=0)
    for change in changes:
        if change.pk is not None and change.pk not in existing:
            raise MeetingError(_("An agenda item does not belong to this session."))
        item = existing.get(change.pk) if change.pk is not None else None
        if change.delete:
            if item is not None:
                item._history_user = user
                item.delete()
            continue
        title = (change.title or "").strip()
        if not title:
            raise MeetingError(_("Every agenda item needs a title."))
        _check_bookmark(session, change.bookmark)
        fields = {
            "title": title,
            "description": (change.description or "").strip(),
            "minutes": (change.minutes or "").strip(),
            "bookmark": change.bookmark,
        }
        if item is None:
            next_order += 1
            order = change.order if change.order is not None else next_order
            _new_agenda_item(session=session, order=order, user=user, **fields)
            continue
        if change.order is not None:
            fields["order"] = change.order
        if len(title) > 300:
            raise MeetingError(_("An agenda title may have at most 300 characters."))
        if any(getattr(item, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(item, name, value)
            item._history_user = user
            item.save()


def set_decisions(*, user, session: Session, decisions: str) -> None:
    _manage(user, session.conference.municipality)
    decisions = (decisions or "").strip()
    if session.decisions != decisions:
        session.decisions = decisions
        session._history_user = user
        session.save(update_fields=["decisions"])


def _clean_action_item(session: Session, change: ActionItemChange) -> None:
    municipality = session.conference.municipality
    if not (change.what or "").strip():
        raise MeetingError(_("Every action item needs a description of what is to be done."))
    if (change.responsible_member is None) == (change.responsible_user is None):
        raise MeetingError(
            _("Every action item needs exactly one responsible person: a member or a user.")
        )
    if (
        change.responsible_member is not None
        and change.responsible_member.conference_id != session.conference_id
    ):
        raise MeetingError(_("The responsible member does not belong to this conference."))
    if change.responsible_member is not None and not change.responsible_member.active:
        raise MeetingError(
            _("%(name)s has left the conference.") % {"name": change.responsible_member.name}
        )
    if change.responsible_user is not None and not _is_member_of(
        change.responsible_user, municipality
    ):
        raise MeetingError(
            _("%(user)s is not a user of %(municipality)s.")
            % {"user": _display(change.responsible_user), "municipality": municipality.name}
        )
    if change.due is None:
        raise MeetingError(_("Every action item needs a date by when it is to be done."))
    if change.status not in ActionItem.Status.values:
        raise MeetingError(_("Unknown status: %(status)s.") % {"status": change.status})


def save_action_items(*, user, session: Session, changes: list[ActionItemChange]) -> None:
    _manage(user, session.conference.municipality)
    existing = {item.pk: item for item in ActionItem.objects.filter(session=session)}
    for change in changes:
        if change.pk is not None and change.pk not in existing:
            raise MeetingError(_("An action item does not belong to this session."))
        item = existing.get(change.pk) if change.pk is not None else None
        if change.delete:
            if item is not None:
                item._history_user = user
                item.delete()
            continue
        fields = {
            "what": (change.what or "").strip(),
            "responsible_member": change.responsible_member,
            "responsible_user": change.responsible_user,
            "due": change.due,
            "status": change.status,
        }
        # Unchanged rows pass as they are (e.g. a done item of a member who has left).
        if item is not None and all(getattr(item, k) == v for k, v in fields.items()):
            continue
        _clean_action_item(session, change)
        if item is None:
            item = ActionItem(session=session, **fields)
        else:
            for name, value in fields.items():
                setattr(item, name, value)
        item._history_user = user
        item.save()


def _record_differences(session: Session, agenda: list[AgendaChange], decisions: str) -> list:
    """Where the caller's minutes and decisions differ from what is stored now."""
    stored = {item.pk: item for item in AgendaItem.objects.filter(session=session)}
    result = []
    for change in agenda:
        item = stored.get(change.pk)
        if item is None or change.delete:
            continue
        for name in ("title", "description", "minutes"):
            mine, theirs = (getattr(change, name) or "").strip(), getattr(item, name)
            if mine != theirs:
                result.append(
                    Difference(
                        field=f"agenda-{item.pk}-{name}",
                        label=f"{item.title}: {field_label(AgendaItem, name)}",
                        mine=show(None, mine),
                        theirs=show(None, theirs),
                    )
                )
    decisions = (decisions or "").strip()
    if decisions != session.decisions:
        result.append(
            Difference(
                field="decisions",
                label=field_label(Session, "decisions"),
                mine=show(None, decisions),
                theirs=show(None, session.decisions),
            )
        )
    return result


def record_last_change(session: Session) -> LastChange | None:
    """The newest saved part of a session's record: the session itself (decisions), an agenda
    item (minutes) or an action item."""
    changes = [
        history_last_change(session),
        _newest(AgendaItem.history.filter(session_id=session.pk)),
        _newest(ActionItem.history.filter(session_id=session.pk)),
    ]
    changes = [change for change in changes if change is not None and change.when is not None]
    return max(changes, key=lambda change: change.when, default=None)


def _newest(records) -> LastChange | None:
    record = records.select_related("history_user").order_by("-history_date").first()
    if record is None:
        return None
    return LastChange(who=user_name(record.history_user), when=record.history_date)


def _claim_record(session: Session, version: int | None, agenda, decisions: str) -> None:
    try:
        claim(session, version=version, conflict=RecordConflict, last_change=record_last_change)
    except RecordConflict as exc:
        current = exc.current
        if current is None:
            raise
        raise RecordConflict(
            current=current,
            last=exc.last,
            differences=_record_differences(current, agenda, decisions),
        ) from exc


@transaction.atomic
def record_session(
    *,
    user,
    session: Session,
    attendance: dict[int, str],
    agenda: list[AgendaChange],
    decisions: str,
    action_items: list[ActionItemChange],
    version: int | None = None,
) -> None:
    """Save everything recorded in a session at once, or nothing when one part is refused.

    `version` is the version of the session the caller read (None: not checked): the record
    page is one form, so any save of the record in between refuses it with RecordConflict,
    listing where the minutes and decisions differ."""
    _manage(user, session.conference.municipality)
    _claim_record(session, version, agenda, decisions)
    set_attendance(user=user, session=session, statuses=attendance)
    save_agenda(user=user, session=session, changes=agenda)
    set_decisions(user=user, session=session, decisions=decisions)
    save_action_items(user=user, session=session, changes=action_items)


@transaction.atomic
def create_action_item(*, user, session: Session, **fields) -> ActionItem:
    save_action_items(user=user, session=session, changes=[ActionItemChange(pk=None, **fields)])
    return ActionItem.objects.filter(session=session).latest("pk")


@transaction.atomic
def update_action_item(*, user, item: ActionItem, **fields) -> ActionItem:
    values = {
        "what": item.what,
        "responsible_member": item.responsible_member,
        "responsible_user": item.responsible_user,
        "due": item.due,
        "status": item.status,
    }
    values.update(fields)
    save_action_items(
        user=user, session=item.session, changes=[ActionItemChange(pk=item.pk, **values)]
    )
    item.refresh_from_db()
    return item


@transaction.atomic
def delete_action_item(*, user, item: ActionItem) -> None:
    save_action_items(
        user=user,
        session=item.session,
        changes=[ActionItemChange(pk=item.pk, what="", delete=True)],
    )


# --------------------------------------------------------------------------------------------
# Invitation


def invitation_recipients(record: SessionRecord) -> list[tuple[ConferenceMember, str]]:
    """Active members with an e-mail address (their own, else their user's)."""
    return [
        (row.member, member_email(row.member))
        for row in record.attendance
        if row.member.active and member_email(row.member)
    ]


def check_invitation(*, user, session: Session) -> int:
    """Before queueing the invitation: the number of members who will get it, or MeetingError."""
    _manage(user, session.conference.municipality)
    if session.starts_at < timezone.now():
        raise MeetingError(_("The session has already taken place; no invitation is sent."))
    carry_over_action_items(session=session, user=user)
    recipients = invitation_recipients(session_record(session))
    if not recipients:
        raise MeetingError(_("No member of this conference has an e-mail address."))
    return len(recipients)


@translation.override(settings.LANGUAGE_CODE)
def send_invitation(*, session_id: int) -> int:
    """E-mail the invitation with the agenda and an iCal file (.ics) to every member with an
    e-mail address; returns the number of e-mails sent (the Celery task's work)."""
    session = Session.objects.select_related(
        "conference", "conference__municipality", "conference__coordinator"
    ).get(pk=session_id)
    record = session_record(session)
    recipients = invitation_recipients(record)
    if not recipients:
        return 0
    conference = session.conference
    coordinator = conference.coordinator
    organizer_email = (coordinator.email if coordinator else "") or settings.DEFAULT_FROM_EMAIL
    organizer_name = _display(coordinator) if coordinator else conference.municipality.name
    ics = documents.invitation_ics(
        record,
        organizer_email=organizer_email,
        organizer_name=organizer_name,
        # A new revision number each time the session changed, so calendars take the update.
        sequence=max(session.history.count() - 1, 0),
    )
    when = documents.session_when(session)
    subject = _("Invitation: %(conference)s on %(date)s") % {
        "conference": conference.name,
        "date": documents._date(timezone.localtime(session.starts_at).date()),
    }
    sent = 0
    for member, email in recipients:
        body = render_to_string(
            "conferences/meetings_invitation_email.txt",
            {
                "member": member,
                "conference": conference,
                "session": session,
                "when": when,
                "agenda": documents.agenda_text(record),
                "organizer": organizer_name,
            },
        )
        message = EmailMultiAlternatives(
            subject=subject,
            body=body,
            to=[email],
            reply_to=[coordinator.email] if coordinator and coordinator.email else None,
        )
        message.attach("einladung.ics", ics, "text/calendar; method=REQUEST; charset=UTF-8")
        message.send()
        sent += 1
    session.invitation_sent_at = timezone.now()
    session.save(update_fields=["invitation_sent_at"])
    return sent


# --------------------------------------------------------------------------------------------
# Reminders


# E-mails go out in the site language (German), whatever language the calling thread has.
@translation.override(settings.LANGUAGE_CODE)
def send_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail every responsible person their open action items due in three days or overdue,
    at most once per day per item (last_reminder_sent); returns the number of e-mails."""
    today = today or timezone.localdate()
    by_email: dict[str, list[ActionItem]] = defaultdict(list)
    for item in action_items_to_remind(today=today):
        email = responsible_email(item)
        if email:
            by_email[email].append(item)
    sent = 0
    for email, items in by_email.items():
        with transaction.atomic():
            # Claim the items first: a second run the same day (cron and beat) finds none.
            claimed = (
                ActionItem.objects.filter(pk__in=[item.pk for item in items])
                .exclude(last_reminder_sent=today)
                .update(last_reminder_sent=today)
            )
            if not claimed:
                continue
            overdue = [item for item in items if item.due < today]
            soon = [item for item in items if item.due >= today]
            context = {
                "name": responsible_name(items[0]),
                "overdue": overdue,
                "soon": soon,
                "today": today,
            }
            subject = (
                _("KECK: overdue action items")
                if overdue
                else _("KECK: action items due on %(date)s")
                % {"date": documents._date(soon[0].due)}
            )
            EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("conferences/meetings_reminder_email.txt", context),
                to=[email],
            ).send()
            sent += 1
    return sent


# --------------------------------------------------------------------------------------------
# Minutes


def minutes_context(session: Session) -> dict:
    return documents.minutes_context(session_record(session))


def minutes_docx(*, session: Session) -> bytes:
    """The minutes from the municipality's own template, or from the default one."""
    context = minutes_context(session)
    template = minutes_template_of(session.conference.municipality)
    if template is not None:
        try:
            with template.file.open("rb") as handle:
                return documents.render_minutes_docx(context, template=handle)
        except Exception:
            # It rendered once on upload; if it fails now (file lost), the minutes still come.
            logger.exception("minutes template %s failed, using the default", template.pk)
    return documents.render_minutes_docx(context)


def minutes_pdf(*, session: Session) -> bytes:
    return documents.render_minutes_pdf(minutes_context(session))


def _template_error(exc: Exception) -> str:
    detail = str(exc).strip() or exc.__class__.__name__
    return _(
        "The template cannot be used: %(detail)s. Start from the default template and keep "
        "its {{ … }} and {%% … %%} tags intact."
    ) % {"detail": detail}


@transaction.atomic
def upload_minutes_template(*, user, municipality: Municipality, upload) -> MinutesTemplate:
    """Accept a Word template only if it renders sample minutes; else MeetingError, unsaved."""
    _manage(user, municipality)
    name = getattr(upload, "name", "") or "protokoll.docx"
    if not name.lower().endswith(".docx"):
        raise MeetingError(_("Please upload a Word file (.docx)."))
    try:
        check_upload(upload, allowed=[".docx"], max_mb=settings.KECK_MAX_TEMPLATE_MB)
    except UploadRejected as exc:
        raise MeetingError(str(exc)) from exc
    content = upload.read()
    try:
        documents.render_minutes_docx(
            documents.sample_minutes_context(), template=io.BytesIO(content)
        )
    except Exception as exc:  # docxtpl raises zip, XML and Jinja errors alike
        raise MeetingError(_template_error(exc)) from exc
    template = MinutesTemplate(
        municipality=municipality, original_name=name[:255], uploaded_by=user
    )
    template.file.save(f"{municipality.slug}-protokoll.docx", ContentFile(content), save=False)
    template.save()
    return template


@transaction.atomic
def reset_minutes_template(*, user, municipality: Municipality) -> int:
    """Back to the default template: remove the municipality's uploads (and their files)."""
    _manage(user, municipality)
    templates = list(MinutesTemplate.objects.filter(municipality=municipality))
    for template in templates:
        template.file.delete(save=False)
        template.delete()
    return len(templates)
