"""Import points of interest from CSV/XLSX (coordinates as latitude/longitude or x/y with a CRS)
or from a GeoJSON/GeoPackage of points."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from atlas_data.services import AtlasError, ImportProblems
from atlas_data.services.pois import import_pois

from ._cli import fail_with_problems, municipality_from_argument, write_warnings


class Command(BaseCommand):
    help = (
        "Import points of interest: CSV (; or ,) or XLSX with the columns name, category, "
        "address, latitude/longitude (or x/y with --crs or a crs column) and optional "
        "provider, capacity, target ages …; or GeoJSON/GeoPackage points. Nothing is written "
        "when a row has a problem. See docs/pois.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("municipality", help="short name (slug) or official key (AGS)")
        parser.add_argument("file", help="the file (.csv, .xlsx, .geojson, .gpkg)")
        parser.add_argument(
            "--crs", help="coordinate reference system of x/y columns, e.g. EPSG:25832"
        )
        parser.add_argument("--user", help="user name recorded in the history of the POIs")

    def handle(self, *args, **options):
        municipality = municipality_from_argument(options["municipality"])
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("User %(name)s does not exist.") % {"name": options["user"]})
        try:
            summary = import_pois(
                municipality=municipality, path=options["file"], user=user, crs=options["crs"]
            )
        except ImportProblems as exc:
            raise fail_with_problems(self.stderr, exc) from exc
        except (AtlasError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Import finished: %(created)d points of interest created, %(updated)d "
                    "changed, %(unchanged)d unchanged."
                )
                % summary
            )
        )
        write_warnings(self.stdout, summary["warnings"])
