"""Class breaks and colours of choropleth maps, shared by the interactive map and the print exports.

Breaks come from mapclassify; colours from sequential palettes whose lightness rises steadily, so
the classes stay distinguishable when printed in grey. The palette follows the indicator's
polarity: dark red where a high value is a problem, dark blue-green where it is good, violet
where neither.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import mapclassify
import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from matplotlib import colormaps
from matplotlib.colors import to_hex

METHODS = {
    "quantiles": gettext_lazy("Quantiles"),
    "equal_interval": gettext_lazy("Equal intervals"),
    "natural_breaks": gettext_lazy("Natural breaks (Jenks)"),
    "manual": gettext_lazy("Manual breaks"),
}
DEFAULT_METHOD = "quantiles"
MIN_CLASSES, MAX_CLASSES, DEFAULT_CLASSES = 3, 7, 5
PALETTES = {"higher_worse": "OrRd", "higher_better": "GnBu", "neutral": "Purples", "": "Purples"}
SUPPRESSED_COLOUR = "#8c8c8c"  # drawn hatched: "k. A."
MISSING_COLOUR = "#ffffff"  # drawn with an outline only: "–"


class ClassificationError(ValueError):
    """Parameters that cannot give a classification, with a message for the user."""


@dataclass(frozen=True)
class LegendClass:
    lower: float
    upper: float
    colour: str
    count: int
    label: str = ""


@dataclass(frozen=True)
class Classification:
    method: str
    classes: list[LegendClass]
    breaks: list[float] = field(default_factory=list)  # upper bounds, ascending

    def class_of(self, value: float | None) -> int | None:
        """Index of the class holding `value` (None for no number)."""
        if value is None:
            return None
        for index, upper in enumerate(self.breaks):
            if value <= upper + 1e-12:
                return index
        return len(self.breaks) - 1 if self.breaks else None

    def colour_of(self, value: float | None) -> str | None:
        index = self.class_of(value)
        return None if index is None else self.classes[index].colour


def palette(classes: int, polarity: str) -> list[str]:
    """`classes` colours from light to dark, evenly spaced in the palette of the polarity."""
    cmap = colormaps[PALETTES.get(polarity, "Purples")]
    positions = np.linspace(0.18, 0.95, classes) if classes > 1 else [0.6]
    return [to_hex(cmap(position)) for position in positions]


def parse_breaks(text: str) -> list[float]:
    """Manual breaks typed by a person: `10; 15,5; 20` or `10, 15.5, 20`."""
    text = (text or "").strip()
    if not text:
        return []
    parts = text.replace(";", " ").split() if ";" in text else text.replace(", ", " ").split()
    numbers = []
    for part in parts:
        part = part.strip().rstrip(",")
        try:
            numbers.append(float(part.replace(".", "").replace(",", ".") if "," in part else part))
        except ValueError as exc:
            raise ClassificationError(
                _("“%(part)s” is not a number: give the breaks as numbers separated by ;")
                % {"part": part}
            ) from exc
    return sorted(set(numbers))


def _scheme(numbers: np.ndarray, method: str, classes: int):
    if method == "quantiles":
        return mapclassify.Quantiles(numbers, k=classes)
    if method == "equal_interval":
        return mapclassify.EqualInterval(numbers, k=classes)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        if numbers.size > 1000:
            # Exact Jenks is quadratic in the number of areas; for the 10,997 Gemeinden of
            # Germany a sample of about 1,000 gives the same breaks to within a class's noise.
            return mapclassify.FisherJenksSampled(numbers, k=classes, pct=1000 / numbers.size)
        return mapclassify.FisherJenks(numbers, k=classes)


def classify(
    values: list[float | None],
    *,
    method: str = DEFAULT_METHOD,
    classes: int = DEFAULT_CLASSES,
    manual_breaks: list[float] | None = None,
    polarity: str = "neutral",
    formatter=None,
) -> Classification | None:
    """Classes for the visible numbers in `values` (None = suppressed or missing, left out).

    Returns None when there is no number to classify. `formatter` turns a number into the
    German text of the legend.
    """
    if method not in METHODS:
        raise ClassificationError(_("Unknown classification method %(m)s.") % {"m": method})
    if not MIN_CLASSES <= classes <= MAX_CLASSES:
        raise ClassificationError(
            _("Choose between %(min)d and %(max)d classes.")
            % {"min": MIN_CLASSES, "max": MAX_CLASSES}
        )
    numbers = np.array([v for v in values if v is not None], dtype=float)
    if numbers.size == 0:
        return None
    low, high = float(numbers.min()), float(numbers.max())
    if method == "manual":
        inner = [b for b in (manual_breaks or []) if low <= b < high]
        if not manual_breaks:
            raise ClassificationError(_("Manual classification needs at least one break."))
        breaks = sorted(set(inner)) + [high]
    elif np.unique(numbers).size <= classes:
        # Fewer distinct numbers than classes: one class per number.
        breaks = [float(v) for v in np.unique(numbers)]
    else:
        breaks = sorted({float(b) for b in _scheme(numbers, method, classes).bins})
    colours = palette(len(breaks), polarity)
    fmt = formatter or (lambda number: f"{number:g}")
    legend, lower = [], low
    for index, upper in enumerate(breaks):
        if index == 0:
            members = numbers <= upper + 1e-12
        else:
            members = (numbers > breaks[index - 1] + 1e-12) & (numbers <= upper + 1e-12)
        label = fmt(lower) if lower == upper else f"{fmt(lower)} – {fmt(upper)}"
        legend.append(LegendClass(lower, upper, colours[index], int(members.sum()), label))
        lower = upper
    return Classification(method=method, classes=legend, breaks=breaks)
