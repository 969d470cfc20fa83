"""A real Celery worker process on the configured broker, against the test database."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _require_services():
    if not os.environ.get("KECK_SERVICES"):
        pytest.skip("needs PostgreSQL and Redis: run `make test-services`")
    if connection.vendor != "postgresql":
        pytest.fail("the services suite must run against PostgreSQL (DATABASE_URL)")


def start_worker(*, queue: str, pool: str = "solo") -> subprocess.Popen:
    """Start `celery worker` as its own process, pointed at this test's database and queue."""
    _require_services()
    db = settings.DATABASES["default"]
    url = urlparse(os.environ["DATABASE_URL"])
    test_url = urlunparse(url._replace(path="/" + db["NAME"]))
    env = {
        **os.environ,
        "DATABASE_URL": test_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "keck.settings",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "keck",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=INFO",
            "-Q",
            queue,
            "-n",
            f"{queue}-{time.monotonic_ns()}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    from keck.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("celery worker exited early:\n" + process.stdout.read())
        if app.control.ping(timeout=1.0):
            return process
    stop_worker(process)
    pytest.fail("celery worker did not start within 60 s")


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def worker_queue(transactional_db):
    """A queue of this test alone, made the default of the app for the test's duration."""
    _require_services()
    from keck.celery import app

    # Each xdist worker gets its own queue so parallel test processes do not steal tasks.
    queue = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    previous = app.conf.task_default_queue, app.conf.task_always_eager
    app.conf.task_default_queue, app.conf.task_always_eager = queue, False
    try:
        yield queue
    finally:
        app.conf.task_default_queue, app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker_process(worker_queue):
    process = start_worker(queue=worker_queue)
    try:
        yield process
    finally:
        stop_worker(process)
