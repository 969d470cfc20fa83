"""The pictures of the interim report: a line chart per goal and atlas maps, as PNG.

A goal chart draws the indicator's values the reader may see, the baseline and the target as
dashed lines and the linear trend to the deadline as a dotted one. Years whose value is `k. A.`
or `–` are gaps in the line, with their text at the foot of the chart, in the style of the
atlas's print charts (atlas_data/exports/charts.py). Maps are the atlas's print maps.
"""

from __future__ import annotations

import math

import matplotlib
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from accounts.models import Municipality
from atlas_data.exports import GRID, INK, MUTED, RC_PARAMS, REFERENCE_COLOUR, save_figure
from atlas_data.exports.maps import render_map
from atlas_data.selectors_exports import map_export
from atlas_data.suppression import format_number

from .data import GoalEntry, MapChoice

LINE_COLOUR = "#0072B2"  # the first of the atlas's Okabe–Ito colours
BASELINE_COLOUR = MUTED
CHART_SIZE = (16 / 2.54, 6.2 / 2.54)  # inches: the text width of an A4 portrait page


def _tick(value, _position=None) -> str:
    decimals = 0 if float(value).is_integer() else 2
    text = format_number(value, decimals=decimals)
    return text[:-1] if decimals and text.endswith("0") else text


def goal_chart(entry: GoalEntry) -> bytes | None:
    """The goal's indicator over the years with baseline, target and trend; None for a goal
    without indicator or without anything to draw."""
    result = entry.attainment
    points = result.points
    if not entry.indicator_name or (not points and result.baseline is None):
        return None

    def shown(value: float) -> str:
        return format_number(value, decimals=entry.decimals, unit=entry.unit, kind=entry.kind)

    with matplotlib.rc_context(RC_PARAMS):
        figure = Figure(figsize=CHART_SIZE)
        ax = figure.add_axes((0.11, 0.2, 0.63, 0.7))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_axisbelow(True)
        years = [p.year for p in points]
        values = [p.value if p.value is not None else math.nan for p in points]
        ax.plot(
            years,
            values,
            color=LINE_COLOUR,
            linewidth=1.8,
            marker="o",
            markersize=4,
            label=_("Value"),
            zorder=3,
        )
        for number, point in enumerate(p for p in points if p.value is None):
            ax.text(
                point.year,
                0.04 + 0.08 * (number % 3),
                point.display,
                transform=blended_transform_factory(ax.transData, ax.transAxes),
                color=MUTED,
                fontsize=7.5,
                ha="center",
            )
        if result.baseline is not None:
            ax.axhline(
                result.baseline,
                color=BASELINE_COLOUR,
                linestyle="--",
                linewidth=1.0,
                label=_("Baseline %(year)s: %(value)s")
                % {"year": result.baseline_year, "value": shown(result.baseline)},
            )
        if result.target is not None:
            ax.axhline(
                result.target,
                color=REFERENCE_COLOUR,
                linestyle="--",
                linewidth=1.2,
                label=_("Target: %(value)s") % {"value": shown(result.target)},
            )
        all_years = set(years)
        if result.baseline_year:
            all_years.add(result.baseline_year)
        if result.forecast is not None and entry.deadline and result.latest_year is not None:
            ax.plot(
                [result.latest_year, entry.deadline.year],
                [result.latest, result.forecast],
                color=LINE_COLOUR,
                linestyle=":",
                linewidth=1.4,
                label=_("Trend to %(year)s: %(value)s")
                % {"year": entry.deadline.year, "value": shown(result.forecast)},
            )
            all_years.add(entry.deadline.year)
        if all_years:
            ax.set_xlim(min(all_years) - 0.5, max(all_years) + 0.5)
        # Whole years only, and no more labels than fit: a deadline far ahead spreads them.
        ax.xaxis.set_major_locator(MaxNLocator(nbins=9, integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda year, _pos: f"{year:.0f}"))
        ax.tick_params(axis="x", labelsize=7.5)
        ax.yaxis.set_major_formatter(FuncFormatter(_tick))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.tick_params(axis="y", labelsize=7.5)
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.margins(y=0.2)
        if entry.unit:
            ax.set_ylabel(entry.unit, fontsize=8, color=INK)
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            frameon=False,
            fontsize=7,
        )
        if any(p.value is None for p in points):
            figure.text(
                0.11,
                0.03,
                _("k. A.: not shown (data protection or not stated by the source). –: no value."),
                fontsize=6.5,
                color=MUTED,
            )
        return save_figure(figure, "png")


def map_image(*, user, municipality: Municipality, choice: MapChoice) -> tuple[str, bytes]:
    """The atlas's print map of one indicator, year and level as the file reader sees it."""
    data = map_export(
        user=user,
        municipality=municipality,
        indicator_id=choice.indicator_id,
        year=choice.year,
        level=choice.level,
    )
    title = f"{data.table.indicator.name} · {data.table.level.name} · {data.table.year}"
    return title, render_map(data, fmt="png")
