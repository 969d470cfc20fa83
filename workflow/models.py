"""Tables of the KECK control cycle (domain.md §4): a cycle of a municipality with its outputs,
one area cycle per prioritised area, the history of every step and the step deadlines.

The progress itself lives in viewflow's Process and Task tables: a cycle and an area cycle each
own one process (`process`), run by `workflow.flows.CycleFlow` and `workflow.flows.AreaFlow`.
The proxy models `CycleProcess` and `AreaProcess` are those flows' process classes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from viewflow.workflow.models import Process

from accounts.models import Municipality


class CycleSettings(models.Model):
    """How a municipality runs its cycles."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="cycle_settings",
        verbose_name=_("municipality"),
    )
    allow_overlapping_cycles = models.BooleanField(
        _("cycles may overlap"),
        default=False,
        help_text=_("Allow a new cycle to start while another one is still running."),
    )

    class Meta:
        verbose_name = _("cycle settings")
        verbose_name_plural = _("cycle settings")

    def __str__(self):
        return str(self.municipality)


class Cycle(models.Model):
    """One run of the KECK control cycle of a municipality, numbered 1, 2, 3 …"""

    class State(models.TextChoices):
        VORPHASE = "vorphase", pgettext_lazy("cycle state", "Preliminary phase")
        MAIN = "main", pgettext_lazy("cycle state", "Main phase")
        NACHPHASE = "nachphase", pgettext_lazy("cycle state", "Follow-up phase")
        FINISHED = "finished", pgettext_lazy("cycle state", "Finished")

    class Mandate(models.TextChoices):
        PENDING = "pending", pgettext_lazy("mandate", "Awaiting confirmation")
        CONFIRMED = "confirmed", pgettext_lazy("mandate", "Confirmed")
        SENT_BACK = "sent_back", pgettext_lazy("mandate", "Sent back")

    class Decision(models.TextChoices):
        CONTINUE = "continue", _("Continue with the follow-up phase")
        BACK_TO_2 = "back_to_2", _("Analyse the data again (step 2)")
        BACK_TO_3 = "back_to_3", _("Name needs and goals again (step 3)")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="cycles",
        verbose_name=_("municipality"),
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(
        _("topic"),
        max_length=200,
        help_text=_("e.g. childcare, youth work, transition from school to work"),
    )
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    conference = models.ForeignKey(
        "conferences.Conference",
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("social planning conference"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.VORPHASE
    )
    # The pass through the steps 2–5: a loop back from step 5 starts the next round, whose
    # step 4 gives new impulses to the prioritised areas.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    # Vorphase
    vorphase_sheet = models.ForeignKey(
        "conferences.Sheet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preliminary phase sheet"),
    )
    mandate = models.CharField(
        _("mandate"), max_length=10, choices=Mandate.choices, default=Mandate.PENDING
    )
    political_decision = models.BooleanField(
        _("political decision"),
        null=True,
        blank=True,
        help_text=_("Is there a decision of a committee (political mandate)?"),
    )
    mandate_reference = models.CharField(_("reference of the decision"), max_length=200, blank=True)
    mandate_date = models.DateField(_("date of the decision"), null=True, blank=True)
    mandate_comment = models.TextField(
        _("comment of the leadership"),
        blank=True,
        help_text=_("Why the leadership sent the preliminary phase back."),
    )
    mandate_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mandate decided by"),
    )
    mandate_at = models.DateTimeField(_("mandate decided at"), null=True, blank=True)
    # Sozialplanungskonferenz step 1: indicator selection and data inventory
    indicators = models.ManyToManyField(
        "atlas_data.Indicator", blank=True, related_name="+", verbose_name=_("indicators")
    )
    # [{"data": str, "holder": str, "status": "available" | "to_obtain", "note": str}]
    data_inventory = models.JSONField(_("data inventory"), default=list, blank=True)
    # step 2
    swot_entries = models.ManyToManyField(
        "conferences.SwotEntry", blank=True, related_name="+", verbose_name=_("SWOT entries")
    )
    findings = models.ManyToManyField(
        "conferences.Finding", blank=True, related_name="cycles", verbose_name=_("findings")
    )
    prioritisation = models.ForeignKey(
        "conferences.Prioritisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prioritisation of areas"),
    )
    # step 3
    needs = models.ManyToManyField(
        "conferences.NeedForAction", blank=True, related_name="+", verbose_name=_("needs")
    )
    goals = models.ManyToManyField(
        "measures.Goal", blank=True, related_name="cycles", verbose_name=_("municipal goals")
    )
    hypotheses = models.ManyToManyField(
        "measures.ImpactHypothesis",
        blank=True,
        related_name="+",
        verbose_name=_("impact hypotheses"),
    )
    # step 4
    measures = models.ManyToManyField(
        "measures.Measure", blank=True, related_name="cycles", verbose_name=_("measures")
    )
    # step 5
    impact_analysis = models.TextField(_("impact analysis"), blank=True)
    reality_check = models.TextField(_("reality check"), blank=True)
    decision = models.CharField(
        _("decision of step 5"), max_length=10, choices=Decision.choices, blank=True
    )
    # Nachphase
    evaluation_sheet = models.ForeignKey(
        "conferences.Sheet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("process evaluation sheet"),
    )
    carried_over_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
        verbose_name=_("previous cycle"),
    )
    process = models.OneToOneField(
        Process,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycle",
        verbose_name=_("process"),
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
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["municipality", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="unique_cycle_number_per_municipality"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def is_running(self) -> bool:
        return self.state != self.State.FINISHED


class AreaCycle(models.Model):
    """The work of one Sozialraumkonferenz on one prioritised area within a cycle, started by
    the impulse of the Sozialplanungskonferenz (step 4) and ended by its recommendation back."""

    class State(models.TextChoices):
        RUNNING = "running", pgettext_lazy("area cycle state", "Running")
        DELIVERED = "delivered", pgettext_lazy("area cycle state", "Recommendation delivered")
        CLOSED = "closed", pgettext_lazy("area cycle state", "Closed by the coordinator")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="area_cycles", verbose_name=_("cycle")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    area = models.ForeignKey(
        "atlas_data.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    conference = models.ForeignKey(
        "conferences.Conference",
        on_delete=models.PROTECT,
        related_name="area_cycles",
        verbose_name=_("social area conference"),
    )
    impulse = models.TextField(_("impulse"))
    goals_to_refine = models.ManyToManyField(
        "measures.Goal",
        blank=True,
        related_name="impulses",
        verbose_name=_("municipal goals to refine"),
    )
    # outputs of the steps of the Sozialraumkonferenz
    swot_entries = models.ManyToManyField(
        "conferences.SwotEntry", blank=True, related_name="+", verbose_name=_("SWOT entries")
    )
    fields_of_action = models.ManyToManyField(
        "conferences.FieldOfAction",
        blank=True,
        related_name="+",
        verbose_name=_("fields of action"),
    )
    goals = models.ManyToManyField(
        "measures.Goal", blank=True, related_name="area_cycles", verbose_name=_("area goals")
    )
    measures = models.ManyToManyField(
        "measures.Measure", blank=True, related_name="area_cycles", verbose_name=_("measures")
    )
    reflection = models.TextField(_("reflection of the effects"), blank=True)
    recommendation = models.TextField(
        _("recommendation to the social planning conference"), blank=True
    )
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RUNNING
    )
    process = models.OneToOneField(
        Process,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="area_cycle",
        verbose_name=_("process"),
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
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("area cycle")
        verbose_name_plural = _("area cycles")
        ordering = ["cycle", "round", "area__key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "round", "area"], name="unique_area_cycle_per_round"
            ),
        ]

    def __str__(self):
        return f"{self.cycle} – {self.area}"

    @property
    def is_running(self) -> bool:
        return self.state == self.State.RUNNING


class StepRecord(models.Model):
    """One entry of a cycle's history: who did what with which step when, and why."""

    class Action(models.TextChoices):
        DONE = "done", pgettext_lazy("step action", "Completed")
        SKIPPED = "skipped", pgettext_lazy("step action", "Skipped")
        REOPENED = "reopened", pgettext_lazy("step action", "Reopened")
        ASSIGNED = "assigned", pgettext_lazy("step action", "Assigned")
        UNASSIGNED = "unassigned", pgettext_lazy("step action", "Unassigned")
        SENT_BACK = "sent_back", pgettext_lazy("step action", "Sent back")
        STARTED = "started", pgettext_lazy("step action", "Started")
        CLOSED = "closed", pgettext_lazy("step action", "Closed")
        IMPULSE = "impulse", pgettext_lazy("step action", "Impulse given")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="history", verbose_name=_("cycle")
    )
    area_cycle = models.ForeignKey(
        AreaCycle,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="history",
        verbose_name=_("area cycle"),
    )
    node = models.CharField(_("step"), max_length=50)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # The outputs the step linked, as {"goals": [ids], …}, for the history view.
    data = models.JSONField(_("outputs"), default=dict, blank=True)
    session = models.ForeignKey(
        "conferences.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="step_records",
        verbose_name=_("discussed in session"),
    )
    task = models.ForeignKey(
        "viewflow.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("task"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("step record")
        verbose_name_plural = _("step records")
        ordering = ["cycle", "at", "pk"]

    def __str__(self):
        return f"{self.node}: {self.get_action_display()}"


class StepDeadline(models.Model):
    """The date by which a step of a cycle (or of an area cycle) should be completed."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("cycle")
    )
    area_cycle = models.ForeignKey(
        AreaCycle,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("area cycle"),
    )
    node = models.CharField(_("step"), max_length=50)
    due = models.DateField(_("due"))
    last_reminder_sent = models.DateField(_("last reminder sent"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )

    class Meta:
        verbose_name = _("step deadline")
        verbose_name_plural = _("step deadlines")
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "node"],
                condition=Q(area_cycle__isnull=True),
                name="unique_cycle_step_deadline",
            ),
            models.UniqueConstraint(
                fields=["area_cycle", "node"],
                condition=Q(area_cycle__isnull=False),
                name="unique_area_step_deadline",
            ),
        ]

    def __str__(self):
        return f"{self.node}: {self.due}"


class CycleProcess(Process):
    """The viewflow process of a cycle (`CycleFlow`); `process.cycle` is its cycle."""

    class Meta:
        proxy = True
        verbose_name = _("cycle process")
        verbose_name_plural = _("cycle processes")
        # viewflow adds "manage" when the flow is defined; declared here so that the
        # migrations do not depend on whether workflow.flows was imported.
        default_permissions = ("add", "change", "delete", "view", "manage")


class AreaProcess(Process):
    """The viewflow process of an area cycle (`AreaFlow`); `process.area_cycle` is its area
    cycle."""

    class Meta:
        proxy = True
        verbose_name = _("area process")
        verbose_name_plural = _("area processes")
        # viewflow adds "manage" when the flow is defined; declared here so that the
        # migrations do not depend on whether workflow.flows was imported.
        default_permissions = ("add", "change", "delete", "view", "manage")
