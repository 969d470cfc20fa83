"""Create (or update) a municipality from the command line."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality
from accounts.services import AccountsError, create_municipality


class Command(BaseCommand):
    help = "Legt eine Kommune an oder aktualisiert sie (Name, Art, AGS)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Kurzname für URLs, z. B. vechta")
        parser.add_argument("--name", required=True, help="Name, z. B. 'Landkreis Vechta'")
        parser.add_argument(
            "--kind",
            default=None,
            choices=Municipality.Kind.values,
            help="city (Standard für neue Kommunen), district oder town",
        )
        parser.add_argument("--key", default=None, help="Amtlicher Gemeindeschlüssel (AGS)")

    def handle(self, *args, slug, name, kind, key, **options):
        try:
            municipality, created = create_municipality(
                slug=slug, name=name, kind=kind, official_key=key
            )
        except AccountsError as exc:
            raise CommandError(str(exc)) from exc
        verb = "angelegt" if created else "aktualisiert"
        self.stdout.write(self.style.SUCCESS(f"Kommune {municipality.name} ({slug}) {verb}."))
