"""The Celery application: background jobs (imports, reports, reminders) run off the request."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keck.settings")

app = Celery("keck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
