"""Municipalities are the tenants of KECK; memberships give a user roles in one municipality."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
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


class SupportGrantQuerySet(models.QuerySet):
    def active(self, now=None):
        """Grants in force at `now`: started, not yet ended, not revoked. The end is a plain
        comparison with the clock, so access ends on time without any job."""
        now = now or timezone.now()
        return self.filter(starts_at__lte=now, ends_at__gt=now, revoked_at__isnull=True)


class SupportGrant(models.Model):
    """A municipal administrator's consent that one platform operator (a staff account) may read
    the municipality's internal data for a limited time (issue 11, point 5)."""

    MAX_DAYS = 30
    DEFAULT_DAYS = 7

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        REVOKED = "revoked", _("Revoked")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="support_grants",
        verbose_name=_("municipality"),
    )
    # PROTECT: the consent and its access log are the municipality's record of who looked in;
    # deleting the operator's or the admin's account must not erase it.
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="support_grants",
        verbose_name=_("operator account"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )
    reason = models.TextField(_("reason"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = SupportGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("support access grant")
        verbose_name_plural = _("support access grants")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="support_grant_ends_after_start",
            ),
        ]
        # The permission check of every request of a staff account looks its grants up.
        indexes = [models.Index(fields=["grantee", "ends_at"], name="support_grant_grantee_end")]

    def __str__(self):
        return f"{self.grantee} @ {self.municipality}"

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if now < self.starts_at:
            return self.Status.SCHEDULED
        if now >= self.ends_at:
            return self.Status.ENDED
        return self.Status.ACTIVE

    def status_label(self) -> str:
        return self.Status(self.status()).label

    @property
    def is_active(self) -> bool:
        return self.status() == self.Status.ACTIVE


class SupportAccess(models.Model):
    """One request of an operator to the municipality's internal pages or API under a grant."""

    grant = models.ForeignKey(
        SupportGrant,
        on_delete=models.CASCADE,
        related_name="accesses",
        verbose_name=_("support access grant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("accessed at"), default=timezone.now)
    method = models.CharField(_("HTTP method"), max_length=10)
    path = models.CharField(_("address"), max_length=1000)
    status_code = models.PositiveSmallIntegerField(_("status code"))

    class Meta:
        verbose_name = _("support access")
        verbose_name_plural = _("support accesses")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["grant", "at"], name="support_access_grant_at")]

    def __str__(self):
        return f"{self.method} {self.path} ({self.status_code})"
