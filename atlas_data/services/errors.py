"""Domain errors of the atlas with messages a data admin can read."""

from __future__ import annotations

from django.utils.translation import gettext as _

from keck.locking import ConflictError


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
