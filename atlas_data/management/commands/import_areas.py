"""Import the areas of one spatial level from a Shapefile (zip), GeoJSON, GeoPackage or list."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from atlas_data.services import AtlasError, ImportProblems, import_areas

from ._cli import fail_with_problems, municipality_from_argument, write_warnings


class Command(BaseCommand):
    help = (
        "Import areas (with geometry from .zip/.shp/.geojson/.gpkg, or a key;name[;parent_key] "
        "list as .csv/.xlsx) into a spatial level, which is created if missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("municipality", help="short name (slug) or official key (AGS)")
        parser.add_argument("file", help="the area file")
        parser.add_argument("--level", required=True, help="spatial level, e.g. Gemeinden")
        parser.add_argument("--key-field", help="column with the area key (default: AGS, key, …)")
        parser.add_argument(
            "--name-field", help="column with the area name (default: GEN, name, …)"
        )
        parser.add_argument("--parent-field", help="column with the key of the parent area")
        parser.add_argument(
            "--parent-level", help="level directly above a new level (default: the root)"
        )
        parser.add_argument("--layer", help="layer in a zip or GeoPackage, e.g. VG5000_GEM")
        parser.add_argument("--key-prefix", help="only areas whose key starts so, e.g. 03460")
        parser.add_argument("--source-note", default="", help="e.g. © GeoBasis-DE / BKG 2021")

    def handle(self, *args, **options):
        municipality = municipality_from_argument(options["municipality"])
        try:
            summary = import_areas(
                municipality=municipality,
                path=options["file"],
                level_name=options["level"],
                parent_level_name=options["parent_level"],
                key_field=options["key_field"],
                name_field=options["name_field"],
                parent_field=options["parent_field"],
                layer=options["layer"],
                key_prefix=options["key_prefix"],
                source_note=options["source_note"],
            )
        except ImportProblems as exc:
            raise fail_with_problems(self.stderr, exc) from exc
        except AtlasError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Level %(level)s: %(created)d areas created, %(updated)d updated.") % summary
            )
        )
        if summary.get("source_crs"):
            self.stdout.write(
                _("Reprojected from %(crs)s to EPSG:4326.") % {"crs": summary["source_crs"]}
            )
        write_warnings(self.stdout, summary.get("warnings", []))
