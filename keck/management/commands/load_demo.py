"""Load the Vechta demo (municipality, areas, demo users); safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from keck.demo import DEMO_USERS, load_demo
from keck.demo_network import LOHNE_NAME, LOHNE_USERS


class Command(BaseCommand):
    help = "Loads the demo 'Landkreis Vechta' with demo users (development and presentation only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even with DEBUG=false (creates users with a known password!)",
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "DEBUG is off: load_demo creates users with a known password and therefore "
                    "runs only with DEBUG=true or with --force."
                )
            )
        municipality = load_demo()
        self.stdout.write(
            self.style.SUCCESS(_("Demo loaded: %(name)s") % {"name": municipality.name})
        )
        self.stdout.write(
            _("Demo logins (password for all: %(password)s):")
            % {"password": settings.KECK_DEMO_PASSWORD}
        )
        for username, role, *_rest in DEMO_USERS:
            self.stdout.write(f"  {username:<20} {role.label}")
        for username, role, *_rest in LOHNE_USERS:
            self.stdout.write(f"  {username:<20} {role.label} ({LOHNE_NAME})")
