"""The interim report (Zwischenbericht) as a file: DOCX from a Word template (docxtpl) and PDF
(reportlab platypus), both from the same `InterimReport` and the same texts.

The Word template is the municipality's own when it has one
(`<MEDIA_ROOT>/templates/<slug>/interim_report.docx`, uploaded on the reports page), else
templates/docx/interim_report.docx; docs/reports.md lists its variables.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from accounts.models import Municipality

from . import INTERIM_REPORT_TEMPLATE
from .data import InterimReport

INK = colors.HexColor("#1f2a30")
MUTED = colors.HexColor("#5b6770")
ACCENT = colors.HexColor("#1d5c7a")
HEADER_FILL = colors.HexColor("#e6eef2")
RULE = colors.HexColor("#c9d2d8")
OVERDUE = colors.HexColor("#9a1b1b")
CHART_WIDTH_MM = 160
MAP_WIDTH_MM = 170


def own_template_path(municipality: Municipality) -> Path:
    """Where a municipality's own Word template lives (MEDIA_ROOT, outside the code)."""
    return Path(settings.MEDIA_ROOT) / "templates" / municipality.slug / "interim_report.docx"


def template_for(municipality: Municipality) -> Path:
    own = own_template_path(municipality)
    return own if own.is_file() else INTERIM_REPORT_TEMPLATE


def report_title(report: InterimReport) -> str:
    return _("Interim report")


def report_texts(report: InterimReport) -> dict:
    """Title, dates, headings and notes shared by the DOCX and the PDF."""
    created = date_format(report.created, "DATE_FORMAT")
    subtitle = report.municipality.name
    if report.conference is not None:
        subtitle += f" · {report.conference.name}"
    return {
        "title": report_title(report),
        "subtitle": subtitle,
        "municipality": report.municipality.name,
        "conference": report.conference.name if report.conference is not None else "",
        "date": _("as of %(date)s") % {"date": created},
        "goal_summary": report.goal_summary,
        "measure_summary": report.measure_summary,
        "footer": " · ".join([report.municipality.name, report_title(report), created]),
        "labels": {
            "summary": _("Summary"),
            "goals": _("Impact goals"),
            "goal_summary": _("Goals"),
            "measure_summary": _("Measures"),
            "measures": _("Measures"),
            "maps": _("Atlas maps"),
            "reflections": _("Reflections"),
            "serving_measures": _("Measures for this goal"),
            "substeps": _("Sub-steps"),
            "timeline": _("Latest entries of the timeline"),
            "no_updates": _("No entries in the timeline yet."),
            "no_goals": _("No impact goals yet."),
            "no_measures": _("No measures yet."),
            "no_reflections": _("No measure has been reflected on yet."),
            "serves": _("Serves"),
            "outcome": _("Result"),
            "reason": _("Why"),
            "lessons": _("Lessons learned"),
            "figure": _("Attainment"),
            "value": _("Value"),
        },
        "notes": [
            _("k. A.: not shown (data protection or not stated by the source). –: no value."),
            _(
                "Share of the way: how far the latest value has come from the baseline to the "
                "target. Forecast: the linear trend over the available years, at the deadline."
            ),
        ],
    }


# --------------------------------------------------------------------------------------------
# DOCX


def docx_context(report: InterimReport, document: DocxTemplate) -> dict:
    """The variables of the Word template (docs/reports.md); pictures as InlineImage."""
    context = report_texts(report)
    context.update(
        {
            "goals": [
                {
                    "title": goal.title,
                    "meta": goal.meta,
                    "status": goal.status,
                    "figures": [{"label": f.label, "value": f.value} for f in goal.figures],
                    "chart": (
                        InlineImage(document, io.BytesIO(goal.chart), width=Mm(CHART_WIDTH_MM))
                        if goal.chart
                        else ""
                    ),
                    "measures": ", ".join(goal.measures),
                }
                for goal in report.goals
            ],
            "measures": [
                {
                    "title": entry.row.title,
                    "meta": entry.meta,
                    "description": entry.row.description,
                    "goals": ", ".join(entry.row.goals),
                    "substeps": [step.line for step in entry.row.substeps],
                    "updates": [update.line for update in entry.updates],
                    "overdue": entry.row.overdue,
                }
                for entry in report.measures
            ],
            "maps": [
                {
                    "title": item.title,
                    "image": InlineImage(document, io.BytesIO(item.image), width=Mm(MAP_WIDTH_MM)),
                }
                for item in report.maps
            ],
            "reflections": [
                {
                    "title": item.title,
                    "outcome": item.outcome,
                    "reason": item.reason,
                    "lessons": item.lessons,
                }
                for item in report.reflections
            ],
        }
    )
    return context


def render_docx(report: InterimReport, *, template: Path | io.BytesIO | None = None) -> bytes:
    """The report from `template` (a path or a file object; default: templates/docx/)."""
    template = template or INTERIM_REPORT_TEMPLATE
    document = DocxTemplate(str(template) if isinstance(template, Path) else template)
    document.render(docx_context(report, document), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# PDF


def _styles() -> dict:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=20, leading=24),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=12, leading=16, textColor=MUTED),
        "meta": ParagraphStyle("meta", base, leading=13.5),
        "section": ParagraphStyle(
            "section",
            base,
            fontName="Helvetica-Bold",
            fontSize=14,
            leading=18,
            textColor=ACCENT,
            spaceBefore=14,
            spaceAfter=6,
        ),
        "item": ParagraphStyle(
            "item",
            base,
            fontName="Helvetica-Bold",
            fontSize=11,
            leading=14,
            spaceBefore=10,
            spaceAfter=2,
        ),
        "body": ParagraphStyle("body", base, spaceAfter=3),
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=11, textColor=MUTED),
        "bullet": ParagraphStyle("bullet", base, leftIndent=10, bulletIndent=0, spaceAfter=1),
        "cell": ParagraphStyle("cell", base, fontSize=9, leading=11.5),
        "cell_head": ParagraphStyle(
            "cell_head", base, fontName="Helvetica-Bold", fontSize=9, leading=11.5
        ),
        "overdue": ParagraphStyle(
            "overdue", base, fontName="Helvetica-Bold", fontSize=9, textColor=OVERDUE
        ),
    }


def _text(value) -> str:
    """Escaped for reportlab's paragraph markup, line breaks kept."""
    return escape(str(value or "")).replace("\n", "<br/>")


def _image(data: bytes, width: float) -> Image:
    """A PNG on a white page: without its alpha channel, which the PDF would carry as a second
    image (soft mask) for nothing."""
    picture = PILImage.open(io.BytesIO(data))
    if picture.mode != "RGB":
        flat = io.BytesIO()
        picture.convert("RGB").save(flat, format="PNG")
        data = flat.getvalue()
    pixels_wide, pixels_high = picture.size
    return Image(io.BytesIO(data), width=width, height=width * pixels_high / pixels_wide)


def _figures_table(goal, styles, width: float) -> Table:
    rows = [
        [
            Paragraph(_text(figure.label), styles["cell_head"]),
            Paragraph(_text(figure.value), styles["cell"]),
        ]
        for figure in goal.figures
    ]
    table = Table(rows, colWidths=[width * 0.38, width * 0.62])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def render_pdf(report: InterimReport) -> bytes:
    """A4 portrait: summary, goals with attainment table and chart, measures with their latest
    timeline entries, maps (one per page), reflections, notes."""
    texts = report_texts(report)
    labels = texts["labels"]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title=f"{texts['title']} – {texts['subtitle']}",
        author=report.municipality.name,
        creator="KECK",
    )
    width = A4[0] - document.leftMargin - document.rightMargin
    styles = _styles()
    story = [
        Paragraph(_text(texts["title"]), styles["title"]),
        Paragraph(_text(texts["subtitle"]), styles["subtitle"]),
        Spacer(1, 4),
        Paragraph(_text(texts["date"]), styles["meta"]),
        Paragraph(_text(labels["summary"]), styles["section"]),
    ]
    for label, summary in (
        (labels["goal_summary"], texts["goal_summary"]),
        (labels["measure_summary"], texts["measure_summary"]),
    ):
        if summary:
            story.append(Paragraph(f"<b>{_text(label)}:</b> {_text(summary)}", styles["body"]))

    story.append(Paragraph(_text(labels["goals"]), styles["section"]))
    if not report.goals:
        story.append(Paragraph(_text(labels["no_goals"]), styles["small"]))
    for goal in report.goals:
        block = [
            Paragraph(_text(goal.title), styles["item"]),
            Paragraph(_text(goal.meta), styles["small"]),
            Spacer(1, 3),
            _figures_table(goal, styles, width),
        ]
        if goal.chart:
            block += [Spacer(1, 4), _image(goal.chart, width)]
        story.append(KeepTogether(block))
        if goal.measures:
            story.append(
                Paragraph(
                    f"<b>{_text(labels['serving_measures'])}:</b> "
                    + _text(", ".join(goal.measures)),
                    styles["small"],
                )
            )

    story.append(Paragraph(_text(labels["measures"]), styles["section"]))
    if not report.measures:
        story.append(Paragraph(_text(labels["no_measures"]), styles["small"]))
    for entry in report.measures:
        block = [
            Paragraph(_text(entry.row.title), styles["item"]),
            Paragraph(_text(entry.meta), styles["overdue" if entry.row.overdue else "small"]),
        ]
        if entry.row.goals:
            block.append(
                Paragraph(
                    f"<b>{_text(labels['serves'])}:</b> {_text(', '.join(entry.row.goals))}",
                    styles["small"],
                )
            )
        if entry.row.description:
            block.append(Paragraph(_text(entry.row.description), styles["body"]))
        if entry.row.substeps:
            block.append(Paragraph(f"<b>{_text(labels['substeps'])}</b>", styles["body"]))
            block += [
                Paragraph(_text(step.line), styles["bullet"], bulletText="•")
                for step in entry.row.substeps
            ]
        block.append(Paragraph(f"<b>{_text(labels['timeline'])}</b>", styles["body"]))
        if entry.updates:
            block += [
                Paragraph(_text(update.line), styles["bullet"], bulletText="•")
                for update in entry.updates
            ]
        else:
            block.append(Paragraph(_text(labels["no_updates"]), styles["small"]))
        story.append(KeepTogether(block))

    for index, item in enumerate(report.maps):
        story.append(PageBreak())
        if index == 0:
            story.append(Paragraph(_text(labels["maps"]), styles["section"]))
        story += [Paragraph(_text(item.title), styles["item"]), _image(item.image, width)]

    story.append(Paragraph(_text(labels["reflections"]), styles["section"]))
    if not report.reflections:
        story.append(Paragraph(_text(labels["no_reflections"]), styles["small"]))
    for item in report.reflections:
        block = [
            Paragraph(_text(item.title), styles["item"]),
            Paragraph(f"<b>{_text(labels['outcome'])}:</b> {_text(item.outcome)}", styles["body"]),
        ]
        if item.reason:
            block.append(
                Paragraph(f"<b>{_text(labels['reason'])}:</b> {_text(item.reason)}", styles["body"])
            )
        if item.lessons:
            block.append(
                Paragraph(
                    f"<b>{_text(labels['lessons'])}:</b> {_text(item.lessons)}", styles["body"]
                )
            )
        story.append(KeepTogether(block))

    story.append(Spacer(1, 10))
    story += [Paragraph(_text(note), styles["small"]) for note in texts["notes"]]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(doc.leftMargin, 0.9 * cm, texts["footer"])
        canvas.drawRightString(
            A4[0] - doc.rightMargin, 0.9 * cm, _("Page %(number)d") % {"number": doc.page}
        )
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
