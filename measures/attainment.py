"""How far a goal has come: latest value against baseline and target, a linear trend to the
deadline and a status. Pure arithmetic on what a viewer may see; no database access.

Suppressed values (`k. A.`) and missing values (`–`) are no data points: they are neither drawn
nor used in the trend, so a suppressed number can never be inferred from an attainment. When
the latest year is suppressed the goal has no attainment (no data); when it is missing (not
delivered yet), the latest known value counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REACHED = "reached"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
NO_DATA = "no_data"

STATUS_LABELS = {
    REACHED: gettext_lazy("reached"),
    ON_TRACK: gettext_lazy("on track"),
    AT_RISK: gettext_lazy("at risk"),
    OFF_TRACK: gettext_lazy("off track"),
    NO_DATA: gettext_lazy("no data"),
}
STATUS_ORDER = [OFF_TRACK, AT_RISK, ON_TRACK, REACHED, NO_DATA]

# A forecast that reaches at least this share of the way by the deadline is "at risk", below
# it "off track".
AT_RISK_FROM = 0.5


@dataclass(frozen=True)
class Point:
    year: int
    value: float | None  # None: suppressed or missing
    display: str  # what the viewer sees: 12,3 %, k. A., –
    suppressed: bool = False


@dataclass(frozen=True)
class Attainment:
    status: str
    reason: str = ""  # why there is no data, in German
    baseline_year: int | None = None
    baseline: float | None = None
    target: float | None = None
    latest_year: int | None = None
    latest: float | None = None
    percent: float | None = None  # share of the way from baseline to target, in %
    forecast: float | None = None  # trend value at the deadline year
    forecast_percent: float | None = None
    points: list[Point] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def bar_percent(self) -> float:
        """The share of the way for a bar: clipped to 0–100."""
        if self.percent is None:
            return 0.0
        return max(0.0, min(100.0, self.percent))


def _at_least(percent: float, limit: float) -> bool:
    """`percent >= limit` up to float noise: a value exactly on the target is 100 %, not
    99.99999999 %."""
    return percent >= limit - 1e-9


def share_of_way(baseline: float, target: float, value: float) -> float:
    """How much of the way from baseline to target `value` has gone, in % (may be < 0 or > 100)."""
    return (value - baseline) / (target - baseline) * 100


def linear_trend(points: list[tuple[int, float]]) -> tuple[float, float] | None:
    """Least-squares line (slope, intercept) through (year, value); None below two years."""
    if len({year for year, _value in points}) < 2:
        return None
    n = len(points)
    mean_x = sum(year for year, _v in points) / n
    mean_y = sum(value for _y, value in points) / n
    sxx = sum((year - mean_x) ** 2 for year, _v in points)
    sxy = sum((year - mean_x) * (value - mean_y) for year, value in points)
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def attainment(
    *,
    baseline_year: int | None,
    baseline: float | None,
    target: float | None,
    deadline: datetime.date | None,
    points: list[Point],
    today: datetime.date,
) -> Attainment:
    """The attainment of a quantitative goal from the points a viewer may see.

    `points` are the goal's indicator in its area, one per year; the baseline counts as a point
    of its year when the atlas has none for it.
    """
    common = {
        "baseline_year": baseline_year,
        "baseline": baseline,
        "target": target,
        "points": points,
    }
    if baseline is None or baseline_year is None:
        return Attainment(NO_DATA, _("No baseline value from the atlas."), **common)
    if target is None:
        return Attainment(NO_DATA, _("No target value."), **common)
    if target == baseline:
        return Attainment(NO_DATA, _("The target equals the baseline."), **common)
    later = [p for p in points if p.year > baseline_year]
    if later and later[-1].suppressed:
        # An older value would report a state the suppressed one may contradict.
        return Attainment(NO_DATA, _("The latest value is suppressed (k. A.)."), **common)
    known = [p for p in later if p.value is not None]
    if not known:
        return Attainment(NO_DATA, _("No value after the baseline year yet."), **common)
    latest = known[-1]
    percent = share_of_way(baseline, target, latest.value)
    series = [(baseline_year, baseline)] + [(p.year, p.value) for p in known]
    forecast = forecast_percent = None
    trend = linear_trend(series)
    if trend is not None and deadline is not None:
        slope, intercept = trend
        forecast = slope * deadline.year + intercept
        forecast_percent = share_of_way(baseline, target, forecast)
    result = {
        **common,
        "latest_year": latest.year,
        "latest": latest.value,
        "percent": percent,
        "forecast": forecast,
        "forecast_percent": forecast_percent,
    }
    if _at_least(percent, 100):
        return Attainment(REACHED, **result)
    if deadline is not None and deadline < today:
        return Attainment(OFF_TRACK, _("The deadline has passed."), **result)
    if forecast_percent is None:
        # No deadline: judge by the direction of the change so far.
        return Attainment(ON_TRACK if percent > 0 else OFF_TRACK, **result)
    if _at_least(forecast_percent, 100):
        return Attainment(ON_TRACK, **result)
    if _at_least(forecast_percent, AT_RISK_FROM * 100):
        return Attainment(AT_RISK, **result)
    return Attainment(OFF_TRACK, **result)
