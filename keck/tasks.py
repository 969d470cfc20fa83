"""Project-level background tasks."""

from celery import shared_task
from django.db import connection


@shared_task
def database_roundtrip() -> str:
    """Prove a worker is alive and reaches the database (used by health checks and tests)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor
