"""Conferences, sessions, minutes and reflection sheets (filled by the conferences issue)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = _("Conferences")
