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
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..citation import Citations, german_date
from ..selectors_exports import TableData
from ..suppression import STATUS_OK, Shown
from . import (
    corrected_note,
    created_note,
    data_note,
    reference_kind_label,
    unit_suffix,
)

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


def corrections(data: TableData, citations: Citations | None) -> dict[tuple[str, int], str]:
    """(area key, column index) -> date text of the values corrected after their release."""
    if citations is None:
        return {}
    found = {}
    for index, table in enumerate(data.tables):
        for row in table.rows:
            moment = citations.corrected(table.indicator.pk, table.year, row.area_id)
            if moment is not None:
                found[(row.area_key, index)] = german_date(moment)
    return found


def cited(data: TableData, citations: Citations | None) -> list:
    """The citations of the released columns; unreleased ones are never cited."""
    if citations is None:
        return []
    return citations.listed((table.indicator.pk, table.year) for table in data.tables)


def render_csv(
    data: TableData, *, number_format: str = "de", citations: Citations | None = None
) -> bytes:
    """UTF-8 with BOM (so that Excel reads umlauts); `;` and decimal comma for `de`.

    The table stays rectangular with plain numbers. After one empty line follows the notes
    block: each value corrected after its release (key, area, indicator, date) and the
    citation of each released column, one row each, as statistical offices end their CSVs.
    """
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=";" if number_format == "de" else ",", lineterminator="\r\n"
    )
    writer.writerow(headers(data))
    for row in rows(data):
        writer.writerow([row.key, row.name, *(_csv_cell(c, number_format) for c in row.cells)])
    notes = _csv_notes(data, citations)
    if notes:
        writer.writerow([])
        writer.writerows(notes)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_notes(data: TableData, citations: Citations | None) -> list[list[str]]:
    names = {row.area_key: row.area_name for row in data.tables[0].rows} if data.tables else {}
    notes = [
        [
            _("Corrected after the release"),
            key,
            names.get(key, ""),
            data.tables[index].indicator.name,
            _("corrected on %(date)s") % {"date": when},
        ]
        for (key, index), when in corrections(data, citations).items()
    ]
    notes += [[_("How to cite"), citation.text] for citation in cited(data, citations)]
    return notes


def _csv_cell(cell: Cell, number_format: str) -> str:
    if cell.number is None:
        return cell.text
    text = f"{cell.number:.{cell.decimals}f}"
    return text.replace(".", ",") if number_format == "de" else text


def render_xlsx(data: TableData, *, citations: Citations | None = None) -> bytes:
    """A sheet with the values (real numbers, shown with the indicator's decimals) and a sheet
    "Quellen" with the indicators' metadata and the source notes; with `citations` a sheet
    "Zitation" citing each released column, a comment "korrigiert am …" on every value changed
    after its release, and the citation hint in the printed footer."""
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
    corrected = corrections(data, citations)
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
            when = corrected.get((row.key, column - 3)) if row.kind == "area" else None
            if when:
                cell.comment = Comment(_("corrected on %(date)s") % {"date": when}, "KECK")
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
    _citation_sheet(workbook, data, citations, corrected, values_sheet=sheet)
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


def _citation_sheet(workbook, data: TableData, citations, corrected, *, values_sheet) -> None:
    """The sheet "Zitation": per released column its citation and parts, then the corrections."""
    listed = cited(data, citations)
    if not listed:
        return
    name = _("Citation")[:31]
    sheet = workbook.create_sheet(name)
    columns = [
        _("Indicator"),
        _("Year"),
        _("Released on"),
        _("Corrected on"),
        _("Data source"),
        _("Permanent URL"),
        _("How to cite"),
    ]
    for column, text in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E6EEF2")
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, citation in enumerate(listed, start=2):
        values = [
            citation.indicator,
            citation.year,
            citation.released_on,
            citation.corrected_on,
            citation.source,
            citation.url,
            citation.text,
        ]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=r, column=column, value=value).alignment = wrap
        sheet.cell(row=r, column=6).hyperlink = citation.url
    if corrected:
        names = {row.area_key: row.area_name for row in data.tables[0].rows}
        start = len(listed) + 3
        sheet.cell(
            row=start,
            column=1,
            value=corrected_note(
                [
                    (names.get(key, key), data.tables[index].indicator.name, when)
                    for (key, index), when in corrected.items()
                ]
            ),
        ).alignment = wrap
    for column, width in zip("ABCDEFG", (40, 8, 14, 14, 36, 44, 90), strict=True):
        sheet.column_dimensions[column].width = width
    # Printed pages name the citation too (Excel allows 255 characters per footer).
    footer = _("How to cite: see the sheet “%(sheet)s”") % {"sheet": name}
    if len(listed) == 1:
        footer = f"{footer} · {listed[0].url}"
    values_sheet.oddFooter.left.text = footer[:250]
    values_sheet.oddFooter.left.size = 8
