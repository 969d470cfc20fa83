"""Load the Vechta demo (municipality, areas, demo users); safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from keck.demo import DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Lädt die Demo „Landkreis Vechta“ mit Demo-Benutzern (nur für Entwicklung und Vorführung)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="auch mit DEBUG=false laden (legt Benutzer mit bekanntem Passwort an!)",
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG ist aus: load_demo legt Benutzer mit bekanntem Passwort an und läuft "
                "daher nur mit DEBUG=true oder mit --force."
            )
        municipality = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo geladen: {municipality.name}"))
        self.stdout.write("Demo-Anmeldungen (Passwort für alle: %s):" % settings.KECK_DEMO_PASSWORD)
        for username, role, *_rest in DEMO_USERS:
            self.stdout.write(f"  {username:<20} {role.label}")
