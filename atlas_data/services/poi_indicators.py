"""Indicators derived from points of interest: per area and year the number of POIs of a
category, the sum of their places, and places per 100 children of an age group.

They are stored as ordinary values (with numerator and denominator for the rate), so release,
aggregation and suppression treat them like any other indicator: an area with one to three
Kitas shows `k. A.` to those who may not see suppressed values. Re-running updates the values
and records every change in the value history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.permissions import Action, require

from .. import cache as atlas_cache
from ..aggregation import COUNT, AreaNode, Cell, complete_tree
from ..aggregation import OK as CELL_OK
from ..aggregation import SOURCE_SUPPRESSED as CELL_SOURCE_SUPPRESSED
from ..catalogue import TOPICS_BY_CODE
from ..models import Area, Indicator, Poi, PoiCategory, SpatialLevel, Topic, Value
from .errors import AtlasError
from .values import replace_area_values

TOPIC_CODE = "infrastruktur"
MIN_YEAR, MAX_YEAR = 1900, 2100
_NOISE_DIGITS = 10


@dataclass
class DerivedIndicators:
    """What one run did: the indicators, and how many values it created, changed or removed."""

    indicators: list[Indicator] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)


def reference_date(year: int) -> dt.date:
    """POIs count for a year when they exist on 31 December of it (the usual Stichtag)."""
    return dt.date(year, 12, 31)


def category_with_descendants(category: PoiCategory) -> list[int]:
    """The ids of the category and every category below it (one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in PoiCategory.objects.filter(
        municipality_id=category.municipality_id
    ).values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [category.pk]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found


@transaction.atomic
def derive_poi_indicators(
    *,
    user,
    category: PoiCategory,
    year: int,
    denominator: Indicator | None = None,
) -> DerivedIndicators:
    """Turn a POI category into indicators for every area with a geometry, on every level.

    Creates (or finds again) the indicators "number of POIs" and, when POIs of the category
    have places, "places" and, with a `denominator` (a count indicator such as children under
    6), "places per 100 children". Their values for `year` are replaced by the current POIs;
    changes go to the value history.
    """
    municipality = category.municipality
    require(user, Action.MANAGE_POIS, municipality)
    require(user, Action.EDIT_ATLAS_DATA, municipality, topic=TOPIC_CODE)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise AtlasError(
            _("The year must lie between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    if denominator is not None:
        if denominator.municipality_id != municipality.pk:
            raise AtlasError(_("The denominator indicator belongs to another municipality."))
        if denominator.kind != Indicator.Kind.COUNT:
            raise AtlasError(
                _("The denominator must be a count (e.g. children under 6), not “%(name)s”.")
                % {"name": denominator.name}
            )

    areas = list(
        Area.objects.filter(municipality=municipality).values_list(
            "id", "parent_id", "level__depth"
        )
    )
    with_geometry = list(
        Area.objects.filter(municipality=municipality, geometry__isnull=False)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not with_geometry:
        raise AtlasError(_("No area has a geometry yet, so no POI can be placed in an area."))
    day = reference_date(year)
    pois = Poi.objects.filter(
        municipality=municipality, category_id__in=category_with_descendants(category)
    ).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )
    capacity = dict(pois.values_list("id", "capacity"))
    counts = dict.fromkeys(with_geometry, 0)
    places = dict.fromkeys(with_geometry, 0)
    for area_id, poi_id in Poi.areas.through.objects.filter(
        poi_id__in=list(capacity), area_id__in=with_geometry
    ).values_list("area_id", "poi_id"):
        counts[area_id] += 1
        places[area_id] += capacity[poi_id] or 0

    result = DerivedIndicators()
    topic = _topic(municipality)
    levels = list(
        SpatialLevel.objects.filter(
            municipality=municipality, areas__geometry__isnull=False
        ).distinct()
    )
    base = _base_metadata(category=category, year=year)
    count_indicator = _indicator(
        municipality=municipality,
        topic=topic,
        levels=levels,
        user=user,
        code=f"poi:count:{category.pk}",
        fields={
            **base,
            "name": f"Einrichtungen: {category.name} (Anzahl)",
            "short_name": f"{category.name} (Anzahl)",
            "definition": (
                f"Zahl der Einrichtungen der Kategorie „{category.name}“ (mit Unterkategorien) "
                "im Gebiet, die am 31.12. des Jahres laut Einrichtungsverzeichnis bestehen."
            ),
            "unit": "Anzahl",
            "kind": Indicator.Kind.COUNT,
            "decimals": 0,
            "polarity": Indicator.Polarity.NEUTRAL,
        },
    )
    _write_values(
        indicator=count_indicator,
        year=year,
        wanted={pk: (float(n), None, None) for pk, n in counts.items()},
        user=user,
        result=result,
    )
    result.indicators.append(count_indicator)

    if not any(value is not None for value in capacity.values()):
        result.notes.append(
            _("No point of interest of this category has places, so no place indicators.")
        )
        return result
    places_indicator = _indicator(
        municipality=municipality,
        topic=topic,
        levels=levels,
        user=user,
        code=f"poi:capacity:{category.pk}",
        fields={
            **base,
            "name": f"Einrichtungen: {category.name} (Plätze)",
            "short_name": f"{category.name} (Plätze)",
            "definition": (
                f"Summe der Plätze der Einrichtungen der Kategorie „{category.name}“ (mit "
                "Unterkategorien) im Gebiet, die am 31.12. des Jahres bestehen."
            ),
            "unit": "Plätze",
            "kind": Indicator.Kind.COUNT,
            "decimals": 0,
            "polarity": Indicator.Polarity.NEUTRAL,
        },
    )
    _write_values(
        indicator=places_indicator,
        year=year,
        wanted={pk: (float(n), None, None) for pk, n in places.items()},
        user=user,
        result=result,
    )
    result.indicators.append(places_indicator)
    if denominator is None:
        return result

    children = _denominators(denominator=denominator, year=year, areas=areas)
    if not children:
        raise AtlasError(
            _("“%(name)s” has no values for %(year)s.") % {"name": denominator.name, "year": year}
        )
    group = denominator.short_name or denominator.name
    rate_indicator = _indicator(
        municipality=municipality,
        topic=topic,
        levels=levels,
        user=user,
        code=f"poi:rate:{category.pk}:{denominator.pk}",
        fields={
            **base,
            "name": f"Einrichtungen: {category.name} (Plätze je 100 {group})",
            "short_name": f"{category.name}: Plätze je 100 {group}"[:80],
            "definition": (
                f"Plätze der Einrichtungen der Kategorie „{category.name}“ im Gebiet je 100 "
                f"Personen laut „{denominator.name}“ im Gebiet."
            ),
            "unit": "je 100",
            "kind": Indicator.Kind.RATE,
            "rate_base": 100,
            "decimals": 1,
            "polarity": Indicator.Polarity.HIGHER_BETTER,
            "numerator_definition": f"Plätze in Einrichtungen der Kategorie {category.name}",
            "denominator_definition": denominator.name,
            "interpretation": (
                "Plätze werden dem Gebiet der Einrichtung zugeordnet, Kinder ihrem Wohnort: "
                "Werte über 100 oder nahe 0 zeigen auch, dass Kinder in Nachbargebieten "
                "betreut werden."
            ),
        },
    )
    wanted = {}
    for pk in with_geometry:
        den = children.get(pk)
        if den:
            wanted[pk] = (
                round(places[pk] / den * 100, _NOISE_DIGITS),
                float(places[pk]),
                float(den),
            )
    _write_values(indicator=rate_indicator, year=year, wanted=wanted, user=user, result=result)
    result.indicators.append(rate_indicator)
    return result


def _topic(municipality) -> Topic:
    spec = TOPICS_BY_CODE[TOPIC_CODE]
    topic, _created = Topic.objects.get_or_create(
        municipality=municipality,
        code=spec.code,
        defaults={"name": spec.name, "order": spec.order},
    )
    return topic


def _base_metadata(*, category: PoiCategory, year: int) -> dict:
    return {
        "data_source": "Einrichtungsverzeichnis (Points of interest) in KECK",
        "data_holder": category.municipality.name,
        "reference_date": "31.12.",
        "update_rhythm": "bei Änderungen des Einrichtungsverzeichnisses",
        "limitations": (
            "Gezählt werden die im Einrichtungsverzeichnis erfassten Einrichtungen; Plätze nur, "
            "wo sie eingetragen sind. Gebiete ohne Geometrie erhalten keinen Wert."
        ),
    }


def _indicator(*, municipality, topic, levels, user, code: str, fields: dict) -> Indicator:
    """The derived indicator with this code: created with complete metadata, or found again.

    A data admin may have renamed or described it since: filled fields are kept.
    """
    indicator = (
        Indicator.objects.filter(municipality=municipality, catalogue_code=code)
        .select_related("topic", "municipality")
        .first()
    )
    if indicator is None:
        clash = Indicator.objects.filter(municipality=municipality, name=fields["name"]).first()
        if clash is not None:
            raise AtlasError(
                _(
                    "An indicator named “%(name)s” exists already and was not derived from "
                    "points of interest; rename it first."
                )
                % {"name": fields["name"]}
            )
        indicator = Indicator(municipality=municipality, topic=topic, catalogue_code=code, **fields)
        indicator._history_user = user
        indicator.save()
        indicator.valid_levels.set(levels)
        return indicator
    changed = False
    for name, value in fields.items():
        if name in ("kind", "rate_base", "decimals"):
            continue
        if not getattr(indicator, name):
            setattr(indicator, name, value)
            changed = True
    if changed:
        indicator._history_user = user
        indicator.save()
    known = set(indicator.valid_levels.values_list("id", flat=True))
    missing = [level for level in levels if level.pk not in known]
    if missing:
        indicator.valid_levels.add(*missing)
    return indicator


def _denominators(*, denominator: Indicator, year: int, areas: list[tuple]) -> dict[int, float]:
    """The denominator's count per area: stored, else summed from the areas below."""
    parents = {row[0]: row[1] for row in areas}
    stored = {}
    for area_id, value, status in Value.objects.filter(
        indicator=denominator, year=year
    ).values_list("area_id", "value", "status"):
        if area_id not in parents:
            continue
        suppressed = status == Value.Status.SOURCE_SUPPRESSED
        stored[area_id] = Cell(
            area_id=area_id,
            parent_id=parents[area_id],
            value=value,
            status=CELL_SOURCE_SUPPRESSED if suppressed else CELL_OK,
        )
    if not stored:
        return {}
    cells = complete_tree(
        areas=[AreaNode(row[0], row[1], row[2]) for row in areas], stored=stored, kind=COUNT
    )
    return {pk: cell.value for pk, cell in cells.items() if cell.has_value}


def _write_values(*, indicator, year: int, wanted: dict, user, result: DerivedIndicators) -> None:
    """Make the stored values of `indicator` in `year` equal `wanted` (area id -> value,
    numerator, denominator), recording every change in the value history."""
    replace_area_values(
        indicator=indicator,
        year=year,
        wanted={
            area_id: (value, numerator, denominator, Value.Status.OK)
            for area_id, (value, numerator, denominator) in wanted.items()
        },
        user=user,
        source_note=f"Abgeleitet aus dem Einrichtungsverzeichnis, Stand 31.12.{year}",
        result=result,
    )
    atlas_cache.bump(indicator.municipality_id)  # bulk writes send no signals
