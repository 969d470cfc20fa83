"""A municipality's own Word template for session minutes (else the default in templates/docx/)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality


class MinutesTemplate(models.Model):
    """An uploaded DOCX template for minutes; the newest one of a municipality is used."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="minutes_templates",
        verbose_name=_("municipality"),
    )
    file = models.FileField(_("file"), upload_to="minutes_templates/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("minutes template")
        verbose_name_plural = _("minutes templates")
        ordering = ["municipality", "-uploaded_at", "-pk"]

    def __str__(self):
        return self.original_name or self.file.name
