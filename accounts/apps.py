"""Municipalities (tenants), memberships with roles, and the one place for permission checks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Municipalities and users")
