"""Operator access by consent in the Vechta demo: one support grant of Landkreis Vechta to the
operator account demo-betrieb that has ended, with the requests made under it. The ticket is
invented. Idempotent: created once.

Demo accounts are never staff (their password is public), so demo-betrieb is a plain account
without a password, as it would arrive from another installation's backup (staff flags are not
backed up): the grant is history only. To show the feature live, create an operator with
`manage.py createsuperuser`, grant it access as demo-admin on Administration → Support-Zugriffe
and log in as the operator; the log fills up on the admin's page.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Municipality, SupportAccess, SupportGrant

OPERATOR = "demo-betrieb"
REASON = "Support-Anfrage 2026-117: Die Karte der Betreuungsquote U3 zeigt für 2013 keine Klassen."

# (minutes after the start of the grant, method, path, status code)
ACCESSES = (
    (12, "GET", "/app/atlas/", 200),
    (13, "GET", "/app/atlas/indicators/", 200),
    (15, "GET", "/app/atlas/explore/?year=2013", 200),
    (16, "GET", "/api/v1/municipalities/{slug}/indicators/", 200),
    (19, "POST", "/app/atlas/bookmarks/new/", 403),
)


def load_demo_consent(municipality: Municipality) -> None:
    User = get_user_model()
    operator, created = User.objects.get_or_create(
        username=OPERATOR,
        defaults={
            "first_name": "Plattform",
            "last_name": "Betrieb",
            "email": f"{OPERATOR}@example.org",
        },
    )
    if created:
        operator.set_unusable_password()
        operator.save(update_fields=["password"])
    if SupportGrant.objects.filter(municipality=municipality, grantee=operator).exists():
        return
    admin = User.objects.get(username="demo-admin")
    starts_at = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=20)
    grant = SupportGrant.objects.create(
        municipality=municipality,
        grantee=operator,
        granted_by=admin,
        reason=REASON,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(days=SupportGrant.DEFAULT_DAYS),
    )
    SupportAccess.objects.bulk_create(
        SupportAccess(
            grant=grant,
            user=operator,
            at=starts_at + datetime.timedelta(minutes=minutes),
            method=method,
            path=path.format(slug=municipality.slug),
            status_code=status,
        )
        for minutes, method, path, status in ACCESSES
    )
