"""Print charts: column, bar and scatter charts of a year, line charts over the years.

Several indicators get one panel each (their units differ). The municipal value is drawn as a
reference line; areas whose value is `k. A.` or `–` get no bar or point but their text, so no
area silently disappears from a chart.
"""

from __future__ import annotations

import textwrap

import matplotlib
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from ..citation import Citations, german_date
from ..classification import palette
from ..selectors_exports import ChartData
from ..suppression import STATUS_OK, format_number
from . import (
    A4_LANDSCAPE_FIGURE,
    GRID,
    INK,
    MUTED,
    RC_PARAMS,
    REFERENCE_COLOUR,
    citation_lines,
    corrected_note,
    created_note,
    data_note,
    make_room_for_footer,
    reference_kind_label,
    save_figure,
    unit_suffix,
)

# Okabe–Ito: told apart with every common colour vision deficiency.
LINE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
LABEL_LIMIT = 30


def _tick(value, _position=None) -> str:
    decimals = 0 if float(value).is_integer() else 2
    text = format_number(value, decimals=decimals)
    return text[:-1] if decimals and text.endswith("0") else text


def _bar_colour(indicator) -> str:
    return palette(5, indicator.polarity)[3]


def render_chart(data: ChartData, *, fmt: str, citations: Citations | None = None) -> bytes:
    """The chart as PNG/JPG (300 dpi), SVG or PDF; with `citations` (atlas_data.citation) the
    released indicator years are cited in the footer and corrected values listed."""
    with matplotlib.rc_context(RC_PARAMS):
        figure = Figure(figsize=A4_LANDSCAPE_FIGURE)
        indicators = (
            [table.indicator for table in data.tables]
            if data.chart_type != "line"
            else [indicator for indicator, _points in data.series]
        )
        _header(figure, data, indicators)
        draw = {"column": _column, "bar": _bar, "scatter": _scatter, "line": _line}
        notes = draw[data.chart_type](figure, data)
        lines = [data_note(indicators, data.value_notes), *notes]
        lines.append(corrected_note(_corrected(data, citations)))
        # The citation names the municipality and the day of retrieval: it replaces the
        # created note. A line chart cites the latest year of each indicator; its permanent
        # page links the other years.
        lines += citation_lines(_cited(data, citations)) or [created_note(data.municipality.name)]
        text = "\n".join(textwrap.fill(line, width=190) for line in lines if line)
        make_room_for_footer(figure, text, room=2)
        figure.text(0.03, 0.025, text, fontsize=7, color=MUTED, va="bottom", linespacing=1.4)
        return save_figure(figure, fmt, footer=text)


def _shown_tables(data: ChartData) -> list:
    """Every values table drawn: one per indicator, or one per indicator and year (line)."""
    if data.chart_type != "line":
        return list(data.tables)
    return [point.table for _indicator, points in data.series for point in points]


def _cited(data: ChartData, citations: Citations | None) -> list:
    if citations is None:
        return []
    if data.chart_type != "line":
        return citations.listed((t.indicator.pk, t.year) for t in data.tables)
    latest = [(indicator.pk, points[-1].year) for indicator, points in data.series if points]
    return citations.listed(latest)


def _corrected(data: ChartData, citations: Citations | None) -> list[tuple[str, str, str]]:
    """(area, indicator [year], date) of the values drawn that were corrected after release."""
    if citations is None:
        return []
    line = data.chart_type == "line"
    entries = []
    for table in _shown_tables(data):
        for row in table.rows:
            if line and row.area_id not in data.area_ids:
                continue
            moment = citations.corrected(table.indicator.pk, table.year, row.area_id)
            if moment is not None:
                label = f"{table.indicator.name} {table.year}" if line else table.indicator.name
                entries.append((row.area_name, label, german_date(moment)))
    return entries


def _header(figure, data: ChartData, indicators) -> None:
    if len(indicators) == 1:
        title = indicators[0].name
    else:
        title = " · ".join(str(indicator) for indicator in indicators)
    title = textwrap.fill(title, width=80)
    figure.text(0.03, 0.955, title, fontsize=14, fontweight="bold", va="top")
    if data.chart_type == "line":
        years = sorted({p.year for _i, points in data.series for p in points})
        when = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]) if years else ""
    else:
        when = str(data.year)
    subtitle = " · ".join(part for part in [data.municipality.name, data.level.name, when] if part)
    figure.text(
        0.03, 0.91 - 0.035 * title.count("\n"), subtitle, fontsize=10, color=MUTED, va="top"
    )
    tables = data.tables or [p.table for _i, points in data.series for p in points]
    if any(not table.released for table in tables):
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


def _panels(figure, area, count: int, *, side_by_side: bool, gap: float = 0.06):
    left, bottom, width, height = area
    axes = []
    for index in range(count):
        if side_by_side:
            w = (width - gap * (count - 1)) / count
            rect = (left + index * (w + gap), bottom, w, height)
        else:
            h = (height - gap * (count - 1)) / count
            rect = (left, bottom + (count - 1 - index) * (h + gap), width, h)
        axes.append(figure.add_axes(rect))
    for ax in axes:
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_axisbelow(True)
    return axes


def _reference(ax, table, *, vertical: bool) -> None:
    """The municipal value as a dashed line, labelled outside the plot so that no bar hides it:
    above a vertical line, to the right of a horizontal one."""
    reference = table.reference
    if reference is None or reference.shown.status != STATUS_OK:
        return
    value = reference.shown.value
    kind = reference_kind_label(reference.kind)
    style = {"color": REFERENCE_COLOUR, "linestyle": "--", "linewidth": 1.2, "zorder": 3}
    if vertical:
        ax.axvline(value, **style)
        label = f"{reference.area_name}: {reference.shown.display}"
        ax.text(
            value,
            1.01,
            f"{label}\n({kind})" if kind else label,
            transform=blended_transform_factory(ax.transData, ax.transAxes),
            color=REFERENCE_COLOUR,
            fontsize=7.5,
            va="bottom",
            ha="center",
        )
    else:
        ax.axhline(value, **style)
        lines = [reference.area_name, reference.shown.display] + ([f"({kind})"] if kind else [])
        ax.text(
            1.01,
            value,
            "\n".join(lines),
            transform=blended_transform_factory(ax.transAxes, ax.transData),
            color=REFERENCE_COLOUR,
            fontsize=7.5,
            va="center",
            ha="left",
        )


def _column(figure, data: ChartData) -> list[str]:
    several = len(data.tables) > 1
    area = (0.07, 0.2, 0.78, 0.62 if several else 0.66)
    axes = _panels(figure, area, len(data.tables), side_by_side=False, gap=0.06)
    for ax, table in zip(axes, data.tables, strict=True):
        names = [row.area_name for row in table.rows]
        positions = range(len(names))
        values = [row.shown.value if row.shown.status == STATUS_OK else 0 for row in table.rows]
        ax.bar(positions, values, color=_bar_colour(table.indicator), width=0.7, zorder=2)
        ax.yaxis.set_major_formatter(FuncFormatter(_tick))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        _reference(ax, table, vertical=False)
        labels = len(names) <= LABEL_LIMIT
        for x, row in zip(positions, table.rows, strict=True):
            if row.shown.status != STATUS_OK or labels:
                ax.annotate(
                    row.shown.display,
                    (x, row.shown.value if row.shown.status == STATUS_OK else 0),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7 if len(names) > 12 else 8,
                    color=INK if row.shown.status == STATUS_OK else MUTED,
                )
        ax.set_xticks(list(positions))
        rotate = len(names) > 8
        if ax is axes[-1]:  # the panels share their areas: name them once, below
            ax.set_xticklabels(
                names, rotation=40 if rotate else 0, ha="right" if rotate else "center", fontsize=8
            )
        else:
            ax.set_xticklabels([])
        ax.set_xlim(-0.6, len(names) - 0.4)
        ax.margins(y=0.14)
        ax.set_ylabel(table.indicator.unit, fontsize=8)
        if several:
            ax.set_title(
                f"{table.indicator.name}{unit_suffix(table.indicator.unit)}",
                loc="left",
                fontsize=10,
            )
    return [_("k. A.: not shown (data protection or not stated by the source). –: no value.")]


def _bar(figure, data: ChartData) -> list[str]:
    several = len(data.tables) > 1
    area = (0.19, 0.15, 0.76, 0.6 if several else 0.66)
    axes = _panels(figure, area, len(data.tables), side_by_side=True)
    rows = data.tables[0].rows
    if len(data.tables) == 1:  # one indicator: a ranking, the areas without value last
        rows = sorted(
            rows,
            key=lambda r: (r.shown.status != STATUS_OK, -(r.shown.value or 0), r.area_key),
        )
    order = [row.area_id for row in rows]
    for index, (ax, table) in enumerate(zip(axes, data.tables, strict=True)):
        by_area = {row.area_id: row for row in table.rows}
        ordered = [by_area[pk] for pk in order]
        positions = list(range(len(ordered)))[::-1]  # first row on top
        values = [r.shown.value if r.shown.status == STATUS_OK else 0 for r in ordered]
        ax.barh(positions, values, color=_bar_colour(table.indicator), height=0.7, zorder=2)
        ax.xaxis.set_major_formatter(FuncFormatter(_tick))
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        _reference(ax, table, vertical=True)
        labels = len(ordered) <= LABEL_LIMIT
        for y, row in zip(positions, ordered, strict=True):
            if row.shown.status != STATUS_OK or labels:
                ax.annotate(
                    row.shown.display,
                    (row.shown.value if row.shown.status == STATUS_OK else 0, y),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7 if len(ordered) > 15 else 8,
                    color=INK if row.shown.status == STATUS_OK else MUTED,
                )
        ax.set_yticks(positions)
        ax.set_yticklabels(
            [r.area_name for r in ordered] if index == 0 else [""] * len(ordered), fontsize=8
        )
        ax.set_ylim(-0.6, len(ordered) - 0.4)
        ax.margins(x=0.12)
        ax.set_xlabel(table.indicator.unit, fontsize=8)
        if len(data.tables) > 1:
            ax.set_title(
                textwrap.fill(f"{table.indicator}{unit_suffix(table.indicator.unit)}", 40),
                loc="left",
                fontsize=9,
                pad=26,
            )
    return [_("k. A.: not shown (data protection or not stated by the source). –: no value.")]


def _scatter(figure, data: ChartData) -> list[str]:
    [ax] = _panels(figure, (0.09, 0.16, 0.76, 0.66), 1, side_by_side=True)
    x_table, y_table = data.tables
    y_rows = {row.area_id: row for row in y_table.rows}
    points, left_out = [], []
    for x_row in x_table.rows:
        y_row = y_rows[x_row.area_id]
        if x_row.shown.status == STATUS_OK and y_row.shown.status == STATUS_OK:
            points.append((x_row.shown.value, y_row.shown.value, x_row.area_name))
        else:
            left_out.append(f"{x_row.area_name} ({x_row.shown.display} / {y_row.shown.display})")
    ax.scatter(
        [p[0] for p in points],
        [p[1] for p in points],
        s=36,
        color=_bar_colour(y_table.indicator),
        edgecolor=INK,
        linewidth=0.5,
        zorder=4,
    )
    if len(points) <= LABEL_LIMIT:
        box = {"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.7, "linewidth": 0}
        for x, y, name in points:
            ax.annotate(
                name,
                (x, y),
                xytext=(5, 3),
                textcoords="offset points",
                fontsize=8,
                bbox=box,
                zorder=5,
            )
    _reference(ax, x_table, vertical=True)
    _reference(ax, y_table, vertical=False)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(FuncFormatter(_tick))
    ax.grid(color=GRID, linewidth=0.6)
    ax.margins(0.12)
    ax.set_xlabel(f"{x_table.indicator.name}{unit_suffix(x_table.indicator.unit)}", fontsize=9)
    ax.set_ylabel(
        textwrap.fill(f"{y_table.indicator.name}{unit_suffix(y_table.indicator.unit)}", 50),
        fontsize=9,
    )
    if left_out:
        return [_("Not drawn (k. A. or –): %(areas)s") % {"areas": ", ".join(left_out)}]
    return []


def _line(figure, data: ChartData) -> list[str]:
    several = len(data.series) > 1
    area = (0.07, 0.16, 0.7, 0.64 if several else 0.68)
    axes = _panels(figure, area, len(data.series), side_by_side=False, gap=0.09)
    notes = []
    for ax, (indicator, points) in zip(axes, data.series, strict=True):
        years = [p.year for p in points]
        series = []
        first = points[0].table if points else None
        if first is not None and first.reference is not None:
            series.append((first.reference.area_name, [p.table.reference.shown for p in points]))
        for area_id in data.area_ids:
            name = next(r.area_name for r in first.rows if r.area_id == area_id)
            shown = [next(r.shown for r in p.table.rows if r.area_id == area_id) for p in points]
            series.append((name, shown))
        hidden_marks = []
        for index, (name, shown) in enumerate(series):
            is_reference = index == 0 and first is not None and first.reference is not None
            colour = INK if is_reference else LINE_COLOURS[(index - 1) % len(LINE_COLOURS)]
            values = [s.value if s.status == STATUS_OK else float("nan") for s in shown]
            ax.plot(
                years,
                values,
                color=colour,
                linewidth=2.4 if is_reference else 1.6,
                linestyle="--" if is_reference else "-",
                marker="o",
                markersize=4,
                label=name,
                zorder=3,
            )
            for year, s in zip(years, shown, strict=True):
                if s.status != STATUS_OK:
                    hidden_marks.append((year, s.display, colour, name))
        for number, (year, display, colour, name) in enumerate(hidden_marks):
            ax.text(
                year,
                0.03 + 0.06 * (number % 5),
                display,
                transform=blended_transform_factory(ax.transData, ax.transAxes),
                color=colour,
                fontsize=7.5,
                ha="center",
            )
            notes.append(f"{name} {year}: {display}")
        ax.set_xticks(years)
        ax.set_xticklabels([str(y) for y in years], fontsize=8)
        ax.yaxis.set_major_formatter(FuncFormatter(_tick))
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.margins(x=0.05, y=0.15)
        ax.set_title(f"{indicator.name}{unit_suffix(indicator.unit)}", loc="left", fontsize=10)
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            frameon=False,
            fontsize=8,
            title=_("Areas"),
            title_fontproperties={"size": 8.5, "weight": "bold"},
        )
    if notes:
        return [_("Without a value (k. A. or –): %(points)s") % {"points": "; ".join(notes)}]
    return []
