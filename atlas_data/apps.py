"""The small-area data atlas: levels, areas, indicators, values, suppression and release."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AtlasDataConfig(AppConfig):
    name = "atlas_data"
    verbose_name = _("Data atlas")

    def ready(self):
        from .cache import connect_signals

        connect_signals()
