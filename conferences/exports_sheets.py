"""A reflection sheet as a file: DOCX (python-docx, built directly: the sheet's structure varies
with its catalogue) and XLSX (one worksheet of agreed answers, one of individual answers)."""

from __future__ import annotations

import io

from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .selectors_sheets import SheetContent, answer_label
from .services_sheets import display_name

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INK = RGBColor(0x1F, 0x2A, 0x30)
MUTED = RGBColor(0x5B, 0x67, 0x70)
ACCENT = RGBColor(0x1D, 0x5C, 0x7A)
HEADER_FILL = "E6EEF2"
AGREED_FILL = "F3F7F9"


def file_name(content: SheetContent, extension: str) -> str:
    return f"{slugify(content.sheet.title)[:80] or 'reflexionsbogen'}.{extension}"


def sheet_facts(content: SheetContent) -> list[tuple[str, str]]:
    """The lines below the title: catalogue version, cycle, conference, state."""
    sheet = content.sheet
    facts = [
        (
            _("Catalogue"),
            _("%(title)s, version %(version)s")
            % {"title": sheet.catalogue.title, "version": sheet.catalogue.version},
        ),
    ]
    cycle = sheet.cycle_label or (str(sheet.cycle_number) if sheet.cycle_number else "")
    if cycle:
        facts.append((_("Cycle"), cycle))
    if sheet.conference:
        facts.append((_("Conference"), str(sheet.conference)))
    if sheet.session:
        facts.append((_("Session"), date_format(sheet.session.starts_at, "SHORT_DATETIME_FORMAT")))
    state = sheet.get_state_display()
    if sheet.closed_at:
        state = _("closed on %(date)s") % {
            "date": date_format(sheet.closed_at, "SHORT_DATE_FORMAT")
        }
    facts.append((_("State"), state))
    if content.respondents:
        facts.append(
            (_("Respondents"), ", ".join(display_name(user) for user in content.respondents))
        )
    return facts


def choice_text(answer) -> str:
    """Ticked options and the "other" text, one line."""
    if answer is None:
        return ""
    parts = list(answer.choices)
    if answer.other_text:
        parts.append(_("Other: %(text)s") % {"text": answer.other_text})
    return "; ".join(parts)


# --- DOCX ----------------------------------------------------------------------------------


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _write(cell, text: str, *, bold: bool = False, italic: bool = False, muted: bool = False):
    paragraph = cell.paragraphs[0]
    lines = (text or "").split("\n")
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold, run.italic = bold, italic
        run.font.color.rgb = MUTED if muted else INK
        if index < len(lines) - 1:
            run.add_break()


def _widths(table, widths) -> None:
    """Column widths in the table grid and in every cell: Word reads the cells, LibreOffice
    the grid."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _answer_text(answer) -> str:
    return answer_label(answer.answer) if answer is not None else ""


def _explanation_text(answer) -> str:
    if answer is None:
        return ""
    choices = choice_text(answer)
    if choices:
        choices = _("Checklist: %(choices)s") % {"choices": choices}
    return "\n".join(part for part in (answer.explanation, choices) if part)


WIDTHS = (Cm(1.2), Cm(5.2), Cm(2.6), Cm(15.5))


def render_docx(content: SheetContent, *, created_note: str) -> bytes:
    """A4 landscape: title, facts, then per section a table of its questions, each with the
    agreed answer (shaded) and the individual answers below it."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)

    heading = document.add_heading(content.sheet.title, level=0)
    for run in heading.runs:
        run.font.color.rgb = ACCENT
    facts = document.add_table(rows=0, cols=2)
    for label, value in sheet_facts(content):
        cells = facts.add_row().cells
        _write(cells[0], label, bold=True)
        _write(cells[1], value)
    _widths(facts, (Cm(4), Cm(20.5)))
    if content.sheet.catalogue.description:
        document.add_paragraph(content.sheet.catalogue.description).runs[0].italic = True

    for group in content.sections:
        title = document.add_heading(f"{group.number}. {group.section.title}", level=1)
        for run in title.runs:
            run.font.color.rgb = ACCENT
        if group.section.intro:
            document.add_paragraph(group.section.intro)
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        header = table.rows[0]
        _repeat_header(header)
        for cell, text in zip(
            header.cells,
            (_("No."), _("Question / answer of"), _("Yes / No"), _("Explanation and checklist")),
            strict=True,
        ):
            _write(cell, text, bold=True)
            _shade(cell, HEADER_FILL)
        for row in group.rows:
            question = row.question
            cells = table.add_row().cells
            _write(cells[0], row.number, bold=True)
            merged = cells[1].merge(cells[3])
            _write(merged, question.text, bold=True)
            if question.help:
                merged.add_paragraph().add_run(question.help).italic = True
            if question.options:
                note = merged.add_paragraph().add_run(
                    _("Options: %(options)s") % {"options": "; ".join(question.options)}
                )
                note.font.color.rgb = MUTED
            cells = table.add_row().cells
            _write(cells[1], _("Agreed answer"), bold=True)
            if row.agreed is None:
                _write(cells[3], _("no agreed answer yet"), italic=True, muted=True)
            else:
                _write(cells[2], _answer_text(row.agreed), bold=True)
                _write(cells[3], _explanation_text(row.agreed))
            for cell in cells:
                _shade(cell, AGREED_FILL)
            for response in row.responses:
                cells = table.add_row().cells
                _write(cells[1], display_name(response.respondent))
                _write(cells[2], _answer_text(response))
                _write(cells[3], _explanation_text(response))
        _widths(table, WIDTHS)
    footer = section.footer.paragraphs[0]
    footer.text = created_note
    footer.runs[0].font.size = Pt(8)
    footer.runs[0].font.color.rgb = MUTED
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- XLSX ----------------------------------------------------------------------------------


def _header(worksheet, columns: list[tuple[str, int]]) -> None:
    for index, (text, width) in enumerate(columns, start=1):
        cell = worksheet.cell(row=1, column=index, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        worksheet.column_dimensions[cell.column_letter].width = width
    worksheet.freeze_panes = "A2"
    worksheet.auto_filter.ref = worksheet.dimensions


def _row(worksheet, values: list) -> None:
    worksheet.append(values)
    for cell in worksheet[worksheet.max_row]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def render_xlsx(content: SheetContent) -> bytes:
    """Sheet 1: one row per question with the agreed answer. Sheet 2: one row per individual
    answer. Plain columns so the file can be filtered and compared."""
    workbook = Workbook()
    agreed = workbook.active
    agreed.title = _("Agreed answers")[:31]
    base = [
        (_("No."), 7),
        (_("Section"), 28),
        (_("Question"), 60),
    ]
    fields = [
        (_("Yes / No"), 14),
        (_("Explanation of content"), 70),
        (_("Checklist"), 40),
        (_("Other"), 24),
    ]
    _header(agreed, base + fields)
    individual = workbook.create_sheet(_("Individual answers")[:31])
    _header(individual, [*base, (_("Respondent"), 24), *fields])
    for group in content.sections:
        for row in group.rows:
            start = [row.number, group.section.title, row.question.text]
            answer = row.agreed
            _row(
                agreed,
                start
                + (
                    [
                        _answer_text(answer),
                        answer.explanation,
                        "; ".join(answer.choices),
                        answer.other_text,
                    ]
                    if answer
                    else ["", "", "", ""]
                ),
            )
            for response in row.responses:
                _row(
                    individual,
                    start
                    + [
                        display_name(response.respondent),
                        _answer_text(response),
                        response.explanation,
                        "; ".join(response.choices),
                        response.other_text,
                    ],
                )
    for worksheet in (agreed, individual):
        worksheet.auto_filter.ref = worksheet.dimensions
    workbook.properties.title = content.sheet.title
    workbook.properties.creator = "KECK"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
