"""Whether the worker running an import is still alive: a lock it holds for as long as it runs.

A killed worker (kill -9, out of memory, a restarted machine) cannot mark its import as failed.
Its database transaction is rolled back, so nothing of the import is written, but the run would
stay "running" for ever and a redelivered task would take it for running elsewhere. The worker
therefore holds a lock while it runs an import: a PostgreSQL session advisory lock, which the
server releases when the worker's connection dies (so it also works for workers on other
machines), or on SQLite, whose workers share one machine, an flock on a file in var/, which the
kernel releases when the process dies. A run that is "running" while nobody holds its lock was
interrupted and may run again.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

# The first key of PostgreSQL's two-key advisory locks: "KECK" in ASCII, so that the locks of
# import runs cannot collide with advisory locks other code might take on the same database.
_PG_NAMESPACE = 0x4B45434B


def _lock_file(run_id: int) -> Path:
    directory = Path(settings.VAR_DIR) / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"import-{run_id}.lock"


@contextmanager
def hold(run_id: int, *, wait: float = 0) -> Iterator[bool]:
    """Take the run's lock, waiting up to `wait` seconds; yields False if another holds it.

    A task redelivered right after its worker was killed may arrive before the database server
    has noticed the dead connection and dropped its lock: the redelivery waits a little.
    """
    deadline = time.monotonic() + wait
    while True:
        with _try_hold(run_id) as acquired:
            if acquired or time.monotonic() >= deadline:
                yield acquired
                return
        time.sleep(0.25)


@contextmanager
def _try_hold(run_id: int) -> Iterator[bool]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_PG_NAMESPACE, run_id])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_PG_NAMESPACE, run_id])
        return
    descriptor = os.open(_lock_file(run_id), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def is_held(run_id: int) -> bool:
    """Whether any process (this one included) holds the run's lock right now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND classid = %s AND objid = %s AND objsubid = 2)",
                [_PG_NAMESPACE, run_id],
            )
            return bool(cursor.fetchone()[0])
    path = _lock_file(run_id)
    if not path.exists():
        return False
    # flock conflicts between open file descriptions, so this sees a lock of this process too.
    descriptor = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return False
    finally:
        os.close(descriptor)
