"""Import of indicator values from published wide tables and long tables (CSV or XLSX).

Two shapes are read (domain.md §3, §8):

* wide tables as municipalities publish them: `Schlüssel;Gebiet;<indicator>;<indicator>…`, one
  year per file, German numbers, `–` for no value, `k. A.` for suppressed at source, and often a
  first row `Durchschnitt`/`Summe` that is the value of the parent area;
* long tables: `area_key, indicator, year, value[, numerator, denominator]`.

Every row is validated before anything is written; then everything is written in one
transaction. Large files are the normal case (hundreds of indicators over many years), so cells
are parsed column by column with pandas and rows are written with executemany in batches.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can

from .. import cache as atlas_cache
from ..models import Area, ImportRun, Indicator, SpatialLevel, Value, ValueChange
from ..tables import (
    CELL_ERROR,
    CELL_MISSING,
    CELL_OK,
    CELL_SUPPRESSED,
    TableError,
    parse_number_column,
    read_table,
    unit_from_header,
)
from .errors import ImportProblems, ProblemList

ProgressCallback = Callable[[int, int], None]

# Rows per executemany call: large enough to amortise the round trip, small enough to report
# progress often and to keep one batch of Python tuples small in memory.
BATCH_SIZE = 20_000
# A file whose every row is wrong would otherwise produce a million problem lines; beyond this
# many they are counted, not listed.
MAX_LISTED_PROBLEMS = 1_000
MIN_YEAR, MAX_YEAR = 1900, 2100

TOTAL_ROW_NAMES = {"durchschnitt", "summe", "gesamt", "insgesamt"}
KEY_HEADERS = (
    "schlüssel",
    "schluessel",
    "key",
    "area_key",
    "ags",
    "gebietsschlüssel",
    "gemeindeschlüssel",
    "nr",
    "nr.",
    "nummer",
    "id",
)
NAME_HEADERS = (
    "gebiet",
    "name",
    "area_name",
    "gemeinde",
    "bezeichnung",
    "sozialraum",
    "stadtteil",
    "bezirk",
    "ortsteil",
    "quartier",
)
LONG_HEADERS = {
    "area_key": ("area_key", "key", "schlüssel", "schluessel", "ags", "gebietsschlüssel"),
    "indicator": ("indicator", "indicator_id", "indikator", "kennzahl"),
    "year": ("year", "jahr"),
    "value": ("value", "wert"),
    "numerator": ("numerator", "zähler", "zaehler"),
    "denominator": ("denominator", "nenner"),
}
# "Dannenberg (Elbe), Stadt" is the official "Dannenberg (Elbe)" plus its designation (BEZ).
_DESIGNATION = re.compile(
    r",\s*(stadt|flecken|hansestadt|gemeinde|samtgemeinde|markt)$", re.IGNORECASE
)
_FLOAT_KEY = re.compile(r"^\d+\.0$")
_MANGLED_DUPLICATE = re.compile(r"^(.*)\.(\d+)$")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
# Indicator references that are no indicator (see _Indicators): an empty cell, an unknown id
# and a name longer than the name field.
_NO_INDICATOR = 0
_UNKNOWN_ID = np.iinfo(np.int64).min
_NAME_TOO_LONG = _UNKNOWN_ID + 1


class _Problems(ProblemList):
    """Problems of one file with row, column and message; beyond a limit only counted."""

    def __init__(self) -> None:
        super().__init__(limit=MAX_LISTED_PROBLEMS)

    def add_rows(self, rows: np.ndarray, column: str | None, message: Callable[[int], str]) -> None:
        """One problem per row in `rows`; messages are only built for rows that get listed."""
        room = max(self.limit - len(self.items), 0)
        for row in rows[:room].tolist():
            self.items.append({"row": row, "column": column, "message": message(row)})
        self.count += len(rows)


@dataclass(frozen=True)
class _AreaRef:
    id: int
    key: str
    name: str
    parent_id: int | None


class _AreaIndex:
    """The areas of one level by key, also reachable by keys that lost their leading zeros."""

    def __init__(self, areas: Sequence[_AreaRef]):
        self.by_key = {area.key: area for area in areas}
        by_digits: dict[str, list[_AreaRef]] = {}
        for area in areas:
            if area.key.isdigit():
                by_digits.setdefault(area.key.lstrip("0"), []).append(area)
        # A spreadsheet turns "03460001" into 3460001; only unambiguous keys are matched so.
        self.by_digits = {
            digits: found[0] for digits, found in by_digits.items() if len(found) == 1
        }

    def match(self, key: str) -> _AreaRef | None:
        area = self.by_key.get(key)
        if area is None and key.isdigit():
            area = self.by_digits.get(key.lstrip("0"))
        return area


@dataclass
class _NewIndicator:
    name: str
    unit: str
    kind: str


class _Indicators:
    """The municipality's indicators, and the new ones a file introduces.

    A file refers to an indicator by a reference: its id (> 0) for an existing one, or
    -(n + 1) for the n-th new one, which gets its id only when the transaction creates it.
    """

    def __init__(self, municipality: Municipality):
        existing = (
            Indicator.objects.filter(municipality=municipality)
            .select_related("topic")
            .only(
                "id",
                "name",
                "short_name",
                "unit",
                "kind",
                "rate_base",
                "topic__code",
                "topic__name",
            )
        )
        self.by_id = {indicator.id: indicator for indicator in existing}
        self.by_name: dict[str, Indicator] = {}
        for indicator in self.by_id.values():
            self.by_name[_fold(indicator.name)] = indicator
        for indicator in self.by_id.values():
            if indicator.short_name:
                self.by_name.setdefault(_fold(indicator.short_name), indicator)
        self.new: list[_NewIndicator] = []
        self._new_by_name: dict[str, int] = {}

    def ref_for_name(self, name: str, *, unit: str) -> int:
        indicator = self.by_name.get(_fold(name))
        if indicator is not None:
            return indicator.id
        folded = _fold(name)
        if folded not in self._new_by_name:
            kind = (Indicator.Kind.SHARE if unit == "%" else Indicator.Kind.COUNT).value
            self.new.append(_NewIndicator(name=name, unit=unit, kind=kind))
            self._new_by_name[folded] = -len(self.new)
        return self._new_by_name[folded]

    def rate_base(self, ref: int) -> float:
        """Base of a share or rate (100 for percent); new indicators start as percent."""
        return float(self.by_id[ref].rate_base) if ref in self.by_id else 100.0

    def name(self, ref: int) -> str:
        return self.by_id[ref].name if ref > 0 else self.new[-ref - 1].name


@dataclass
class _Parsed:
    """Validated values of a file, one entry per value to write."""

    shape: str
    refs: np.ndarray
    area_ids: np.ndarray
    years: np.ndarray
    values: np.ndarray
    numerators: np.ndarray
    denominators: np.ndarray
    suppressed: np.ndarray
    published_total: np.ndarray
    warnings: list[dict] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.refs)


def import_values(
    *,
    municipality: Municipality,
    path,
    level_name: str,
    year: int | None = None,
    user=None,
    import_run: ImportRun | None = None,
    progress: ProgressCallback | None = None,
    source_note: str = "",
) -> dict:
    """Import indicator values of one spatial level from a wide or long CSV/XLSX table.

    Validates every row first; a file with any problem writes nothing and raises ImportProblems
    listing row, column and message of each. Then writes in one transaction: new values are
    inserted, values that differ from the stored ones are updated with a ValueChange (who,
    when, old and new) each, equal ones are left alone. A missing cell (`–`, empty) never
    deletes or zeroes a stored value. `progress(done, total)` is called while writing.
    Returns a summary: counts, years, new indicators (to complete their metadata) and warnings.
    """
    path = Path(path)
    problems = _Problems()
    try:
        frame = read_table(path)
    except TableError as exc:
        raise ImportProblems([{"row": None, "column": None, "message": str(exc)}]) from exc
    frame, header_row = _find_header(frame)
    if len(frame.columns) < 2:
        raise ImportProblems(
            [
                {
                    "row": header_row,
                    "column": None,
                    "message": _(
                        "The table has only one column (%(header)s): the columns are probably "
                        "separated by another character than ; or ,. Save the file as CSV with "
                        "semicolons or as Excel."
                    )
                    % {"header": str(frame.columns[0])[:80]},
                }
            ]
        )
    level = _find_level(municipality=municipality, name=level_name)
    areas = _AreaIndex(
        [
            _AreaRef(*row)
            for row in Area.objects.filter(level=level).values_list(
                "id", "key", "name", "parent_id"
            )
        ]
    )
    if not areas.by_key:
        raise ImportProblems(
            [
                {
                    "row": None,
                    "column": None,
                    "message": _("Level %(level)s has no areas yet; import its areas first.")
                    % {"level": level.name},
                }
            ]
        )
    indicators = _Indicators(municipality)
    long_columns = long_table_columns(frame.columns)
    if long_columns:
        parsed = _parse_long(
            frame,
            columns=long_columns,
            first_row=header_row + 1,
            areas=areas,
            indicators=indicators,
            year=year,
            problems=problems,
        )
    else:
        parsed = _parse_wide(
            frame,
            first_row=header_row + 1,
            level=level,
            areas=areas,
            indicators=indicators,
            year=year,
            problems=problems,
            file_name=path.name,
        )
    if user is not None:
        _check_topics(
            user=user,
            municipality=municipality,
            parsed=parsed,
            indicators=indicators,
            problems=problems,
        )
    problems.raise_if_any()
    try:
        summary = _write(
            municipality=municipality,
            level=level,
            parsed=parsed,
            indicators=indicators,
            user=user,
            import_run=import_run,
            source_note=source_note,
            progress=progress,
        )
    except IntegrityError as exc:
        # Only a concurrent import of the same values or indicators can get here: the file
        # itself was checked for duplicates.
        raise ImportProblems(
            [
                {
                    "row": None,
                    "column": None,
                    "message": _(
                        "Another import changed the same values at the same time; nothing was "
                        "imported. Please try again."
                    ),
                }
            ]
        ) from exc
    summary["warnings"] = parsed.warnings
    return summary


# --- reading -----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _fold_header(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(text).strip().casefold())


def _clean_key(raw) -> str:
    key = "" if raw is None else str(raw).strip()
    if _FLOAT_KEY.match(key):  # 3460001.0 from a spreadsheet cell formatted as number
        key = key[:-2]
    return key


def _find_header(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The table below a title: published sheets often start with a title row or two.

    Returns the frame with its real header and the file row number of that header.
    """
    known = set(KEY_HEADERS) | {alias for aliases in LONG_HEADERS.values() for alias in aliases}
    if any(_fold_header(column) in known for column in frame.columns):
        return frame, 1
    for index in range(min(len(frame), 10)):
        cells = [str(cell) for cell in frame.iloc[index].tolist()]
        if any(_fold_header(cell) in known for cell in cells):
            body = frame.iloc[index + 1 :].reset_index(drop=True)
            body.columns = [cell.strip() or f"Unnamed: {i}" for i, cell in enumerate(cells)]
            return body, index + 2
    return frame, 1


def _find_level(*, municipality: Municipality, name: str) -> SpatialLevel:
    levels = list(SpatialLevel.objects.filter(municipality=municipality).order_by("depth"))
    for level in levels:
        if name in (level.name, level.slug):
            return level
    for level in levels:
        if _fold(name) == _fold(level.name):
            return level
    raise ImportProblems(
        [
            {
                "row": None,
                "column": None,
                "message": _(
                    "The spatial level %(name)s does not exist; import its areas first. "
                    "Levels: %(levels)s"
                )
                % {"name": name, "levels": ", ".join(lv.name for lv in levels) or "–"},
            }
        ]
    )


def _pick(columns: Sequence[str], candidates: Sequence[str]) -> str | None:
    folded = {_fold_header(column): column for column in reversed(list(columns))}
    for candidate in candidates:
        if candidate in folded:
            return folded[candidate]
    return None


def long_table_columns(columns) -> dict[str, str] | None:
    """The columns of a long table by their role (area_key, indicator, …), or None if wide."""
    found = {}
    for canonical, aliases in LONG_HEADERS.items():
        column = _pick(columns, aliases)
        if column is not None:
            found[canonical] = column
    has_value = "value" in found or {"numerator", "denominator"} <= set(found)
    if "indicator" in found and "area_key" in found and has_value:
        return found
    return None


def _check_year(year: int | None) -> bool:
    return year is not None and MIN_YEAR <= year <= MAX_YEAR


def _parse_wide(
    frame: pd.DataFrame,
    *,
    first_row: int,
    level: SpatialLevel,
    areas: _AreaIndex,
    indicators: _Indicators,
    year: int | None,
    problems: _Problems,
    file_name: str,
) -> _Parsed:
    columns = list(frame.columns)
    key_column = _pick(columns, KEY_HEADERS) or columns[0]
    rest = [column for column in columns if column != key_column]
    name_column = _pick(rest, NAME_HEADERS)
    if name_column is None and rest and _mostly_text(frame[rest[0]]):
        name_column = rest[0]
    indicator_columns = []
    for position, column in enumerate(columns):
        if column in (key_column, name_column):
            continue
        if str(column).startswith("Unnamed:"):
            if (frame[column] != "").any():
                problems.add(
                    first_row - 1,
                    None,
                    _("Column %(number)d has values but no heading (indicator name).")
                    % {"number": position + 1},
                )
            continue
        duplicate = _MANGLED_DUPLICATE.match(str(column))
        if duplicate and duplicate.group(1) in columns:
            problems.add(
                first_row - 1,
                duplicate.group(1),
                _("The indicator column %(name)s appears twice.") % {"name": duplicate.group(1)},
            )
            continue
        if len(" ".join(str(column).split())) > Indicator._meta.get_field("name").max_length:
            problems.add(first_row - 1, str(column)[:60], _("The indicator name is too long."))
            continue
        indicator_columns.append(column)
    if not indicator_columns:
        problems.add(
            first_row - 1,
            None,
            _(
                "No indicator columns found. A published table has the columns key, name and one "
                "column per indicator; a long table has area_key, indicator, year and value."
            ),
        )
    if not _check_year(year):
        hint = _YEAR_IN_TEXT.search(file_name)
        message = _("This table has no year column: give the year of its values (--year).")
        if year is not None:
            message = _("The year %(year)s is not plausible.") % {"year": year}
        elif hint:
            message += " " + _("The file name mentions %(year)s.") % {"year": hint.group(1)}
        problems.add(None, None, message)

    parsed_columns = {column: parse_number_column(frame[column]) for column in indicator_columns}
    count = len(frame)
    has_values = np.zeros(count, dtype=bool)
    for parsed in parsed_columns.values():
        has_values |= parsed.status != CELL_MISSING
    keys = [_clean_key(key) for key in frame[key_column].tolist()]
    names = frame[name_column].tolist() if name_column else [""] * count
    row_area = np.full(count, -1, dtype=np.int64)
    warnings: list[dict] = []
    seen: dict[int, int] = {}
    total_position: int | None = None
    first_content = next((i for i in range(count) if keys[i] or names[i] or has_values[i]), None)
    last_content = next(
        (i for i in reversed(range(count)) if keys[i] or names[i] or has_values[i]), None
    )
    matched: list[_AreaRef] = []
    for position in range(count):
        row = first_row + position
        key, name = keys[position], str(names[position]).strip()
        if not key and not name and not has_values[position]:
            continue  # an empty line
        if not key:
            if _fold(name) in TOTAL_ROW_NAMES and position in (first_content, last_content):
                total_position = position
            else:
                problems.add(row, key_column, _("The key is empty."))
            continue
        area = areas.match(key)
        if area is None:
            if has_values[position]:
                problems.add(
                    row,
                    key_column,
                    _("Key %(key)s (%(name)s) is not an area of level %(level)s.")
                    % {"key": key, "name": name or "–", "level": level.name},
                )
            else:
                warnings.append(
                    {
                        "row": row,
                        "column": key_column,
                        "message": _(
                            "Key %(key)s (%(name)s) is not an area of level %(level)s; the row "
                            "holds no values and was skipped."
                        )
                        % {"key": key, "name": name or "–", "level": level.name},
                    }
                )
            continue
        if area.id in seen:
            problems.add(
                row,
                key_column,
                _("Area %(key)s appears twice (also in row %(other)s).")
                % {"key": area.key, "other": seen[area.id]},
            )
            continue
        seen[area.id] = row
        row_area[position] = area.id
        matched.append(area)
        if name and not _same_name(name, area.name):
            warnings.append(
                {
                    "row": row,
                    "column": name_column,
                    "message": _(
                        "The name “%(name)s” differs from the official name “%(official)s” of "
                        "area %(key)s; the row was matched by its key."
                    )
                    % {"name": name, "official": area.name, "key": area.key},
                }
            )
    if total_position is not None:
        parent_id = _total_area_id(level=level, areas=matched or list(areas.by_key.values()))
        if parent_id is None:
            problems.add(
                first_row + total_position,
                name_column,
                _("The row %(name)s is the value of a parent area, but level %(level)s has none.")
                % {"name": names[total_position], "level": level.name},
            )
        else:
            row_area[total_position] = parent_id
    is_total = np.zeros(count, dtype=bool)
    if total_position is not None:
        is_total[total_position] = True

    parts: list[dict] = []
    for column in indicator_columns:
        parsed = parsed_columns[column]
        for position, message in parsed.errors.items():
            problems.add(first_row + position, column, message)
        header = " ".join(str(column).split())
        unit = unit_from_header(header) or (
            next(iter(parsed.units)) if len(parsed.units) == 1 else ""
        )
        ref = indicators.ref_for_name(header, unit=unit)
        keep = (row_area >= 0) & np.isin(parsed.status, (CELL_OK, CELL_SUPPRESSED))
        kept = int(keep.sum())
        parts.append(
            {
                "refs": np.full(kept, ref, dtype=np.int64),
                "area_ids": row_area[keep],
                "values": parsed.values[keep],
                "suppressed": parsed.status[keep] == CELL_SUPPRESSED,
                "published_total": is_total[keep],
            }
        )
    refs = _concat(parts, "refs", np.int64)
    return _Parsed(
        shape="wide",
        refs=refs,
        area_ids=_concat(parts, "area_ids", np.int64),
        years=np.full(len(refs), year or 0, dtype=np.int64),
        values=_concat(parts, "values", float),
        numerators=np.full(len(refs), np.nan),
        denominators=np.full(len(refs), np.nan),
        suppressed=_concat(parts, "suppressed", bool),
        published_total=_concat(parts, "published_total", bool),
        warnings=warnings,
    )


def _concat(parts: list[dict], name: str, dtype) -> np.ndarray:
    if not parts:
        return np.array([], dtype=dtype)
    return np.concatenate([part[name] for part in parts]).astype(dtype)


def _mostly_text(column: pd.Series) -> bool:
    filled = column[column != ""]
    if filled.empty:
        return False
    return (
        pd.to_numeric(filled.str.replace(",", ".", regex=False), errors="coerce").isna().mean()
        > 0.5
    )


def _same_name(published: str, official: str) -> bool:
    def normal(name: str) -> str:
        return _fold(_DESIGNATION.sub("", name.strip()))

    return normal(published) == normal(official)


def _total_area_id(*, level: SpatialLevel, areas: Sequence[_AreaRef]) -> int | None:
    """The area a `Durchschnitt`/`Summe` row stands for: the parent all listed areas share.

    For a level directly below the root that is the root area; when the listed areas lie in
    several parents it is their nearest common ancestor (e.g. the whole city).
    """
    if level.depth == 0:
        return None
    parents = {area.parent_id for area in areas}
    if None in parents:
        return None
    if len(parents) == 1:
        return parents.pop()
    up = dict(
        Area.objects.filter(
            municipality_id=level.municipality_id, level__depth__lt=level.depth
        ).values_list("id", "parent_id")
    )

    def chain(area_id: int | None) -> list[int]:
        result = []
        while area_id is not None:
            result.append(area_id)
            area_id = up.get(area_id)
        return result

    chains = [chain(parent) for parent in parents]
    common = set(chains[0]).intersection(*map(set, chains[1:]))
    return next((area_id for area_id in chains[0] if area_id in common), None)


def _parse_long(
    frame: pd.DataFrame,
    *,
    columns: dict[str, str],
    first_row: int,
    areas: _AreaIndex,
    indicators: _Indicators,
    year: int | None,
    problems: _Problems,
) -> _Parsed:
    count = len(frame)
    rows = np.arange(first_row, first_row + count)
    valid = np.ones(count, dtype=bool)

    # Areas and indicators repeat on every row: resolve each distinct cell once, then map.
    key_column = columns["area_key"]
    key_cells = frame[key_column]
    area_for_cell = {}
    for cell in pd.unique(key_cells):
        area = areas.match(_clean_key(cell))
        area_for_cell[cell] = area.id if area else (-2 if not _clean_key(cell) else -1)
    area_ids = key_cells.map(area_for_cell).to_numpy(dtype=np.int64)
    empty_key = area_ids == -2
    problems.add_rows(rows[empty_key], key_column, lambda row: _("The key is empty."))
    unknown = area_ids == -1
    if unknown.any():
        raw_keys = key_cells.to_numpy()
        problems.add_rows(
            rows[unknown],
            key_column,
            lambda row: (
                _("Key %(key)s is not an area of this level.")
                % {"key": _clean_key(raw_keys[row - first_row])}
            ),
        )
    valid &= area_ids > 0

    indicator_column = columns["indicator"]
    indicator_cells = frame[indicator_column]
    ref_for_cell: dict[str, int] = {}
    for cell in pd.unique(indicator_cells):
        label = " ".join(str(cell).split())
        if not label:
            ref_for_cell[cell] = _NO_INDICATOR
        elif label.isdigit():
            ref_for_cell[cell] = int(label) if int(label) in indicators.by_id else _UNKNOWN_ID
        elif len(label) > Indicator._meta.get_field("name").max_length:
            ref_for_cell[cell] = _NAME_TOO_LONG
        else:
            ref_for_cell[cell] = indicators.ref_for_name(label, unit=unit_from_header(label))
    refs = indicator_cells.map(ref_for_cell).to_numpy(dtype=np.int64)
    problems.add_rows(
        rows[refs == _NO_INDICATOR], indicator_column, lambda row: _("The indicator is empty.")
    )
    if (refs == _UNKNOWN_ID).any():
        raw_indicators = indicator_cells.to_numpy()
        problems.add_rows(
            rows[refs == _UNKNOWN_ID],
            indicator_column,
            lambda row: (
                _("There is no indicator with the id %(id)s.")
                % {"id": raw_indicators[row - first_row]}
            ),
        )
    problems.add_rows(
        rows[refs == _NAME_TOO_LONG],
        indicator_column,
        lambda row: _("The indicator name is too long."),
    )
    valid &= ~np.isin(refs, (_NO_INDICATOR, _UNKNOWN_ID, _NAME_TOO_LONG))

    if "year" in columns:
        year_cells = frame[columns["year"]]
        years_float = pd.to_numeric(year_cells, errors="coerce").to_numpy(dtype=float)
        empty_year = (year_cells == "").to_numpy()
        if _check_year(year):
            years_float[empty_year] = year
        bad_year = ~np.isfinite(years_float)
        bad_year |= ~bad_year & (
            (np.mod(years_float, 1) != 0) | (years_float < MIN_YEAR) | (years_float > MAX_YEAR)
        )
        raw_years = year_cells.to_numpy()
        problems.add_rows(
            rows[bad_year],
            columns["year"],
            lambda row: (
                _("The year is missing.")
                if raw_years[row - first_row] == ""
                else _("“%(cell)s” is not a year.") % {"cell": raw_years[row - first_row]}
            ),
        )
        valid &= ~bad_year
        years = np.where(bad_year, 0, years_float).astype(np.int64)
    else:
        if not _check_year(year):
            problems.add(
                None,
                None,
                _("The table has no year column: give the year of its values (--year).")
                if year is None
                else _("The year %(year)s is not plausible.") % {"year": year},
            )
        years = np.full(count, year or 0, dtype=np.int64)

    def numbers(name: str):
        if name not in columns:
            return None
        parsed = parse_number_column(frame[columns[name]])
        for position, message in parsed.errors.items():
            problems.add(first_row + position, columns[name], message)
        return parsed

    value = numbers("value")
    numerator = numbers("numerator")
    denominator = numbers("denominator")
    status = value.status if value else np.full(count, CELL_MISSING, dtype=np.int8)
    values = value.values.copy() if value else np.full(count, np.nan)
    numerators = numerator.values if numerator else np.full(count, np.nan)
    denominators = denominator.values if denominator else np.full(count, np.nan)
    if numerator is not None and denominator is not None:
        # A share given only by numerator and denominator: computed as the municipality's
        # aggregation does (numerator / denominator × base), never by averaging.
        both = (numerator.status == CELL_OK) & (denominator.status == CELL_OK)
        zero = both & (denominators == 0)
        problems.add_rows(
            rows[zero & (status == CELL_MISSING)],
            columns["denominator"],
            lambda row: _("The denominator is 0, so the value cannot be computed."),
        )
        compute = both & ~zero & (status == CELL_MISSING)
        if compute.any():
            base = pd.Series(refs[compute]).map(indicators.rate_base)
            values[compute] = numerators[compute] / denominators[compute] * base.to_numpy()
            status = status.copy()
            status[compute] = CELL_OK
    partial = status == CELL_MISSING
    if numerator is not None:
        partial_num = partial & (numerator.status == CELL_OK)
        problems.add_rows(
            rows[partial_num],
            columns.get("value", columns["numerator"]),
            lambda row: _("A numerator is given but no value (and no denominator to compute it)."),
        )
    if denominator is not None and numerator is None:
        problems.add_rows(
            rows[partial & (denominator.status == CELL_OK)],
            columns.get("value", columns["denominator"]),
            lambda row: _("A denominator is given but no value (and no numerator to compute it)."),
        )
    valid &= status != CELL_ERROR
    keep = valid & np.isin(status, (CELL_OK, CELL_SUPPRESSED))
    if numerator is not None:
        keep &= numerator.status != CELL_ERROR
    if denominator is not None:
        keep &= denominator.status != CELL_ERROR

    identity = pd.DataFrame({"ref": refs[keep], "area": area_ids[keep], "year": years[keep]})
    duplicated = identity.duplicated(keep=False).to_numpy()
    if duplicated.any():
        kept_rows = rows[keep]
        repeated = identity[duplicated].assign(row=kept_rows[duplicated])
        first = repeated.groupby(["ref", "area", "year"])["row"].transform("min").to_numpy()
        extra = repeated["row"].to_numpy() != first
        first_of = dict(
            zip(repeated["row"].to_numpy()[extra].tolist(), first[extra].tolist(), strict=True)
        )
        problems.add_rows(
            repeated["row"].to_numpy()[extra],
            key_column,
            lambda row: (
                _(
                    "Area, indicator and year of this row appear more than once (first in row "
                    "%(other)s)."
                )
                % {"other": first_of[row]}
            ),
        )
    return _Parsed(
        shape="long",
        refs=refs[keep],
        area_ids=area_ids[keep],
        years=years[keep],
        values=values[keep],
        numerators=numerators[keep],
        denominators=denominators[keep],
        suppressed=status[keep] == CELL_SUPPRESSED,
        published_total=np.zeros(int(keep.sum()), dtype=bool),
    )


def _check_topics(
    *,
    user,
    municipality: Municipality,
    parsed: _Parsed,
    indicators: _Indicators,
    problems: _Problems,
) -> None:
    """A data admin limited to some topics may change only the values of those topics."""
    for ref in np.unique(parsed.refs).tolist():
        indicator = indicators.by_id.get(ref)
        if indicator is None or indicator.topic is None:
            continue
        if not can(user, Action.EDIT_ATLAS_DATA, municipality, topic=indicator.topic.code):
            problems.add(
                None,
                indicator.name,
                _("You may not change values of the topic %(topic)s.")
                % {"topic": indicator.topic.name},
            )


# --- writing -----------------------------------------------------------------------------------


def _write(
    *,
    municipality: Municipality,
    level: SpatialLevel,
    parsed: _Parsed,
    indicators: _Indicators,
    user,
    import_run: ImportRun | None,
    source_note: str,
    progress: ProgressCallback | None,
) -> dict:
    total = len(parsed)
    if progress:
        progress(0, total)
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    run_id = import_run.pk if import_run is not None else None
    now = timezone.now()
    ok, suppressed = Value.Status.OK.value, Value.Status.SOURCE_SUPPRESSED.value
    with transaction.atomic():
        created = _create_indicators(
            municipality=municipality,
            indicators=indicators,
            levels=_levels_of(level=level, parsed=parsed),
            user=user if user_id else None,
        )
        refs = parsed.refs
        if created:
            lookup = np.array([created[-(n + 1)] for n in range(len(created))], dtype=np.int64)
            refs = np.where(refs < 0, lookup[np.clip(-refs - 1, 0, None)], refs)
        new = pd.DataFrame(
            {
                "indicator": refs,
                "area": parsed.area_ids,
                "year": parsed.years,
                "value": parsed.values,
                "numerator": parsed.numerators,
                "denominator": parsed.denominators,
                "status": np.where(parsed.suppressed, suppressed, ok),
                "is_published_total": parsed.published_total,
            }
        )
        existing = _existing_values(level=level, new=new, known_ids=set(indicators.by_id))
        if existing.empty:
            insert, update = new, new.iloc[0:0]
            unchanged = 0
        else:
            merged = new.merge(
                existing, on=["indicator", "area", "year"], how="left", suffixes=("", "_old")
            )
            stored = merged["id"].notna().to_numpy()
            same = stored.copy()
            for column in ("value", "numerator", "denominator"):
                a = merged[column].to_numpy(dtype=float)
                b = merged[f"{column}_old"].to_numpy(dtype=float)
                same &= (a == b) | (np.isnan(a) & np.isnan(b))
            same &= (merged["status"] == merged["status_old"]).to_numpy()
            same &= (merged["is_published_total"] == merged["is_published_total_old"]).to_numpy()
            insert = merged[~stored]
            update = merged[stored & ~same]
            unchanged = int(same.sum())

        done = unchanged

        def advance(rows: int) -> None:
            nonlocal done
            done += rows
            if progress:
                progress(done, total)

        _insert(
            Value,
            {
                "indicator": insert["indicator"].tolist(),
                "area": insert["area"].tolist(),
                "year": insert["year"].tolist(),
                "value": _nullable(insert["value"]),
                "numerator": _nullable(insert["numerator"]),
                "denominator": _nullable(insert["denominator"]),
                "status": insert["status"].tolist(),
                "is_published_total": insert["is_published_total"].tolist(),
            },
            constants={"source_note": source_note, "import_run": run_id, "updated": now},
            on_batch=advance,
        )
        if len(update):
            _update_values(
                update, source_note=source_note, run_id=run_id, now=now, on_batch=advance
            )
            _insert(
                ValueChange,
                {
                    "indicator": update["indicator"].tolist(),
                    "area": update["area"].tolist(),
                    "year": update["year"].tolist(),
                    "old_value": _nullable(update["value_old"]),
                    "old_numerator": _nullable(update["numerator_old"]),
                    "old_denominator": _nullable(update["denominator_old"]),
                    "old_status": update["status_old"].tolist(),
                    "new_value": _nullable(update["value"]),
                    "new_status": update["status"].tolist(),
                },
                constants={"changed_by": user_id, "changed_at": now, "import_run": run_id},
            )
        # Raw inserts and updates send no signals: cached results of the atlas are outdated.
        atlas_cache.bump(municipality.pk)
    if progress:
        progress(total, total)
    return {
        "shape": parsed.shape,
        "level": level.name,
        "years": sorted({int(year) for year in np.unique(parsed.years)}),
        "values": total,
        "created": len(insert),
        "updated": len(update),
        "unchanged": unchanged,
        "suppressed_at_source": int(parsed.suppressed.sum()),
        "published_totals": int(parsed.published_total.sum()),
        "new_indicators": [
            {"id": created[-(n + 1)], "name": spec.name, "unit": spec.unit, "kind": spec.kind}
            for n, spec in enumerate(indicators.new)
        ],
    }


def _levels_of(*, level: SpatialLevel, parsed: _Parsed) -> list[SpatialLevel]:
    levels = [level]
    if parsed.published_total.any():
        total_area = Area.objects.select_related("level").get(
            pk=int(parsed.area_ids[parsed.published_total][0])
        )
        levels.append(total_area.level)
    return levels


def _create_indicators(
    *, municipality: Municipality, indicators: _Indicators, levels: list[SpatialLevel], user
) -> dict[int, int]:
    """Create the indicators a file introduced; returns their ids by reference (-1, -2, …)."""
    created: dict[int, int] = {}
    through = Indicator.valid_levels.through
    links = []
    for number, spec in enumerate(indicators.new):
        indicator = Indicator(
            municipality=municipality, name=spec.name, unit=spec.unit, kind=spec.kind
        )
        if user is not None:
            indicator._history_user = user  # simple_history: who created it, also off-request
        indicator.save()
        created[-(number + 1)] = indicator.pk
        links += [through(indicator_id=indicator.pk, spatiallevel_id=lv.pk) for lv in levels]
    through.objects.bulk_create(links)
    return created


def _existing_values(
    *, level: SpatialLevel, new: pd.DataFrame, known_ids: set[int]
) -> pd.DataFrame:
    """Stored values the file may overwrite, in the same columns as `new` plus their id."""
    columns = [
        "id",
        "indicator",
        "area",
        "year",
        "value",
        "numerator",
        "denominator",
        "status",
        "is_published_total",
    ]
    indicator_ids = [int(i) for i in pd.unique(new["indicator"]) if int(i) in known_ids]
    if not indicator_ids:
        return pd.DataFrame(columns=columns)
    total_areas = [int(a) for a in pd.unique(new.loc[new["is_published_total"], "area"])]
    rows = Value.objects.filter(
        Q(area__level=level) | Q(area_id__in=total_areas),
        indicator_id__in=indicator_ids,
        year__in=[int(y) for y in pd.unique(new["year"])],
    ).values_list(
        "id",
        "indicator_id",
        "area_id",
        "year",
        "value",
        "numerator",
        "denominator",
        "status",
        "is_published_total",
    )
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    for column in ("value", "numerator", "denominator"):
        frame[column] = frame[column].astype(float)
    frame["is_published_total"] = frame["is_published_total"].astype(bool)
    return frame


def _nullable(column: pd.Series) -> list:
    """Floats for the database: NaN (pandas' missing) becomes NULL."""
    array = column.to_numpy(dtype=float)
    values = array.astype(object)
    values[np.isnan(array)] = None
    return values.tolist()


def _insert(
    model: type[Model],
    columns: dict[str, list],
    *,
    constants: dict[str, object],
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """INSERT rows in batches (COPY on PostgreSQL), without a model instance per row.

    bulk_create builds one model object per row and prepares each of its fields one by one;
    for a million values that costs several times the INSERT itself (bench/README.md). Here the
    varying columns arrive as lists of plain Python values and the constant ones are prepared
    once with their field's get_db_prep_save, so the database gets what the ORM would send.
    """
    count = len(next(iter(columns.values()))) if columns else 0
    if not count:
        return
    opts = model._meta
    # Columns with a plain default (e.g. the version of optimistic locking) get it as the ORM
    # would give it, so a new column never breaks the raw insert.
    constants = {
        **{
            field.name: field.default
            for field in opts.concrete_fields
            if not field.primary_key
            and field.name not in columns
            and field.name not in constants
            and field.has_default()
            and not callable(field.default)
        },
        **constants,
    }
    fields = [opts.get_field(name) for name in [*columns, *constants]]
    quote = connection.ops.quote_name
    # Identifiers come from model metadata, quoted by the backend; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(opts.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    prepared = [
        opts.get_field(name).get_db_prep_save(value, connection)
        for name, value in constants.items()
    ]
    lists = list(columns.values())
    if connection.vendor == "postgresql":
        # COPY streams the rows instead of binding a statement per row: on PostgreSQL several
        # times faster than executemany (bench/README.md). Same columns, same transaction.
        copy_sql = "COPY {} ({}) FROM STDIN".format(
            quote(opts.db_table), ", ".join(quote(f.column) for f in fields)
        )
        with (
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.copy(copy_sql) as copy,
        ):
            for start in range(0, count, BATCH_SIZE):
                stop = min(start + BATCH_SIZE, count)
                for row in zip(
                    *(values[start:stop] for values in lists),
                    *(itertools.repeat(value, stop - start) for value in prepared),
                    strict=False,
                ):
                    copy.write_row(row)
                if on_batch:
                    on_batch(stop - start)
        return
    with connection.cursor() as cursor:
        for start in range(0, count, BATCH_SIZE):
            stop = min(start + BATCH_SIZE, count)
            size = stop - start
            cursor.executemany(
                sql,
                list(
                    zip(
                        *(values[start:stop] for values in lists),
                        *(itertools.repeat(value, size) for value in prepared),
                        strict=False,
                    )
                ),
            )
            if on_batch:
                on_batch(size)


def _update_values(
    update: pd.DataFrame,
    *,
    source_note: str,
    run_id: int | None,
    now,
    on_batch: Callable[[int], None],
) -> None:
    """UPDATE changed values by primary key with executemany (bulk_update builds CASE chains)."""
    opts = Value._meta
    quote = connection.ops.quote_name
    set_fields = ["value", "numerator", "denominator", "status", "is_published_total"]
    constant_fields = ["source_note", "import_run", "updated"]
    assignments = ", ".join(
        f"{quote(opts.get_field(name).column)} = %s" for name in set_fields + constant_fields
    )
    # An import that changes a value is a change like any other: an edit form opened before it
    # must meet a conflict, not overwrite the imported number.
    version = quote(opts.get_field("version").column)
    assignments += f", {version} = {version} + 1"
    table, pk = quote(opts.db_table), quote(opts.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - model identifiers
    constants = [
        opts.get_field(name).get_db_prep_save(value, connection)
        for name, value in zip(constant_fields, (source_note, run_id, now), strict=True)
    ]
    lists = [
        _nullable(update["value"]),
        _nullable(update["numerator"]),
        _nullable(update["denominator"]),
        update["status"].tolist(),
        update["is_published_total"].tolist(),
    ]
    ids = update["id"].astype(np.int64).tolist()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH_SIZE):
            stop = min(start + BATCH_SIZE, len(ids))
            rows = [
                (*(values[i] for values in lists), *constants, ids[i]) for i in range(start, stop)
            ]
            cursor.executemany(sql, rows)
            on_batch(stop - start)


# --------------------------------------------------------------------------------------------
# Replacing the area values of an indicator year (values derived from other data)


def replace_area_values(
    *,
    indicator: Indicator,
    year: int,
    wanted: dict[int, tuple[float | None, float | None, float | None, str]],
    user,
    source_note: str,
    result,
) -> None:
    """Make the stored values of `indicator` in `year` equal `wanted` (area id -> value,
    numerator, denominator, status), recording every change in the value history.

    For values computed from other data (the roll-up of institution values, indicators derived
    from the register of points of interest): areas not in `wanted` lose their value, changed
    values get `source_note` and a new version (forms opened on the old number see the change,
    keck.locking). `result` counts `created`, `changed`, `removed` and `unchanged`. The caller
    checked the rights and tells the atlas cache (bulk writes send no signals).
    """
    current = {
        row.area_id: row
        for row in Value.objects.select_for_update()
        .filter(indicator=indicator, year=year)
        .order_by("pk")  # the default ordering joins nullable rows PostgreSQL cannot lock
    }
    changes, new, updated = [], [], []
    now = timezone.now()
    for area_id, numbers in wanted.items():
        value, numerator, denominator, status = numbers
        stored = current.get(area_id)
        if stored is not None and (
            stored.value,
            stored.numerator,
            stored.denominator,
            stored.status,
        ) == tuple(numbers):
            result.unchanged += 1
            continue
        changes.append(
            ValueChange.between(
                indicator=indicator,
                area_id=area_id,
                year=year,
                before=stored,
                after=numbers,
                user=user,
            )
        )
        if stored is None:
            new.append(
                Value(
                    indicator=indicator,
                    area_id=area_id,
                    year=year,
                    value=value,
                    numerator=numerator,
                    denominator=denominator,
                    status=status,
                    source_note=source_note,
                )
            )
            continue
        stored.value, stored.numerator, stored.denominator = value, numerator, denominator
        stored.status = status
        stored.is_published_total = False
        stored.source_note = source_note
        stored.import_run = None
        stored.version += 1
        stored.updated = now
        updated.append(stored)
    removed = [row for area_id, row in current.items() if area_id not in wanted]
    changes += [
        ValueChange.between(
            indicator=indicator,
            area_id=stored.area_id,
            year=year,
            before=stored,
            after=None,
            user=user,
        )
        for stored in removed
    ]
    Value.objects.bulk_create(new, batch_size=1000)
    Value.objects.bulk_update(
        updated,
        [
            "value",
            "numerator",
            "denominator",
            "status",
            "is_published_total",
            "source_note",
            "import_run",
            "version",
            "updated",
        ],
        batch_size=1000,
    )
    if removed:
        Value.objects.filter(pk__in=[row.pk for row in removed]).delete()
    ValueChange.objects.bulk_create(changes, batch_size=1000)
    result.created += len(new)
    result.changed += len(updated)
    result.removed += len(removed)
