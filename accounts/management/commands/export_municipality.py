"""Write the backup archive of one municipality (keck.backup; README, Sicherung)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Municipality
from keck.backup import BackupError, export_municipality


class Command(BaseCommand):
    help = _(
        "Saves everything of one municipality (data, memberships and users, files) in a zip "
        "archive that import_municipality restores."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("short name of the municipality"))
        parser.add_argument("file", help=_("path of the archive to write (.zip)"))

    def handle(self, *args, slug, file, **options):
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise CommandError(_("There is no municipality “%(slug)s”.") % {"slug": slug})
        try:
            result = export_municipality(municipality=municipality, path=file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(
                _("%(file)s cannot be written: %(error)s") % {"file": file, "error": exc}
            ) from exc
        for name in result.missing_files:
            self.stderr.write(_("File missing, not saved: %(name)s") % {"name": name})
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(name)s (%(slug)s) saved in %(file)s: %(rows)s rows in %(tables)s "
                    "tables, %(users)s users, %(files)s files."
                )
                % {
                    "name": municipality.name,
                    "slug": slug,
                    "file": file,
                    "rows": sum(result.counts.values()),
                    "tables": len(result.counts),
                    "users": result.users,
                    "files": result.files,
                }
            )
        )
