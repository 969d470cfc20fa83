"""Reads of the atlas, always scoped through the permission module.

Numbers of indicators only leave through `suppression.indicator_values`; the selectors here
shape what it returns for pages and the API.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can, require

from . import cache as atlas_cache
from .models import Area, Indicator, IndicatorRelease, SpatialLevel, Topic, Value, ValueChange
from .suppression import STATUS_MISSING, Shown, check_access, compute_indicator_values

# A three-year age group (e.g. the under-3-year-olds) is about 2.5 % of Germany's inhabitants
# (Destatis: about 2.1 million of 84 million), so an area needs about
# min_children_per_area / 0.025 inhabitants to hold that many children of such a group.
AGE_GROUP_SHARE = 0.025


def levels_for(*, user, municipality: Municipality) -> QuerySet[SpatialLevel]:
    """The spatial levels with their number of areas and of areas with a geometry."""
    require(user, Action.VIEW_PUBLIC, municipality)
    return (
        SpatialLevel.objects.filter(municipality=municipality)
        .annotate(area_count=Count("areas"))
        .order_by("depth")
    )


def level_for(*, user, municipality: Municipality, ref: str) -> SpatialLevel | None:
    """The level named by its slug (or id) in a request, or None."""
    require(user, Action.VIEW_PUBLIC, municipality)
    levels = SpatialLevel.objects.filter(municipality=municipality)
    level = levels.filter(slug=ref).first()
    if level is None and ref.isdigit():
        level = levels.filter(pk=int(ref)).first()
    return level


def default_level(*, user, municipality: Municipality) -> SpatialLevel | None:
    """The first level below the whole municipality (or the root level when there is none)."""
    require(user, Action.VIEW_PUBLIC, municipality)
    levels = SpatialLevel.objects.filter(municipality=municipality).order_by("depth")
    return levels.filter(depth__gt=0).first() or levels.first()


def areas_for(
    *, user, municipality: Municipality, level: SpatialLevel | None = None
) -> QuerySet[Area]:
    require(user, Action.VIEW_PUBLIC, municipality)
    queryset = Area.objects.filter(municipality=municipality).select_related("level", "parent")
    if level is not None:
        queryset = queryset.filter(level=level)
    return queryset.order_by("level__depth", "key")


def topics_for(*, user, municipality: Municipality) -> QuerySet[Topic]:
    require(user, Action.VIEW_PUBLIC, municipality)
    return Topic.objects.filter(municipality=municipality).order_by("order", "name")


def indicators_for(
    *, user, municipality: Municipality, topic: str | None = None
) -> QuerySet[Indicator]:
    """Indicators a user may see: all internal ones for members, released ones for the public."""
    queryset = (
        Indicator.objects.filter(municipality=municipality)
        .select_related("municipality", "topic")
        .prefetch_related(Prefetch("valid_levels", queryset=SpatialLevel.objects.order_by("depth")))
        .order_by("topic__order", "topic__name", "name")
    )
    if topic:
        queryset = queryset.filter(topic__code=topic)
    if can(user, Action.VIEW_INTERNAL, municipality):
        return queryset
    require(user, Action.VIEW_PUBLIC, municipality)
    return queryset.filter(pk__in=IndicatorRelease.objects.values("indicator_id"))


def indicator_for(*, user, municipality: Municipality, pk: int) -> Indicator:
    """One indicator the user may see; raises Indicator.DoesNotExist otherwise."""
    return indicators_for(user=user, municipality=municipality).get(pk=pk)


@dataclass(frozen=True)
class IndicatorYears:
    years: list[int]  # years with values the user may see
    released: list[int]


def indicator_years(
    *, user, municipality: Municipality, indicators: list[Indicator]
) -> dict[int, IndicatorYears]:
    """Years with values and released years per indicator, in two queries.

    The public only learns of released years.
    """
    ids = [indicator.pk for indicator in indicators]
    with_values = _years_with_values(municipality)
    released: dict[int, set[int]] = defaultdict(set)
    for indicator_id, year in IndicatorRelease.objects.filter(indicator_id__in=ids).values_list(
        "indicator_id", "year"
    ):
        released[indicator_id].add(year)
    internal = can(user, Action.VIEW_INTERNAL, municipality)
    result = {}
    for pk in ids:
        stored = with_values.get(pk, set())
        years = stored if internal else stored & released[pk]
        result[pk] = IndicatorYears(years=sorted(years), released=sorted(released[pk]))
    return result


def _years_with_values(municipality: Municipality) -> dict[int, set[int]]:
    """The years with values of every indicator of the municipality, cached per data version:
    finding them reads the index of every value (2.7 million in a national atlas)."""
    key = atlas_cache.key(municipality.pk, atlas_cache.data_version(municipality.pk), "years")
    cached = atlas_cache.get_many([key]).get(key)
    if cached is not None:
        return cached
    with_values: dict[int, set[int]] = defaultdict(set)
    for indicator_id, year in (
        Value.objects.filter(indicator__municipality=municipality)
        .values_list("indicator_id", "year")
        .distinct()
    ):
        with_values[indicator_id].add(year)
    with_values = dict(with_values)
    atlas_cache.set_many({key: with_values})
    return with_values


# ---------------------------------------------------------------------------------------------
# Values of one indicator, year and level


@dataclass(frozen=True)
class ValueRow:
    area_id: int
    area_key: str
    area_name: str
    parent_key: str | None
    shown: Shown


@dataclass(frozen=True)
class Reference:
    area_key: str
    area_name: str
    shown: Shown

    @property
    def kind(self) -> str | None:
        return None if self.shown.status == STATUS_MISSING else self.shown.origin


@dataclass(frozen=True)
class ValuesTable:
    indicator: Indicator
    year: int
    level: SpatialLevel
    released: bool
    valid_for_level: bool
    viewer_sees_suppressed: bool
    rows: list[ValueRow]
    reference: Reference | None  # the whole municipality
    parents: list[Reference] = field(default_factory=list)  # the areas one level up


def values_table(
    *, user, indicator: Indicator, year: int, level: SpatialLevel, released: bool | None = None
) -> ValuesTable:
    """The values of every area of `level`, with the municipality and the parents as reference.

    Everything passes the one suppression function. A fixed number of queries.
    """
    return values_tables(
        user=user,
        items=[(indicator, year)],
        level=level,
        released=None if released is None else {(indicator.pk, year): released},
    )[0]


@dataclass(frozen=True)
class _LevelPart:
    """What `values_table` derives from the suppressed tree for one level: cached as it is."""

    rows: list[ValueRow]
    reference: Reference | None
    parents: list[Reference]
    viewer_sees_suppressed: bool


@dataclass(frozen=True)
class _LargePart:
    """The part of a large level (more than SMALL_LEVEL areas) as it is stored: all but the
    rows, which are stored in pieces of neighbouring area ids, so that a report of three of
    10,997 Gemeinden reads three small pieces instead of every row."""

    order: list[int]  # area ids in the order of the rows
    reference: Reference | None
    parents: list[Reference]
    viewer_sees_suppressed: bool


PIECE = 256  # area ids per stored piece of a large level's rows


def _piece_of(area_id: int) -> int:
    return area_id // PIECE


def _entries(key, pair, parts: dict[int, _LevelPart], large: set[int]) -> dict:
    """Cache entries of the parts of one indicator year: large levels in pieces."""
    entries = {}
    for level_id, part in parts.items():
        if level_id not in large:
            entries[key(pair, level_id)] = part
            continue
        entries[key(pair, level_id)] = _LargePart(
            [row.area_id for row in part.rows],
            part.reference,
            part.parents,
            part.viewer_sees_suppressed,
        )
        pieces: dict[int, list[ValueRow]] = defaultdict(list)
        for row in part.rows:
            pieces[_piece_of(row.area_id)].append(row)
        for piece, rows in pieces.items():
            entries[key(pair, level_id, piece)] = rows
    return entries


def _read_parts(key, pairs, level_id, area_ids: set[int] | None) -> dict:
    """The cached parts of `pairs` at one level (missing ones left out), large ones put
    together from the pieces that hold `area_ids` (all pieces without them)."""
    heads = dict(zip(pairs, _cached([key(pair, level_id) for pair in pairs]), strict=True))
    wanted = {}
    for pair, head in heads.items():
        if isinstance(head, _LargePart):
            ids = head.order if area_ids is None else [i for i in head.order if i in area_ids]
            wanted[pair] = (head, ids, sorted({_piece_of(i) for i in ids}))
    piece_keys = [key(pair, level_id, p) for pair, (_h, _i, ps) in wanted.items() for p in ps]
    found = atlas_cache.get_many(piece_keys)
    parts = {}
    for pair, head in heads.items():
        if head is None:
            continue
        if pair not in wanted:
            parts[pair] = head
            continue
        head, ids, pieces = wanted[pair]
        rows = {}
        for piece in pieces:
            stored = found.get(key(pair, level_id, piece))
            if stored is None:  # a piece expired or was culled: compute the pair again
                rows = None
                break
            rows.update((row.area_id, row) for row in stored)
        if rows is not None:
            parts[pair] = _LevelPart(
                [rows[i] for i in ids], head.reference, head.parents, head.viewer_sees_suppressed
            )
    return parts


def values_tables(
    *,
    user,
    items: list[tuple[Indicator, int]],
    level: SpatialLevel,
    released: dict[tuple[int, int], bool] | None = None,
    area_ids: set[int] | None = None,
) -> list[ValuesTable]:
    """`values_table` of many (indicator, year) items of one municipality and level, in order.

    With `area_ids`, the rows are those of these areas only (the reference and the parents
    stay those of the whole level): a report of a few areas of a large level reads only
    theirs from the cache.

    The suppressed tree of an indicator year is the same for every viewer of the same kind
    (public and members alike, or those who see suppressed values) until the municipality's
    data changes, so each level's part is cached under its data version (atlas_data/cache.py).
    Missing ones are computed together: two queries for all of them, then every level of each
    is stored, as the next request usually asks for another level of the same indicators.
    Access is checked on every call, before the cache is read.
    """
    if not items:
        return []
    municipality = items[0][0].municipality
    pairs = [(indicator.pk, year) for indicator, year in items]
    sees = check_access(user=user, municipality=municipality, pairs=pairs)
    version = atlas_cache.data_version(municipality.pk)

    def key(pair, level_id, *piece):
        return atlas_cache.key(
            municipality.pk, version, "table", *pair, level_id, int(sees), *piece
        )

    parts = _read_parts(key, pairs, level.pk, area_ids)
    missing = {pair for pair in pairs if pair not in parts}
    if missing:
        computed = compute_indicator_values(
            municipality=municipality,
            indicators=[indicator for indicator, _year in items],
            pairs=missing,
            sees=sees,
        )
        entries = {}
        for pair, data in computed.items():
            level_parts = _level_parts(data, wanted={level.pk})
            entries.update(_entries(key, pair, level_parts, _large_levels(data)))
            part = level_parts.get(level.pk)
            if part is not None and area_ids is not None:
                part = _LevelPart(
                    [row for row in part.rows if row.area_id in area_ids],
                    part.reference,
                    part.parents,
                    part.viewer_sees_suppressed,
                )
            if part is not None:
                parts[pair] = part
        atlas_cache.set_many(entries)
    if released is None:
        released_pairs = set(
            IndicatorRelease.objects.filter(
                indicator_id__in={pk for pk, _year in pairs}, year__in={y for _pk, y in pairs}
            ).values_list("indicator_id", "year")
        )
        released = {pair: pair in released_pairs for pair in pairs}
    tables = []
    for (indicator, year), pair in zip(items, pairs, strict=True):
        part = parts.get(pair) or _LevelPart([], None, [], sees)
        valid_levels = list(indicator.valid_levels.all())
        # Values aggregated upward stay valid above the finest valid level.
        valid = not valid_levels or level.depth <= max(lv.depth for lv in valid_levels)
        tables.append(
            ValuesTable(
                indicator=indicator,
                year=year,
                level=level,
                released=released[pair],
                valid_for_level=valid,
                viewer_sees_suppressed=part.viewer_sees_suppressed,
                rows=part.rows,
                reference=part.reference,
                parents=part.parents,
            )
        )
    return tables


def _cached(keys: list[str]) -> list:
    found = atlas_cache.get_many(keys)
    return [found.get(key) for key in keys]


# Levels up to this many areas are stored with the one asked for; a larger one (10,997
# Gemeinden) costs more to store than to compute again when it is asked for.
SMALL_LEVEL = 2_000


def _large_levels(data) -> set[int]:
    sizes: dict[int, int] = defaultdict(int)
    for area in data.areas.values():
        sizes[area.level_id] += 1
    return {level_id for level_id, size in sizes.items() if size > SMALL_LEVEL}


def _level_parts(data, *, wanted: set[int]) -> dict[int, _LevelPart]:
    """Rows, reference and parents of the `wanted` levels and of every small level of one
    suppressed indicator year."""
    depths = {area.level_id: area.depth for area in data.areas.values()}
    sizes: dict[int, int] = defaultdict(int)
    for area in data.areas.values():
        sizes[area.level_id] += 1
    root = next((a for a in data.areas.values() if a.depth == 0), None)
    parts = {}
    for level_id, depth in depths.items():
        if level_id not in wanted and sizes[level_id] > SMALL_LEVEL:
            continue
        rows_of_level = data.rows(level_id)
        rows = [
            ValueRow(
                area_id=area.id,
                area_key=area.key,
                area_name=area.name,
                parent_key=data.areas[area.parent_id].key if area.parent_id in data.areas else None,
                shown=shown,
            )
            for area, shown in rows_of_level
        ]
        reference = None
        parents: list[Reference] = []
        if depth > 0:
            if root is not None:
                reference = Reference(
                    root.key, root.name, data.reference(root.id, [s for _a, s in rows_of_level])
                )
            by_parent: dict[int, list[Shown]] = defaultdict(list)
            for area, shown in rows_of_level:
                if area.parent_id is not None:
                    by_parent[area.parent_id].append(shown)
            for parent_id in sorted(by_parent, key=lambda pk: data.areas[pk].key):
                parent = data.areas[parent_id]
                parents.append(
                    Reference(
                        parent.key, parent.name, data.reference(parent_id, by_parent[parent_id])
                    )
                )
        parts[level_id] = _LevelPart(rows, reference, parents, data.viewer_sees_suppressed)
    return parts


# ---------------------------------------------------------------------------------------------
# Warming the cache after a data change

# Pairs computed together: the values of this many indicator years are in memory at once.
WARM_CHUNK = 10
# Large levels (> SMALL_LEVEL areas, e.g. 10,997 Gemeinden) are stored for the latest this many
# years of each indicator only: those are what the map and the area report show first, and a
# part of such a level takes megabytes.
WARM_LARGE_LEVEL_YEARS = 2


@dataclass(frozen=True)
class WarmResult:
    pairs: int  # indicator years computed and stored
    entries: int  # level parts stored
    outdated: bool  # the data changed meanwhile: stopped, a newer warm-up follows


def warm_values_tables(*, municipality: Municipality) -> WarmResult:
    """Compute and store what `values_tables` serves to the public and to members, for every
    indicator year with values and every level, under the current data version.

    Run in the background after data changed (atlas_data/cache.py `warm_soon`), so that the
    first viewer after an import or a release finds the suppressed tables ready instead of
    waiting for a pass over the whole tree of areas per indicator year. Stops as soon as the
    data version changes (what it computed would be outdated); the write that changed it
    schedules the next warm-up.
    """
    version = atlas_cache.data_version(municipality.pk)
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(municipality=municipality).order_by("pk")
    }
    levels = list(SpatialLevel.objects.filter(municipality=municipality).order_by("depth"))
    if not levels:
        return WarmResult(pairs=0, entries=0, outdated=False)
    sizes = dict(
        Area.objects.filter(municipality=municipality)
        .values_list("level_id")
        .annotate(n=Count("id"))
        .values_list("level_id", "n")
    )
    large = {level.pk for level in levels if sizes.get(level.pk, 0) > SMALL_LEVEL}
    years = _years_with_values(municipality)
    pairs = sorted((pk, year) for pk, found in years.items() if pk in indicators for year in found)
    latest = {pk: set(sorted(found)[-WARM_LARGE_LEVEL_YEARS:]) for pk, found in years.items()}

    def key(pair, level_id, *piece):
        return atlas_cache.key(municipality.pk, version, "table", *pair, level_id, 0, *piece)

    stored = 0
    done = 0
    for start in range(0, len(pairs), WARM_CHUNK):
        chunk = [
            pair
            for pair in pairs[start : start + WARM_CHUNK]
            # The root level is stored with every computed pair: found, it was done already.
            if _cached([key(pair, levels[0].pk)])[0] is None
        ]
        if not chunk:
            continue
        computed = compute_indicator_values(
            municipality=municipality,
            indicators=[indicators[pk] for pk, _year in chunk],
            pairs=set(chunk),
            sees=False,
        )
        if atlas_cache.data_version(municipality.pk) != version:
            return WarmResult(pairs=done, entries=stored, outdated=True)
        entries = {}
        for pair, data in computed.items():
            wanted = large if pair[1] in latest.get(pair[0], ()) else set()
            entries.update(_entries(key, pair, _level_parts(data, wanted=wanted), large))
        atlas_cache.set_many(entries)
        stored += len(entries)
        done += len(chunk)
    return WarmResult(pairs=done, entries=stored, outdated=False)


# ---------------------------------------------------------------------------------------------
# Size warnings


@dataclass(frozen=True)
class LevelWarning:
    """Areas of a level that are too small for statistically sound and anonymous data."""

    level: SpatialLevel
    basis: str  # "children" or "population"
    minimum: int
    small_areas: list[str]
    area_count: int
    source: str  # the indicator and year, or "Area.population"

    @property
    def message(self) -> str:
        names = ", ".join(self.small_areas[:5])
        if len(self.small_areas) > 5:
            names += ", …"
        if self.basis == Indicator.SizeReference.CHILDREN:
            text = _(
                "%(count)d of %(total)d areas of this level have fewer than %(minimum)d children "
                "of an age group (%(source)s): %(names)s. Values at this level may be "
                "unreliable and are often suppressed."
            )
        else:
            text = _(
                "%(count)d of %(total)d areas of this level have fewer than %(minimum)d "
                "inhabitants (%(source)s): %(names)s. Such areas rarely hold 50 children of an "
                "age group; values at this level may be unreliable and are often suppressed."
            )
        return text % {
            "count": len(self.small_areas),
            "total": self.area_count,
            "minimum": self.minimum,
            "source": self.source,
            "names": names,
        }


def minimum_population(municipality: Municipality) -> int:
    """The inhabitants an area needs to hold `min_children_per_area` children of an age group."""
    return math.ceil(municipality.min_children_per_area / AGE_GROUP_SHARE)


def level_warnings(*, user, municipality: Municipality) -> dict[int, list[LevelWarning]]:
    """Size warnings per level id (domain.md §3): by children counts and by inhabitants.

    Uses the latest year of the indicators marked as size reference, and the areas' own
    population where it is known. Four queries.
    """
    require(user, Action.VIEW_INTERNAL, municipality)
    levels = {lv.pk: lv for lv in SpatialLevel.objects.filter(municipality=municipality)}
    areas = list(
        Area.objects.filter(municipality=municipality, level__depth__gt=0).values_list(
            "id", "name", "level_id", "population"
        )
    )
    size_indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(
            municipality=municipality, size_reference__in=Indicator.SizeReference.values
        )
    }
    counts: dict[int, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for indicator_id, area_id, year, value, numerator in Value.objects.filter(
        indicator_id__in=list(size_indicators), status=Value.Status.OK
    ).values_list("indicator_id", "area_id", "year", "value", "numerator"):
        indicator = size_indicators[indicator_id]
        number = value if indicator.kind == Indicator.Kind.COUNT else numerator
        if number is not None:
            counts[indicator_id][year][area_id] = number

    by_level: dict[int, list[tuple]] = defaultdict(list)
    for area in areas:
        by_level[area[2]].append(area)
    warnings: dict[int, list[LevelWarning]] = defaultdict(list)
    min_population = minimum_population(municipality)
    min_children = municipality.min_children_per_area
    for level_id, level_areas in by_level.items():
        level = levels[level_id]
        population = {a[0]: a[3] for a in level_areas if a[3] is not None}
        source = _("population of the areas")
        for indicator_id, years in counts.items():
            indicator = size_indicators[indicator_id]
            year, numbers = _latest_numbers(years, [a[0] for a in level_areas])
            if not numbers:
                continue
            if indicator.size_reference == Indicator.SizeReference.CHILDREN:
                small = [a[1] for a in level_areas if numbers.get(a[0], math.inf) < min_children]
                if small:
                    warnings[level_id].append(
                        LevelWarning(
                            level=level,
                            basis=Indicator.SizeReference.CHILDREN,
                            minimum=min_children,
                            small_areas=small,
                            area_count=len(level_areas),
                            source=f"{indicator} {year}",
                        )
                    )
            elif not population:  # the areas' own population wins over an indicator
                population, source = numbers, f"{indicator} {year}"
        small = [a[1] for a in level_areas if population.get(a[0], math.inf) < min_population]
        if small:
            warnings[level_id].append(
                LevelWarning(
                    level=level,
                    basis=Indicator.SizeReference.POPULATION,
                    minimum=min_population,
                    small_areas=small,
                    area_count=len(level_areas),
                    source=source,
                )
            )
    return dict(warnings)


def _latest_numbers(
    years: dict[int, dict[int, float]], area_ids: list[int]
) -> tuple[int | None, dict[int, float]]:
    """The numbers of the latest year that has any for these areas."""
    for year in sorted(years, reverse=True):
        numbers = {pk: years[year][pk] for pk in area_ids if pk in years[year]}
        if numbers:
            return year, numbers
    return None, {}


# ---------------------------------------------------------------------------------------------
# Release state and history


@dataclass(frozen=True)
class ReleaseState:
    indicator: Indicator
    years: list[tuple[int, bool]]  # (year, released)
    missing_metadata: list[str]
    may_release: bool  # a data admin limited to topics may not release every indicator


def release_overview(*, user, municipality: Municipality) -> list[ReleaseState]:
    """For data admins: every indicator with its years, their release state and missing metadata."""
    from .services.release import missing_metadata, topic_of

    require(user, Action.VIEW_INTERNAL, municipality)
    indicators = list(indicators_for(user=user, municipality=municipality))
    years = indicator_years(user=user, municipality=municipality, indicators=indicators)
    return [
        ReleaseState(
            indicator=indicator,
            years=[(y, y in years[indicator.pk].released) for y in years[indicator.pk].years],
            missing_metadata=missing_metadata(indicator),
            may_release=can(
                user, Action.RELEASE_ATLAS_DATA, municipality, topic=topic_of(indicator)
            ),
        )
        for indicator in indicators
    ]


def value_history(
    *, user, indicator: Indicator, area: Area | None = None, year: int | None = None
) -> QuerySet[ValueChange]:
    """Changes of the values of an indicator, newest first: who, when, old and new.

    Old values are raw numbers, small counts included, so only those who may see suppressed
    values read them.
    """
    require(user, Action.VIEW_SUPPRESSED_VALUES, indicator.municipality)
    queryset = ValueChange.objects.filter(indicator=indicator).select_related(
        "area", "changed_by", "import_run"
    )
    if area is not None:
        queryset = queryset.filter(area=area)
    if year is not None:
        queryset = queryset.filter(year=year)
    return queryset.order_by("-changed_at", "-pk")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class MetadataChange:
    when: object
    who: object
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[FieldChange]


def indicator_history(*, user, indicator: Indicator) -> list[MetadataChange]:
    """Changes of an indicator's metadata, newest first, with old and new value of each field."""
    require(user, Action.VIEW_INTERNAL, indicator.municipality)
    records = list(indicator.history.select_related("history_user").order_by("-history_id"))
    labels = {f.name: str(f.verbose_name) for f in Indicator._meta.get_fields() if f.concrete}
    result = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            changes = [
                FieldChange(c.field, labels.get(c.field, c.field), c.old, c.new)
                for c in delta.changes
            ]
        result.append(
            MetadataChange(
                when=newer.history_date,
                who=newer.history_user,
                kind=newer.history_type,
                changes=changes,
            )
        )
    return result
