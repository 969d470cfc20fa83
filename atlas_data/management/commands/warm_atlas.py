"""`python manage.py warm_atlas [SLUG …]`: compute the suppressed atlas tables now.

The same work the background job does after every committed change of atlas data
(atlas_data/cache.py `warm_soon`), for operators: after restoring a backup, after changing the
cache, or before a conference where many people open the atlas at once.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.models import Municipality
from atlas_data.selectors import warm_values_tables

from ._cli import municipality_from_argument


class Command(BaseCommand):
    help = "Compute and cache the suppressed atlas tables of municipalities (all without SLUG)."

    def add_arguments(self, parser):
        parser.add_argument("municipalities", nargs="*", metavar="SLUG")

    def handle(self, *args, municipalities, **options):
        chosen = (
            [municipality_from_argument(value) for value in municipalities]
            if municipalities
            else list(Municipality.objects.order_by("slug"))
        )
        for municipality in chosen:
            started = time.perf_counter()
            result = warm_values_tables(municipality=municipality)
            seconds = time.perf_counter() - started
            if result.outdated:
                message = _(
                    "%(name)s: the data changed while the tables were computed; "
                    "%(pairs)d indicator years stored, the rest follows in the background."
                )
            else:
                message = _(
                    "%(name)s: %(pairs)d indicator years computed, %(entries)d tables stored "
                    "(%(seconds).1f s)."
                )
            self.stdout.write(
                message
                % {
                    "name": municipality.name,
                    "pairs": result.pairs,
                    "entries": result.entries,
                    "seconds": seconds,
                }
            )
