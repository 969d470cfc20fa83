"""Reminder e-mails of the control cycle's step deadlines: whoever has to do an open step that is
due in three days or overdue gets one e-mail listing such steps – the owner of the step's task,
or, while nobody has taken it (the mandate of the leadership), everybody who may complete it –,
at most once per day per deadline (`StepDeadline.last_reminder_sent`). Sent by Celery beat
(workflow.tasks) and by `manage.py send_reminders` for sites that run cron instead.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from accounts.models import Membership

from .flows import Step
from .models import AreaCycle, Cycle, StepDeadline
from .selectors import ACTIVE

REMINDER_LEAD_DAYS = 3


@dataclass
class DueStep:
    """An open step with a deadline to remind of, and who is to be reminded."""

    deadline: StepDeadline
    task: Task
    title: str
    cycle: Cycle
    area_cycle: AreaCycle | None
    conference: object
    recipients: list = field(default_factory=list)

    @property
    def due(self) -> datetime.date:
        return self.deadline.due

    @property
    def area(self):
        return self.area_cycle.area if self.area_cycle else None

    @property
    def owner(self):
        return self.task.owner


def _deadlines(today: datetime.date) -> list[StepDeadline]:
    lead = today + datetime.timedelta(days=REMINDER_LEAD_DAYS)
    return list(
        StepDeadline.objects.filter(Q(due=lead) | Q(due__lt=today))
        .filter(Q(last_reminder_sent__isnull=True) | Q(last_reminder_sent__lt=today))
        .exclude(cycle__state=Cycle.State.FINISHED)
        .select_related(
            "cycle__municipality",
            "cycle__conference__municipality",
            "area_cycle__area",
            "area_cycle__conference__municipality",
        )
        .order_by("due", "pk")
    )


def _group(municipality_ids) -> dict[int, list]:
    """The active users of each municipality, who may be the group of a step."""
    users = defaultdict(list)
    memberships = Membership.objects.filter(
        municipality_id__in=municipality_ids, user__is_active=True
    ).select_related("user")
    for membership in memberships.order_by("user__username"):
        users[membership.municipality_id].append(membership.user)
    return users


def steps_to_remind(*, today: datetime.date) -> list[DueStep]:
    """Open steps of running cycles and area processes of active conferences, due in three
    days or overdue, that got no reminder today, each with the people to remind."""
    deadlines = _deadlines(today)

    def process_of(deadline):
        return (deadline.area_cycle or deadline.cycle).process_id

    tasks = Task.objects.filter(
        process_id__in={process_of(d) for d in deadlines if process_of(d)}, status__in=ACTIVE
    ).select_related("owner")
    open_tasks = {
        (task.process_id, task.flow_task.name): task
        for task in tasks
        if isinstance(task.flow_task, Step)
    }
    group = None
    result = []
    for deadline in deadlines:
        task = open_tasks.get((process_of(deadline), deadline.node))
        if task is None:  # the step is not open (yet, or any more): nobody has it to do
            continue
        area_cycle = deadline.area_cycle
        conference = area_cycle.conference if area_cycle else deadline.cycle.conference
        if not conference.is_active:
            continue
        node = task.flow_task
        if task.owner_id is not None:
            recipients = [task.owner] if task.owner.is_active else []
        else:
            if group is None:
                group = _group({d.cycle.municipality_id for d in deadlines})
            recipients = [
                user
                for user in group[deadline.cycle.municipality_id]
                if node.rule(user, conference)
            ]
        result.append(
            DueStep(
                deadline=deadline,
                task=task,
                title=str(node.task_title),
                cycle=deadline.cycle,
                area_cycle=area_cycle,
                conference=conference,
                recipients=recipients,
            )
        )
    return result


@dataclass
class _Letter:
    email: str
    name: str
    steps: list[DueStep] = field(default_factory=list)


def _claim(deadlines: list[StepDeadline], today: datetime.date) -> set[int]:
    """The ids of the deadlines nobody reminded of today, now marked as reminded (a second run
    the same day, cron and beat, finds none of them)."""
    ids = list(
        StepDeadline.objects.select_for_update()
        .filter(pk__in=[deadline.pk for deadline in deadlines])
        .exclude(last_reminder_sent=today)
        .values_list("pk", flat=True)
    )
    StepDeadline.objects.filter(pk__in=ids).update(last_reminder_sent=today)
    return set(ids)


# E-mails go out in the site language (German), whatever language the calling thread has.
@translation.override(settings.LANGUAGE_CODE)
def send_step_reminders(today: datetime.date | None = None) -> int:
    """E-mail everybody who has to do an open step due in three days or overdue, one e-mail
    per person, at most once per day per deadline; returns the number of e-mails. Deadlines
    nobody with an e-mail address is to be reminded of stay unmarked."""
    today = today or timezone.localdate()
    letters: dict[str, _Letter] = {}
    for step in steps_to_remind(today=today):
        for user in step.recipients:
            email = (user.email or "").strip()
            if not email:
                continue
            letter = letters.setdefault(
                email.lower(), _Letter(email=email, name=user.get_full_name() or user.username)
            )
            letter.steps.append(step)

    # A group step is in several letters: claimed with the first, sent with every one.
    claimed: set[int] = set()
    sent = 0
    for letter in letters.values():
        with transaction.atomic():
            fresh = _claim(
                [s.deadline for s in letter.steps if s.deadline.pk not in claimed], today
            )
            steps = [s for s in letter.steps if s.deadline.pk in claimed | fresh]
            if not steps:
                continue
            overdue = [s for s in steps if s.due < today]
            soon = [s for s in steps if s.due >= today]
            if overdue:
                subject = _("KECK: overdue steps of the control cycle")
            else:
                subject = _("KECK: steps of the control cycle due on %(date)s") % {
                    "date": formats.date_format(min(s.due for s in soon), "SHORT_DATE_FORMAT")
                }
            context = {"name": letter.name, "today": today, "overdue": overdue, "soon": soon}
            EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("workflow/reminder_email.txt", context),
                to=[letter.email],
            ).send()
            claimed |= fresh
            sent += 1
    return sent
