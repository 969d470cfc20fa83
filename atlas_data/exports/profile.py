"""The institution profile as a file: DOCX from a Word template (docxtpl) and PDF (reportlab),
one A4 page where the content allows, plus the sparklines of the page.

Both files get the same `InstitutionProfile` and the same texts (`profile_texts`). The Word
template is the municipality's own when it has one (`<MEDIA_ROOT>/templates/<slug>/
institution_profile.docx`), else templates/docx/institution_profile.docx; docs/network.md lists
its variables.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import matplotlib
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from matplotlib.figure import Figure
from reportlab.graphics.shapes import Circle, Drawing, PolyLine
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from accounts.models import Municipality

from ..citation import Citations
from ..selectors_profile import InstitutionProfile, KeyIndicator
from ..suppression import STATUS_SUPPRESSED
from . import RC_PARAMS, build_pdf, data_note

DOCX_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "docx" / "institution_profile.docx"
DOCX_NAME = "institution_profile.docx"
REFERENCE_MARKS = {"computed": "¹", "unweighted_mean": "²"}
SPARK_COLOUR = "#1d5c7a"
BETTER_COLOUR = "#1a7a3a"
WORSE_COLOUR = "#9a1b1b"

INK = colors.HexColor("#1f2a30")
MUTED = colors.HexColor("#5b6770")
ACCENT = colors.HexColor("#1d5c7a")
HEADER_FILL = colors.HexColor("#e6eef2")
RULE = colors.HexColor("#c9d2d8")


# --------------------------------------------------------------------------------------------
# Sparklines


def sparkline(
    series, *, width: float, height: float, pad: float = 2.0
) -> tuple[list[list[tuple[float, float]]], tuple[float, float] | None]:
    """Segments of (x, y) points of the visible numbers (a hidden or missing year breaks the
    line) and the last point, in a box of `width` × `height` with y growing downwards.

    Only numbers the viewer may see go in: `k. A.` and `–` are gaps, never zeros.
    """
    numbers = [shown.value for _year, shown in series]
    known = [n for n in numbers if n is not None]
    if not known:
        return [], None
    low, high = min(known), max(known)
    span = high - low or 1.0
    step = (width - 2 * pad) / max(len(numbers) - 1, 1)
    segments: list[list[tuple[float, float]]] = [[]]
    last = None
    for index, number in enumerate(numbers):
        if number is None:
            if segments[-1]:
                segments.append([])
            continue
        x = pad + index * step if len(numbers) > 1 else width / 2
        middle = height / 2 if high == low else None
        y = middle if middle is not None else pad + (high - number) / span * (height - 2 * pad)
        point = (round(x, 2), round(y, 2))
        segments[-1].append(point)
        last = point
    return [segment for segment in segments if segment], last


def sparkline_svg(series, *, width: int = 96, height: int = 24) -> dict:
    """What the page's inline SVG needs: polyline point strings and the last dot."""
    segments, last = sparkline(series, width=width, height=height)
    return {
        "width": width,
        "height": height,
        "lines": [" ".join(f"{x},{y}" for x, y in segment) for segment in segments],
        "last": last,
    }


def _sparkline_drawing(series, *, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    segments, last = sparkline(series, width=width, height=height)
    for segment in segments:
        if len(segment) > 1:
            points = [value for x, y in segment for value in (x, height - y)]
            drawing.add(PolyLine(points, strokeColor=ACCENT, strokeWidth=1.1))
    if last is not None:
        drawing.add(Circle(last[0], height - last[1], 1.6, fillColor=ACCENT, strokeColor=None))
    return drawing


def _sparkline_png(series, *, width_mm: float = 24, height_mm: float = 6) -> bytes | None:
    segments, last = sparkline(series, width=width_mm * 10, height=height_mm * 10)
    if last is None:
        return None
    with matplotlib.rc_context(RC_PARAMS):
        figure = Figure(figsize=(width_mm / 25.4, height_mm / 25.4))
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_axis_off()
        axes.set_xlim(0, width_mm * 10)
        axes.set_ylim(height_mm * 10, 0)
        for segment in segments:
            axes.plot(
                [x for x, _y in segment], [y for _x, y in segment], color=SPARK_COLOUR, lw=1.2
            )
        axes.plot([last[0]], [last[1]], "o", color=SPARK_COLOUR, ms=2.2)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=200, transparent=True)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Texts shared by the page, the DOCX and the PDF


def profile_title(profile: InstitutionProfile) -> str:
    return _("Social area profile: %(name)s") % {"name": profile.poi.name}


def age_text(poi) -> str:
    start, end = poi.target_age_min, poi.target_age_max
    if start is not None and end is not None:
        return _("%(start)s to under %(end)s years") % {"start": start, "end": end}
    if start is not None:
        return _("from %(start)s years") % {"start": start}
    if end is not None:
        return _("under %(end)s years") % {"end": end}
    return "–"


def reference_text(row: KeyIndicator) -> str:
    if row.reference is None:
        return "–"
    return row.reference.display + REFERENCE_MARKS.get(row.reference_kind, "")


def offer_line(group) -> str:
    """`Kita Regenbogen (250 m), Krippe Zwergenland (400 m)`; ¹ marks offers in the area
    that lie farther than the radius."""
    return ", ".join(f"{offer.poi.name} ({offer.distance_text})" for offer in group.offers)


def citation_pairs(profile: InstitutionProfile) -> list[tuple]:
    """The (indicator, year) pairs the profile shows: the year of each key indicator and every
    year of the institution's own values. `load_citations` cites the released ones only."""
    pairs = [(row.indicator, row.year) for row in profile.indicators]
    pairs += [(s.indicator, year) for s in profile.institution for year, _shown in s.points]
    return pairs


def cited_texts(profile: InstitutionProfile, citations: Citations | None) -> list[str]:
    """The citation lines of the released indicator years the profile shows, in its order."""
    if citations is None:
        return []
    return [
        citation.text
        for citation in citations.listed(
            (indicator.pk, year) for indicator, year in citation_pairs(profile)
        )
    ]


def profile_texts(profile: InstitutionProfile, citations: Citations | None = None) -> dict:
    """Title, facts, headings, notes and citations shared by the page, the DOCX and the PDF.

    `citations` (atlas_data.citation) cites the released indicator years the profile shows;
    unreleased ones are never cited.
    """
    poi = profile.poi
    today = date_format(date.today(), "DATE_FORMAT")
    address = ", ".join(
        part for part in (poi.address, " ".join(p for p in (poi.postcode, poi.city) if p)) if part
    )
    facts = [
        (_("Category"), poi.category.name),
        (_("Provider"), poi.provider or "–"),
        (_("Address"), address or "–"),
        (_("Places"), str(poi.capacity) if poi.capacity is not None else "–"),
        (_("Target age"), age_text(poi)),
        (_("Target group"), poi.target_group or "–"),
    ]
    located = [f"{area.name} ({area.level.name})" for area in profile.areas]
    located += [f"{area.name} ({area.level.name})" for area in profile.parents]
    if profile.reference_name:
        located.append(profile.reference_name)
    notes = [_("k. A.: not shown (data protection or not stated by the source). –: no value.")]
    notes.append(
        _("Key indicators: the indicators the municipality marked as relevant for steering.")
        if profile.indicators_chosen
        else _("Key indicators: every indicator with values; the municipality marked none.")
    )
    if profile.more_indicators:
        notes.append(
            _("%(count)d further indicators are left out to keep the profile on one page.")
            % {"count": profile.more_indicators}
        )
    notes.append(
        _(
            "Trend: the change of the area's value since the previous year with values, between "
            "the numbers as shown; shares in percentage points (pp.)."
        )
    )
    if profile.reference_name:
        notes.append(
            _(
                "Reference: the value of %(municipality)s as published by the data holder; "
                "¹ computed from the areas below; ² unweighted mean of the areas."
            )
            % {"municipality": profile.reference_name}
        )
    notes.append(
        _(
            "Offers nearby: points of interest in the same area or within %(radius)s m, "
            "distance as the crow flies."
        )
        % {"radius": profile.radius_m}
    )
    note = data_note(profile.all_indicators, profile.value_notes)
    if note:
        notes.append(note)
    internal = [str(row.indicator) for row in profile.indicators if not row.released]
    internal += [str(s.indicator) for s in profile.institution if not s.released]
    internal_note = ""
    if not poi.is_released or internal:
        parts = []
        if not poi.is_released:
            parts.append(_("the institution is not released"))
        if internal:
            parts.append(_("not released: %(indicators)s") % {"indicators": ", ".join(internal)})
        internal_note = _("Internal – not for publication: %(reasons)s.") % {
            "reasons": "; ".join(parts)
        }
    return {
        "title": profile_title(profile),
        "subtitle": profile.municipality.name,
        "date": today,
        "facts": [{"label": label, "value": value} for label, value in facts],
        "located": " › ".join(located) if located else _("In no area with a geometry."),
        "internal_note": internal_note,
        "notes": notes,
        "citations": cited_texts(profile, citations),
        "footer": " · ".join(
            [
                profile.municipality.name,
                profile_title(profile),
                _("created on %(date)s") % {"date": today},
            ]
        ),
        "labels": {
            "institution": pgettext("poi", "Institution"),
            "located": _("Lies in"),
            "indicators": _("Key indicators of the area"),
            "indicator": _("Indicator"),
            "year": _("Year"),
            "areas": [area.name for area in profile.areas],
            "parents": [area.name for area in profile.parents],
            "columns": [area.name for area in [*profile.areas, *profile.parents]],
            "reference": profile.reference_name or _("Reference"),
            "trend": _("Trend"),
            "institution_values": _("Values of the institution"),
            "offers": _("Offers nearby"),
            "no_offers": _("No other offers in the area or within %(radius)s m.")
            % {"radius": profile.radius_m},
            "no_indicators": _("No indicator has values the viewer may see."),
            "notes": _("Notes"),
            "date": _("Date"),
            "citation": _("How to cite"),
        },
    }


def _row_dict(row: KeyIndicator) -> dict:
    return {
        "label": row.label,
        "year": row.year,
        "values": [shown.display for shown in row.values],
        "parents": [shown.display for shown in row.parents],
        "reference": reference_text(row),
        "trend": row.trend_text,
        "series": " · ".join(f"{year}: {shown.display}" for year, shown in row.series),
    }


def _institution_dict(series) -> dict:
    year, shown = series.latest
    return {
        "label": series.indicator.name,
        "latest": f"{year}: {shown.display}",
        "series": " · ".join(f"{y}: {s.display}" for y, s in series.points),
    }


# --------------------------------------------------------------------------------------------
# DOCX


def own_template_path(municipality: Municipality) -> Path:
    """Where a municipality's own Word template lives (MEDIA_ROOT, outside the code)."""
    return Path(settings.MEDIA_ROOT) / "templates" / municipality.slug / DOCX_NAME


def template_for(municipality: Municipality) -> Path:
    own = own_template_path(municipality)
    return own if own.is_file() else DOCX_TEMPLATE


def docx_context(profile: InstitutionProfile, document, citations: Citations | None = None) -> dict:
    """The variables of the Word template (docs/network.md); sparklines as InlineImage."""
    context = profile_texts(profile, citations)
    rows = []
    for row in profile.indicators:
        item = _row_dict(row)
        # One column loop in the template: the areas' values, then the parents'.
        item["cells"] = item["values"] + item["parents"]
        png = _sparkline_png(row.series)
        item["sparkline"] = InlineImage(document, io.BytesIO(png), width=Mm(22)) if png else ""
        rows.append(item)
    context.update(
        {
            "municipality": profile.municipality.name,
            "poi": {
                "name": profile.poi.name,
                "category": profile.poi.category.name,
            },
            "indicators": rows,
            "institution": [_institution_dict(series) for series in profile.institution],
            "offers": [
                {
                    "category": group.category.name,
                    "count": len(group.offers),
                    "line": offer_line(group),
                }
                for group in profile.offers
            ],
        }
    )
    return context


def render_docx(
    profile: InstitutionProfile,
    *,
    template: Path | io.BytesIO | None = None,
    citations: Citations | None = None,
) -> bytes:
    source = template or template_for(profile.municipality)
    document = DocxTemplate(source if isinstance(source, io.BytesIO) else str(source))
    document.render(docx_context(profile, document, citations), autoescape=True)
    _grid_from_cells(document.docx)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _grid_from_cells(document) -> None:
    """Word follows the cells' widths, LibreOffice the table grid: make the grid follow the
    cells after the column loops removed their tag cells."""
    for table in document.tables:
        columns = table._tbl.tblGrid.gridCol_lst
        widths = [cell.width for cell in table.rows[0].cells]
        if len(columns) != len(widths) or None in widths:
            continue
        for column, width in zip(columns, widths, strict=True):
            column.w = width


# --------------------------------------------------------------------------------------------
# PDF


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _styles() -> dict:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=8.5, leading=10.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=16, leading=19),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10, leading=13, textColor=MUTED),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName="Helvetica-Bold",
            fontSize=10.5,
            leading=13,
            textColor=ACCENT,
            spaceBefore=8,
            spaceAfter=3,
        ),
        "cell": base,
        "head": ParagraphStyle("head", base, fontName="Helvetica-Bold", fontSize=8, leading=10),
        "small": ParagraphStyle("small", base, fontSize=7.2, leading=9, textColor=MUTED),
        "trend": ParagraphStyle("trend", base, fontSize=7.5, leading=9),
        "internal": ParagraphStyle(
            "internal", base, fontName="Helvetica-Bold", textColor=colors.HexColor("#9a1b1b")
        ),
    }


def render_pdf(profile: InstitutionProfile, *, citations: Citations | None = None) -> bytes:
    """A4 portrait: the institution, its areas, the key indicators with sparklines, the
    institution's own values, the offers nearby, the notes and the citations."""
    texts = profile_texts(profile, citations)
    labels = texts["labels"]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.6 * cm,
        rightMargin=1.6 * cm,
        topMargin=1.3 * cm,
        bottomMargin=1.4 * cm,
        title=texts["title"],
        author=profile.municipality.name,
        subject=profile.area_names,
        creator="KECK",
    )
    width = A4[0] - document.leftMargin - document.rightMargin
    styles = _styles()
    story = [
        Paragraph(_escape(texts["title"]), styles["title"]),
        Paragraph(
            _escape(f"{texts['subtitle']} · {labels['date']}: {texts['date']}"), styles["subtitle"]
        ),
    ]
    if texts["internal_note"]:
        story += [Spacer(1, 3), Paragraph(_escape(texts["internal_note"]), styles["internal"])]
    story.append(Paragraph(_escape(labels["institution"]), styles["heading"]))
    facts = texts["facts"] + [{"label": labels["located"], "value": texts["located"]}]
    half = (len(facts) + 1) // 2
    fact_rows = []
    for left, right in zip(facts[:half], [*facts[half:], None], strict=False):
        line = [
            Paragraph(f"<b>{_escape(left['label'])}</b>", styles["cell"]),
            Paragraph(_escape(left["value"]), styles["cell"]),
        ]
        if right is not None:
            line += [
                Paragraph(f"<b>{_escape(right['label'])}</b>", styles["cell"]),
                Paragraph(_escape(right["value"]), styles["cell"]),
            ]
        else:
            line += ["", ""]
        fact_rows.append(line)
    facts_table = Table(
        fact_rows, colWidths=[width * 0.14, width * 0.36, width * 0.14, width * 0.36]
    )
    facts_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story.append(facts_table)

    story.append(Paragraph(_escape(labels["indicators"]), styles["heading"]))
    if profile.indicators:
        story.append(_indicator_table(profile, labels, styles, width))
    else:
        story.append(Paragraph(_escape(labels["no_indicators"]), styles["cell"]))

    if profile.institution:
        story.append(Paragraph(_escape(labels["institution_values"]), styles["heading"]))
        rows = [
            [
                Paragraph(_escape(series.indicator.name), styles["cell"]),
                Paragraph(_escape(_institution_dict(series)["series"]), styles["cell"]),
            ]
            for series in profile.institution
        ]
        table = Table(rows, colWidths=[width * 0.4, width * 0.6])
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ]
            )
        )
        story.append(table)

    story.append(Paragraph(_escape(labels["offers"]), styles["heading"]))
    if profile.offers:
        for group in profile.offers:
            story.append(
                Paragraph(
                    f"<b>{_escape(group.category.name)} ({len(group.offers)}):</b> "
                    + _escape(offer_line(group)),
                    styles["cell"],
                )
            )
    else:
        story.append(Paragraph(_escape(labels["no_offers"]), styles["cell"]))

    story.append(Paragraph(_escape(labels["notes"]), styles["heading"]))
    for note in texts["notes"]:
        story.append(Paragraph("• " + _escape(note), styles["small"]))
    if texts["citations"]:
        story.append(Paragraph(_escape(labels["citation"]), styles["heading"]))
        for citation in texts["citations"]:
            story.append(Paragraph(_escape(citation), styles["small"]))

    build_pdf(document, story, footer=texts["footer"], size=7, rise=0.8 * cm)
    return buffer.getvalue()


def _indicator_table(profile: InstitutionProfile, labels: dict, styles: dict, width: float):
    """Indicator, year, the areas' values, the parents', the municipality's, sparkline, trend."""
    value_columns = [*labels["areas"], *labels["parents"]]
    if profile.reference_name:
        value_columns.append(labels["reference"])
    spark_width = 2.0 * cm
    year_width = 1.2 * cm
    trend_width = 4.0 * cm
    value_width = 1.8 * cm
    name_width = width - year_width - spark_width - trend_width - value_width * len(value_columns)
    head = [
        Paragraph(_escape(labels["indicator"]), styles["head"]),
        Paragraph(_escape(labels["year"]), styles["head"]),
        *[Paragraph(_escape(name), styles["head"]) for name in value_columns],
        "",
        Paragraph(_escape(labels["trend"]), styles["head"]),
    ]
    rows = [head]
    suppressed_cells = []
    for index, row in enumerate(profile.indicators, start=1):
        values = [shown.display for shown in [*row.values, *row.parents]]
        if profile.reference_name:
            values.append(reference_text(row))
        for column, shown in enumerate([*row.values, *row.parents], start=2):
            if shown.status == STATUS_SUPPRESSED:
                suppressed_cells.append((column, index))
        rows.append(
            [
                Paragraph(_escape(row.label), styles["cell"]),
                str(row.year),
                *values,
                _sparkline_drawing(row.series, width=spark_width - 8, height=14),
                Paragraph(_escape(_pdf_trend(row)), styles["trend"]),
            ]
        )
    table = Table(
        rows,
        colWidths=[
            name_width,
            year_width,
            *[value_width] * len(value_columns),
            spark_width,
            trend_width,
        ],
        repeatRows=1,
    )
    first_value, last_value = 2, 1 + len(value_columns)
    style = [
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (first_value, 1), (last_value, -1), "RIGHT"),
        (
            "FONT",
            (first_value, 1),
            (first_value + len(profile.areas) - 1, -1),
            "Helvetica-Bold",
            8.5,
        ),
        ("TEXTCOLOR", (1, 1), (1, -1), MUTED),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for column, index in suppressed_cells:
        style.append(("TEXTCOLOR", (column, index), (column, index), MUTED))
    table.setStyle(TableStyle(style))
    return table


def _pdf_trend(row: KeyIndicator) -> str:
    """The trend without arrow glyphs: the PDF's standard fonts have none."""
    return row.trend_text.removeprefix(row.arrow).strip() if row.arrow else row.trend_text
