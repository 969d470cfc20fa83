"""The "analyse data" steps of both conferences: SWOT, findings, needs, fields of action and the
prioritisation of areas (domain.md §4, steps 2 and 3)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality

from .meetings import Conference


class Priority(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class SwotEntry(models.Model):
    """One strength, weakness, opportunity or risk, with the knowledge it rests on."""

    class Quadrant(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        WEAKNESS = "weakness", _("Weakness")
        OPPORTUNITY = "opportunity", _("Opportunity")
        RISK = "risk", _("Risk")

    class Evidence(models.TextChoices):
        NONE = "", _("Not stated")
        DATA = "data", _("Data (atlas)")
        EXPERIENCE = "experience", _("Experience")
        INSTITUTION = "institution", _("Institution knowledge")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="swot_entries",
        verbose_name=_("conference"),
    )
    area = models.ForeignKey(
        "atlas_data.Area",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
        help_text=_("Empty: the SWOT of the whole conference; an area: the SWOT of that area."),
    )
    quadrant = models.CharField(_("quadrant"), max_length=12, choices=Quadrant.choices)
    text = models.TextField(_("text"))
    evidence_kind = models.CharField(
        _("evidence"), max_length=12, choices=Evidence.choices, blank=True, default=""
    )
    indicator = models.ForeignKey(
        "atlas_data.Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator"),
    )
    evidence_area = models.ForeignKey(
        "atlas_data.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area of the value"),
    )
    evidence_year = models.PositiveSmallIntegerField(_("year of the value"), null=True, blank=True)
    bookmark = models.ForeignKey(
        "atlas_data.Bookmark",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bookmark"),
    )
    evidence_note = models.TextField(
        _("source of the knowledge"),
        blank=True,
        help_text=_("e.g. walk through the neighbourhood in March, talks with Kita staff"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("SWOT entry")
        verbose_name_plural = _("SWOT entries")
        ordering = ["conference", "quadrant", "order", "pk"]

    def __str__(self):
        return self.text[:80]


class Finding(models.Model):
    """A notable finding (Auffälligkeit) the product proposed from the data, and its fate."""

    class Kind(models.TextChoices):
        DEVIATION = "deviation", _("Deviation from the municipal reference")
        CHANGE = "change", _("Change since the previous year")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    class Assessment(models.TextChoices):
        FAVOURABLE = "favourable", _("favourable")
        UNFAVOURABLE = "unfavourable", _("unfavourable")
        NEUTRAL = "neutral", _("no polarity")

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="findings", verbose_name=_("conference")
    )
    indicator = models.ForeignKey(
        "atlas_data.Indicator",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("indicator"),
    )
    area = models.ForeignKey(
        "atlas_data.Area", on_delete=models.CASCADE, related_name="+", verbose_name=_("area")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    assessment = models.CharField(_("assessment"), max_length=12, choices=Assessment.choices)
    proposed_text = models.TextField(_("proposed text"))
    # The numbers as the proposal showed them: only what a member may see (never a suppressed
    # value), so that the stored proposal can be shown to everybody who reads the conference.
    numbers = models.JSONField(_("numbers"), default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    text = models.TextField(_("text"), blank=True, help_text=_("Empty: the proposed text."))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["conference", "year", "indicator", "kind", "area__key"]
        constraints = [
            # A dismissed proposal stays, so that it is never proposed again.
            models.UniqueConstraint(
                fields=["conference", "indicator", "area", "year", "kind"],
                name="unique_finding_per_indicator_area_year_kind",
            ),
        ]

    def __str__(self):
        return self.current_text[:80]

    @property
    def current_text(self) -> str:
        return self.text or self.proposed_text


class NeedForAction(models.Model):
    """A need for action (Handlungsbedarf) the conference names, with its room for manoeuvre."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="needs", verbose_name=_("conference")
    )
    area = models.ForeignKey(
        "atlas_data.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    text = models.TextField(_("need for action"))
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        choices=Priority.choices,
        default=Priority.MEDIUM,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    room_for_manoeuvre = models.TextField(
        _("room for manoeuvre"),
        blank=True,
        help_text=_("What can the municipality and the conference influence, with which means?"),
    )
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="needs", verbose_name=_("findings")
    )
    swot_entries = models.ManyToManyField(
        SwotEntry, blank=True, related_name="needs", verbose_name=_("SWOT entries")
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

    class Meta:
        verbose_name = _("need for action")
        verbose_name_plural = _("needs for action")
        ordering = ["conference", "priority", "pk"]

    def __str__(self):
        return self.text[:80]


class FieldOfAction(models.Model):
    """A field of action (Handlungsfeld); an area conference concretises a municipal one."""

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="fields_of_action",
        verbose_name=_("conference"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        choices=Priority.choices,
        default=Priority.MEDIUM,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name=_("derived from the municipal field of action"),
    )
    needs = models.ManyToManyField(
        NeedForAction, blank=True, related_name="fields_of_action", verbose_name=_("needs")
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

    class Meta:
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")
        ordering = ["conference", "priority", "title", "pk"]

    def __str__(self):
        return self.title


class Prioritisation(models.Model):
    """A ranking of the areas of a level by a composite index, and the lists the conference
    confirmed from it. The computed table is kept as a snapshot with its inputs; once confirmed,
    neither changes, so later data corrections cannot silently change a decision."""

    class Method(models.TextChoices):
        ZSCORES = "zscores", _("z-scores")
        RANKS = "ranks", _("Ranks")

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="prioritisations",
        verbose_name=_("conference"),
    )
    title = models.CharField(_("title"), max_length=200)
    level = models.ForeignKey(
        "atlas_data.SpatialLevel",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("spatial level"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    method = models.CharField(
        _("method"), max_length=10, choices=Method.choices, default=Method.ZSCORES
    )
    snapshot = models.JSONField(_("computed ranking"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed by"),
    )
    urgent_areas = models.ManyToManyField(
        "atlas_data.Area",
        blank=True,
        related_name="urgent_in_prioritisations",
        verbose_name=_("areas with urgent need"),
    )
    good_areas = models.ManyToManyField(
        "atlas_data.Area",
        blank=True,
        related_name="good_in_prioritisations",
        verbose_name=_("areas with good conditions to build on"),
    )
    note = models.TextField(_("note on the decision"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("prioritisation of areas")
        verbose_name_plural = _("prioritisations of areas")
        ordering = ["conference", "-year", "-created", "-pk"]

    def __str__(self):
        return self.title

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class PrioritisationIndicator(models.Model):
    """One input of a prioritisation: an indicator with its weight and direction."""

    class Direction(models.TextChoices):
        BY_POLARITY = "", _("By polarity")
        HIGHER_NEED = "higher_need", _("Higher value = higher need")
        LOWER_NEED = "lower_need", _("Lower value = higher need")

    prioritisation = models.ForeignKey(
        Prioritisation,
        on_delete=models.CASCADE,
        related_name="inputs",
        verbose_name=_("prioritisation"),
    )
    indicator = models.ForeignKey(
        "atlas_data.Indicator",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("indicator"),
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    direction = models.CharField(
        _("direction"), max_length=12, choices=Direction.choices, blank=True, default=""
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator of a prioritisation")
        verbose_name_plural = _("indicators of a prioritisation")
        ordering = ["prioritisation", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["prioritisation", "indicator"], name="unique_prioritisation_indicator"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} × {self.weight}"
