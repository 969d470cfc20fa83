"""bench/load.py still runs: gunicorn, PostgreSQL and a Celery worker under a few users.

The real measurement (50 users for 60 s) is a benchmark, not a test: docs/reliability.md.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

pytestmark = pytest.mark.services

PROJECT = Path(__file__).resolve().parents[2]


def test_the_load_benchmark_runs_every_kind_of_user_without_errors():
    if not os.environ.get("KECK_SERVICES"):
        pytest.skip("needs PostgreSQL and Redis: run `make test-services`")
    url = urlparse(os.environ["DATABASE_URL"])
    env = {
        **os.environ,
        "LOAD_DATABASE_URL": urlunparse(url._replace(path="/keck_load_smoke")),
        "LOAD_BROKER_URL": "redis://127.0.0.1:6379/12",
    }
    done = subprocess.run(
        [sys.executable, "bench/load.py", "--users", "4", "--duration", "4", "--think", "0.1"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    header, *data = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in data]
    assert [row[1] for row in cells] == [
        "all",
        "public map",
        "public table",
        "API",
        "coordinator",
        "login (before the load)",
    ]
    assert all(int(row[0].replace(",", "")) > 0 for row in cells)  # every kind was served
    assert all(row[-1] == "0" for row in cells)  # no errors
