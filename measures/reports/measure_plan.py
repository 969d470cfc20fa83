"""The measure plan as a file: DOCX (docxtpl, landscape A4) with the table of domain.md §7 per
goal, and XLSX (openpyxl) with one row per measure.

Both show exactly the six columns of §7; the XLSX adds status, progress, areas and resources.
"""

from __future__ import annotations

import io

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import MEASURE_PLAN_TEMPLATE
from .data import MeasurePlan, PlanRow


def column_labels() -> list[str]:
    """The six columns of the measure plan (domain.md §7), in their order."""
    return [
        _("Measure (What?)"),
        _("Sub-steps (What exactly?)"),
        _("Responsibility (Who?)"),
        _("Support (With whom?)"),
        _("Deadline (By when?)"),
        _("Reference / content framework (Which goal is pursued?)"),
    ]


def plan_title(plan: MeasurePlan) -> str:
    return _("Measure plan")


def _subtitle(plan: MeasurePlan) -> str:
    if plan.conference is not None:
        return f"{plan.municipality.name} · {plan.conference.name}"
    return plan.municipality.name


def _created(plan: MeasurePlan) -> str:
    return _("as of %(date)s") % {"date": date_format(plan.created, "DATE_FORMAT")}


def file_name(plan: MeasurePlan, suffix: str) -> str:
    slug = plan.municipality.slug
    if plan.conference is not None:
        slug += f"-{plan.conference.pk}"
    return f"massnahmenplan-{slug}-{plan.created:%Y-%m-%d}.{suffix}"


# --------------------------------------------------------------------------------------------
# DOCX


def _row_context(row: PlanRow) -> dict:
    return {
        "title": row.title,
        "description": row.description,
        "status_line": row.status_line,
        "substeps": [step.line for step in row.substeps],
        "responsible": row.responsible,
        "support": row.support,
        "deadline": row.deadline,
        "reference": row.reference,
        "overdue": row.overdue,
    }


def docx_context(plan: MeasurePlan) -> dict:
    """The variables of templates/docx/measure_plan.docx (docs/reports.md)."""
    labels = column_labels()
    title = plan_title(plan)
    return {
        "title": title,
        "subtitle": _subtitle(plan),
        "municipality": plan.municipality.name,
        "conference": plan.conference.name if plan.conference is not None else "",
        "date": _created(plan),
        "groups": [
            {
                "title": group.title,
                "note": group.note,
                "rows": [_row_context(row) for row in group.rows],
            }
            for group in plan.groups
        ],
        "empty": not plan.groups,
        "footer": " · ".join([plan.municipality.name, title, _created(plan)]),
        "labels": {
            "measure": labels[0],
            "substeps": labels[1],
            "responsible": labels[2],
            "support": labels[3],
            "deadline": labels[4],
            "reference": labels[5],
            "none": _("No measures planned yet."),
        },
    }


def render_docx(plan: MeasurePlan) -> bytes:
    document = DocxTemplate(str(MEASURE_PLAN_TEMPLATE))
    document.render(docx_context(plan), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# XLSX

# Column widths in characters: the six columns of §7, status, progress, areas, resources.
XLSX_WIDTHS = (34, 48, 26, 28, 13, 40, 14, 11, 24, 36)
HEADER_FILL = PatternFill("solid", fgColor="E6EEF2")


def render_xlsx(plan: MeasurePlan) -> bytes:
    """One row per measure; sub-steps, supporters, goals and resources as lines in their cells,
    the deadline as a real date."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = plan_title(plan)[:31]
    header = column_labels() + [_("Status"), _("Progress (%)"), _("Areas"), _("Resources")]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in plan.rows:
        title = row.title + (f"\n{row.description}" if row.description else "")
        sheet.append(
            [
                title,
                "\n".join(step.line for step in row.substeps),
                row.responsible,
                row.support,
                row.deadline_date,
                "\n".join(row.goals),
                row.status + (f" ({_('overdue')})" if row.overdue else ""),
                row.progress,
                "\n".join(row.areas),
                "\n".join(row.resources),
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
        sheet.cell(row=sheet.max_row, column=5).number_format = "DD.MM.YYYY"
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"
    properties = workbook.properties
    properties.title = f"{plan_title(plan)} {_subtitle(plan)}"
    properties.creator = "KECK"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
