"""A Celery worker killed in the middle of an import leaves no partial import, and it runs again.

The import writes all values in one transaction; the worker holds the run's advisory lock while
it runs (atlas_data/services/run_lock.py). Killing the worker's process (SIGKILL: no clean-up)
therefore rolls the values back and frees the lock, and the run is recognised as interrupted.
"""

import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from atlas_data.models import Area, ImportRun, Value
from atlas_data.services import import_areas, is_interrupted, retry_import, run_lock, start_import
from tests.factories import MunicipalityFactory

from .conftest import start_worker, stop_worker

pytestmark = pytest.mark.services

DATA = Path(__file__).resolve().parent.parent / "data"
INDICATORS, YEARS = 300, 20
TOTAL = 29 * INDICATORS * YEARS


@pytest.fixture
def luechow(transactional_db, member_of):
    municipality = MunicipalityFactory(slug="luechow-dannenberg", name="Lüchow-Dannenberg")
    import_areas(
        municipality=municipality,
        path=DATA / "vg5000_2021_ebenen.zip",
        layer="VG5000_GEM",
        key_prefix="03354",
        level_name="Gemeinden",
        key_field="AGS",
        name_field="GEN",
        source_note=settings.KECK_BKG_SOURCE_NOTE,
    )
    return municipality, member_of(municipality, Role.DATA_ADMIN)


def _large_table(municipality) -> SimpleUploadedFile:
    """29 Gemeinden × 300 indicators × 20 years = 174,000 values: seconds of work for a worker."""
    keys = Area.objects.filter(municipality=municipality, level__name="Gemeinden").values_list(
        "key", flat=True
    )
    lines = ["area_key;indicator;year;value"]
    for key in keys:
        for indicator in range(INDICATORS):
            lines.extend(
                f"{key};Kennzahl {indicator};{year};{indicator + year % 7},5"
                for year in range(2000, 2000 + YEARS)
            )
    return SimpleUploadedFile("lang.csv", "\n".join(lines).encode("utf-8"))


def _start(municipality, user) -> ImportRun:
    run = start_import(
        municipality=municipality,
        user=user,
        uploaded_file=_large_table(municipality),
        kind="values",
        options={"level": "Gemeinden"},
    )
    assert run.state == ImportRun.State.PENDING
    return run


def _wait(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _writing(run: ImportRun) -> bool:
    """The worker holds the run and has begun to write values (progress past the reading)."""
    run.refresh_from_db()
    return run.state == ImportRun.State.RUNNING and run.progress > 0 and run_lock.is_held(run.pk)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the second field after the parenthesised command name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_a_killed_worker_leaves_no_partial_import_and_the_import_can_be_retried(
    luechow, worker_queue
):
    municipality, admin = luechow
    worker = start_worker(queue=worker_queue)
    try:
        run = _start(municipality, admin)
        _wait(lambda: _writing(run), seconds=120, what="the worker to write values")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        stop_worker(worker)

    _wait(lambda: is_interrupted(run), seconds=30, what="the lock of the dead worker to go")
    run.refresh_from_db()
    assert run.state == ImportRun.State.RUNNING and run.finished is None
    assert not Value.objects.filter(indicator__municipality=municipality).exists()

    worker = start_worker(queue=worker_queue)
    try:
        retry_import(user=admin, run=run)
        run.refresh_from_db()
        assert run.state in (ImportRun.State.PENDING, ImportRun.State.RUNNING)
        _wait(
            lambda: ImportRun.objects.get(pk=run.pk).state == ImportRun.State.DONE,
            seconds=180,
            what="the retried import to finish",
        )
    finally:
        stop_worker(worker)
    run.refresh_from_db()
    assert run.summary["created"] == TOTAL
    assert (
        Value.objects.filter(indicator__municipality=municipality).count()
        == 29 * INDICATORS * YEARS
    )


def test_a_killed_worker_child_gives_the_task_back_and_the_import_finishes(luechow, worker_queue):
    municipality, admin = luechow
    worker = start_worker(queue=worker_queue, pool="prefork")
    try:
        run = _start(municipality, admin)
        _wait(lambda: _writing(run), seconds=120, what="the worker to write values")
        (child,) = _children(worker.pid)
        os.kill(child, signal.SIGKILL)
        # reject_on_worker_lost gives the message back; the new child takes the run over.
        _wait(
            lambda: ImportRun.objects.get(pk=run.pk).state == ImportRun.State.DONE,
            seconds=180,
            what="the redelivered import to finish",
        )
    finally:
        stop_worker(worker)
    run.refresh_from_db()
    assert run.errors == []
    assert (
        Value.objects.filter(indicator__municipality=municipality).count()
        == 29 * INDICATORS * YEARS
    )
