"""Background jobs of the conferences app: one line of glue each, calling a service."""

from celery import shared_task


@shared_task
def send_session_invitation(session_id: int) -> int:
    from .services_meetings import send_invitation

    return send_invitation(session_id=session_id)


@shared_task
def send_action_item_reminders() -> int:
    from .services_meetings import send_reminders

    return send_reminders()
