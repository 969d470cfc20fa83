"""Domain errors of the atlas with messages a data admin can read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from keck.locking import ConflictError
from keck.uploads import UploadRejected, checked_temporary_copy


class AtlasError(Exception):
    """An atlas operation that cannot be done, with a German message."""


class ValueConflict(ConflictError, AtlasError):
    """A value corrected by someone else (or imported) since the caller read it."""


class ImportProblems(AtlasError):
    """A file with problems: nothing was written. `problems` lists row, column and message."""

    def __init__(self, problems: list[dict], *, total: int | None = None):
        # `total` counts all problems when a very bad file lists only the first of them.
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__(
            _("The file has %(count)d problem(s); nothing was imported.") % {"count": self.total}
        )

    def lines(self) -> list[str]:
        result = []
        for problem in self.problems:
            where = []
            if problem.get("row") is not None:
                where.append(_("row %(row)s") % {"row": problem["row"]})
            if problem.get("column"):
                where.append(_("column %(column)s") % {"column": problem["column"]})
            prefix = (", ".join(where) + ": ") if where else ""
            result.append(prefix + str(problem["message"]))
        return result


class ProblemList:
    """The problems of one file, with row, column and message, collected while every row is
    checked; beyond `limit` only counted. `raise_if_any` ends the check with ImportProblems."""

    def __init__(self, *, limit: int) -> None:
        self.limit = limit
        self.items: list[dict] = []
        self.count = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.count += 1
        if len(self.items) < self.limit:
            self.items.append({"row": row, "column": column, "message": message})

    def raise_if_any(self) -> None:
        if not self.count:
            return
        problems = list(self.items)
        if self.count > len(self.items):
            problems.append(
                {
                    "row": None,
                    "column": None,
                    "message": _("… and %(count)d more problems that are not listed.")
                    % {"count": self.count - len(self.items)},
                }
            )
        raise ImportProblems(problems, total=self.count)


@contextmanager
def uploaded_import_file(upload, *, allowed: Iterable[str], prefix: str) -> Iterator[Path]:
    """The uploaded file of an import (POIs, institution values) as a checked temporary file;
    a refused file (type, size, content: keck.uploads) is the file's one problem."""
    with ExitStack() as stack:
        try:
            path = stack.enter_context(
                checked_temporary_copy(
                    upload, allowed=allowed, max_mb=settings.KECK_MAX_IMPORT_MB, prefix=prefix
                )
            )
        except UploadRejected as exc:
            raise ImportProblems([{"row": None, "column": None, "message": str(exc)}]) from exc
        yield path
