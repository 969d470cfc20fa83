"""Reading published tables (CSV in UTF-8 or cp1252 with `;` or `,`, XLSX) and German numbers."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _


class TableError(Exception):
    """A file that cannot be read as a table, in words a data admin understands."""


MISSING_MARKERS = {"", "–", "-", "—", "−", ".", "x", "/"}
SUPPRESSED_MARKERS = {"k. a.", "k.a.", "k a", "ka", "keine angabe", "*"}
UNIT_SUFFIXES = {
    "%": "%",
    "‰": "‰",
    "m²": "m²",
    "m2": "m²",
    "qm": "m²",
    "€": "€",
    "eur": "€",
    "jahre": "Jahre",
}
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_ENGLISH_NUMBER = re.compile(r"^[+-]?\d+\.\d+$")


@dataclass(frozen=True)
class ParsedCell:
    """A parsed cell: a number, missing (`–`), or suppressed at source (`k. A.`)."""

    status: str  # "ok" | "missing" | "suppressed"
    value: float | None = None
    unit: str = ""


def read_table(path: Path) -> pd.DataFrame:
    """A CSV or XLSX file as a DataFrame of stripped strings (nothing is guessed as a number)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        try:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise TableError(_("The Excel file could not be read: %(error)s") % {"error": exc}) from exc
    elif suffix in (".csv", ".txt"):
        text = _decode(path.read_bytes())
        delimiter = _sniff_delimiter(text)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
            )
        except pd.errors.ParserError as exc:
            raise TableError(
                _("The CSV file could not be read (rows with different numbers of columns?): %(error)s")
                % {"error": exc}
            ) from exc
    else:
        raise TableError(_("Unknown file type %(suffix)s: use .csv or .xlsx.") % {"suffix": suffix})
    frame.columns = [str(column).strip() for column in frame.columns]
    frame = frame.map(lambda cell: cell.strip() if isinstance(cell, str) else cell)
    if frame.empty:
        raise TableError(_("The table contains no rows."))
    return frame


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        return ";" if header.count(";") >= header.count(",") else ","


def parse_number(cell) -> ParsedCell:
    """Parse a published cell: `16,15`, `1.583`, `4,6%`, `11,88 %`, `5 m²`, `–`, `k. A.`.

    Raises ValueError with a German message for text that is no number.
    """
    if cell is None:
        return ParsedCell("missing")
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and cell != cell:  # NaN
            return ParsedCell("missing")
        return ParsedCell("ok", float(cell))
    text = str(cell).strip().replace("\u00a0", " ")
    if text in MISSING_MARKERS:
        return ParsedCell("missing")
    if text.lower() in SUPPRESSED_MARKERS:
        return ParsedCell("suppressed")
    unit = ""
    lowered = text.lower()
    for suffix, canonical in UNIT_SUFFIXES.items():
        if lowered.endswith(suffix):
            unit = canonical
            text = text[: -len(suffix)].strip()
            break
    compact = text.replace(" ", "")
    if _NUMBER.match(compact):
        number = float(compact.replace(".", "").replace(",", "."))
    elif _ENGLISH_NUMBER.match(compact) and compact.count(".") == 1 and len(compact.split(".")[1]) != 3:
        # "16.15" written by a spreadsheet in English format; "1.583" stays a thousands group.
        number = float(compact)
    else:
        raise ValueError(_("“%(cell)s” is not a number.") % {"cell": str(cell).strip()})
    return ParsedCell("ok", number, unit)


def unit_from_header(header: str) -> str:
    """A unit named in a column header, e.g. `Spielfläche je Kind (m²)` or `Anteil … in %`."""
    lowered = header.lower()
    if "%" in header or lowered.startswith("anteil") or " quote" in lowered or lowered.startswith("quote"):
        return "%"
    for marker, unit in (("m²", "m²"), ("qm", "m²"), ("‰", "‰"), ("je 1.000", "je 1.000"), ("€", "€")):
        if marker in lowered:
            return unit
    return ""
