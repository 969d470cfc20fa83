"""SMART impact goals, impact hypotheses and measure plans (filled by the measures issue)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Goals and measures")
