"""Background jobs of the accounts app: one line of glue each."""

from celery import shared_task


@shared_task
def send_invitation(membership_id: int, base_url: str) -> None:
    from . import services
    from .models import Membership

    services.send_invitation(membership=Membership.objects.get(pk=membership_id), base_url=base_url)
