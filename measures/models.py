"""SMART impact goals, impact hypotheses and measure plans (domain.md §6, §7).

A goal belongs to the conference that set it: a municipal goal to the Sozialplanungskonferenz,
an area goal to a Sozialraumkonferenz, where it may refine a municipal goal. A goal is measured
by one atlas indicator in one area (the municipality or a social area); goals for several areas
are area goals refining a municipal one, so that every number passes the one suppression
function unchanged. Measures follow the columns of the measure plan (§7).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import Municipality


class Goal(models.Model):
    """An impact goal (Wirkungsziel) with the five SMART criteria."""

    class Level(models.TextChoices):
        MUNICIPAL = "municipal", _("Municipal goal")
        AREA = "area", _("Area goal")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("increase")
        DECREASE = "decrease", _("decrease")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="goals", verbose_name=_("municipality")
    )
    conference = models.ForeignKey(
        "conferences.Conference",
        on_delete=models.PROTECT,
        related_name="goals",
        verbose_name=_("owner conference"),
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="refinements",
        verbose_name=_("refines the municipal goal"),
    )
    field_of_action = models.ForeignKey(
        "conferences.FieldOfAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("field of action"),
    )
    needs = models.ManyToManyField(
        "conferences.NeedForAction", blank=True, related_name="goals", verbose_name=_("needs")
    )
    title = models.CharField(_("goal"), max_length=300)
    # S – specific
    target_group = models.CharField(
        _("target group"),
        max_length=300,
        blank=True,
        help_text=_("Who shall be reached? e.g. children aged 3 to 6 and their parents"),
    )
    areas = models.ManyToManyField(
        "atlas_data.Area", blank=True, related_name="goals", verbose_name=_("areas")
    )
    # M – measurable
    indicator = models.ForeignKey(
        "atlas_data.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("indicator"),
    )
    measurement_area = models.ForeignKey(
        "atlas_data.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measured_goals",
        verbose_name=_("measured in area"),
        help_text=_("The municipality for a municipal goal, the social area for an area goal."),
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.FloatField(
        _("baseline value"),
        null=True,
        blank=True,
        help_text=_("Taken from the atlas when the goal is saved."),
    )
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, blank=True
    )
    qualitative_criterion = models.TextField(
        _("qualitative criterion"),
        blank=True,
        help_text=_("For goals without an indicator: how will we know that it is reached?"),
    )
    # A – accepted
    acceptance = models.TextField(
        _("acceptance"),
        blank=True,
        help_text=_("Why does the goal meet the needs of the children and young people?"),
    )
    # R – realistic
    realism = models.TextField(
        _("realism"),
        blank=True,
        help_text=_("Which resources are there, and why can the goal be reached with them?"),
    )
    # T – time-bound
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    agenda_items = models.ManyToManyField(
        "conferences.AgendaItem",
        blank=True,
        related_name="goals",
        verbose_name=_("discussed in agenda items"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # Optimistic locking: every save through a service states the version it read and bumps it.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("impact goal")
        verbose_name_plural = _("impact goals")
        ordering = ["municipality", "level", "title", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_quantitative(self) -> bool:
        return self.indicator_id is not None


class ImpactHypothesis(models.Model):
    """Between goals and measures: if we do X, then Y, because Z."""

    class Evidence(models.TextChoices):
        SCIENTIFIC = "scientific", _("scientific evidence")
        LOCAL = "local", _("local experience")
        ASSUMPTION = "assumption", _("assumption")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="impact_hypotheses",
        verbose_name=_("municipality"),
    )
    conference = models.ForeignKey(
        "conferences.Conference",
        on_delete=models.CASCADE,
        related_name="impact_hypotheses",
        verbose_name=_("conference"),
    )
    if_text = models.TextField(_("if we do …"))
    then_text = models.TextField(_("then …"))
    because_text = models.TextField(_("because …"), blank=True)
    evidence = models.CharField(
        _("evidence"), max_length=12, choices=Evidence.choices, default=Evidence.ASSUMPTION
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Study, report or local experience")
    )
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="hypotheses", verbose_name=_("goals")
    )
    measures = models.ManyToManyField(
        "Measure", blank=True, related_name="hypotheses", verbose_name=_("measures")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("impact hypothesis")
        verbose_name_plural = _("impact hypotheses")
        ordering = ["municipality", "pk"]

    def __str__(self):
        return f"{self.if_text[:40]} → {self.then_text[:40]}"


class Measure(models.Model):
    """A row of the measure plan: what, sub-steps, who, with whom, by when, which goal."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("measure status", "Planned")
        RUNNING = "running", pgettext_lazy("measure status", "Running")
        DONE = "done", pgettext_lazy("measure status", "Done")
        DELAYED = "delayed", pgettext_lazy("measure status", "Delayed")
        DROPPED = "dropped", pgettext_lazy("measure status", "Dropped")

    class Outcome(models.TextChoices):
        SUCCESSFUL = "successful", _("successful")
        PARTLY = "partly", _("partly successful")
        NOT_SUITABLE = "not_suitable", _("not suitable")

    CLOSED = (Status.DONE, Status.DROPPED)

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("municipality"),
    )
    conference = models.ForeignKey(
        "conferences.Conference",
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("conference"),
    )
    # Was?
    title = models.CharField(_("measure"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # Wer?
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_measures",
        verbose_name=_("responsible user"),
    )
    responsible_member = models.ForeignKey(
        "conferences.ConferenceMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_measures",
        verbose_name=_("responsible conference member"),
    )
    responsible_institution = models.CharField(
        _("responsible institution"), max_length=200, blank=True
    )
    # Mit wem?
    supporters = models.ManyToManyField(
        "conferences.ConferenceMember",
        blank=True,
        related_name="supported_measures",
        verbose_name=_("support by conference members"),
    )
    support = models.TextField(
        _("further support"), blank=True, help_text=_("Partners who are not conference members")
    )
    # Bis wann?
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    # Welches Ziel?
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="measures", verbose_name=_("goals")
    )
    field_of_action = models.ForeignKey(
        "conferences.FieldOfAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("field of action"),
    )
    areas = models.ManyToManyField(
        "atlas_data.Area", blank=True, related_name="measures", verbose_name=_("areas")
    )
    # resources
    resources_time = models.CharField(_("time"), max_length=300, blank=True)
    resources_staff = models.CharField(_("staff"), max_length=300, blank=True)
    resources_money = models.DecimalField(
        _("money (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    resources_note = models.TextField(_("notes on resources"), blank=True)
    own_contribution = models.TextField(_("what the area contributes itself"), blank=True)
    continues_existing_offer = models.BooleanField(_("continues an existing offer"), default=False)
    existing_offer = models.ForeignKey(
        "atlas_data.Poi",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("existing offer"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Computed from the sub-steps when there are any."),
    )
    # reflection
    outcome = models.CharField(_("result"), max_length=14, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("why"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    agenda_items = models.ManyToManyField(
        "conferences.AgendaItem",
        blank=True,
        related_name="measures",
        verbose_name=_("discussed in agenda items"),
    )
    last_reminder_sent = models.DateField(_("last reminder sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # Optimistic locking: every save through a service states the version it read and bumps it.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated", "last_reminder_sent"])

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["municipality", "deadline", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.deadline is not None and self.deadline < today

    @property
    def responsible_name(self) -> str:
        if self.responsible_user_id:
            user = self.responsible_user
            return user.get_full_name() or user.get_username()
        if self.responsible_member_id:
            return self.responsible_member.name
        return self.responsible_institution


class SubStep(models.Model):
    """A sub-step (Teilschritt) of a measure with its own responsible person and deadline."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="substeps", verbose_name=_("measure")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("sub-step"), max_length=300)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_substeps",
        verbose_name=_("responsible user"),
    )
    responsible_member = models.ForeignKey(
        "conferences.ConferenceMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_substeps",
        verbose_name=_("responsible conference member"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    done = models.BooleanField(_("done"), default=False)
    # Optimistic locking: every save through a service states the version it read and bumps it.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    last_reminder_sent = models.DateField(_("last reminder sent"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_reminder_sent"])

    class Meta:
        verbose_name = _("sub-step")
        verbose_name_plural = _("sub-steps")
        ordering = ["measure", "order", "pk"]

    def __str__(self):
        return self.title

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            not self.done
            and self.deadline is not None
            and self.deadline < today
            and self.measure.status != Measure.Status.DROPPED
        )

    @property
    def responsible_name(self) -> str:
        if self.responsible_user_id:
            user = self.responsible_user
            return user.get_full_name() or user.get_username()
        if self.responsible_member_id:
            return self.responsible_member.name
        return ""


class MeasureUpdate(models.Model):
    """An entry of a measure's timeline: what happened, with progress and status then."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="updates", verbose_name=_("measure")
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("what happened"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Measure.Status.choices, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["measure", "-date", "-pk"]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}: {self.text[:60]}"


class DashboardVisit(models.Model):
    """When a user last looked at a municipality's leadership dashboard ("what changed since")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="unique_dashboard_visit")
        ]

    def __str__(self):
        return f"{self.user} @ {self.municipality}: {self.seen_at:%d.%m.%Y %H:%M}"


class ReportRun(models.Model):
    """An interim report generated in the background, with its progress and the file."""

    class Format(models.TextChoices):
        DOCX = "docx", "DOCX"
        PDF = "pdf", "PDF"

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="report_runs"
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    options = models.JSONField(_("options"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("interim report")
        verbose_name_plural = _("interim reports")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.municipality} {self.format} {self.created:%d.%m.%Y %H:%M}"
