"""pytest plugin, loaded before Django starts (-p keck_testenv). Test environment: production-like settings, a throw-away var/ directory, eager Celery.

The services suite (make test-services) sets DATABASE_URL and CELERY_BROKER_URL itself and
runs tasks through a real worker instead.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-" + "k" * 60)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("KECK_VAR_DIR", tempfile.mkdtemp(prefix="keck-test-var-"))
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
if not os.environ.get("KECK_SERVICES"):
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
