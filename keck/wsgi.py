"""WSGI entry point for gunicorn: `gunicorn keck.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keck.settings")
application = get_wsgi_application()
