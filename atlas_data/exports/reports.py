"""The area report as a file: DOCX from a Word template (docxtpl) and PDF (reportlab platypus).

Both get the same `AreaReport` and the same texts (`report_texts`); the DOCX template and its
variables are described in docs/reports.md.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..aggregation import COMPUTED, UNWEIGHTED_MEAN
from ..citation import Citations, german_date
from ..selectors_report import AreaReport, ReportCell, ReportRow
from . import CORRECTED_MARK, build_pdf, corrected_note, data_note

DOCX_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "docx" / "area_report.docx"
# Marks after a reference value that was not published by the data holder.
REFERENCE_MARKS = {COMPUTED: "¹", UNWEIGHTED_MEAN: "²"}

INK = colors.HexColor("#1f2a30")
MUTED = colors.HexColor("#5b6770")
ACCENT = colors.HexColor("#1d5c7a")
HEADER_FILL = colors.HexColor("#e6eef2")
STRIPE = colors.HexColor("#f6f8f9")
RULE = colors.HexColor("#c9d2d8")


def report_title(report: AreaReport) -> str:
    return _("Area report %(year)s") % {"year": report.year}


def corrections(report: AreaReport, citations: Citations | None) -> dict[tuple[int, int], str]:
    """(indicator id, area id) -> date text of the report year's values corrected after release."""
    if citations is None:
        return {}
    found = {}
    for row in (row for topic in report.topics for row in topic.rows):
        for area in report.areas:
            moment = citations.corrected(row.indicator.pk, report.year, area.pk)
            if moment is not None:
                found[(row.indicator.pk, area.pk)] = german_date(moment)
    return found


def report_texts(report: AreaReport, citations: Citations | None = None) -> dict:
    """Title, notes, sources and citations shared by the page, the DOCX and the PDF.

    `citations` (atlas_data.citation) cites the released indicators of the report year and
    marks their values corrected after the release; unreleased ones are never cited.
    """
    today = date_format(date.today(), "DATE_FORMAT")
    notes = [
        _("k. A.: not shown (data protection or not stated by the source). –: no value."),
        _(
            "Change: the difference to the comparison year (the latest earlier year with "
            "values) between the numbers as shown; shares in percentage points (pp.)."
        ),
    ]
    if report.reference_name:
        notes.append(
            _(
                "Reference: the value of %(municipality)s as published by the data holder; "
                "¹ computed from the areas below; ² unweighted mean of the areas."
            )
            % {"municipality": report.reference_name}
        )
    note = data_note(report.indicators, report.value_notes)
    if note:
        notes.append(note)
    corrected = corrections(report, citations)
    if corrected:
        names = {area.pk: area.name for area in report.areas}
        indicators = {indicator.pk: indicator.name for indicator in report.indicators}
        notes.append(
            corrected_note(
                [
                    (names[area], indicators[indicator], when)
                    for (indicator, area), when in corrected.items()
                ]
            )
        )
    sources = []
    for indicator in report.indicators:
        parts = [
            (_("Definition"), indicator.definition),
            (_("Data source"), indicator.data_source),
            (_("Data holder"), indicator.data_holder),
            (_("Reference date"), indicator.reference_date),
        ]
        sources.append(
            {
                "indicator": indicator.name,
                "text": "; ".join(
                    f"{label}: {value.strip().rstrip('.')}" for label, value in parts if value
                )
                + ".",
            }
        )
    internal = [
        str(row.indicator) for topic in report.topics for row in topic.rows if not row.released
    ]
    return {
        "title": report_title(report),
        "subtitle": report.municipality.name,
        "date": today,
        "area_names": ", ".join(area.name for area in report.areas),
        "internal_note": (
            _("Internal – not released for publication: %(indicators)s")
            % {"indicators": ", ".join(internal)}
            if internal
            else ""
        ),
        "notes": notes,
        "sources": sources,
        "citations": [
            citation.text
            for citation in (
                citations.listed((i.pk, report.year) for i in report.indicators)
                if citations
                else []
            )
        ],
        "corrected": corrected,
        "footer": " · ".join(
            [
                report.municipality.name,
                report_title(report),
                _("created on %(date)s") % {"date": today},
            ]
        ),
        "labels": {
            "areas": _("Areas"),
            "date": _("Date"),
            "indicator": _("Indicator"),
            "comparison_year": _("Compared with"),
            "reference": report.reference_name or _("Reference"),
            "value": str(report.year),
            "change": _("Difference"),
            "notes": _("Notes"),
            "sources": _("Sources"),
            "citation": _("How to cite"),
            "reading": _(
                "Each cell shows the value of %(year)s and below it the change since the "
                "comparison year."
            )
            % {"year": report.year},
        },
    }


def reference_text(row: ReportRow) -> str:
    if row.reference is None:
        return ""
    return row.reference.shown.display + REFERENCE_MARKS.get(row.reference_kind or "", "")


# --------------------------------------------------------------------------------------------
# DOCX


def docx_context(report: AreaReport, citations: Citations | None = None) -> dict:
    """The variables of the Word template (docs/reports.md), all plain strings and lists."""
    context = report_texts(report, citations)
    corrected = context.pop("corrected")
    context.update(
        {
            "municipality": report.municipality.name,
            "year": report.year,
            "areas": [
                {"name": area.name, "key": area.key, "level": area.level.name}
                for area in report.areas
            ],
            "topics": [
                {
                    "name": topic.name,
                    "rows": [
                        {
                            "label": row.label,
                            "indicator": row.indicator.name,
                            "unit": row.indicator.unit,
                            "previous_year": row.previous_year or "",
                            "cells": [
                                _cell(cell, (row.indicator.pk, area.pk) in corrected)
                                for cell, area in zip(row.cells, report.areas, strict=True)
                            ],
                            "reference": {
                                "value": reference_text(row),
                                "change": row.reference.change.text if row.reference else "",
                            },
                        }
                        for row in topic.rows
                    ],
                }
                for topic in report.topics
            ],
        }
    )
    return context


def _cell(cell: ReportCell, corrected: bool = False) -> dict:
    value = cell.shown.display + (CORRECTED_MARK if corrected else "")
    return {"value": value, "change": cell.change.text}


def render_docx(
    report: AreaReport, *, template: Path | None = None, citations: Citations | None = None
) -> bytes:
    document = DocxTemplate(str(template or DOCX_TEMPLATE))
    document.render(docx_context(report, citations), autoescape=True)
    _grid_from_cells(document.docx)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _grid_from_cells(document) -> None:
    """Give each table's grid the widths of its first row's cells.

    The column loop repeats the area cell with its width, but the table grid keeps the
    template's columns (including those of the vanished tag cells); Word follows the cells,
    LibreOffice the grid.
    """
    for table in document.tables:
        columns = table._tbl.tblGrid.gridCol_lst
        widths = [cell.width for cell in table.rows[0].cells]
        if len(columns) != len(widths) or None in widths:
            continue
        for column, width in zip(columns, widths, strict=True):
            column.w = width


# --------------------------------------------------------------------------------------------
# PDF


def _styles():
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=9, leading=11.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=20, leading=24),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=12, leading=16, textColor=MUTED),
        "meta": ParagraphStyle("meta", base, fontSize=9.5, leading=13),
        "internal": ParagraphStyle(
            "internal", base, fontName="Helvetica-Bold", textColor=colors.HexColor("#9a1b1b")
        ),
        "topic": ParagraphStyle(
            "topic",
            base,
            fontName="Helvetica-Bold",
            fontSize=12,
            leading=15,
            textColor=ACCENT,
            spaceBefore=12,
            spaceAfter=5,
        ),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", base, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5),
        "head_right": ParagraphStyle(
            "head_right",
            base,
            fontName="Helvetica-Bold",
            fontSize=8.5,
            leading=10.5,
            alignment=TA_RIGHT,
        ),
        "small": ParagraphStyle("small", base, fontSize=8, leading=10.5, textColor=MUTED),
        "small_head": ParagraphStyle(
            "small_head", base, fontName="Helvetica-Bold", fontSize=7.5, leading=9
        ),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName="Helvetica-Bold",
            fontSize=11,
            leading=14,
            spaceBefore=14,
            spaceAfter=4,
        ),
    }


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_pdf(report: AreaReport, *, citations: Citations | None = None) -> bytes:
    """A4 portrait for one or two areas, landscape for three: a table per topic, then notes,
    sources and the citations of the released indicators."""
    texts = report_texts(report, citations)
    page = landscape(A4) if len(report.areas) >= 3 else A4
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.6 * cm,
        title=texts["title"],
        author=report.municipality.name,
        subject=texts["area_names"],
        creator="KECK",
    )
    styles = _styles()
    story = [
        Paragraph(_escape(texts["title"]), styles["title"]),
        Paragraph(_escape(texts["subtitle"]), styles["subtitle"]),
        Spacer(1, 4),
        Paragraph(
            f"<b>{_escape(texts['labels']['areas'])}:</b> {_escape(texts['area_names'])}",
            styles["meta"],
        ),
        Paragraph(
            f"<b>{_escape(texts['labels']['date'])}:</b> {_escape(texts['date'])}", styles["meta"]
        ),
    ]
    if texts["internal_note"]:
        story += [Spacer(1, 4), Paragraph(_escape(texts["internal_note"]), styles["internal"])]
    story.append(Spacer(1, 6))
    width = page[0] - document.leftMargin - document.rightMargin
    for topic in report.topics:
        table = _topic_table(report, topic, styles, width, texts["corrected"])
        story.append(KeepTogether([Paragraph(_escape(topic.name), styles["topic"]), table]))
    if not report.topics:
        story.append(
            Paragraph(_escape(_("No indicator has values for this year.")), styles["meta"])
        )
    story.append(Paragraph(_escape(texts["labels"]["notes"]), styles["heading"]))
    for note in texts["notes"]:
        story.append(Paragraph("• " + _escape(note), styles["small"]))
    story.append(Paragraph(_escape(texts["labels"]["sources"]), styles["heading"]))
    for source in texts["sources"]:
        story.append(
            Paragraph(
                f"<b>{_escape(source['indicator'])}</b>: {_escape(source['text'])}", styles["small"]
            )
        )
    if texts["citations"]:
        story.append(Paragraph(_escape(texts["labels"]["citation"]), styles["heading"]))
        for citation in texts["citations"]:
            story.append(Paragraph(_escape(citation), styles["small"]))

    build_pdf(document, story, footer=texts["footer"], size=7.5, rise=0.9 * cm)
    return buffer.getvalue()


def _topic_table(report: AreaReport, topic, styles, width: float, corrected: dict) -> Table:
    """Indicator, comparison year, value and change per area and of the reference."""
    groups = [area.name for area in report.areas]
    if report.reference_name:
        groups.append(report.reference_name)
    name_width = width * (0.3 if len(groups) <= 3 else 0.26)
    year_width = 1.7 * cm
    number_width = (width - name_width - year_width) / (2 * len(groups))
    head = [
        Paragraph(_escape(_("Indicator")), styles["head"]),
        Paragraph(_escape(_("Compared with")), styles["small_head"]),
    ]
    sub = ["", ""]
    for group in groups:
        head += [Paragraph(_escape(group), styles["head_right"]), ""]
        sub += [str(report.year), _("Difference")]
    rows = [head, sub]
    for row in topic.rows:
        line = [Paragraph(_escape(row.label), styles["cell"]), str(row.previous_year or "–")]
        for cell, area in zip(row.cells, report.areas, strict=True):
            mark = CORRECTED_MARK if (row.indicator.pk, area.pk) in corrected else ""
            line += [cell.shown.display + mark, cell.change.text]
        if report.reference_name:
            line += [reference_text(row), row.reference.change.text if row.reference else ""]
        rows.append(line)
    table = Table(
        rows,
        colWidths=[name_width, year_width] + [number_width] * (2 * len(groups)),
        repeatRows=2,
    )
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 1), HEADER_FILL),
        ("FONT", (0, 1), (-1, 1), "Helvetica", 7.5),
        ("TEXTCOLOR", (0, 1), (-1, 1), MUTED),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ("ALIGN", (1, 2), (1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 1), (-1, 1), 0.8, ACCENT),
        ("LINEBELOW", (0, 2), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("TEXTCOLOR", (1, 2), (1, -1), MUTED),
    ]
    for index in range(len(groups)):
        value_column = 2 + 2 * index
        style += [
            ("SPAN", (value_column, 0), (value_column + 1, 0)),
            ("FONT", (value_column, 2), (value_column, -1), "Helvetica-Bold", 8.5),
            ("TEXTCOLOR", (value_column + 1, 2), (value_column + 1, -1), MUTED),
            ("LINEBEFORE", (value_column, 0), (value_column, -1), 0.3, RULE),
        ]
    for index in range(2, len(rows)):
        if index % 2:
            style.append(("BACKGROUND", (0, index), (-1, index), STRIPE))
    table.setStyle(TableStyle(style))
    return table
