"""Print maps: one indicator as a choropleth on A4, with legend, reference value and source notes.

The areas are drawn from their full geometry, reprojected from EPSG:4326 to ETRS89 / UTM 32N
(EPSG:25832) so that their shapes are true on paper. Classes come from the shared
classification module, so the printed map has the classes of the interactive one.
"""

from __future__ import annotations

import math
import textwrap

import geopandas as gpd
import matplotlib
from django.utils.translation import gettext as _
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from shapely.geometry import shape

from ..citation import Citations, german_date
from ..classification import (
    DEFAULT_CLASSES,
    DEFAULT_METHOD,
    METHODS,
    MISSING_COLOUR,
    SUPPRESSED_COLOUR,
    classify,
)
from ..selectors_exports import MapData
from ..suppression import (
    MISSING_TEXT,
    STATUS_MISSING,
    STATUS_OK,
    STATUS_SUPPRESSED,
    SUPPRESSED_TEXT,
    format_number,
)
from . import (
    A4_LANDSCAPE_FIGURE,
    CORRECTED_MARK,
    INK,
    MUTED,
    RC_PARAMS,
    citation_lines,
    corrected_note,
    created_note,
    data_note,
    geometry_note,
    make_room_for_footer,
    reference_kind_label,
    save_figure,
)

PRINT_CRS = "EPSG:25832"
OUTLINE = "#6f7a80"
LABEL_LIMIT = 30  # above this many areas, names and values on the map would overlap
HATCH = "////"


def legend_formatter(indicator):
    return lambda number: format_number(number, decimals=indicator.decimals, kind=indicator.kind)


def render_map(
    data: MapData,
    *,
    fmt: str,
    method: str = DEFAULT_METHOD,
    classes: int = DEFAULT_CLASSES,
    breaks: list[float] | None = None,
    citations: Citations | None = None,
) -> bytes:
    """The map as PNG/JPG (300 dpi), SVG or PDF. Raises ClassificationError for bad classes.

    With `citations` (atlas_data.citation) a released map carries its citation in the footer
    and marks the areas whose value was corrected after the release.
    """
    table = data.table
    indicator = table.indicator
    classification = classify(
        [row.shown.value if row.shown.status == STATUS_OK else None for row in table.rows],
        method=method,
        classes=classes,
        manual_breaks=breaks,
        polarity=indicator.polarity,
        formatter=legend_formatter(indicator),
    )
    with matplotlib.rc_context(RC_PARAMS):
        figure = Figure(figsize=A4_LANDSCAPE_FIGURE)
        _header(figure, data)
        map_axes = figure.add_axes((0.02, 0.11, 0.62, 0.77))
        corrected = _corrected(data, citations)
        without_geometry = _draw_areas(map_axes, data, classification, corrected)
        panel = figure.add_axes((0.66, 0.13, 0.32, 0.74))
        panel.set_axis_off()
        _legend(panel, data, classification, method)
        footer = _footer(figure, data, without_geometry, citations, corrected)
        return save_figure(figure, fmt, footer=footer)


def _header(figure, data: MapData) -> None:
    table = data.table
    title = textwrap.fill(table.indicator.name, width=70)
    lines = title.count("\n")
    figure.text(0.03, 0.955, title, fontsize=15, fontweight="bold", va="top", color=INK)
    subtitle = " · ".join([data.municipality.name, table.level.name, str(table.year)])
    figure.text(0.03, 0.905 - 0.035 * lines, subtitle, fontsize=10.5, va="top", color=MUTED)
    if not table.released:
        figure.text(
            0.97,
            0.955,
            _("Internal – not released for publication"),
            fontsize=9,
            fontweight="bold",
            ha="right",
            va="top",
            color="#9a1b1b",
        )


def _corrected(data: MapData, citations: Citations | None) -> dict[int, str]:
    """Area id -> date text of the values corrected after the release."""
    if citations is None:
        return {}
    table = data.table
    found = {}
    for row in table.rows:
        moment = citations.corrected(table.indicator.pk, table.year, row.area_id)
        if moment is not None:
            found[row.area_id] = german_date(moment)
    return found


def _draw_areas(axes, data: MapData, classification, corrected: dict[int, str]) -> list[str]:
    """Fill every area with a geometry; return the names of the areas without one."""
    axes.set_axis_off()
    axes.set_aspect("equal")
    rows = [row for row in data.table.rows if row.area_id in data.geometries]
    without = [row.area_name for row in data.table.rows if row.area_id not in data.geometries]
    if not rows:
        axes.text(
            0.5,
            0.5,
            _("No geometries for this level."),
            ha="center",
            va="center",
            color=MUTED,
            transform=axes.transAxes,
        )
        return without
    frame = gpd.GeoDataFrame(
        {
            "status": [row.shown.status for row in rows],
            "colour": [_fill(row.shown, classification) for row in rows],
            "name": [row.area_name for row in rows],
            "display": [
                row.shown.display + (CORRECTED_MARK if row.area_id in corrected else "")
                for row in rows
            ],
        },
        geometry=[shape(data.geometries[row.area_id]) for row in rows],
        crs="EPSG:4326",
    ).to_crs(PRINT_CRS)
    plain = frame[frame["status"] != STATUS_SUPPRESSED]
    if not plain.empty:
        plain.plot(ax=axes, color=plain["colour"].tolist(), edgecolor=OUTLINE, linewidth=0.5)
    hidden = frame[frame["status"] == STATUS_SUPPRESSED]
    if not hidden.empty:
        hidden.plot(
            ax=axes,
            facecolor=SUPPRESSED_COLOUR,
            hatch=HATCH,
            edgecolor=OUTLINE,
            hatchcolor="white",
            linewidth=0.5,
        )
    gpd.GeoSeries([frame.union_all()], crs=PRINT_CRS).boundary.plot(
        ax=axes, color=INK, linewidth=1.0
    )
    if len(frame) <= LABEL_LIMIT:
        # A light box instead of a halo: path effects would turn the text into outlines in
        # SVG and PDF, and the labels must stay searchable text.
        box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.7, "linewidth": 0}
        for point, name, display in zip(
            frame.geometry.representative_point(), frame["name"], frame["display"], strict=True
        ):
            axes.annotate(
                f"{name}\n{display}",
                (point.x, point.y),
                ha="center",
                va="center",
                fontsize=7,
                color=INK,
                linespacing=1.15,
                bbox=box,
            )
    _scale_bar(axes, frame.total_bounds)
    return without


def _fill(shown, classification) -> str:
    if shown.status == STATUS_OK and classification is not None:
        return classification.colour_of(shown.value)
    if shown.status == STATUS_SUPPRESSED:
        return SUPPRESSED_COLOUR
    return MISSING_COLOUR


def _scale_bar(axes, bounds) -> None:
    """A scale bar of a round length, about a fifth of the map's width (metres in EPSG:25832)."""
    minx, miny, maxx, maxy = bounds
    width = maxx - minx
    target = width / 5
    magnitude = 10 ** math.floor(math.log10(target))
    length = max(step * magnitude for step in (1, 2, 5) if step * magnitude <= target)
    x, y = minx, miny - 0.04 * (maxy - miny)
    height = 0.012 * (maxy - miny)
    half = length / 2
    axes.add_patch(Rectangle((x, y), half, height, facecolor=INK, edgecolor=INK, linewidth=0.6))
    axes.add_patch(
        Rectangle((x + half, y), half, height, facecolor="white", edgecolor=INK, linewidth=0.6)
    )
    label = f"{length / 1000:g} km".replace(".", ",") if length >= 1000 else f"{length:g} m"
    axes.text(x + length + 0.01 * width, y + height / 2, label, va="center", fontsize=7.5)
    axes.annotate(
        "N",
        xy=(maxx, maxy),
        xytext=(maxx, maxy - 0.08 * (maxy - miny)),
        ha="center",
        va="top",
        fontsize=9,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": INK, "linewidth": 1.0},
    )
    axes.set_ylim(y - 2 * height, maxy + 0.02 * (maxy - miny))


def _legend(panel, data: MapData, classification, method: str) -> None:
    table = data.table
    indicator = table.indicator
    statuses = [row.shown.status for row in table.rows]
    handles = []
    if classification is not None:
        handles += [
            Patch(
                facecolor=item.colour,
                edgecolor=OUTLINE,
                linewidth=0.5,
                label=f"{item.label} ({item.count})",
            )
            for item in reversed(classification.classes)  # high values on top
        ]
    handles.append(
        Patch(
            facecolor=SUPPRESSED_COLOUR,
            hatch=HATCH,
            hatchcolor="white",
            edgecolor=OUTLINE,
            linewidth=0.5,
            label=f"{SUPPRESSED_TEXT} ({statuses.count(STATUS_SUPPRESSED)})",
        )
    )
    handles.append(
        Patch(
            facecolor=MISSING_COLOUR,
            edgecolor=OUTLINE,
            linewidth=0.5,
            label=f"{MISSING_TEXT} ({statuses.count(STATUS_MISSING)})",
        )
    )
    title = _("Legend")
    if indicator.unit:
        title = f"{title} ({indicator.unit})"
    legend = panel.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        title=title,
        alignment="left",
        frameon=False,
        fontsize=9,
        title_fontproperties={"size": 10, "weight": "bold"},
        handlelength=2.2,
        handleheight=1.3,
        labelspacing=0.55,
    )
    notes = [
        _("In brackets: number of areas."),
        _("k. A.: not shown (data protection or not stated by the source)."),
        _("–: no value."),
    ]
    if classification is not None:
        notes.insert(
            0,
            _("Classes: %(method)s, %(count)d classes")
            % {"method": METHODS[method], "count": len(classification.classes)},
        )
    wrapped = "\n".join(textwrap.fill(note, width=52) for note in notes)
    y = _below(panel, legend) - 0.03
    block = panel.text(0.0, y, wrapped, fontsize=7.5, color=MUTED, va="top", linespacing=1.35)
    reference = table.reference
    if reference is not None:
        text = reference.shown.display
        kind = reference_kind_label(reference.kind)
        if kind:
            text = f"{text} ({kind})"
        y = _below(panel, block) - 0.06
        heading = panel.text(
            0.0,
            y,
            _("Reference: %(area)s") % {"area": reference.area_name},
            fontsize=9,
            fontweight="bold",
            va="top",
        )
        panel.text(0.0, _below(panel, heading) - 0.015, text, fontsize=11, va="top")


def _below(axes, artist) -> float:
    """The lower edge of a drawn artist in the axes' coordinates, to stack text under it."""
    renderer = FigureCanvasAgg(axes.figure).get_renderer()
    extent = artist.get_window_extent(renderer)
    return axes.transAxes.inverted().transform((0, extent.y0))[1]


def _footer(figure, data: MapData, without_geometry: list[str], citations, corrected) -> str:
    table = data.table
    names = {row.area_id: row.area_name for row in table.rows}
    lines = [
        data_note([table.indicator], data.value_notes),
        geometry_note(data.geometry_sources),
        corrected_note([(names[pk], table.indicator.name, when) for pk, when in corrected.items()]),
    ]
    if not table.valid_for_level:
        lines.append(_("This indicator is not meant for this spatial level."))
    if without_geometry:
        lines.append(
            _("Not on the map (no geometry): %(areas)s") % {"areas": ", ".join(without_geometry)}
        )
    # The citation names the municipality and the day of retrieval: it replaces the created note.
    cited = citations.listed([(table.indicator.pk, table.year)]) if citations else []
    lines += citation_lines(cited) or [created_note(data.municipality.name)]
    text = "\n".join(textwrap.fill(line, width=190) for line in lines if line)
    # Only the map gives way: the legend panel's texts are stacked from its top.
    make_room_for_footer(figure, text, room=3, axes=figure.axes[:1])
    figure.text(0.03, 0.03, text, fontsize=7, color=MUTED, va="bottom", linespacing=1.4)
    return text
