"""Import indicator values of one spatial level from a published wide table or a long table."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from atlas_data.services import AtlasError, ImportProblems, import_values

from ._cli import ProgressBar, fail_with_problems, municipality_from_argument, write_warnings


class Command(BaseCommand):
    help = (
        "Import indicator values from CSV (; or ,, UTF-8 or cp1252) or XLSX: a published table "
        "Schlüssel;Gebiet;<indicator>… (needs --year) or a long table "
        "area_key,indicator,year,value[,numerator,denominator]."
    )

    def add_arguments(self, parser):
        parser.add_argument("municipality", help="short name (slug) or official key (AGS)")
        parser.add_argument("file", help="the table (.csv or .xlsx)")
        parser.add_argument("--level", required=True, help="spatial level of the areas")
        parser.add_argument("--year", type=int, help="year of the values (for published tables)")
        parser.add_argument("--source-note", default="", help="source of the values")
        parser.add_argument("--user", help="user name recorded in the history of changed values")

    def handle(self, *args, **options):
        municipality = municipality_from_argument(options["municipality"])
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("User %(name)s does not exist.") % {"name": options["user"]})
        try:
            summary = import_values(
                municipality=municipality,
                path=options["file"],
                level_name=options["level"],
                year=options["year"],
                user=user,
                progress=ProgressBar(self.stderr),
                source_note=options["source_note"],
            )
        except ImportProblems as exc:
            raise fail_with_problems(self.stderr, exc) from exc
        except AtlasError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(values)d values for level %(level)s: %(created)d created, %(updated)d "
                    "updated, %(unchanged)d unchanged."
                )
                % summary
            )
        )
        if summary["suppressed_at_source"] or summary["published_totals"]:
            self.stdout.write(
                _(
                    "%(suppressed_at_source)d suppressed at source (k. A.), %(published_totals)d "
                    "published totals of the parent area."
                )
                % summary
            )
        if summary["new_indicators"]:
            self.stdout.write(_("New indicators (please complete their metadata before release):"))
            for indicator in summary["new_indicators"]:
                unit = f" [{indicator['unit']}]" if indicator["unit"] else ""
                self.stdout.write(f"  #{indicator['id']} {indicator['name']}{unit}")
        write_warnings(self.stdout, summary.get("warnings", []))
