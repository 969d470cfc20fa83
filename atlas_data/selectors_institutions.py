"""Reads of institution-level indicators: an institution's values over the years (POI popup,
POI page, institution profile), the values of all institutions (API) and the comparison of
institutions with the social data of the areas they lie in (scatter chart, table, CSV).

Every number comes out of `selectors_explore.indicator_values_many`, i.e.
`suppression.compute_indicator_values`, where the institutions are leaves of the tree of areas:
primary and secondary suppression decide about institutions and areas in one pass. The public
sees released indicator years of released POIs only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import pgettext

from accounts.models import Municipality
from accounts.permissions import Action, can, require

from .models import Area, Indicator, IndicatorRelease, InstitutionValue, Poi, SpatialLevel
from .selectors_explore import indicator_values_many
from .selectors_pois import current_q
from .suppression import STATUS_OK, Shown, format_number

INSTITUTION = Indicator.ObservationUnit.INSTITUTION


def is_internal(user, municipality: Municipality) -> bool:
    return can(user, Action.VIEW_INTERNAL, municipality)


def institution_indicators(*, user, municipality: Municipality) -> list[Indicator]:
    """Institution-level indicators the viewer may see (the public: those with a release)."""
    queryset = (
        Indicator.objects.filter(municipality=municipality, observation_unit=INSTITUTION)
        .select_related("municipality", "topic", "institution_category")
        .order_by("topic__order", "topic__name", "name")
    )
    if is_internal(user, municipality):
        return list(queryset)
    require(user, Action.VIEW_PUBLIC, municipality)
    return list(queryset.filter(pk__in=IndicatorRelease.objects.values("indicator_id")))


def institution_years(*, user, indicators: list[Indicator]) -> dict[int, list[int]]:
    """The years with institution values per indicator that the viewer may see. Two queries."""
    if not indicators:
        return {}
    municipality = indicators[0].municipality
    years: dict[int, set[int]] = defaultdict(set)
    for pk, year in (
        InstitutionValue.objects.filter(indicator__in=indicators)
        .values_list("indicator_id", "year")
        .distinct()
    ):
        years[pk].add(year)
    if not is_internal(user, municipality):
        released = set(
            IndicatorRelease.objects.filter(indicator__in=indicators).values_list(
                "indicator_id", "year"
            )
        )
        years = {pk: {y for y in found if (pk, y) in released} for pk, found in years.items()}
    return {indicator.pk: sorted(years.get(indicator.pk, ())) for indicator in indicators}


# --------------------------------------------------------------------------------------------
# One institution over the years


@dataclass(frozen=True)
class InstitutionSeries:
    """One institution's values of one institution-level indicator, oldest year first."""

    indicator: Indicator
    points: list[tuple[int, Shown]]
    released: bool  # the latest year is released to the public

    @property
    def latest(self) -> tuple[int, Shown]:
        return self.points[-1]

    @property
    def label(self) -> str:
        name, unit = self.indicator.name, self.indicator.unit
        if not unit or name.endswith(f"({unit})"):
            return name
        return f"{name} ({unit})"


def sparkline(points: list[tuple[int, Shown]], *, width: int = 160, height: int = 36) -> dict:
    """An SVG line over the years (path data and dots): suppressed or missing years are gaps.

    Only numbers the viewer sees (`Shown.value`) are drawn, so the line never tells a hidden
    value; the y range is that of the visible numbers.
    """
    pad = 4
    visible = [shown.value for _year, shown in points if shown.value is not None]
    if not visible:
        return {"width": width, "height": height, "path": "", "dots": []}
    low, high = min(visible), max(visible)
    span = (high - low) or 1
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    parts, dots, pen_down = [], [], False
    for index, (year, shown) in enumerate(points):
        if shown.value is None:
            pen_down = False
            continue
        x = pad + index * step if len(points) > 1 else width / 2
        y = height - pad - (shown.value - low) / span * (height - 2 * pad)
        parts.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        dots.append({"x": f"{x:.1f}", "y": f"{y:.1f}", "year": year, "text": shown.display})
        pen_down = True
    return {"width": width, "height": height, "path": " ".join(parts), "dots": dots}


def poi_series(*, user, municipality: Municipality, poi: Poi) -> list[InstitutionSeries]:
    """The POI's values of every institution-level indicator, every year the viewer may see.

    The caller has checked that the viewer may see the POI. A fixed number of queries.
    """
    pairs = list(
        InstitutionValue.objects.filter(poi=poi, indicator__municipality=municipality)
        .values_list("indicator_id", "year")
        .distinct()
    )
    if not pairs:
        return []
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(pk__in={pk for pk, _y in pairs}).select_related(
            "municipality", "topic"
        )
    }
    wanted: dict[Indicator, list[int]] = defaultdict(list)
    for pk, year in pairs:
        wanted[indicators[pk]].append(year)
    data = indicator_values_many(user=user, municipality=municipality, wanted=wanted)
    released = set(
        IndicatorRelease.objects.filter(indicator_id__in=list(indicators)).values_list(
            "indicator_id", "year"
        )
    )
    result = []
    for indicator, years in wanted.items():
        points = [
            (year, data[(indicator.pk, year)].institutions[poi.pk])
            for year in sorted(years)
            if (indicator.pk, year) in data and poi.pk in data[(indicator.pk, year)].institutions
        ]
        if points:
            result.append(
                InstitutionSeries(
                    indicator=indicator,
                    points=points,
                    released=(indicator.pk, points[-1][0]) in released,
                )
            )
    return sorted(
        result,
        key=lambda s: (s.indicator.topic.order if s.indicator.topic else 999, s.indicator.name),
    )


# --------------------------------------------------------------------------------------------
# All institutions of an indicator


@dataclass(frozen=True)
class InstitutionRow:
    poi: Poi
    year: int
    shown: Shown


def visible_pois(*, user, municipality: Municipality):
    """POIs whose values the viewer may see: all for members, released current ones else."""
    queryset = Poi.objects.filter(municipality=municipality)
    if not is_internal(user, municipality):
        queryset = queryset.filter(current_q(), is_released=True)
    return queryset


def institution_rows(
    *,
    user,
    municipality: Municipality,
    indicator: Indicator,
    years: list[int] | None = None,
    poi: Poi | None = None,
) -> list[InstitutionRow]:
    """Every institution value of `indicator` (in `years`, of `poi`) as the viewer may see it,
    ordered by year and institution name. A fixed number of queries."""
    available = institution_years(user=user, indicators=[indicator])[indicator.pk]
    chosen = [year for year in available if years is None or year in years]
    if not chosen:
        return []
    data = indicator_values_many(user=user, municipality=municipality, wanted={indicator: chosen})
    pois = visible_pois(user=user, municipality=municipality).select_related("category")
    if poi is not None:
        pois = pois.filter(pk=poi.pk)
    wanted_ids = set()
    for year in chosen:
        if (indicator.pk, year) in data:
            wanted_ids |= set(data[(indicator.pk, year)].institutions)
    by_id = {p.pk: p for p in pois.filter(pk__in=wanted_ids)}
    rows = []
    for year in chosen:
        values = data.get((indicator.pk, year))
        if values is None:
            continue
        for poi_id, shown in values.institutions.items():
            if poi_id in by_id:
                rows.append(InstitutionRow(poi=by_id[poi_id], year=year, shown=shown))
    return sorted(rows, key=lambda row: (row.year, row.poi.name.casefold(), row.poi.pk))


# --------------------------------------------------------------------------------------------
# Institutions compared with their areas (scatter chart)


@dataclass(frozen=True)
class ComparisonPoint:
    poi: Poi
    area: Area | None
    institution: Shown
    area_value: Shown | None

    @property
    def plotted(self) -> bool:
        return (
            self.area_value is not None
            and self.institution.status == STATUS_OK
            and self.area_value.status == STATUS_OK
        )


@dataclass(frozen=True)
class Comparison:
    indicator: Indicator  # per institution (y)
    year: int
    area_indicator: Indicator  # per area (x)
    area_year: int
    level: SpatialLevel
    points: list[ComparisonPoint]  # every visible institution, plotted or not
    viewer_sees_suppressed: bool

    @property
    def plotted(self) -> list[ComparisonPoint]:
        return [point for point in self.points if point.plotted]

    @property
    def institution_label(self) -> str:
        """What the institutions are: the indicator's category of institutions (`Kita`), else
        `Einrichtung`."""
        category = self.indicator.institution_category
        return category.name if category is not None else pgettext("poi", "Institution")

    @property
    def left_out_suppressed(self) -> int:
        """Institutions left out because their value or their area's value is `k. A.`."""
        return sum(
            1
            for p in self.points
            if not p.plotted
            and (
                p.institution.status == "suppressed"
                or getattr(p.area_value, "status", "") == "suppressed"
            )
        )

    @property
    def left_out_other(self) -> int:
        """Institutions left out for another reason: no area on the level, no value there."""
        return len(self.points) - len(self.plotted) - self.left_out_suppressed

    @property
    def correlation(self) -> float | None:
        """Pearson's r over the plotted points (the numbers every viewer of the chart sees)."""
        pairs = [(p.area_value.value, p.institution.value) for p in self.plotted]
        if len(pairs) < 3:
            return None
        n = len(pairs)
        mean_x = sum(x for x, _y in pairs) / n
        mean_y = sum(y for _x, y in pairs) / n
        sxx = sum((x - mean_x) ** 2 for x, _y in pairs)
        syy = sum((y - mean_y) ** 2 for _x, y in pairs)
        if sxx == 0 or syy == 0:
            return None
        sxy = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
        return sxy / math.sqrt(sxx * syy)

    @property
    def correlation_text(self) -> str:
        r = self.correlation
        return "" if r is None else format_number(r, decimals=2)

    def chart_data(self) -> dict:
        """What the chart script draws: numbers and German texts of the plotted points."""
        return {
            "x_title": _axis_title(self.area_indicator, self.area_year),
            "y_title": _axis_title(self.indicator, self.year),
            "institution_label": self.institution_label,
            "points": [
                {
                    "x": p.area_value.value,
                    "y": p.institution.value,
                    "name": p.poi.name,
                    "area": p.area.name if p.area else "",
                    "x_text": p.area_value.display,
                    "y_text": p.institution.display,
                    "color": p.poi.category.color,
                }
                for p in self.plotted
            ],
        }


def _axis_title(indicator: Indicator, year: int) -> str:
    unit = f" ({indicator.unit})" if indicator.unit else ""
    return f"{indicator.short_name or indicator.name}{unit}, {year}"


class ComparisonUnavailable(Exception):
    """The comparison cannot be shown to this viewer (e.g. a year not released)."""


def comparison(
    *,
    user,
    municipality: Municipality,
    indicator: Indicator,
    year: int,
    area_indicator: Indicator,
    level: SpatialLevel,
    area_year: int | None = None,
) -> Comparison:
    """Each institution's value of `indicator` in `year` next to the value of `area_indicator`
    (in `area_year`, by default the same year) for the area of `level` it lies in.

    Suppressed institutions and areas are not plotted but counted. Raises
    ComparisonUnavailable where the viewer may not see one of the two indicator years.
    """
    area_year = area_year or year
    data = indicator_values_many(
        user=user,
        municipality=municipality,
        wanted={indicator: [year], area_indicator: [area_year]}
        if indicator != area_indicator
        else {indicator: sorted({year, area_year})},
    )
    if (indicator.pk, year) not in data or (area_indicator.pk, area_year) not in data:
        raise ComparisonUnavailable
    institutions = data[(indicator.pk, year)]
    areas = data[(area_indicator.pk, area_year)]
    pois = list(
        visible_pois(user=user, municipality=municipality)
        .filter(pk__in=list(institutions.institutions))
        .select_related("category")
        .prefetch_related(
            Prefetch("areas", queryset=Area.objects.filter(level=level).order_by("key"))
        )
        .order_by("name", "pk")
    )
    points = []
    for poi in pois:
        area = next(iter(poi.areas.all()), None)
        points.append(
            ComparisonPoint(
                poi=poi,
                area=area,
                institution=institutions.institutions[poi.pk],
                area_value=areas.shown.get(area.pk) if area is not None else None,
            )
        )
    return Comparison(
        indicator=indicator,
        year=year,
        area_indicator=area_indicator,
        area_year=area_year,
        level=level,
        points=points,
        viewer_sees_suppressed=institutions.viewer_sees_suppressed,
    )


def area_indicators(*, user, municipality: Municipality) -> list[Indicator]:
    """Indicators per area the viewer may see: the x axis of the comparison."""
    queryset = (
        Indicator.objects.filter(municipality=municipality)
        .exclude(observation_unit=INSTITUTION)
        .select_related("municipality", "topic")
        .order_by("topic__order", "topic__name", "name")
    )
    if is_internal(user, municipality):
        return list(queryset)
    require(user, Action.VIEW_PUBLIC, municipality)
    return list(queryset.filter(pk__in=IndicatorRelease.objects.values("indicator_id")))
