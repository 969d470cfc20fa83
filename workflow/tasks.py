"""Background jobs of the control cycle: one line of glue each, calling a service."""

from celery import shared_task


@shared_task
def send_step_reminders() -> int:
    from .services_reminders import send_step_reminders as send

    return send()
