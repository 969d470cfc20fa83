"""Municipalities are the tenants of KECK; memberships give a user roles in one municipality."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        TOWN = "town", _("Town")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name (URL)"), max_length=60, unique=True)
    official_key = models.CharField(
        _("official key (AGS)"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{2,12}$", _("The official key consists of 2–12 digits."))],
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITY)
    # Data protection settings (domain.md §3): counts from suppress_from to
    # suppression_threshold are shown as "k. A."; the default suppresses 0–3.
    suppression_threshold = models.PositiveSmallIntegerField(
        _("suppression threshold"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Counts up to this number are suppressed (shown as “k. A.”)."),
    )
    suppress_zero = models.BooleanField(
        _("suppress zero"),
        default=True,
        help_text=_("Also suppress counts of zero (recommended)."),
    )
    min_children_per_area = models.PositiveIntegerField(
        _("minimum children per area"),
        default=50,
        help_text=_("Areas with fewer children of an age group get a size warning."),
    )
    public_atlas_enabled = models.BooleanField(_("public atlas enabled"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    MUNICIPAL_ADMIN = "municipal_admin", _("Municipal administrator")
    DATA_ADMIN = "data_admin", _("KECK data administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    LEADERSHIP = "leadership", _("Leadership")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    """A user's roles in one municipality. A person may be a member of several municipalities."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    roles = models.JSONField(_("roles"), default=list)
    # Empty list: a data admin may edit all topics; otherwise only these topic codes.
    data_topics = models.JSONField(_("topics of the data administrator"), default=list, blank=True)
    function = models.CharField(_("function"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="unique_membership"),
        ]
        ordering = ["municipality__name", "user__username"]

    def __str__(self):
        return f"{self.user} @ {self.municipality}"

    def role_labels(self):
        labels = dict(Role.choices)
        return [labels.get(role, role) for role in self.roles]
