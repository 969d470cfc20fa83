"""Imports started from the web or the API: the stored file, its ImportRun and where it runs.

Small files are imported while the data admin waits; larger ones go to a Celery worker and the
page polls the run's progress. Either way the run ends DONE or FAILED with its problems, and a
failed import has written nothing (the import services validate first, then write at once).
"""

from __future__ import annotations

import csv
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, require
from keck.uploads import UploadRejected, check_upload

from ..models import ImportRun
from . import run_lock
from .areas import import_areas
from .errors import AtlasError, ImportProblems
from .values import import_values, long_table_columns

logger = logging.getLogger(__name__)

# Files with fewer values (or areas) than this are imported during the request: they take a
# second or two, and the data admin sees the result at once instead of a progress page.
SYNC_LIMIT = 5_000
AREA_SUFFIXES = (".zip", ".geojson", ".json", ".gpkg", ".csv", ".txt", ".xlsx")
VALUE_SUFFIXES = (".csv", ".txt", ".xlsx")
# Seconds a delivery of an import task waits for the run's lock (see services/run_lock.py).
REDELIVERY_WAIT = 10
OPTION_NAMES = (
    "level",
    "parent_level",
    "year",
    "key_field",
    "name_field",
    "layer",
    "key_prefix",
    "source_note",
)


def allowed_suffixes(kind: str) -> tuple[str, ...]:
    return AREA_SUFFIXES if kind == ImportRun.Kind.AREAS else VALUE_SUFFIXES


def start_import(
    *,
    municipality: Municipality,
    user,
    uploaded_file: UploadedFile,
    kind: str,
    options: dict,
) -> ImportRun:
    """Store an uploaded file as an ImportRun and import it now (small) or in a worker (large).

    `options`: level (required), and as needed parent_level, year, key_field, name_field,
    layer, key_prefix, source_note. Raises PermissionDenied unless the user may edit the
    municipality's atlas data, AtlasError for a request that cannot start.
    """
    require(user, Action.EDIT_ATLAS_DATA, municipality)
    if kind not in ImportRun.Kind.values:
        raise AtlasError(_("Unknown kind of import: %(kind)s") % {"kind": kind})
    name = Path(uploaded_file.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix == ".shp":
        raise AtlasError(
            _(
                "A Shapefile consists of several files (.shp, .shx, .dbf, .prj): upload them "
                "together as one .zip file."
            )
        )
    if suffix not in allowed_suffixes(kind):
        raise AtlasError(
            _("Files of type %(suffix)s cannot be imported as %(kind)s. Allowed: %(allowed)s")
            % {
                "suffix": suffix or "?",
                "kind": ImportRun.Kind(kind).label,
                "allowed": ", ".join(allowed_suffixes(kind)),
            }
        )
    try:
        check_upload(
            uploaded_file, allowed=allowed_suffixes(kind), max_mb=settings.KECK_MAX_IMPORT_MB
        )
    except UploadRejected as exc:
        raise AtlasError(str(exc)) from exc
    cleaned = _clean_options(options)
    cleaned["language"] = translation.get_language() or settings.LANGUAGE_CODE
    run = ImportRun(
        municipality=municipality,
        kind=kind,
        file_name=name[:255],
        options=cleaned,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    run.file.save(name, uploaded_file, save=False)
    with _local_file(run) as path:
        run.total = estimate_size(path=path, kind=kind, options=cleaned)
    run.save()
    if run.total < SYNC_LIMIT:
        return perform_import(import_run_id=run.pk)
    from ..tasks import run_import  # the task module imports this one

    # The worker must find the committed run, so the task is queued only after the commit.
    transaction.on_commit(lambda: run_import.delay(run.pk))
    return run


def _clean_options(options: dict) -> dict:
    cleaned = {}
    for name in OPTION_NAMES:
        value = options.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        cleaned[name] = value.strip() if isinstance(value, str) else value
    if not cleaned.get("level"):
        raise AtlasError(_("Name the spatial level of the import."))
    if "year" in cleaned:
        try:
            cleaned["year"] = int(cleaned["year"])
        except (TypeError, ValueError) as exc:
            raise AtlasError(_("The year must be a number such as 2024.")) from exc
    return cleaned


def estimate_size(*, path: Path, kind: str, options: dict) -> int:
    """About how many values (or areas) a file holds, read cheaply, to choose where it runs.

    An unreadable file counts as small: it then fails at once with the import's own message.
    """
    try:
        if kind == ImportRun.Kind.AREAS:
            return _count_areas(path, layer=options.get("layer"))
        return _count_values(path)
    except Exception:  # any reading problem is reported by the import itself
        return 0


def _count_values(path: Path) -> int:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        sheet = workbook.worksheets[0]
        rows, columns = (sheet.max_row or 1) - 1, sheet.max_column or 0
        header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
        workbook.close()
    else:
        with path.open("rb") as handle:
            first = handle.readline().decode("utf-8", errors="replace")
            rows, last = 0, b"\n"
            for block in iter(lambda: handle.read(1 << 20), b""):
                rows, last = rows + block.count(b"\n"), block[-1:]
            rows += last != b"\n"  # a last line without a line break
        delimiter = max(";,\t", key=first.count)
        header = next(csv.reader([first], delimiter=delimiter))
        columns = len(header)
    if long_table_columns([str(cell or "") for cell in header]):
        return rows
    return rows * max(columns - 2, 1)


def _count_areas(path: Path, *, layer: str | None) -> int:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".xlsx"):
        return _count_values(path) if suffix == ".xlsx" else path.read_bytes().count(b"\n")
    import pyogrio

    source = str(path)
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [
                name
                for name in archive.namelist()
                if name.lower().endswith((".shp", ".gpkg", ".geojson"))
            ]
        if layer:
            members = [name for name in members if Path(name).stem == layer] or members
        source = f"zip://{path}!{members[0]}"
    return int(pyogrio.read_info(source)["features"])


def perform_import(*, import_run_id: int) -> ImportRun:
    """Run a stored import and record its outcome on the ImportRun (DONE or FAILED).

    The run's lock is held from the claim to the final state, so a task delivered twice (workers
    acknowledge late) imports the file once, and a run whose worker died ("running", lock free)
    is taken over by the next delivery of its task or by `retry_import`.
    """
    with run_lock.hold(import_run_id, wait=REDELIVERY_WAIT) as acquired:
        if not acquired:
            return ImportRun.objects.get(pk=import_run_id)
        claimed = ImportRun.objects.filter(
            pk=import_run_id, state__in=(ImportRun.State.PENDING, ImportRun.State.RUNNING)
        ).update(state=ImportRun.State.RUNNING, progress=0, errors=[], finished=None)
        run = ImportRun.objects.select_related("municipality", "created_by").get(pk=import_run_id)
        if not claimed:
            return run
        return _perform(run)


def _perform(run: ImportRun) -> ImportRun:
    progress = _ProgressWriter(run)
    with translation.override(run.options.get("language") or settings.LANGUAGE_CODE):
        try:
            # A queued import may run minutes later: the permission is checked again.
            require(run.created_by, Action.EDIT_ATLAS_DATA, run.municipality)
            with _local_file(run) as path:
                summary = _import(run=run, path=path, progress=progress)
        except ImportProblems as exc:
            run.state = ImportRun.State.FAILED
            run.errors = exc.problems
            run.summary = {"problems": exc.total}
        except (AtlasError, PermissionDenied) as exc:
            run.state = ImportRun.State.FAILED
            run.errors = [{"row": None, "column": None, "message": str(exc)}]
        except Exception:
            logger.exception("Import run %s failed", run.pk)
            run.state = ImportRun.State.FAILED
            run.errors = [
                {
                    "row": None,
                    "column": None,
                    "message": _(
                        "The import stopped with an unexpected error; nothing was imported. "
                        "The error was logged for the operators."
                    ),
                }
            ]
        else:
            run.state = ImportRun.State.DONE
            run.warnings = summary.pop("warnings", [])
            run.summary = summary
            run.progress = run.total
        finally:
            progress.close()
    run.finished = timezone.now()
    run.save(
        update_fields=["state", "errors", "warnings", "summary", "progress", "total", "finished"]
    )
    return run


def is_interrupted(run: ImportRun) -> bool:
    """A run marked as running whose worker is gone: nothing of it was written."""
    return run.state == ImportRun.State.RUNNING and not run_lock.is_held(run.pk)


def retry_import(*, user, run: ImportRun) -> ImportRun:
    """Run an interrupted import again from its stored file (in a worker when it is large)."""
    require(user, Action.EDIT_ATLAS_DATA, run.municipality)
    if not is_interrupted(run):
        raise AtlasError(
            _("Only an interrupted import can be started again; this one is %(state)s.")
            % {"state": run.get_state_display()}
        )
    ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.RUNNING).update(
        state=ImportRun.State.PENDING, progress=0
    )
    run.refresh_from_db()
    if run.total < SYNC_LIMIT:
        return perform_import(import_run_id=run.pk)
    from ..tasks import run_import  # the task module imports this one

    transaction.on_commit(lambda: run_import.delay(run.pk))
    return run


def _import(*, run: ImportRun, path: Path, progress: _ProgressWriter) -> dict:
    options = run.options
    if run.kind == ImportRun.Kind.AREAS:
        return import_areas(
            municipality=run.municipality,
            path=path,
            level_name=options["level"],
            parent_level_name=options.get("parent_level"),
            key_field=options.get("key_field"),
            name_field=options.get("name_field"),
            layer=options.get("layer"),
            key_prefix=options.get("key_prefix"),
            source_note=options.get("source_note", ""),
            user=run.created_by,
            import_run=run,
        )
    return import_values(
        municipality=run.municipality,
        path=path,
        level_name=options["level"],
        year=options.get("year"),
        user=run.created_by,
        import_run=run,
        progress=progress,
        source_note=options.get("source_note", ""),
    )


@contextmanager
def _local_file(run: ImportRun) -> Iterator[Path]:
    """A path to the run's file: geodata readers need a real file with its own suffix."""
    if not run.file:
        raise AtlasError(_("The import has no file."))
    try:
        local = run.file.path
    except NotImplementedError:  # a storage without local paths (object storage)
        local = None
    if local is not None:
        yield Path(local)
        return
    with tempfile.TemporaryDirectory(prefix="keck-import-") as directory:
        target = Path(directory) / Path(run.file.name).name
        with run.file.open("rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        yield target


class _ProgressWriter:
    """Writes an import's progress where the polling page can read it while the import runs.

    The import writes all values in one transaction, and what it changes stays invisible to
    other connections until the commit. On PostgreSQL the progress therefore goes through a
    second connection: updating the run's row does not conflict with the import, which only
    references it. SQLite has a single writer, so there progress is written before and after
    the write phase only.
    """

    def __init__(self, run: ImportRun):
        self.run = run
        self._side = None

    def __call__(self, done: int, total: int) -> None:
        self.run.progress, self.run.total = done, total
        if connection.vendor == "postgresql":
            self._write_aside(done, total)
        elif not connection.in_atomic_block:
            ImportRun.objects.filter(pk=self.run.pk).update(progress=done, total=total)

    def _write_aside(self, done: int, total: int) -> None:
        table = connection.ops.quote_name(ImportRun._meta.db_table)
        try:
            if self._side is None:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self._side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress = %s, total = %s WHERE id = %s",  # noqa: S608
                    [done, total, self.run.pk],
                )
        except DatabaseError:
            # Progress is a courtesy to the waiting user; it must never fail the import.
            logger.warning("Could not write the progress of import run %s", self.run.pk)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
