"""Reads of conferences, sessions and action items, always scoped through accounts.permissions.

Members and leadership read (VIEW_INTERNAL); every query is limited to one municipality, so an
object of another municipality is simply not found (404). List reads run a constant number of
queries however many rows there are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Municipality, Role
from accounts.permissions import Action, require
from accounts.selectors import members_with_role
from atlas_data.bookmark_selectors import bookmarks_for
from atlas_data.models import Area, Bookmark

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Conference,
    ConferenceMember,
    MinutesTemplate,
    Session,
)

OPEN_STATUSES = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)
REMINDER_LEAD_DAYS = 3

# Attendance as one value per member: present, excused, absent (not excused), or not recorded.
PRESENT, EXCUSED, ABSENT = "present", "excused", "absent"
ATTENDANCE_STATUSES = [(PRESENT, "present"), (EXCUSED, "excused"), (ABSENT, "absent")]


def attendance_status(attendance: Attendance | None) -> str:
    if attendance is None:
        return ""
    if attendance.present:
        return PRESENT
    return EXCUSED if attendance.excused else ABSENT


# --------------------------------------------------------------------------------------------
# Conferences and members


def conferences_for(*, user, municipality: Municipality, active_only: bool = False) -> QuerySet:
    """The conferences of a municipality with member count and next session (2 queries + areas)."""
    require(user, Action.VIEW_INTERNAL, municipality)
    queryset = (
        Conference.objects.filter(municipality=municipality)
        .select_related("coordinator", "municipality")
        .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("key")))
        .annotate(
            member_count=Count("members", filter=Q(members__active=True), distinct=True),
            next_session_at=Min(
                "sessions__starts_at", filter=Q(sessions__starts_at__gte=timezone.now())
            ),
        )
        .order_by("kind", "name")
    )
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset


def conference_for(*, user, municipality: Municipality, pk: int) -> Conference:
    """One conference of the municipality; Conference.DoesNotExist (404) otherwise."""
    return conferences_for(user=user, municipality=municipality).get(pk=pk)


def members_of(*, user, conference: Conference) -> QuerySet[ConferenceMember]:
    require(user, Action.VIEW_INTERNAL, conference.municipality)
    return (
        ConferenceMember.objects.filter(conference=conference)
        .select_related("user", "conference")
        .order_by("-active", "name", "pk")
    )


def coordinator_candidates(*, municipality: Municipality) -> list:
    """Users holding the coordinator role in the municipality, by name."""
    users = [m.user for m in members_with_role(municipality=municipality, role=Role.COORDINATOR)]
    return sorted(users, key=lambda user: (user.get_full_name() or user.username).lower())


def municipality_users(*, municipality: Municipality) -> QuerySet:
    """Users with any role in the municipality (members linked to a user, responsible users)."""
    return (
        get_user_model()
        .objects.filter(memberships__municipality=municipality, is_active=True)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


def conference_areas(*, municipality: Municipality) -> QuerySet[Area]:
    """Areas a social area conference may cover: every area below the whole municipality."""
    return (
        Area.objects.filter(municipality=municipality, level__depth__gt=0)
        .select_related("level")
        .order_by("level__depth", "name")
    )


# --------------------------------------------------------------------------------------------
# Sessions


def sessions_for(
    *, user, municipality: Municipality, conference: Conference | int | None = None
) -> QuerySet[Session]:
    require(user, Action.VIEW_INTERNAL, municipality)
    queryset = (
        Session.objects.filter(conference__municipality=municipality)
        .select_related("conference", "conference__municipality")
        .annotate(
            agenda_count=Count("agenda", distinct=True),
            action_item_count=Count("action_items", distinct=True),
        )
        .order_by("-starts_at", "-pk")
    )
    if conference is not None:
        queryset = queryset.filter(conference=conference)
    return queryset


def session_for(*, user, municipality: Municipality, pk: int) -> Session:
    """One session of the municipality; Session.DoesNotExist (404) otherwise."""
    require(user, Action.VIEW_INTERNAL, municipality)
    return Session.objects.select_related(
        "conference", "conference__municipality", "conference__coordinator"
    ).get(conference__municipality=municipality, pk=pk)


def upcoming_sessions(*, user, municipality: Municipality, limit: int = 10) -> list[Session]:
    now = timezone.now()
    return list(
        sessions_for(user=user, municipality=municipality)
        .filter(Q(starts_at__gte=now) | Q(ends_at__gte=now))
        .order_by("starts_at", "pk")[:limit]
    )


def previous_session(session: Session) -> Session | None:
    return (
        Session.objects.filter(conference=session.conference, starts_at__lt=session.starts_at)
        .order_by("-starts_at", "-pk")
        .first()
    )


def agenda_of(session: Session) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(session=session)
        .select_related(
            "bookmark",
            "carried_over_from",
            "carried_over_from__session",
            "carried_over_from__responsible_member",
            "carried_over_from__responsible_user",
        )
        .order_by("order", "pk")
    )


def action_items_of(session: Session) -> list[ActionItem]:
    return list(
        ActionItem.objects.filter(session=session)
        .select_related("responsible_member", "responsible_user")
        .order_by("pk")
    )


@dataclass
class AttendanceRow:
    member: ConferenceMember
    status: str  # PRESENT, EXCUSED, ABSENT or "" (not recorded)


@dataclass
class SessionRecord:
    """Everything the session page and the minutes show, read in a fixed number of queries."""

    session: Session
    conference: Conference
    attendance: list[AttendanceRow]
    agenda: list[AgendaItem]
    action_items: list[ActionItem]
    members: list[ConferenceMember] = field(default_factory=list)  # the active ones

    @property
    def present(self) -> list[ConferenceMember]:
        return [row.member for row in self.attendance if row.status == PRESENT]

    @property
    def excused(self) -> list[ConferenceMember]:
        return [row.member for row in self.attendance if row.status == EXCUSED]

    @property
    def absent(self) -> list[ConferenceMember]:
        return [row.member for row in self.attendance if row.status == ABSENT]

    @property
    def not_recorded(self) -> list[ConferenceMember]:
        return [row.member for row in self.attendance if not row.status]

    @property
    def attendance_recorded(self) -> bool:
        return any(row.status for row in self.attendance)


def session_record(session: Session) -> SessionRecord:
    """The session with attendance per member (every member, recorded or not), agenda with
    minutes and action items. The caller has read `session` through session_for."""
    recorded = {a.member_id: a for a in Attendance.objects.filter(session=session)}
    # Members who left the conference later still appear in the attendance they had.
    members = list(
        ConferenceMember.objects.filter(conference_id=session.conference_id)
        .filter(Q(active=True) | Q(pk__in=list(recorded)))
        .select_related("user")
        .order_by("name", "pk")
    )
    action_items = action_items_of(session)
    for item in action_items:
        item.session = session  # known already: no query per item
    return SessionRecord(
        session=session,
        conference=session.conference,
        attendance=[
            AttendanceRow(member=m, status=attendance_status(recorded.get(m.pk))) for m in members
        ],
        agenda=agenda_of(session),
        action_items=action_items,
        members=[m for m in members if m.active],
    )


def agenda_bookmarks(*, user, record: SessionRecord) -> QuerySet[Bookmark]:
    """Bookmarks an agenda item may link: those the user may see, and those the agenda links
    already (a colleague's draft stays linked when the coordinator saves)."""
    municipality = record.conference.municipality
    visible = bookmarks_for(user=user, municipality=municipality)
    linked = [item.bookmark_id for item in record.agenda if item.bookmark_id]
    return Bookmark.objects.filter(
        Q(pk__in=visible.values("pk")) | Q(pk__in=linked), municipality=municipality
    ).order_by("title")


# --------------------------------------------------------------------------------------------
# Action items


def action_items_for(
    *,
    user,
    municipality: Municipality,
    status: str | list[str] | None = None,
    due_before: datetime.date | None = None,
    due_after: datetime.date | None = None,
    overdue: bool = False,
    responsible_user=None,
    responsible_member: int | None = None,
    conference: int | None = None,
    session: int | None = None,
) -> QuerySet[ActionItem]:
    """Action items of a municipality, filtered; `responsible_user` also matches items of a
    conference member linked to that user."""
    require(user, Action.VIEW_INTERNAL, municipality)
    queryset = ActionItem.objects.filter(
        session__conference__municipality=municipality
    ).select_related(
        "session",
        "session__conference",
        "responsible_member",
        "responsible_member__user",
        "responsible_user",
    )
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        queryset = queryset.filter(status__in=statuses)
    if due_before:
        queryset = queryset.filter(due__lte=due_before)
    if due_after:
        queryset = queryset.filter(due__gte=due_after)
    if overdue:
        queryset = queryset.filter(due__lt=timezone.localdate(), status__in=OPEN_STATUSES)
    if responsible_user is not None:
        queryset = queryset.filter(
            Q(responsible_user=responsible_user) | Q(responsible_member__user=responsible_user)
        )
    if responsible_member is not None:
        queryset = queryset.filter(responsible_member_id=responsible_member)
    if conference is not None:
        queryset = queryset.filter(session__conference_id=conference)
    if session is not None:
        queryset = queryset.filter(session_id=session)
    return queryset.order_by("due", "pk")


def action_item_for(*, user, municipality: Municipality, pk: int) -> ActionItem:
    return action_items_for(user=user, municipality=municipality).get(pk=pk)


def my_open_action_items(*, user, municipality: Municipality) -> list[ActionItem]:
    return list(
        action_items_for(
            user=user, municipality=municipality, status=list(OPEN_STATUSES), responsible_user=user
        )
    )


def open_action_items_before(session: Session) -> QuerySet[ActionItem]:
    """Open action items of the conference's earlier sessions not yet on `session`'s agenda."""
    return (
        ActionItem.objects.filter(
            session__conference_id=session.conference_id,
            session__starts_at__lt=session.starts_at,
            status__in=OPEN_STATUSES,
        )
        .exclude(carried_into__session=session)
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )


def responsible_name(item: ActionItem) -> str:
    if item.responsible_member_id:
        return item.responsible_member.name
    if item.responsible_user_id:
        user = item.responsible_user
        return user.get_full_name() or user.username
    return ""


def responsible_email(item: ActionItem) -> str:
    """The e-mail of whoever is responsible: the member's own, else that of their user."""
    if item.responsible_member_id:
        member = item.responsible_member
        return member.email or (member.user.email if member.user_id else "")
    if item.responsible_user_id:
        return item.responsible_user.email
    return ""


def member_email(member: ConferenceMember) -> str:
    return member.email or (member.user.email if member.user_id else "")


def action_items_to_remind(*, today: datetime.date) -> list[ActionItem]:
    """Open items of active conferences due in REMINDER_LEAD_DAYS days or overdue, that got no
    reminder today (once per day per item), across all municipalities."""
    lead = today + datetime.timedelta(days=REMINDER_LEAD_DAYS)
    return list(
        ActionItem.objects.filter(
            status__in=OPEN_STATUSES,
            session__conference__is_active=True,
        )
        .filter(Q(due=lead) | Q(due__lt=today))
        .filter(Q(last_reminder_sent__isnull=True) | Q(last_reminder_sent__lt=today))
        .select_related(
            "session",
            "session__conference",
            "session__conference__municipality",
            "responsible_member",
            "responsible_member__user",
            "responsible_user",
        )
        .order_by("due", "pk")
    )


# --------------------------------------------------------------------------------------------
# Minutes template


def minutes_template_of(municipality: Municipality) -> MinutesTemplate | None:
    """The municipality's newest uploaded template, or None (then the default is used)."""
    return (
        MinutesTemplate.objects.filter(municipality=municipality)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
        .first()
    )
