"""Table exports: several indicators for every area of a level, as XLSX and CSV.

One row per area (key, name) after the reference row of the municipality, which says how its
value came about; one column per indicator. Numbers are rounded as the atlas shows them;
`k. A.` and `–` stay text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..selectors_exports import TableData
from ..suppression import STATUS_OK, Shown
from . import created_note, data_note, reference_kind_label, unit_suffix

NUMBER_FORMATS = ("de", "en")


@dataclass(frozen=True)
class Cell:
    number: float | None  # rounded as shown; None for `k. A.`, `–` and text
    text: str
    decimals: int = 0


@dataclass(frozen=True)
class Row:
    key: str
    name: str
    cells: list[Cell]
    kind: str  # "reference", "reference_kind" or "area"


def rounded(shown: Shown, indicator) -> Cell:
    """The number as the atlas shows it (half-up to the indicator's decimals), or the text."""
    if shown.status != STATUS_OK or shown.value is None:
        return Cell(None, shown.display)
    decimals = indicator.decimals
    if indicator.is_count and float(shown.value).is_integer():
        decimals = 0
    number = Decimal(f"{shown.value:.10f}").quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )
    return Cell(float(number), shown.display, decimals)


def headers(data: TableData) -> list[str]:
    return [_("Key"), _("Area")] + [
        f"{table.indicator.name}{unit_suffix(table.indicator.unit)}" for table in data.tables
    ]


def rows(data: TableData) -> list[Row]:
    result = []
    first = data.tables[0]
    if first.reference is not None:
        result.append(
            Row(
                first.reference.area_key,
                _("%(area)s (reference)") % {"area": first.reference.area_name},
                [
                    rounded(t.reference.shown, t.indicator) if t.reference else Cell(None, "–")
                    for t in data.tables
                ],
                "reference",
            )
        )
        result.append(
            Row(
                "",
                _("Kind of reference value"),
                [
                    Cell(None, reference_kind_label(t.reference.kind) if t.reference else "")
                    for t in data.tables
                ],
                "reference_kind",
            )
        )
    by_area = [{row.area_id: row for row in table.rows} for table in data.tables]
    for row in first.rows:
        result.append(
            Row(
                row.area_key,
                row.area_name,
                [
                    rounded(lookup[row.area_id].shown, table.indicator)
                    for lookup, table in zip(by_area, data.tables, strict=True)
                ],
                "area",
            )
        )
    return result


def title(data: TableData) -> str:
    return " · ".join([data.municipality.name, data.level.name, str(data.year)])


def _not_released(data: TableData) -> list[str]:
    return [str(t.indicator) for t in data.tables if not t.released]


def render_csv(data: TableData, *, number_format: str = "de") -> bytes:
    """UTF-8 with BOM (so that Excel reads umlauts); `;` and decimal comma for `de`."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=";" if number_format == "de" else ",", lineterminator="\r\n"
    )
    writer.writerow(headers(data))
    for row in rows(data):
        writer.writerow([row.key, row.name, *(_csv_cell(c, number_format) for c in row.cells)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(cell: Cell, number_format: str) -> str:
    if cell.number is None:
        return cell.text
    text = f"{cell.number:.{cell.decimals}f}"
    return text.replace(".", ",") if number_format == "de" else text


def render_xlsx(data: TableData) -> bytes:
    """A sheet with the values (real numbers, shown with the indicator's decimals) and a sheet
    "Quellen" with the indicators' metadata and the source notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Values")[:31]
    bold = Font(bold=True)
    sheet["A1"] = title(data)
    sheet["A1"].font = Font(bold=True, size=13)
    internal = _not_released(data)
    if internal:
        sheet["A2"] = _("Internal – not released for publication: %(indicators)s") % {
            "indicators": ", ".join(internal)
        }
        sheet["A2"].font = Font(bold=True, color="9A1B1B")
    header_row = 4
    for column, text in enumerate(headers(data), start=1):
        cell = sheet.cell(row=header_row, column=column, value=text)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="E6EEF2")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    right = Alignment(horizontal="right")
    for offset, row in enumerate(rows(data), start=1):
        r = header_row + offset
        sheet.cell(row=r, column=1, value=row.key)
        sheet.cell(row=r, column=2, value=row.name)
        for column, value in enumerate(row.cells, start=3):
            cell = sheet.cell(row=r, column=column)
            if value.number is not None:
                cell.value = value.number
                cell.number_format = "#,##0" + (
                    "." + "0" * value.decimals if value.decimals else ""
                )
            else:
                cell.value = value.text
                cell.alignment = right
            if row.kind == "reference":
                cell.font = bold
            elif row.kind == "reference_kind":
                cell.font = Font(italic=True, color="5B6770")
        if row.kind == "reference":
            sheet.cell(row=r, column=2).font = bold
        elif row.kind == "reference_kind":
            sheet.cell(row=r, column=2).font = Font(italic=True, color="5B6770")
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 34
    for column in range(3, 3 + len(data.tables)):
        sheet.column_dimensions[get_column_letter(column)].width = 22
    sheet.row_dimensions[header_row].height = 48
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    _sources_sheet(workbook, data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sources_sheet(workbook, data: TableData) -> None:
    sheet = workbook.create_sheet(_("Sources")[:31])
    columns = [
        _("Indicator"),
        _("Definition"),
        _("Unit"),
        _("Data source"),
        _("Data holder"),
        _("Reference date"),
        _("Release"),
    ]
    for column, text in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E6EEF2")
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, table in enumerate(data.tables, start=2):
        indicator = table.indicator
        values = [
            indicator.name,
            indicator.definition,
            indicator.unit,
            indicator.data_source,
            indicator.data_holder,
            indicator.reference_date,
            _("released") if table.released else _("internal"),
        ]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=r, column=column, value=value).alignment = wrap
    notes_row = len(data.tables) + 3
    notes = [
        data_note([t.indicator for t in data.tables], data.value_notes),
        _("k. A.: not shown (data protection or not stated by the source). –: no value."),
        created_note(data.municipality.name),
    ]
    for offset, note in enumerate(n for n in notes if n):
        sheet.cell(row=notes_row + offset, column=1, value=note)
    for column, width in zip("ABCDEFG", (40, 60, 12, 30, 30, 16, 14), strict=True):
        sheet.column_dimensions[column].width = width
