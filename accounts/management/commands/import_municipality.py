"""Restore a municipality from a backup archive into this database (keck.backup; README)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from keck.backup import BackupError, import_municipality, read_manifest


class Command(BaseCommand):
    help = _(
        "Restores a municipality from an archive of export_municipality. Refuses when the "
        "municipality or the ids already exist; writes everything or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("path of the archive (.zip)"))

    def handle(self, *args, file, **options):
        try:
            municipality = import_municipality(path=file)
            manifest = read_manifest(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(name)s (%(slug)s) restored: %(rows)s rows in %(tables)s tables, "
                    "%(users)s users (existing user names reused)."
                )
                % {
                    "name": municipality.name,
                    "slug": municipality.slug,
                    "rows": sum(manifest["counts"].values()),
                    "tables": len(manifest["counts"]),
                    "users": manifest["users"],
                }
            )
        )
