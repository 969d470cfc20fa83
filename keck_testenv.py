"""pytest plugin loaded before Django starts (-p keck_testenv): the test environment.

Production-like settings, a throw-away var/ directory, eager Celery.

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
# Cached atlas results per process: parallel test workers reuse the same primary keys in their
# own databases and must not share one file cache (atlas_data/cache.py).
os.environ.setdefault("ATLAS_CACHE_URL", "locmemcache://atlas")
# Tasks run eagerly in every suite; the services suite's worker fixture switches eager off for the
# tests that prove a real worker on Redis runs them.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
# Warming the atlas cache after each write would run eagerly inside the tests' requests; the
# tests of the warm-up switch it on themselves.
os.environ.setdefault("ATLAS_WARM_UP", "false")

# Browser tests skip with a note where chromium is missing; on CI (KECK_REQUIRE_BROWSER=1) and in
# the services suite (KECK_SERVICES=1) such a skip fails the run instead.
_REQUIRED = {
    "e2e": "KECK_REQUIRE_BROWSER",
    "services": "KECK_SERVICES",
}
_skipped_required: list[str] = []


def pytest_runtest_logreport(report):
    if not report.skipped:
        return
    for marker, variable in _REQUIRED.items():
        if os.environ.get(variable) and marker in report.keywords:
            _skipped_required.append(f"{report.nodeid} ({marker}, {variable} is set)")


def pytest_sessionfinish(session, exitstatus):
    if _skipped_required and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped_required:
        terminalreporter.write_sep("=", "required tests were skipped", red=True)
        for line in _skipped_required:
            terminalreporter.write_line(line)
