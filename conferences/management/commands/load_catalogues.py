"""Bring the question catalogues KECK ships up to date (after an update of KECK)."""

from django.core.management.base import BaseCommand

from conferences.services_sheets import load_default_catalogues


class Command(BaseCommand):
    help = (
        "Create or update the five default reflection catalogues. Idempotent; a changed default "
        "that sheets already use becomes a new version, so old sheets keep their questions."
    )

    def handle(self, *args, **options):
        for kind, catalogue in load_default_catalogues().items():
            self.stdout.write(
                f"{kind}: {catalogue.title} (v{catalogue.version}, "
                f"{catalogue.sections.count()} sections)"
            )
