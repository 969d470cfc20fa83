"""Files that leave the atlas: print maps and charts (matplotlib), tables (XLSX/CSV), area reports.

Rendering only: the modules here get values that already passed the suppression function, as a
file reader sees them (accounts.permissions.file_reader), and turn them into bytes.
"""

from __future__ import annotations

import io
import logging
from datetime import date

import matplotlib
from django.conf import settings
from django.http import HttpResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..aggregation import COMPUTED, PUBLISHED, UNWEIGHTED_MEAN

matplotlib.use("Agg")  # the server has no display; never pick an interactive backend
# fontTools reports every glyph it keeps while matplotlib embeds font subsets in PDFs.
logging.getLogger("fontTools").setLevel(logging.WARNING)

GRAPHIC_FORMATS = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
TABLE_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
PRINT_DPI = 300
# The printable area of an A4 page in landscape with 20 mm margins, in inches.
A4_LANDSCAPE_FIGURE = (257 / 25.4, 170 / 25.4)

INK = "#1f2a30"
MUTED = "#5b6770"
GRID = "#d5dade"
REFERENCE_COLOUR = "#b2182b"

# Text stays text: searchable SVG and PDF, editable in a layout program. DejaVu Sans ships with
# matplotlib, so every server draws the same glyphs (ä, ö, ü, ß, –, ©).
RC_PARAMS = {
    "font.family": "DejaVu Sans",
    "svg.fonttype": "none",
    "svg.hashsalt": "keck",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.titlecolor": INK,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "text.color": INK,
    "hatch.linewidth": 0.8,
}


def reference_kind_label(kind: str | None) -> str:
    """How a reference value came about, in words: published, computed, unweighted mean."""
    return {
        PUBLISHED: _("published"),
        COMPUTED: _("computed"),
        UNWEIGHTED_MEAN: _("unweighted mean"),
    }.get(kind or "", "")


def is_official_geometry(source: str) -> bool:
    return "GeoBasis-DE" in (source or "")


def geometry_note(sources) -> str:
    """The source note of the geometries: the BKG's wording for official ones (domain.md §3)."""
    sources = sorted({s for s in sources if s})
    if not sources:
        return ""
    notes = []
    for source in sources:
        if is_official_geometry(source):
            modified = _("data modified")
            notes.append(f"{settings.KECK_BKG_SOURCE_NOTE} ({modified})")
        else:
            notes.append(source)
    return _("Geometries: %(sources)s") % {"sources": "; ".join(dict.fromkeys(notes))}


def data_note(indicators, value_notes) -> str:
    """`Source: …` from the indicators' data sources and the notes stored with the values."""
    parts = [i.data_source for i in indicators if i.data_source]
    parts += [note for note in value_notes if note]
    if not parts:
        return ""
    return _("Source: %(sources)s") % {"sources": "; ".join(dict.fromkeys(parts))}


def created_note(municipality_name: str) -> str:
    return _("Created on %(date)s with KECK · %(municipality)s") % {
        "date": date_format(date.today(), "SHORT_DATE_FORMAT"),
        "municipality": municipality_name,
    }


# The height of one footer line (7 pt, line spacing 1.4) as a fraction of the figure.
FOOTER_LINE = 7 * 1.4 / 72 / A4_LANDSCAPE_FIGURE[1]


def make_room_for_footer(figure, text: str, *, room: int, axes=None) -> None:
    """Lift and shorten the axes (all of the figure's unless given) by the footer lines
    beyond the `room` the layout leaves.

    Citations and correction notes make footers longer than the layout was drawn for; the
    drawing then gives way instead of running into them.
    """
    extra = max(0, text.count("\n") + 1 - room) * FOOTER_LINE
    if not extra:
        return
    for item in figure.axes if axes is None else axes:
        x0, y0, width, height = item.get_position().bounds
        item.set_position((x0, y0 + extra, width, height - extra))


def unit_suffix(unit: str) -> str:
    return f" ({unit})" if unit else ""


def save_figure(figure, fmt: str, *, footer: str = "") -> bytes:
    """The figure as PNG/JPG at print resolution, or as vector SVG/PDF with text kept as text.

    In a PNG or JPG the footer (notes and citation) is pixels: `footer` stores the same text in
    the file as well (PNG text chunk `Description`, JPEG comment), so that the citation can be
    read and copied from the file."""
    buffer = io.BytesIO()
    options = {"format": fmt, "dpi": PRINT_DPI, "facecolor": "white"}
    if fmt == "png" and footer:
        options["metadata"] = {"Description": " ".join(footer.split())}
    if fmt == "jpg":
        options["pil_kwargs"] = {"quality": 92, "optimize": True}
        if footer:
            options["pil_kwargs"]["comment"] = " ".join(footer.split()).encode("utf-8")
    if fmt in ("svg", "pdf"):
        # No creation date: the same data gives the same file.
        options["metadata"] = {"Date": None} if fmt == "svg" else {"CreationDate": None}
    figure.savefig(buffer, **options)
    return buffer.getvalue()


# After a released value that was changed after its release; the notes list each with its date.
CORRECTED_MARK = "†"


def corrected_note(entries) -> str:
    """`† geändert nach der Freigabe: Bakum, Anteil …: korrigiert am 05.05.2026; …` from
    (area name, indicator name, date text) entries; "" without corrections."""
    if not entries:
        return ""
    values = "; ".join(
        f"{area}, {indicator}: " + _("corrected on %(date)s") % {"date": when}
        for area, indicator, when in entries
    )
    return _("%(mark)s changed after the release: %(values)s") % {
        "mark": CORRECTED_MARK,
        "values": values,
    }


def citation_lines(citations) -> list[str]:
    """`Zitiervorschlag: …` per citation (atlas_data.citation), for footers and notes."""
    return [_("How to cite: %(citation)s") % {"citation": c.text} for c in citations]


def file_response(content, *, content_type: str, filename: str, cited=()) -> HttpResponse:
    """A download: attachment, never in shared caches (files may hold internal data), and
    `Link: <permanent URL>; rel="cite-as"` (RFC 8574) per released indicator year it cites."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    if cited:
        response["Link"] = ", ".join(f'<{citation.url}>; rel="cite-as"' for citation in cited)
    return response


def build_pdf(document, story: list, *, footer: str, size: float, rise: float) -> None:
    """Build a reportlab document with `footer` left and `Seite n` right on every page, in
    grey at `size` pt, `rise` (in points) above the bottom edge."""
    from reportlab.lib import colors

    width = document.pagesize[0]

    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", size)
        canvas.setFillColor(colors.HexColor(MUTED))
        canvas.drawString(doc.leftMargin, rise, footer)
        canvas.drawRightString(
            width - doc.rightMargin, rise, _("Page %(number)d") % {"number": doc.page}
        )
        canvas.restoreState()

    document.build(story, onFirstPage=draw, onLaterPages=draw)
