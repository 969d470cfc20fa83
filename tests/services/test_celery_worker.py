"""Background jobs really run through a Celery worker on Redis against PostgreSQL."""

import pytest

pytestmark = pytest.mark.services


def test_task_runs_in_a_real_worker_and_reaches_postgresql(celery_worker_process):
    from keck.tasks import database_roundtrip

    result = database_roundtrip.apply_async(ignore_result=False)
    assert result.get(timeout=60) == "postgresql"
