"""The institution profile (Sozialraumprofil einer Einrichtung): for one POI the areas it lies
in, their key indicators with trend and municipal comparison, the offers nearby and the
institution's own values. One place builds it for the page, the API, the DOCX and the PDF.

It is the area report's machinery seen from one institution: every area number comes out of
`selectors_explore.indicator_values_many`, i.e. `suppression.shown_values` over the whole tree
of areas, and the change since the previous year is `selectors_report.change_between` of the
numbers as shown, so it never uses a number the viewer may not see. The institution's own
values come from `selectors_institutions.poi_series`: institutions are leaves of the same tree.
A fixed number of queries, however many indicators, years and POIs there are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Municipality

from . import selectors_institutions, selectors_pois
from .models import Area, Indicator, Poi, PoiCategory, Value
from .selectors_explore import (
    Catalogue,
    _root_reference,
    explorer_catalogue,
    indicator_values_many,
)
from .selectors_report import Change, change_between
from .suppression import STATUS_MISSING, Shown

# Offers within this distance count as nearby, besides those in the same area.
RADIUS_M = 1000
# One A4 page holds about this many indicator rows next to the other parts.
MAX_KEY_INDICATORS = 12
EARTH_RADIUS_M = 6_371_000
METRES_PER_DEGREE = 111_320


@dataclass(frozen=True)
class KeyIndicator:
    """One indicator of the areas: latest value, trend and the municipal comparison."""

    indicator: Indicator
    year: int  # the latest year the viewer may see
    previous_year: int | None
    values: list[Shown]  # per area of the profile (the smallest level), latest year
    parents: list[Shown]  # per parent area (the levels between), latest year
    reference: Shown | None  # the whole municipality, latest year
    reference_kind: str  # published / computed / unweighted_mean / ""
    series: list[tuple[int, Shown]]  # the first area over every visible year, oldest first
    change: Change  # the first area: latest minus previous year as shown
    released: bool  # the latest year is released to the public

    @property
    def label(self) -> str:
        name, unit = self.indicator.name, self.indicator.unit
        if not unit or name.endswith(f"({unit})"):
            return name
        return f"{name} ({unit})"

    @property
    def direction(self) -> str:
        """up / down / flat, or "" where the change is not known."""
        if self.change.value is None:
            return ""
        if self.change.value > 0:
            return "up"
        return "down" if self.change.value < 0 else "flat"

    @property
    def assessment(self) -> str:
        """better / worse by the indicator's polarity, or "" (neutral, flat or unknown)."""
        polarity = self.indicator.polarity
        if self.direction not in ("up", "down") or polarity not in (
            Indicator.Polarity.HIGHER_BETTER,
            Indicator.Polarity.HIGHER_WORSE,
        ):
            return ""
        rising_is_good = polarity == Indicator.Polarity.HIGHER_BETTER
        return "better" if (self.direction == "up") == rising_is_good else "worse"

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "flat": "→"}.get(self.direction, "")

    @property
    def trend_text(self) -> str:
        """`↑ +0,40 Pp. seit 2014 (günstiger)`; `–` without a comparison year."""
        if self.previous_year is None:
            return "–"
        text = f"{self.arrow} {self.change.text}".strip()
        text += " " + _("since %(year)s") % {"year": self.previous_year}
        if self.assessment == "better":
            text += " (" + _("better") + ")"
        elif self.assessment == "worse":
            text += " (" + _("worse") + ")"
        return text


@dataclass(frozen=True)
class NearbyOffer:
    poi: Poi
    distance_m: float
    in_area: bool  # lies in one of the profile's areas

    @property
    def distance_text(self) -> str:
        if self.distance_m < 1000:
            return f"{round(self.distance_m / 10) * 10:.0f} m"
        return f"{self.distance_m / 1000:.1f} km".replace(".", ",")


@dataclass(frozen=True)
class OfferGroup:
    category: PoiCategory
    offers: list[NearbyOffer]


@dataclass(frozen=True)
class InstitutionSeries:
    """The institution's own values of one institution-level indicator over the years."""

    indicator: Indicator
    points: list[tuple[int, Shown]]  # oldest first
    released: bool  # the latest year is released to the public

    @property
    def latest(self) -> tuple[int, Shown]:
        return self.points[-1]


@dataclass(frozen=True)
class InstitutionProfile:
    municipality: Municipality
    poi: Poi
    areas: list[Area]  # the areas of the smallest level the POI lies in (two on a border)
    parents: list[Area]  # the areas of the levels between, finest first
    reference_name: str | None  # the whole municipality
    indicators: list[KeyIndicator]
    indicators_chosen: bool  # the municipality marked key indicators (else: every indicator)
    more_indicators: int  # left out to keep the profile on one page
    offers: list[OfferGroup]
    radius_m: int
    institution: list[InstitutionSeries]
    viewer_sees_suppressed: bool
    value_notes: list[str]

    @property
    def area_names(self) -> str:
        return ", ".join(area.name for area in self.areas)

    @property
    def offer_count(self) -> int:
        return sum(len(group.offers) for group in self.offers)

    @property
    def all_indicators(self) -> list[Indicator]:
        return [row.indicator for row in self.indicators] + [s.indicator for s in self.institution]


def key_indicators(catalogue: Catalogue) -> tuple[list[Indicator], bool]:
    """The area indicators of the profile, and whether the municipality chose them.

    A municipality chooses its key indicators by filling “relevant for steering in” of an
    indicator; where it marked none, every area indicator the viewer may see is shown.
    """
    area_indicators = [
        indicator
        for indicator in catalogue.indicators
        if indicator.observation_unit != Indicator.ObservationUnit.INSTITUTION
    ]
    marked = [indicator for indicator in area_indicators if indicator.relevant_for.strip()]
    return (marked, True) if marked else (area_indicators, False)


def institution_profile(
    *, user, municipality: Municipality, pk: int, radius_m: int = RADIUS_M
) -> InstitutionProfile:
    """The profile of the POI `pk` as `user` may see it (None: the public).

    Raises Poi.DoesNotExist for a POI the viewer may not see (internal, expired, of another
    municipality): a 404 for the caller.
    """
    poi = selectors_pois.poi_for(user=user, municipality=municipality, pk=pk)
    located = [area for area in poi.areas.all() if area.level.depth > 0]
    finest = max((area.level.depth for area in located), default=None)
    areas = [area for area in located if area.level.depth == finest]
    parents = sorted(
        (area for area in located if area.level.depth != finest),
        key=lambda area: -area.level.depth,
    )
    if not areas:  # outside every area with a geometry: the municipality as a whole
        root = Area.objects.filter(municipality=municipality, level__depth=0).first()
        areas = [root] if root is not None else []

    catalogue = explorer_catalogue(user=user, municipality=municipality)
    chosen, marked = key_indicators(catalogue)
    more = max(0, len(chosen) - MAX_KEY_INDICATORS)
    chosen = chosen[:MAX_KEY_INDICATORS]
    rows, sees, used_years, reference_name = _key_rows(
        user=user,
        municipality=municipality,
        catalogue=catalogue,
        indicators=chosen,
        areas=areas,
        parents=parents,
    )
    institution = _institution_series(user=user, municipality=municipality, poi=poi)
    return InstitutionProfile(
        municipality=municipality,
        poi=poi,
        areas=areas,
        parents=parents,
        reference_name=reference_name,
        indicators=rows,
        indicators_chosen=marked,
        more_indicators=more,
        offers=nearby_offers(
            user=user, municipality=municipality, poi=poi, areas=areas, radius_m=radius_m
        ),
        radius_m=radius_m,
        institution=institution,
        viewer_sees_suppressed=sees
        or any(p.suppressed_but_visible for s in institution for _y, p in s.points),
        value_notes=_value_notes([row.indicator for row in rows], used_years),
    )


def _key_rows(*, user, municipality, catalogue, indicators, areas, parents):
    wanted = {indicator: catalogue.years[indicator.pk].years for indicator in indicators}
    data = indicator_values_many(user=user, municipality=municipality, wanted=wanted)
    rows: list[KeyIndicator] = []
    sees = False
    used_years: set[int] = set()
    reference_name = None
    for indicator in indicators:
        years = [year for year in wanted[indicator] if (indicator.pk, year) in data]
        if not years or not areas:
            continue
        latest = data[(indicator.pk, years[-1])]
        sees = sees or latest.viewer_sees_suppressed
        first = areas[0]
        series = [(year, data[(indicator.pk, year)].shown[first.pk]) for year in years]
        previous_year = years[-2] if len(years) > 1 else None
        change = change_between(series[-1][1], series[-2][1] if previous_year else None, indicator)
        reference, kind = None, ""
        if first.level.depth > 0:
            reference = _root_reference(latest, first.level_id)
            root = next((a for a in latest.areas.values() if a.depth == 0), None)
            reference_name = reference_name or (root.name if root else None)
            if reference is not None and reference.status != STATUS_MISSING:
                kind = reference.origin or ""
        used_years.update(years[-2:])
        rows.append(
            KeyIndicator(
                indicator=indicator,
                year=years[-1],
                previous_year=previous_year,
                values=[latest.shown[area.pk] for area in areas],
                parents=[latest.shown[area.pk] for area in parents],
                reference=reference,
                reference_kind=kind,
                series=series,
                change=change,
                released=years[-1] in catalogue.years[indicator.pk].released,
            )
        )
    return rows, sees, used_years, reference_name


def _value_notes(indicators: list[Indicator], years: set[int]) -> list[str]:
    return list(
        Value.objects.filter(indicator__in=indicators, year__in=years)
        .exclude(source_note="")
        .order_by("source_note")
        .values_list("source_note", flat=True)
        .distinct()
    )


# --------------------------------------------------------------------------------------------
# Offers nearby


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine); exact enough for a few kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def nearby_offers(
    *, user, municipality: Municipality, poi: Poi, areas: list[Area], radius_m: int = RADIUS_M
) -> list[OfferGroup]:
    """Other POIs the viewer may see in the same areas or within `radius_m`, by category (in
    the categories' order), nearest first. Two queries (POIs, their areas)."""
    lat_step = radius_m / METRES_PER_DEGREE
    lon_step = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(poi.latitude)), 0.01))
    near = Q(
        latitude__range=(poi.latitude - lat_step, poi.latitude + lat_step),
        longitude__range=(poi.longitude - lon_step, poi.longitude + lon_step),
    )
    area_ids = {area.pk for area in areas if area.level.depth > 0}
    if area_ids:
        near |= Q(areas__in=area_ids)
    candidates = Poi.objects.filter(near, municipality=municipality).values("pk")
    groups: dict[int, OfferGroup] = {}
    for other in (
        selectors_pois.pois_for(user=user, municipality=municipality)
        .filter(pk__in=candidates)
        .exclude(pk=poi.pk)
    ):
        distance = distance_m(poi.latitude, poi.longitude, other.latitude, other.longitude)
        in_area = any(area.pk in area_ids for area in other.areas.all())
        if not in_area and distance > radius_m:
            continue
        group = groups.setdefault(other.category_id, OfferGroup(other.category, []))
        group.offers.append(NearbyOffer(other, distance, in_area))
    for group in groups.values():
        group.offers.sort(key=lambda offer: (offer.distance_m, offer.poi.name))
    return sorted(groups.values(), key=lambda g: (g.category.order, g.category.name, g.category.pk))


# --------------------------------------------------------------------------------------------
# The institution's own values


def _institution_series(*, user, municipality: Municipality, poi: Poi) -> list[InstitutionSeries]:
    """The POI's values of institution-level indicators, every year the viewer may see.

    Members see every year, the public released indicator years only. The values come from
    `selectors_institutions.poi_series`: each institution is a leaf of the tree of areas in
    `suppression`, so small groups within an institution are hidden as `k. A.` and a value
    that its area's roll-up minus the other institutions would tell is hidden too.
    """
    return [
        InstitutionSeries(
            indicator=series.indicator, points=series.points, released=series.released
        )
        for series in selectors_institutions.poi_series(
            user=user, municipality=municipality, poi=poi
        )
    ]
