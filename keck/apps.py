"""App config for the project package itself (its templates, tasks and checks)."""

from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig


class KeckConfig(AppConfig):
    name = "keck"
    verbose_name = "KECK"


class KeckStaticFilesConfig(StaticFilesConfig):
    """Static files without viewflow's node_modules/ copy of the Roboto CSS.

    That copy refers to font files viewflow does not ship, so hashing it for production
    (collectstatic with the manifest storage) fails; viewflow's pages use the copy beside it.
    """

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "node_modules"]
