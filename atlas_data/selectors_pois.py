"""Reads of points of interest, always scoped through the permission module.

Members see every POI of their municipality; the public (and logged-in non-members) only
released POIs that are valid today. Also the offer analysis for the conferences: which target
groups the offers of each area serve, where offers for one group pile up and where there are
none. Every function runs a fixed number of queries, however many POIs and areas there are.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Municipality
from accounts.permissions import Action, can, require

from .models import Area, Poi, PoiCategory, SpatialLevel

# --------------------------------------------------------------------------------------------
# Categories


@dataclass(frozen=True)
class CategoryNode:
    category: PoiCategory
    depth: int
    poi_count: int = 0


def categories_for(*, user, municipality: Municipality) -> list[CategoryNode]:
    """The categories as a tree in display order (parents before their children), with the
    number of POIs the user may see in each. Two queries."""
    require(user, Action.VIEW_PUBLIC, municipality)
    categories = list(
        PoiCategory.objects.filter(municipality=municipality).order_by("order", "name")
    )
    counts = Counter(
        pois_for(user=user, municipality=municipality).values_list("category_id", flat=True)
    )
    children: dict[int | None, list[PoiCategory]] = defaultdict(list)
    ids = {category.pk for category in categories}
    for category in categories:
        parent = category.parent_id if category.parent_id in ids else None
        children[parent].append(category)
    nodes: list[CategoryNode] = []

    def walk(parent_id, depth):
        for category in children.get(parent_id, []):
            nodes.append(CategoryNode(category, depth, counts.get(category.pk, 0)))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return nodes


def descendant_ids(nodes: list[CategoryNode], category_id: int) -> set[int]:
    """The category and every category below it, from the tree of `categories_for`."""
    below: dict[int | None, list[int]] = defaultdict(list)
    for node in nodes:
        below[node.category.parent_id].append(node.category.pk)
    found, todo = set(), [category_id]
    while todo:
        pk = todo.pop()
        found.add(pk)
        todo.extend(below.get(pk, []))
    return found


def ancestor_codes(nodes: list[CategoryNode]) -> dict[int, set[str]]:
    """For each category id the codes of the category and all its parents."""
    by_id = {node.category.pk: node.category for node in nodes}
    result = {}
    for pk, category in by_id.items():
        codes, step, seen = set(), category, set()
        while step is not None and step.pk not in seen:
            seen.add(step.pk)
            codes.add(step.code)
            step = by_id.get(step.parent_id)
        result[pk] = codes
    return result


# --------------------------------------------------------------------------------------------
# POIs


@dataclass(frozen=True)
class PoiFilters:
    category_ids: set[int] | None = None  # a category with its subcategories
    area: Area | None = None
    target_age: int | None = None
    released: bool | None = None
    search: str = ""


def geometry_note(municipality: Municipality) -> str:
    """The source notes of the area geometries (e.g. © GeoBasis-DE / BKG 2021), for maps."""
    notes = (
        Area.objects.filter(municipality=municipality)
        .exclude(geometry_source="")
        .order_by("geometry_source")
        .values_list("geometry_source", flat=True)
        .distinct()
    )
    return " · ".join(notes)


def is_internal(user, municipality: Municipality) -> bool:
    return can(user, Action.VIEW_INTERNAL, municipality)


def current_q(on: dt.date | None = None) -> Q:
    """POIs valid on a day (today by default)."""
    day = on or timezone.localdate()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def target_age_q(age: int) -> Q:
    """POIs for children of `age`: the age lies in [from, up to under), one bound may be open;
    POIs without any target age are not included."""
    return (
        (Q(target_age_min__isnull=False) | Q(target_age_max__isnull=False))
        & (Q(target_age_min__isnull=True) | Q(target_age_min__lte=age))
        & (Q(target_age_max__isnull=True) | Q(target_age_max__gt=age))
    )


def pois_for(
    *, user, municipality: Municipality, filters: PoiFilters | None = None
) -> QuerySet[Poi]:
    """The POIs `user` may see, filtered; category and areas (with levels) are fetched along."""
    queryset = Poi.objects.filter(municipality=municipality)
    if not is_internal(user, municipality):
        require(user, Action.VIEW_PUBLIC, municipality)
        queryset = queryset.filter(current_q(), is_released=True)
    filters = filters or PoiFilters()
    if filters.category_ids is not None:
        queryset = queryset.filter(category_id__in=filters.category_ids)
    if filters.area is not None:
        queryset = queryset.filter(areas=filters.area)
    if filters.target_age is not None:
        queryset = queryset.filter(target_age_q(filters.target_age))
    if filters.released is not None:
        queryset = queryset.filter(is_released=filters.released)
    if filters.search:
        queryset = queryset.filter(
            Q(name__icontains=filters.search)
            | Q(address__icontains=filters.search)
            | Q(provider__icontains=filters.search)
            | Q(city__icontains=filters.search)
        )
    return (
        queryset.select_related("category")
        .prefetch_related(
            Prefetch(
                "areas",
                queryset=Area.objects.select_related("level").order_by("level__depth", "key"),
            )
        )
        .order_by("category__order", "category__name", "name", "pk")
    )


def poi_for(*, user, municipality: Municipality, pk: int) -> Poi:
    """One POI the user may see; raises Poi.DoesNotExist otherwise (a 404 for the caller)."""
    return pois_for(user=user, municipality=municipality).get(pk=pk)


def poi_feature(poi: Poi, *, url: str | None = None, profile_url: str | None = None) -> dict:
    """A POI as a GeoJSON feature with the attributes a map popup shows (`profile_url`: its
    social area profile, for the popup's link)."""
    category = poi.category
    return {
        "type": "Feature",
        "id": poi.pk,
        "geometry": {"type": "Point", "coordinates": [poi.longitude, poi.latitude]},
        "properties": {
            "id": poi.pk,
            "name": poi.name,
            "category": category.code,
            "category_name": category.name,
            "color": category.color,
            "icon": category.icon or category.name[:1],
            "provider": poi.provider,
            "address": poi.address,
            "postcode": poi.postcode,
            "city": poi.city,
            "capacity": poi.capacity,
            "opening_hours": poi.opening_hours,
            "target_age_min": poi.target_age_min,
            "target_age_max": poi.target_age_max,
            "target_group": poi.target_group,
            "website": poi.website,
            "contact": poi.contact,
            "concept_notes": poi.concept_notes,
            "released": poi.is_released,
            "areas": [
                {
                    "key": area.key,
                    "name": area.name,
                    "level": area.level.slug,
                    "depth": area.level.depth,
                }
                for area in poi.areas.all()
            ],
            "url": url,
            "profile_url": profile_url,
        },
    }


def feature_collection(pois, *, url_of=None, profile_url_of=None) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            poi_feature(
                poi,
                url=url_of(poi) if url_of else None,
                profile_url=profile_url_of(poi) if profile_url_of else None,
            )
            for poi in pois
        ],
    }


# --------------------------------------------------------------------------------------------
# Offer analysis


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    age_from: int | None = None
    age_to: int | None = None  # up to under


BANDS = (
    Band("0-3", gettext_lazy("0–3 years"), 0, 3),
    Band("3-6", gettext_lazy("3–6 years"), 3, 6),
    Band("6-10", gettext_lazy("6–10 years"), 6, 10),
    Band("10-14", gettext_lazy("10–14 years"), 10, 14),
    Band("14-18", gettext_lazy("14–18 years"), 14, 18),
    Band("families", gettext_lazy("Families")),
    Band("seniors", gettext_lazy("Seniors")),
)
BANDS_BY_CODE = {band.code: band for band in BANDS}
DEFAULT_OVERLAP = 3
SENIOR_AGE = 60
# Words in the free-text target group, and category codes (with their subcategories), that
# mark offers for families or for seniors.
FAMILY_WORDS = ("famil", "eltern", "mütter", "väter", "schwanger")
SENIOR_WORDS = ("senior", "ältere", "älteren", "rentner", "hochbetagt")
FAMILY_CATEGORIES = frozenset({"familienzentrum"})
SENIOR_CATEGORIES = frozenset({"seniorenangebot"})


def target_bands(
    *, age_min: int | None, age_max: int | None, target_group: str, category_codes: set[str]
) -> set[str]:
    """The target groups an offer serves.

    Age bands: the offer's ages [from, up to under) overlap the band; an open bound reaches to
    0 or to any age, but an offer without any age serves no age band. Families: the category is
    a Familienzentrum (or below one) or the target group names families or parents. Seniors:
    from age 60, a Seniorenangebot, or the target group names seniors.
    """
    bands = set()
    if age_min is not None or age_max is not None:
        low = age_min if age_min is not None else 0
        high = age_max if age_max is not None else 999
        for band in BANDS:
            if band.age_from is not None and low < band.age_to and high > band.age_from:
                bands.add(band.code)
    text = (target_group or "").casefold()
    if category_codes & FAMILY_CATEGORIES or any(word in text for word in FAMILY_WORDS):
        bands.add("families")
    if (
        (age_min is not None and age_min >= SENIOR_AGE)
        or category_codes & SENIOR_CATEGORIES
        or any(word in text for word in SENIOR_WORDS)
    ):
        bands.add("seniors")
    return bands


GAP, FEW, OVERLAP = "gap", "served", "overlap"


@dataclass
class AreaOffers:
    area_id: int
    key: str
    name: str
    geometry: dict | None
    total: int = 0
    by_band: dict[str, int] = field(default_factory=dict)
    by_category: list[tuple[PoiCategory, int]] = field(default_factory=list)
    threshold: int = DEFAULT_OVERLAP

    def state(self, band_code: str) -> str:
        count = self.by_band.get(band_code, 0)
        if count == 0:
            return GAP
        return OVERLAP if count >= self.threshold else FEW

    @property
    def cells(self) -> list[tuple[Band, int, str]]:
        """Per band: the band, the number of offers and gap / served / overlap."""
        return [(b, self.by_band.get(b.code, 0), self.state(b.code)) for b in BANDS]


@dataclass
class OfferAnalysis:
    level: SpatialLevel
    threshold: int
    on: dt.date
    areas: list[AreaOffers]
    bands: tuple[Band, ...] = BANDS
    without_target: int = 0  # offers that serve no target group (no ages, no keywords)
    outside_areas: int = 0  # offers in no area of the level (areas without geometry)

    def gaps(self, band_code: str) -> list[AreaOffers]:
        return [a for a in self.areas if a.state(band_code) == GAP]

    def overlaps(self, band_code: str) -> list[AreaOffers]:
        return [a for a in self.areas if a.state(band_code) == OVERLAP]

    def summary(self) -> list[tuple[Band, int, int]]:
        """Per band: how many areas have no offer, and how many have `threshold` or more."""
        return [(b, len(self.gaps(b.code)), len(self.overlaps(b.code))) for b in self.bands]

    def feature_collection(self) -> dict:
        """The areas with their geometry and, per band, count and state (for the map)."""
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": area.key,
                    "geometry": area.geometry,
                    "properties": {
                        "key": area.key,
                        "name": area.name,
                        "total": area.total,
                        "bands": {
                            band.code: {
                                "count": area.by_band.get(band.code, 0),
                                "state": area.state(band.code),
                            }
                            for band in self.bands
                        },
                        "categories": [[c.name, n] for c, n in area.by_category],
                    },
                }
                for area in self.areas
                if area.geometry
            ],
        }


def offer_analysis(
    *,
    user,
    municipality: Municipality,
    level: SpatialLevel,
    threshold: int = DEFAULT_OVERLAP,
    on: dt.date | None = None,
) -> OfferAnalysis:
    """Offers per area of `level` on a day (today by default): counts per target group and per
    category; an area without an offer for a group is a gap, one with `threshold` or more
    offers for the same group is an overlap. Internal: for members. Four queries."""
    require(user, Action.VIEW_INTERNAL, municipality)
    day = on or timezone.localdate()
    areas = [
        AreaOffers(area_id=pk, key=key, name=name, geometry=geometry, threshold=threshold)
        for pk, key, name, geometry in Area.objects.filter(level=level)
        .order_by("key")
        .values_list("id", "key", "name", "web_geometry")
    ]
    nodes = categories_for_analysis(municipality)
    codes = ancestor_codes(nodes)
    pois = list(
        Poi.objects.filter(current_q(day), municipality=municipality).values_list(
            "id", "category_id", "target_age_min", "target_age_max", "target_group"
        )
    )
    bands_of = {
        pk: target_bands(
            age_min=age_min,
            age_max=age_max,
            target_group=group,
            category_codes=codes.get(category_id, set()),
        )
        for pk, category_id, age_min, age_max, group in pois
    }
    category_of = {row[0]: row[1] for row in pois}
    categories = {node.category.pk: node.category for node in nodes}
    by_area: dict[int, list[int]] = defaultdict(list)
    for area_id, poi_id in Poi.areas.through.objects.filter(
        area__level=level, poi_id__in=list(bands_of)
    ).values_list("area_id", "poi_id"):
        by_area[area_id].append(poi_id)
    placed = set()
    for area in areas:
        poi_ids = by_area.get(area.area_id, [])
        placed.update(poi_ids)
        area.total = len(poi_ids)
        band_counts = Counter(code for pk in poi_ids for code in bands_of[pk])
        area.by_band = {band.code: band_counts.get(band.code, 0) for band in BANDS}
        category_counts = Counter(category_of[pk] for pk in poi_ids)
        area.by_category = [
            (categories[pk], category_counts[pk]) for pk in categories if category_counts.get(pk)
        ]
    return OfferAnalysis(
        level=level,
        threshold=threshold,
        on=day,
        areas=areas,
        without_target=sum(1 for bands in bands_of.values() if not bands),
        outside_areas=len(set(bands_of) - placed),
    )


def categories_for_analysis(municipality: Municipality) -> list[CategoryNode]:
    """The category tree without POI counts (one query)."""
    categories = list(
        PoiCategory.objects.filter(municipality=municipality).order_by("order", "name")
    )
    return [CategoryNode(category, 0) for category in categories]
