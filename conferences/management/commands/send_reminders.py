"""Send the reminder e-mails of due and overdue action items (for sites without Celery beat)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from conferences.services_meetings import send_reminders
from measures.services_reminders import send_measure_reminders
from workflow.services_reminders import send_step_reminders


class Command(BaseCommand):
    help = (
        "E-mail the responsible people their open action items, measures, sub-steps and steps "
        "of the control cycle due in three days or overdue (at most once per day per item). "
        "Run daily, e.g. from cron at 07:00."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Pretend today is this date (YYYY-MM-DD), e.g. to catch up a missed day.",
        )

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"Not a date (YYYY-MM-DD): {options['date']}") from exc
        sent = send_reminders(today=today)
        self.stdout.write(f"{sent} reminder e-mail(s) sent.")
        sent = send_measure_reminders(today=today)
        self.stdout.write(f"{sent} measure reminder e-mail(s) sent.")
        sent = send_step_reminders(today=today)
        self.stdout.write(f"{sent} step reminder e-mail(s) sent.")
