"""App config for the project package itself (its templates, tasks and checks)."""

from django.apps import AppConfig


class KeckConfig(AppConfig):
    name = "keck"
    verbose_name = "KECK"
