"""Add a user (created if missing) with roles to a municipality from the command line."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality, Role
from accounts.services import AccountsError, add_member


class Command(BaseCommand):
    help = "Fügt einer Kommune ein Mitglied mit Rollen hinzu (legt den Benutzer bei Bedarf an)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Kurzname der Kommune")
        parser.add_argument("username")
        parser.add_argument(
            "--role", action="append", required=True, choices=Role.values, dest="roles"
        )
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password", default=None, help="ohne Angabe wird ein Einmal-Passwort ausgegeben"
        )
        parser.add_argument(
            "--topic",
            action="append",
            default=[],
            dest="topics",
            help="Datenadministration auf dieses Themenfeld beschränken (mehrfach möglich)",
        )

    def handle(self, *args, slug, username, roles, email, password, topics, **options):
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise CommandError(f"Kommune {slug!r} gibt es nicht (create_municipality legt sie an).")
        try:
            membership, one_time_password = add_member(
                municipality=municipality,
                username=username,
                roles=roles,
                email=email,
                password=password,
                data_topics=topics,
                update_existing_user=True,
            )
        except AccountsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{username} ist Mitglied von {municipality.name}: {', '.join(membership.roles)}."
            )
        )
        if one_time_password:
            self.stdout.write(f"Einmal-Passwort für {username}: {one_time_password}")
