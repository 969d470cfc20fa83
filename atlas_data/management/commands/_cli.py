"""Shared parts of the atlas import commands: the municipality argument, output, progress bar."""

from __future__ import annotations

from django.core.management.base import CommandError, OutputWrapper
from django.utils.translation import gettext as _

from accounts.models import Municipality
from atlas_data.services import ImportProblems


def municipality_from_argument(value: str) -> Municipality:
    """A municipality by its short name (slug) or its official key (AGS)."""
    municipality = (
        Municipality.objects.filter(slug=value).first()
        or Municipality.objects.filter(official_key=value).first()
    )
    if municipality is None:
        known = ", ".join(Municipality.objects.values_list("slug", flat=True)) or "–"
        raise CommandError(
            _("Municipality %(name)s does not exist. Known: %(known)s")
            % {"name": value, "known": known}
        )
    return municipality


def fail_with_problems(stderr: OutputWrapper, exc: ImportProblems) -> CommandError:
    """Print every problem of a rejected file; the caller raises the returned CommandError."""
    for line in exc.lines():
        stderr.write(line)
    return CommandError(str(exc))


def write_warnings(stdout: OutputWrapper, warnings: list[dict]) -> None:
    if not warnings:
        return
    stdout.write(_("Warnings:"))
    for line in ImportProblems(warnings).lines():
        stdout.write(f"  {line}")


class ProgressBar:
    """A text progress bar on one terminal line, redrawn only when the percentage changes."""

    def __init__(self, stream: OutputWrapper, *, width: int = 40):
        self.stream = stream
        self.width = width
        self.shown: int | None = None

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.width * percent // 100
        bar = "#" * filled + "." * (self.width - filled)
        line = f"\r[{bar}] {percent:3d} % {done:,}/{total:,}".replace(",", ".")
        self.stream.write(line, style_func=lambda text: text, ending="\n" if done >= total else "")
        self.stream.flush()
