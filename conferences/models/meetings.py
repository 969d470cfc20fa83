"""Standing bodies of the KECK cycle and their sessions: agenda, attendance, minutes, tasks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import Municipality


class Conference(models.Model):
    """A Sozialplanungskonferenz (whole municipality) or a Sozialraumkonferenz (some areas)."""

    class Kind(models.TextChoices):
        PLANNING = "planning", _("Social planning conference")
        AREA = "area", _("Social area conference")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="conferences",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    areas = models.ManyToManyField(
        "atlas_data.Area", blank=True, related_name="conferences", verbose_name=_("areas")
    )
    purpose = models.TextField(_("purpose"), blank=True)
    rhythm = models.CharField(
        _("rhythm"), max_length=100, blank=True, help_text=_("e.g. every 6 weeks, 2 hours")
    )
    reuses_body = models.CharField(
        _("existing body it reuses"),
        max_length=200,
        blank=True,
        help_text=_("Bodies that already exist should be reused rather than duplicated."),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_conferences",
        verbose_name=_("coordinator"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["municipality", "kind", "name"]

    def __str__(self):
        return self.name


class ConferenceMember(models.Model):
    """A member of a conference; members need no login (a member may or may not be a user)."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="members", verbose_name=_("conference")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conference_memberships",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(
        _("function"),
        max_length=200,
        blank=True,
        help_text=_("e.g. coordinator, neighbourhood manager, youth welfare planning, ASD, school"),
    )
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Members who left stay in the attendance and action items of past minutes.
    active = models.BooleanField(
        _("active member"),
        default=True,
        help_text=_("Former members stay in the minutes but get no invitations."),
    )

    class Meta:
        verbose_name = _("conference member")
        verbose_name_plural = _("conference members")
        ordering = ["conference", "name"]

    def __str__(self):
        return self.name


class Session(models.Model):
    """A meeting (Sitzung) of a conference."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("conference")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    invitation_sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    minutes_closed_at = models.DateTimeField(_("minutes closed"), null=True, blank=True)
    # Optimistic locking: every save through a service states the version it read and bumps it.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    decisions = models.TextField(_("decisions"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["conference", "starts_at"]

    def __str__(self):
        return f"{self.conference} – {self.starts_at:%d.%m.%Y}"


class Attendance(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    member = models.ForeignKey(
        ConferenceMember, on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    present = models.BooleanField(_("present"), default=True)
    excused = models.BooleanField(_("excused"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="unique_attendance"),
        ]

    def __str__(self):
        return f"{self.member} @ {self.session}"


class AgendaItem(models.Model):
    """An item of a session's agenda (Tagesordnung) with its minutes (Protokoll)."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("session")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # Links to what the item discusses: an atlas view (bookmark); goals and measures link
    # themselves to agenda items from the measures app.
    bookmark = models.ForeignKey(
        "atlas_data.Bookmark",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("atlas bookmark"),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    carried_over_from = models.ForeignKey(
        "ActionItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
        verbose_name=_("carried over action item"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order", "pk"]

    def __str__(self):
        return self.title


class ActionItem(models.Model):
    """Who does what by when ("Hausaufgaben"), agreed at the end of a session."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("action item status", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("action item status", "In progress")
        DONE = "done", pgettext_lazy("action item status", "Done")
        DROPPED = "dropped", pgettext_lazy("action item status", "Dropped")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("session")
    )
    what = models.TextField(_("what"))
    responsible_member = models.ForeignKey(
        ConferenceMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("responsible member"),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("responsible user"),
    )
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    last_reminder_sent = models.DateField(_("last reminder sent"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due", "pk"]

    def __str__(self):
        return self.what[:80]

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)
