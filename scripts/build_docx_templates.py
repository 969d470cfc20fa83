"""Builds the default Word templates: the area report (templates/docx/area_report.docx), the
minutes of a conference session (templates/docx/minutes.docx), the measure plan and the interim
report (measure_plan.docx, interim_report.docx) and the institution profile
(institution_profile.docx), one function per template.

Run `.venv/bin/python scripts/build_docx_templates.py [NAME …]` (names: area_report, minutes,
measure_plan, interim_report, institution_profile; none: all) after changing this script and
commit both. The templates hold Jinja tags that docxtpl renders (docs/reports.md,
docs/conferences.md and docs/network.md list the variables); a municipality may replace a file
with its own, edited in Word, as long as it keeps the tags.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TARGET = Path(__file__).resolve().parent.parent / "templates" / "docx" / "area_report.docx"
MINUTES_TARGET = TARGET.with_name("minutes.docx")
INK = RGBColor(0x1F, 0x2A, 0x30)
MUTED = RGBColor(0x5B, 0x67, 0x70)
ACCENT = RGBColor(0x1D, 0x5C, 0x7A)
HEADER_FILL = "E6EEF2"
# Column widths in cm: indicator, comparison year, loop start, one area (repeated per area by
# docxtpl), loop end, reference. The tag cells vanish when the template is rendered.
WIDTHS = (5.5, 1.5, 0.2, 2.5, 0.2, 2.5)


def shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def write(paragraph, text: str, *, bold=False, size=None, colour=None, align=None):
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    if align is not None:
        paragraph.alignment = align
    return run


def cell_text(cell, text: str, **options) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    write(paragraph, text, **options)


def tag_paragraph(document, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag (`{%p … %}`): it vanishes on render."""
    document.add_paragraph(tag)


def new_document() -> Document:
    """An A4 portrait document in Arial with KECK's heading colours and the footer tag."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)

    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    normal.font.color.rgb = INK
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = ACCENT if name != "Title" else INK
        style.font.bold = True

    footer = section.footer.paragraphs[0]
    write(footer, "{{ footer }}", size=8, colour=MUTED)
    return document


def build() -> Document:
    document = new_document()
    document.add_paragraph("{{ title }}", style="Title")
    subtitle = document.add_paragraph()
    write(subtitle, "{{ subtitle }}", size=12, colour=MUTED)
    meta = document.add_paragraph()
    write(meta, "{{ labels.areas }}: ", bold=True)
    write(meta, "{{ area_names }}")
    meta = document.add_paragraph()
    write(meta, "{{ labels.date }}: ", bold=True)
    write(meta, "{{ date }}")
    tag_paragraph(document, "{%p if internal_note %}")
    internal = document.add_paragraph()
    write(internal, "{{ internal_note }}", bold=True, colour=RGBColor(0x9A, 0x1B, 0x1B))
    tag_paragraph(document, "{%p endif %}")
    intro = document.add_paragraph()
    write(intro, "{{ labels.reading }}", size=9, colour=MUTED)

    tag_paragraph(document, "{%p for topic in topics %}")
    document.add_paragraph("{{ topic.name }}", style="Heading 2")
    table = document.add_table(rows=4, cols=6)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, opening, body, closing = table.rows
    repeat_as_header(header)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    cell_text(header.cells[0], "{{ labels.indicator }}", bold=True)
    cell_text(header.cells[1], "{{ labels.comparison_year }}", bold=True, size=8)
    # docxtpl column tags: the cells holding them vanish, the cell between repeats per area.
    header.cells[2].text = "{%tc for area in areas %}"
    cell_text(header.cells[3], "{{ area.name }}", bold=True, align=right)
    header.cells[4].text = "{%tc endfor %}"
    cell_text(header.cells[5], "{{ labels.reference }}", bold=True, align=right)
    for cell in header.cells:
        shade(cell, HEADER_FILL)
    # docxtpl row tags: the rows holding them vanish, the row between repeats per indicator.
    opening.cells[0].text = "{%tr for row in topic.rows %}"
    closing.cells[0].text = "{%tr endfor %}"
    cell_text(body.cells[0], "{{ row.label }}")
    cell_text(body.cells[1], "{{ row.previous_year }}", size=8, colour=MUTED)
    body.cells[2].text = "{%tc for cell in row.cells %}"
    cell_text(body.cells[3], "{{ cell.value }}", bold=True, align=right)
    write(body.cells[3].add_paragraph(), "{{ cell.change }}", size=8, colour=MUTED, align=right)
    body.cells[4].text = "{%tc endfor %}"
    cell_text(body.cells[5], "{{ row.reference.value }}", align=right)
    write(
        body.cells[5].add_paragraph(),
        "{{ row.reference.change }}",
        size=8,
        colour=MUTED,
        align=right,
    )
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS, strict=True):
            cell.width = Cm(width)
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, WIDTHS, strict=True):
        column.w = Cm(width)
    tag_paragraph(document, "{%p endfor %}")

    document.add_paragraph("{{ labels.notes }}", style="Heading 2")
    tag_paragraph(document, "{%p for note in notes %}")
    document.add_paragraph("{{ note }}", style="List Bullet")
    tag_paragraph(document, "{%p endfor %}")

    document.add_paragraph("{{ labels.sources }}", style="Heading 2")
    tag_paragraph(document, "{%p for source in sources %}")
    line = document.add_paragraph()
    line.paragraph_format.space_after = Pt(4)
    write(line, "{{ source.indicator }}: ", bold=True, size=9)
    write(line, "{{ source.text }}", size=9)
    tag_paragraph(document, "{%p endfor %}")
    citation_section(document, size=9)
    return document


def citation_section(document, *, size: float, colour=None) -> None:
    """`labels.citation` and one paragraph per line of `citations`, only where there are any
    (released indicator years; unreleased data is never cited)."""
    tag_paragraph(document, "{%p if citations %}")
    document.add_paragraph("{{ labels.citation }}", style="Heading 2")
    tag_paragraph(document, "{%p for citation in citations %}")
    line = document.add_paragraph()
    line.paragraph_format.space_after = Pt(2)
    write(line, "{{ citation }}", size=size, colour=colour)
    tag_paragraph(document, "{%p endfor %}")
    tag_paragraph(document, "{%p endif %}")


# Column widths of the minutes' tables in cm (17 cm between the margins).
ATTENDANCE_WIDTHS = (5.0, 4.2, 4.8, 3.0)
ACTION_ITEM_WIDTHS = (1.0, 3.8, 7.2, 2.4, 2.6)


def loop_table(document, header: list[str], body: list[str], loop: str, widths) -> None:
    """A table whose body row repeats per element of `loop` ("row in rows"), header on top of
    every page; the rows holding the docxtpl tags vanish on render."""
    table = document.add_table(rows=4, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head, opening, row, closing = table.rows
    repeat_as_header(head)
    for cell, text in zip(head.cells, header, strict=True):
        cell_text(cell, text, bold=True)
        shade(cell, HEADER_FILL)
    opening.cells[0].text = "{%tr for " + loop + " %}"
    closing.cells[0].text = "{%tr endfor %}"
    for cell, text in zip(row.cells, body, strict=True):
        cell_text(cell, text)
    # Word reads the cell widths, LibreOffice the table grid: set both, and no autofit.
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Cm(width)
    for table_row in table.rows:
        for cell, width in zip(table_row.cells, widths, strict=True):
            cell.width = Cm(width)


def build_minutes() -> Document:
    """The minutes of a session: head, attendance, agenda with minutes, decisions, action items."""
    document = new_document()
    document.add_paragraph("{{ title }}: {{ conference.name }}", style="Title")
    subtitle = document.add_paragraph()
    write(subtitle, "{{ municipality }}", size=12, colour=MUTED)
    for label, value, condition in (
        ("labels.kind", "conference.kind", None),
        ("labels.areas", "conference.areas", "conference.areas"),
        ("labels.date", "session.when", None),
        ("labels.place", "session.place", "session.place"),
        ("labels.coordinator", "conference.coordinator", "conference.coordinator"),
    ):
        if condition:
            tag_paragraph(document, "{%p if " + condition + " %}")
        meta = document.add_paragraph()
        meta.paragraph_format.space_after = Pt(2)
        write(meta, "{{ " + label + " }}: ", bold=True)
        write(meta, "{{ " + value + " }}")
        if condition:
            tag_paragraph(document, "{%p endif %}")

    document.add_paragraph("{{ labels.attendance }}", style="Heading 1")
    loop_table(
        document,
        [
            "{{ labels.name }}",
            "{{ labels.function }}",
            "{{ labels.institution }}",
            "{{ labels.status }}",
        ],
        ["{{ row.name }}", "{{ row.function }}", "{{ row.institution }}", "{{ row.status }}"],
        "row in attendance",
        ATTENDANCE_WIDTHS,
    )

    document.add_paragraph("{{ labels.agenda }}", style="Heading 1")
    tag_paragraph(document, "{%p for item in agenda %}")
    document.add_paragraph("{{ item.number }}. {{ item.title }}", style="Heading 2")
    for field in ("carried_over", "description"):
        tag_paragraph(document, "{%p if item." + field + " %}")
        write(document.add_paragraph(), "{{ item." + field + " }}", size=9, colour=MUTED)
        tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p if item.bookmark %}")
    line = document.add_paragraph()
    write(line, "{{ labels.bookmark }}: ", size=9, colour=MUTED)
    write(line, "{{ item.bookmark }}", size=9)
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p if item.minutes %}")
    document.add_paragraph("{{ item.minutes }}")
    tag_paragraph(document, "{%p else %}")
    write(document.add_paragraph(), "{{ labels.no_minutes }}", colour=MUTED)
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p endfor %}")

    document.add_paragraph("{{ labels.decisions }}", style="Heading 1")
    tag_paragraph(document, "{%p for decision in decisions %}")
    document.add_paragraph("{{ decision }}", style="List Bullet")
    tag_paragraph(document, "{%p endfor %}")
    tag_paragraph(document, "{%p if not decisions %}")
    write(document.add_paragraph(), "{{ labels.no_decisions }}", colour=MUTED)
    tag_paragraph(document, "{%p endif %}")

    document.add_paragraph("{{ labels.action_items }}", style="Heading 1")
    loop_table(
        document,
        [
            "{{ labels.number }}",
            "{{ labels.who }}",
            "{{ labels.what }}",
            "{{ labels.due }}",
            "{{ labels.status }}",
        ],
        [
            "{{ item.number }}",
            "{{ item.who }}",
            "{{ item.what }}",
            "{{ item.due }}{% if item.overdue %} ({{ labels.overdue }}){% endif %}",
            "{{ item.status }}",
        ],
        "item in action_items",
        ACTION_ITEM_WIDTHS,
    )
    return document


# The measure plan: landscape A4, 26.7 cm between the margins, the six columns of domain.md §7.
MEASURE_PLAN_TARGET = TARGET.with_name("measure_plan.docx")
MEASURE_PLAN_WIDTHS = (5.0, 6.6, 3.8, 3.8, 2.2, 5.3)


def build_measure_plan() -> Document:
    """The measure plan: per goal a heading and the table of §7 (measure with status and
    progress, sub-steps as paragraphs with responsible person and deadline)."""
    document = new_document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.5)
    document.add_paragraph("{{ title }}", style="Title")
    subtitle = document.add_paragraph()
    write(subtitle, "{{ subtitle }}", size=12, colour=MUTED)
    write(document.add_paragraph(), "{{ date }}", size=9, colour=MUTED)
    tag_paragraph(document, "{%p if empty %}")
    write(document.add_paragraph(), "{{ labels.none }}", colour=MUTED)
    tag_paragraph(document, "{%p endif %}")

    tag_paragraph(document, "{%p for group in groups %}")
    document.add_paragraph("{{ group.title }}", style="Heading 2")
    tag_paragraph(document, "{%p if group.note %}")
    write(document.add_paragraph(), "{{ group.note }}", size=9, colour=MUTED)
    tag_paragraph(document, "{%p endif %}")
    table = document.add_table(rows=4, cols=6)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head, opening, row, closing = table.rows
    repeat_as_header(head)
    for cell, label in zip(
        head.cells,
        ("measure", "substeps", "responsible", "support", "deadline", "reference"),
        strict=True,
    ):
        cell_text(cell, "{{ labels." + label + " }}", bold=True, size=9)
        shade(cell, HEADER_FILL)
    opening.cells[0].text = "{%tr for row in group.rows %}"
    closing.cells[0].text = "{%tr endfor %}"
    measure = row.cells[0]
    cell_text(measure, "{{ row.title }}", bold=True, size=9)
    write(measure.add_paragraph(), "{{ row.status_line }}", size=8, colour=MUTED)
    steps = row.cells[1]
    steps.paragraphs[0].text = "{%p for step in row.substeps %}"
    write(steps.add_paragraph(), "{{ step }}", size=8.5)
    steps.add_paragraph("{%p endfor %}")
    steps.add_paragraph("{%p if not row.substeps %}")
    write(steps.add_paragraph(), "–", size=8.5, colour=MUTED)
    steps.add_paragraph("{%p endif %}")
    for cell, value in zip(
        row.cells[2:],
        ("row.responsible", "row.support", "row.deadline", "row.reference"),
        strict=True,
    ):
        cell_text(cell, "{{ " + value + " }}", size=8.5)
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, MEASURE_PLAN_WIDTHS, strict=True):
        column.w = Cm(width)
    for table_row in table.rows:
        for cell, width in zip(table_row.cells, MEASURE_PLAN_WIDTHS, strict=True):
            cell.width = Cm(width)
    tag_paragraph(document, "{%p endfor %}")
    return document


INTERIM_REPORT_TARGET = TARGET.with_name("interim_report.docx")
FIGURE_WIDTHS = (6.0, 11.0)


def build_interim_report() -> Document:
    """The interim report: summary, goals with attainment table and chart, measures with the
    latest timeline entries, atlas maps, reflections, notes."""
    document = new_document()
    document.add_paragraph("{{ title }}", style="Title")
    subtitle = document.add_paragraph()
    write(subtitle, "{{ subtitle }}", size=12, colour=MUTED)
    write(document.add_paragraph(), "{{ date }}", size=9, colour=MUTED)

    document.add_paragraph("{{ labels.summary }}", style="Heading 1")
    for label, value in (
        ("labels.goal_summary", "goal_summary"),
        ("labels.measure_summary", "measure_summary"),
    ):
        tag_paragraph(document, "{%p if " + value + " %}")
        line = document.add_paragraph()
        write(line, "{{ " + label + " }}: ", bold=True)
        write(line, "{{ " + value + " }}")
        tag_paragraph(document, "{%p endif %}")

    document.add_paragraph("{{ labels.goals }}", style="Heading 1")
    tag_paragraph(document, "{%p if not goals %}")
    write(document.add_paragraph(), "{{ labels.no_goals }}", colour=MUTED)
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p for goal in goals %}")
    document.add_paragraph("{{ goal.title }}", style="Heading 2")
    write(document.add_paragraph(), "{{ goal.meta }}", size=9, colour=MUTED)
    table = document.add_table(rows=3, cols=2)
    table.style = document.styles["Table Grid"]
    opening, row, closing = table.rows
    opening.cells[0].text = "{%tr for figure in goal.figures %}"
    closing.cells[0].text = "{%tr endfor %}"
    cell_text(row.cells[0], "{{ figure.label }}", bold=True, size=9)
    shade(row.cells[0], HEADER_FILL)
    cell_text(row.cells[1], "{{ figure.value }}", size=9)
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, FIGURE_WIDTHS, strict=True):
        column.w = Cm(width)
    for table_row in table.rows:
        for cell, width in zip(table_row.cells, FIGURE_WIDTHS, strict=True):
            cell.width = Cm(width)
    tag_paragraph(document, "{%p if goal.chart %}")
    document.add_paragraph("{{ goal.chart }}")
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p if goal.measures %}")
    line = document.add_paragraph()
    write(line, "{{ labels.serving_measures }}: ", bold=True, size=9)
    write(line, "{{ goal.measures }}", size=9)
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p endfor %}")

    document.add_paragraph("{{ labels.measures }}", style="Heading 1")
    tag_paragraph(document, "{%p if not measures %}")
    write(document.add_paragraph(), "{{ labels.no_measures }}", colour=MUTED)
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p for measure in measures %}")
    document.add_paragraph("{{ measure.title }}", style="Heading 2")
    write(document.add_paragraph(), "{{ measure.meta }}", size=9, colour=MUTED)
    tag_paragraph(document, "{%p if measure.goals %}")
    line = document.add_paragraph()
    write(line, "{{ labels.serves }}: ", bold=True, size=9)
    write(line, "{{ measure.goals }}", size=9)
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p if measure.description %}")
    document.add_paragraph("{{ measure.description }}")
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p if measure.substeps %}")
    write(document.add_paragraph(), "{{ labels.substeps }}", bold=True)
    tag_paragraph(document, "{%p for step in measure.substeps %}")
    document.add_paragraph("{{ step }}", style="List Bullet")
    tag_paragraph(document, "{%p endfor %}")
    tag_paragraph(document, "{%p endif %}")
    write(document.add_paragraph(), "{{ labels.timeline }}", bold=True)
    tag_paragraph(document, "{%p for update in measure.updates %}")
    document.add_paragraph("{{ update }}", style="List Bullet")
    tag_paragraph(document, "{%p endfor %}")
    tag_paragraph(document, "{%p if not measure.updates %}")
    write(document.add_paragraph(), "{{ labels.no_updates }}", size=9, colour=MUTED)
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p endfor %}")

    tag_paragraph(document, "{%p if maps %}")
    document.add_paragraph("{{ labels.maps }}", style="Heading 1")
    tag_paragraph(document, "{%p for map in maps %}")
    document.add_paragraph("{{ map.title }}", style="Heading 2")
    document.add_paragraph("{{ map.image }}")
    tag_paragraph(document, "{%p endfor %}")
    tag_paragraph(document, "{%p endif %}")

    document.add_paragraph("{{ labels.reflections }}", style="Heading 1")
    tag_paragraph(document, "{%p if not reflections %}")
    write(document.add_paragraph(), "{{ labels.no_reflections }}", colour=MUTED)
    tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p for item in reflections %}")
    document.add_paragraph("{{ item.title }}", style="Heading 2")
    for label, value in (
        ("labels.outcome", "item.outcome"),
        ("labels.reason", "item.reason"),
        ("labels.lessons", "item.lessons"),
    ):
        tag_paragraph(document, "{%p if " + value + " %}")
        line = document.add_paragraph()
        write(line, "{{ " + label + " }}: ", bold=True)
        write(line, "{{ " + value + " }}")
        tag_paragraph(document, "{%p endif %}")
    tag_paragraph(document, "{%p endfor %}")

    tag_paragraph(document, "{%p for note in notes %}")
    write(document.add_paragraph(), "{{ note }}", size=8, colour=MUTED)
    tag_paragraph(document, "{%p endfor %}")
    return document


# The institution profile: A4 portrait, 17.8 cm between the margins. Indicator columns in cm:
# indicator, year, loop start, one area (repeated per area and parent area), loop end,
# municipality, trend (sparkline and change).
INSTITUTION_PROFILE_TARGET = TARGET.with_name("institution_profile.docx")
PROFILE_WIDTHS = (5.0, 1.1, 0.2, 2.2, 0.2, 2.3, 4.6)
PROFILE_FACT_WIDTHS = (3.6, 14.2)


def build_institution_profile() -> Document:
    """The institution's social area profile on one page: facts, the areas it lies in, the
    key indicators with sparkline and trend, its own values, the offers nearby, notes."""
    document = new_document()
    section = document.sections[0]
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.6))
    section.top_margin, section.bottom_margin = Cm(1.3), Cm(1.3)
    document.styles["Normal"].font.size = Pt(9)
    document.add_paragraph("{{ title }}", style="Title")
    subtitle = document.add_paragraph()
    write(subtitle, "{{ subtitle }} · {{ labels.date }}: {{ date }}", size=10, colour=MUTED)
    tag_paragraph(document, "{%p if internal_note %}")
    internal = document.add_paragraph()
    write(internal, "{{ internal_note }}", bold=True, colour=RGBColor(0x9A, 0x1B, 0x1B))
    tag_paragraph(document, "{%p endif %}")

    document.add_paragraph("{{ labels.institution }}", style="Heading 2")
    facts = document.add_table(rows=4, cols=2)
    facts.style = document.styles["Table Grid"]
    opening, row, closing, located = facts.rows
    opening.cells[0].text = "{%tr for fact in facts %}"
    closing.cells[0].text = "{%tr endfor %}"
    cell_text(row.cells[0], "{{ fact.label }}", bold=True, size=8.5)
    cell_text(row.cells[1], "{{ fact.value }}", size=8.5)
    cell_text(located.cells[0], "{{ labels.located }}", bold=True, size=8.5)
    cell_text(located.cells[1], "{{ located }}", size=8.5)
    for fact_row in (row, located):
        shade(fact_row.cells[0], HEADER_FILL)
    facts.autofit = False
    for column, width in zip(facts._tbl.tblGrid.gridCol_lst, PROFILE_FACT_WIDTHS, strict=True):
        column.w = Cm(width)
    for table_row in facts.rows:
        for cell, width in zip(table_row.cells, PROFILE_FACT_WIDTHS, strict=True):
            cell.width = Cm(width)

    document.add_paragraph("{{ labels.indicators }}", style="Heading 2")
    tag_paragraph(document, "{%p if not indicators %}")
    write(document.add_paragraph(), "{{ labels.no_indicators }}", colour=MUTED)
    tag_paragraph(document, "{%p endif %}")
    table = document.add_table(rows=4, cols=7)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, opening, body, closing = table.rows
    repeat_as_header(header)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    cell_text(header.cells[0], "{{ labels.indicator }}", bold=True, size=8.5)
    cell_text(header.cells[1], "{{ labels.year }}", bold=True, size=8)
    header.cells[2].text = "{%tc for name in labels.columns %}"
    cell_text(header.cells[3], "{{ name }}", bold=True, size=8.5, align=right)
    header.cells[4].text = "{%tc endfor %}"
    cell_text(header.cells[5], "{{ labels.reference }}", bold=True, size=8.5, align=right)
    cell_text(header.cells[6], "{{ labels.trend }}", bold=True, size=8.5)
    for cell in header.cells:
        shade(cell, HEADER_FILL)
    opening.cells[0].text = "{%tr for row in indicators %}"
    closing.cells[0].text = "{%tr endfor %}"
    cell_text(body.cells[0], "{{ row.label }}", size=8.5)
    cell_text(body.cells[1], "{{ row.year }}", size=8, colour=MUTED)
    body.cells[2].text = "{%tc for value in row.cells %}"
    cell_text(body.cells[3], "{{ value }}", bold=True, size=8.5, align=right)
    body.cells[4].text = "{%tc endfor %}"
    cell_text(body.cells[5], "{{ row.reference }}", size=8.5, align=right)
    cell_text(body.cells[6], "{{ row.sparkline }}")
    write(body.cells[6].add_paragraph(), "{{ row.trend }}", size=7.5, colour=MUTED)
    for table_row in table.rows:
        for cell, width in zip(table_row.cells, PROFILE_WIDTHS, strict=True):
            cell.width = Cm(width)
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, PROFILE_WIDTHS, strict=True):
        column.w = Cm(width)

    tag_paragraph(document, "{%p if institution %}")
    document.add_paragraph("{{ labels.institution_values }}", style="Heading 2")
    tag_paragraph(document, "{%p for item in institution %}")
    line = document.add_paragraph()
    line.paragraph_format.space_after = Pt(2)
    write(line, "{{ item.label }}: ", bold=True, size=8.5)
    write(line, "{{ item.series }}", size=8.5)
    tag_paragraph(document, "{%p endfor %}")
    tag_paragraph(document, "{%p endif %}")

    document.add_paragraph("{{ labels.offers }}", style="Heading 2")
    tag_paragraph(document, "{%p for group in offers %}")
    line = document.add_paragraph()
    line.paragraph_format.space_after = Pt(2)
    write(line, "{{ group.category }} ({{ group.count }}): ", bold=True, size=8.5)
    write(line, "{{ group.line }}", size=8.5)
    tag_paragraph(document, "{%p endfor %}")
    tag_paragraph(document, "{%p if not offers %}")
    write(document.add_paragraph(), "{{ labels.no_offers }}", size=8.5, colour=MUTED)
    tag_paragraph(document, "{%p endif %}")

    document.add_paragraph("{{ labels.notes }}", style="Heading 2")
    tag_paragraph(document, "{%p for note in notes %}")
    note = document.add_paragraph()
    note.paragraph_format.space_after = Pt(0)
    write(note, "{{ note }}", size=7.5, colour=MUTED)
    tag_paragraph(document, "{%p endfor %}")
    citation_section(document, size=7.5, colour=MUTED)
    return document


# name on the command line: (build function, file, document title)
TEMPLATES = {
    "area_report": (build, TARGET, "Gebietsbericht"),
    "minutes": (build_minutes, MINUTES_TARGET, "Protokoll"),
    "measure_plan": (build_measure_plan, MEASURE_PLAN_TARGET, "Maßnahmenplan"),
    "interim_report": (build_interim_report, INTERIM_REPORT_TARGET, "Zwischenbericht"),
    "institution_profile": (
        build_institution_profile,
        INSTITUTION_PROFILE_TARGET,
        "Sozialraumprofil einer Einrichtung",
    ),
}


def save(document: Document, target: Path, title: str) -> None:
    """Save with a fixed creation date, author and zip timestamps: rebuilding gives the same
    bytes, so a changed template shows up in git only when its content changed."""
    properties = document.core_properties
    properties.author = "KECK"
    properties.title = title
    properties.created = properties.modified = datetime(2026, 1, 1)
    properties.last_modified_by = "KECK"
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, source.read(info.filename))


def main(names: list[str] | None = None) -> int:
    names = names or list(TEMPLATES)
    unknown = [name for name in names if name not in TEMPLATES]
    if unknown:
        print(f"unknown template: {', '.join(unknown)}; known: {', '.join(TEMPLATES)}")
        return 2
    for name in names:
        builder, target, title = TEMPLATES[name]
        target.parent.mkdir(parents=True, exist_ok=True)
        save(builder(), target, title)
        print(f"written: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
