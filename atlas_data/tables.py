"""Reading published tables (CSV in UTF-8 or cp1252 with `;` or `,`, XLSX) and German numbers."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
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
            raise TableError(
                _("The Excel file could not be read: %(error)s") % {"error": exc}
            ) from exc
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
        except pd.errors.EmptyDataError as exc:
            raise TableError(_("The file is empty: it contains no table.")) from exc
        except pd.errors.ParserError as exc:
            raise TableError(
                _(
                    "The CSV file could not be read (rows with different numbers of columns?): "
                    "%(error)s"
                )
                % {"error": exc}
            ) from exc
    else:
        raise TableError(_("Unknown file type %(suffix)s: use .csv or .xlsx.") % {"suffix": suffix})
    frame.columns = [str(column).strip() for column in frame.columns]
    # Column-wise string methods: a per-cell Python callback costs seconds on a million rows.
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].str.strip()
    if frame.empty:
        raise TableError(_("The table contains no rows."))
    return frame


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else cp1252.

    Bytes that cp1252 leaves undefined are read as latin-1, so that any file decodes and a
    wrong encoding shows as wrong cells with a message, never as a crash.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


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
    elif (
        _ENGLISH_NUMBER.match(compact)
        and compact.count(".") == 1
        and len(compact.split(".")[1]) != 3
    ):
        # "16.15" written by a spreadsheet in English format; "1.583" stays a thousands group.
        number = float(compact)
    else:
        raise ValueError(_("“%(cell)s” is not a number.") % {"cell": str(cell).strip()})
    return ParsedCell("ok", number, unit)


def unit_from_header(header: str) -> str:
    """A unit named in a column header, e.g. `Spielfläche je Kind (m²)` or `Anteil … in %`."""
    lowered = header.lower()
    if (
        "%" in header
        or lowered.startswith("anteil")
        or " quote" in lowered
        or lowered.startswith("quote")
    ):
        return "%"
    for marker, unit in (
        ("m²", "m²"),
        ("qm", "m²"),
        ("‰", "‰"),
        ("je 1.000", "je 1.000"),
        ("€", "€"),
    ):
        if marker in lowered:
            return unit
    return ""


# Status codes of ParsedColumn.status (small integers keep a million cells cheap).
CELL_OK, CELL_MISSING, CELL_SUPPRESSED, CELL_ERROR = 0, 1, 2, 3
_STATUS_CODES = {"ok": CELL_OK, "missing": CELL_MISSING, "suppressed": CELL_SUPPRESSED}
_GERMAN_NUMBER = r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
_THOUSANDS_GROUP = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")


@dataclass
class ParsedColumn:
    """A whole column parsed at once: values (NaN unless ok), status codes, errors and units."""

    values: np.ndarray
    status: np.ndarray
    errors: dict[int, str]
    units: set[str]


def parse_number_column(cells: pd.Series) -> ParsedColumn:
    """Parse a column of published cells like `parse_number`, vectorised for large files.

    The decimal convention is decided once per column, not per cell: a column with a decimal
    comma is German (`1.583` = 1583); a column without commas in which some number is no
    thousands group (`12.5`, `0.125`, `1234.567`) was written in English format, so `1.583`
    there is 1.583; a column of nothing but `1.583`-like groups and integers is German, as in
    `parse_number`. Cells that no fast path reads (units, spaces, `k. A.`, text) go through
    `parse_number` one by one; in published tables those are few.
    """
    text = pd.Series(cells, copy=False).astype(str).reset_index(drop=True)
    count = len(text)
    values = np.full(count, np.nan)
    status = np.full(count, CELL_MISSING, dtype=np.int8)
    errors: dict[int, str] = {}
    units: set[str] = set()
    missing = text.isin(MISSING_MARKERS).to_numpy()
    if missing.all():
        return ParsedColumn(values, status, errors, units)

    german = bool(text.str.contains(",", regex=False).any())
    if german:
        normalized = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        numbers = np.array(pd.to_numeric(normalized, errors="coerce"), dtype=float)
        # Dropping the dots is only right where they group thousands ("1.583,5", not "1.58,3").
        dotted = text.str.contains(".", regex=False).to_numpy(dtype=bool)
        if dotted.any():
            grouped = text[dotted].str.fullmatch(_GERMAN_NUMBER).to_numpy(dtype=bool)
            numbers[np.flatnonzero(dotted)[~grouped]] = np.nan
    else:
        numbers = np.array(pd.to_numeric(text.where(~missing), errors="coerce"), dtype=float)
        parsed = np.isfinite(numbers)
        # Which parsed cells could be a German thousands group like "1.583"? Decided from the
        # number and the length of its text, which is far cheaper than a regex per cell.
        magnitude = np.abs(np.where(parsed, numbers, 0.0))
        with np.errstate(divide="ignore"):
            int_digits = np.where(magnitude >= 1, np.floor(np.log10(magnitude)) + 1, 1)
        length = text.str.len().to_numpy(dtype=float) - (numbers < 0)
        has_fraction = parsed & (length > int_digits)
        group = has_fraction & (length == int_digits + 4) & (int_digits <= 3) & (magnitude >= 1)
        if not (has_fraction & ~group).any() and group.any():
            numbers[group] = np.round(numbers[group] * 1000)
        else:
            german = False
    ok = np.isfinite(numbers)
    values[ok] = numbers[ok]
    status[ok] = CELL_OK

    english = not german
    for position in np.flatnonzero(~ok & ~missing):
        cell = text.iat[position]
        try:
            parsed_cell = parse_number(cell)
        except ValueError as exc:
            status[position] = CELL_ERROR
            errors[int(position)] = str(exc)
            continue
        if english and parsed_cell.status == "ok" and _THOUSANDS_GROUP.fullmatch(cell.strip()):
            parsed_cell = ParsedCell("ok", float(cell), parsed_cell.unit)
        status[position] = _STATUS_CODES[parsed_cell.status]
        if parsed_cell.value is not None:
            values[position] = parsed_cell.value
        if parsed_cell.unit:
            units.add(parsed_cell.unit)
    return ParsedColumn(values, status, errors, units)
