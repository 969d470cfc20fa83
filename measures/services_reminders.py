"""Reminder e-mails of the measure plan: every responsible person gets one e-mail listing their
open measures and sub-steps that are due in three days or overdue, at most once per day per
measure or sub-step (`last_reminder_sent`). Sent by Celery beat (measures.tasks) and by
`manage.py send_reminders` for sites that run cron instead.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .models import Measure, SubStep

REMINDER_LEAD_DAYS = 3


def responsible_email(obj: Measure | SubStep) -> str:
    """The e-mail of whoever is responsible: the user's, else the conference member's own,
    else that of the member's user; empty for an institution."""
    if obj.responsible_user_id:
        return obj.responsible_user.email
    if obj.responsible_member_id:
        member = obj.responsible_member
        return member.email or (member.user.email if member.user_id else "")
    return ""


def _due(queryset, *, deadline: str, today: datetime.date):
    lead = today + datetime.timedelta(days=REMINDER_LEAD_DAYS)
    return queryset.filter(Q(**{deadline: lead}) | Q(**{f"{deadline}__lt": today})).filter(
        Q(last_reminder_sent__isnull=True) | Q(last_reminder_sent__lt=today)
    )


def measures_to_remind(*, today: datetime.date) -> list[Measure]:
    """Open measures of active conferences due in three days or overdue that got no reminder
    today, across all municipalities."""
    return list(
        _due(
            Measure.objects.exclude(status__in=Measure.CLOSED).filter(conference__is_active=True),
            deadline="deadline",
            today=today,
        )
        .select_related(
            "conference", "responsible_user", "responsible_member", "responsible_member__user"
        )
        .order_by("deadline", "pk")
    )


def substeps_to_remind(*, today: datetime.date) -> list[SubStep]:
    """Sub-steps not done of open measures of active conferences, due in three days or
    overdue, that got no reminder today."""
    return list(
        _due(
            SubStep.objects.filter(done=False)
            .exclude(measure__status__in=Measure.CLOSED)
            .filter(measure__conference__is_active=True),
            deadline="deadline",
            today=today,
        )
        .select_related(
            "measure",
            "measure__conference",
            "responsible_user",
            "responsible_member",
            "responsible_member__user",
        )
        .order_by("deadline", "pk")
    )


@dataclass
class _Letter:
    email: str
    name: str
    measures: list[Measure] = field(default_factory=list)
    substeps: list[SubStep] = field(default_factory=list)


def _claim(model, items: list, today: datetime.date) -> list:
    """The items nobody reminded of today, now marked as reminded (a second run the same day,
    cron and beat, finds none of them)."""
    ids = list(
        model.objects.select_for_update()
        .filter(pk__in=[item.pk for item in items])
        .exclude(last_reminder_sent=today)
        .values_list("pk", flat=True)
    )
    model.objects.filter(pk__in=ids).update(last_reminder_sent=today)
    return [item for item in items if item.pk in set(ids)]


# E-mails go out in the site language (German), whatever language the calling thread has.
@translation.override(settings.LANGUAGE_CODE)
def send_measure_reminders(today: datetime.date | None = None) -> int:
    """E-mail every responsible person their open measures and sub-steps due in three days or
    overdue, one e-mail per person, at most once per day per item; returns the number of
    e-mails. Items without an e-mail address stay unmarked."""
    today = today or timezone.localdate()
    letters: dict[str, _Letter] = {}

    def letter_for(obj) -> _Letter | None:
        email = responsible_email(obj).strip()
        if not email:
            return None
        key = email.lower()
        if key not in letters:
            letters[key] = _Letter(email=email, name=obj.responsible_name)
        return letters[key]

    for measure in measures_to_remind(today=today):
        letter = letter_for(measure)
        if letter is not None:
            letter.measures.append(measure)
    for step in substeps_to_remind(today=today):
        letter = letter_for(step)
        if letter is not None:
            letter.substeps.append(step)

    sent = 0
    for letter in letters.values():
        with transaction.atomic():
            measures = _claim(Measure, letter.measures, today)
            steps = _claim(SubStep, letter.substeps, today)
            if not measures and not steps:
                continue
            context = {
                "name": letter.name,
                "today": today,
                "overdue_measures": [m for m in measures if m.deadline < today],
                "soon_measures": [m for m in measures if m.deadline >= today],
                "overdue_steps": [s for s in steps if s.deadline < today],
                "soon_steps": [s for s in steps if s.deadline >= today],
            }
            overdue = context["overdue_measures"] or context["overdue_steps"]
            if overdue:
                subject = _("KECK: overdue measures")
            else:
                due = min(item.deadline for item in [*measures, *steps])
                subject = _("KECK: measures due on %(date)s") % {
                    "date": formats.date_format(due, "SHORT_DATE_FORMAT")
                }
            EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("measures/reminder_email.txt", context),
                to=[letter.email],
            ).send()
            sent += 1
    return sent
