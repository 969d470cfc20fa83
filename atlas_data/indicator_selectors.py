"""Reads of the indicator pages: metadata in words, the time series and the change history.

Every number comes from `selectors.values_table`, so it passes the one suppression function.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can, municipalities_for

from . import selectors
from .models import Indicator, IndicatorRelease, PoiCategory, SpatialLevel, Topic, Value
from .selectors import IndicatorYears, Reference, ValuesTable
from .suppression import STATUS_MISSING


@dataclass(frozen=True)
class YearPoint:
    year: int
    released: bool
    reference: Reference | None  # the whole municipality (or, labelled, a mean of its areas)
    sources: tuple[str, ...] = ()  # the source notes of the year's values

    @property
    def value(self) -> float | None:
        return self.reference.shown.value if self.reference else None


@dataclass(frozen=True)
class TimeSeries:
    indicator: Indicator
    level: SpatialLevel | None  # the level whose areas the latest table shows
    years: IndicatorYears
    points: list[YearPoint]
    latest: ValuesTable | None  # the areas in the latest year

    @property
    def reference_name(self) -> str:
        return next((p.reference.area_name for p in self.points if p.reference), "")

    @property
    def has_values(self) -> bool:
        return any(p.reference and p.reference.shown.status != STATUS_MISSING for p in self.points)


def time_series(*, user, indicator: Indicator) -> TimeSeries:
    """The municipality's value of `indicator` in every year `user` may see (the public:
    released years), and the areas of the first level below it in the latest of them.

    Per year the fixed number of queries of `values_table`, whatever the number of areas.
    """
    municipality = indicator.municipality
    years = selectors.indicator_years(user=user, municipality=municipality, indicators=[indicator])[
        indicator.pk
    ]
    level = selectors.default_level(user=user, municipality=municipality)
    sources: dict[int, set[str]] = defaultdict(set)
    for year, note in (
        Value.objects.filter(indicator=indicator, year__in=years.years)
        .exclude(source_note="")
        .values_list("year", "source_note")
        .distinct()
    ):
        sources[year].add(note)
    points, latest = [], None
    for year in years.years if level is not None else []:
        table = selectors.values_table(
            user=user,
            indicator=indicator,
            year=year,
            level=level,
            released=year in years.released,
        )
        reference = table.reference
        if reference is None and level.depth == 0 and table.rows:
            # A municipality without sub-areas: its one area is the series.
            row = table.rows[0]
            reference = Reference(row.area_key, row.area_name, row.shown)
        points.append(
            YearPoint(
                year=year,
                released=year in years.released,
                reference=reference,
                sources=tuple(sorted(sources[year])),
            )
        )
        latest = table
    return TimeSeries(
        indicator=indicator,
        level=level,
        years=years,
        points=points,
        latest=latest if level is not None and level.depth > 0 else None,
    )


# --- metadata in words -------------------------------------------------------------------------


@dataclass(frozen=True)
class MetadataItem:
    name: str
    label: str
    value: str
    is_link: bool = False


def metadata_items(indicator: Indicator) -> list[MetadataItem]:
    """All metadata of an indicator as label and text, in the order a reader needs them.

    Uses the prefetched valid levels of `selectors.indicators_for`.
    """

    def label(name: str) -> str:
        return str(Indicator._meta.get_field(name).verbose_name)

    items = [
        ("definition", indicator.definition),
        ("unit", indicator.unit),
        ("kind", indicator.get_kind_display()),
        ("data_source", indicator.data_source),
        ("data_holder", indicator.data_holder),
        ("reference_date", indicator.reference_date),
        ("polarity", indicator.get_polarity_display() if indicator.polarity else ""),
        ("numerator_definition", indicator.numerator_definition),
        ("denominator_definition", indicator.denominator_definition),
        ("interpretation", indicator.interpretation),
        ("limitations", indicator.limitations),
        ("update_rhythm", indicator.update_rhythm),
        ("relevant_for", indicator.relevant_for),
        ("contact", indicator.contact),
        ("valid_levels", ", ".join(level.name for level in indicator.valid_levels.all())),
        ("link", indicator.link),
    ]
    if indicator.observation_unit == Indicator.ObservationUnit.INSTITUTION:
        category = indicator.institution_category
        items[1:1] = [
            ("observation_unit", indicator.get_observation_unit_display()),
            ("institution_category", category.name if category else _("every category")),
        ]
    return [
        MetadataItem(name=name, label=label(name), value=value or "", is_link=name == "link")
        for name, value in items
    ]


# --- history -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    lines: list[ChangeLine]


def metadata_history(*, user, indicator: Indicator) -> list[HistoryEntry]:
    """`selectors.indicator_history` in words: topic and level names, choice labels."""
    changes = selectors.indicator_history(user=user, indicator=indicator)
    municipality = indicator.municipality
    topics = dict(Topic.objects.filter(municipality=municipality).values_list("pk", "name"))
    levels = dict(SpatialLevel.objects.filter(municipality=municipality).values_list("pk", "name"))
    categories = dict(
        PoiCategory.objects.filter(municipality=municipality).values_list("pk", "name")
    )
    choices = {
        "observation_unit": dict(Indicator.ObservationUnit.choices),
        "kind": dict(Indicator.Kind.choices),
        "polarity": dict(Indicator.Polarity.choices),
        "size_reference": dict(Indicator.SizeReference.choices),
    }

    def text(field: str, value) -> str:
        if value in (None, "", []):
            return "–"
        if field == "topic":
            return str(topics.get(value, value))
        if field == "institution_category":
            return str(categories.get(value, value))
        if field == "valid_levels":
            ids = [row.get("spatiallevel") for row in value if isinstance(row, dict)]
            return ", ".join(str(levels.get(pk, pk)) for pk in ids) or "–"
        if field in choices:
            return str(choices[field].get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(value)

    labels = {
        f.name: str(f.verbose_name)
        for f in Indicator._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    result = []
    for change in changes:
        who = _("system")
        if change.who is not None:
            who = change.who.get_full_name() or change.who.username
        lines = [
            ChangeLine(
                label=labels.get(c.field, c.label),
                old=text(c.field, c.old),
                new=text(c.field, c.new),
            )
            for c in change.changes
        ]
        if change.kind == "~" and not lines:
            continue  # a save that changed nothing visible
        result.append(HistoryEntry(when=change.when, who=who, kind=change.kind, lines=lines))
    return result


def may_edit(user, indicator: Indicator) -> bool:
    return can(
        user,
        Action.EDIT_ATLAS_DATA,
        indicator.municipality,
        topic=indicator.topic.code if indicator.topic else "",
    )


def may_release(user, indicator: Indicator) -> bool:
    return can(
        user,
        Action.RELEASE_ATLAS_DATA,
        indicator.municipality,
        topic=indicator.topic.code if indicator.topic else "",
    )


def grouped_by_topic(items: list, key=lambda item: item.indicator) -> list[tuple[str, list]]:
    """Items in topic groups, in the order of the topics; indicators without a topic last."""
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        topic = key(item).topic
        groups[topic.name if topic else str(_("Other indicators"))].append(item)
    return list(groups.items())


def public_indicators(*, municipality: Municipality) -> list[tuple[Indicator, IndicatorYears]]:
    """Released indicators with their released years, for the public pages."""
    indicators = list(selectors.indicators_for(user=None, municipality=municipality))
    years = selectors.indicator_years(user=None, municipality=municipality, indicators=indicators)
    return [
        (indicator, years[indicator.pk]) for indicator in indicators if years[indicator.pk].years
    ]


@dataclass(frozen=True)
class PublicAtlas:
    """What a municipality's public atlas holds, for the start page."""

    municipality: Municipality
    indicators: int  # indicators with at least one released year that has values
    first_year: int | None
    last_year: int | None
    released_at: datetime.datetime | None  # the latest release

    @property
    def years(self) -> str:
        if self.first_year is None or self.first_year == self.last_year:
            return str(self.last_year or "")
        return f"{self.first_year}–{self.last_year}"


def public_atlases(*, user) -> list[PublicAtlas]:
    """The atlases `user` may open as the public, with what each has released. Two queries.

    Counts what the atlas's own start page lists: indicators with a released year that has
    values (`public_indicators`).
    """
    municipalities = list(municipalities_for(user))
    released = (
        IndicatorRelease.objects.filter(indicator__municipality__in=municipalities)
        .filter(
            Exists(Value.objects.filter(indicator=OuterRef("indicator_id"), year=OuterRef("year")))
        )
        .values("indicator__municipality_id")
        .annotate(
            indicators=Count("indicator_id", distinct=True),
            first_year=Min("year"),
            last_year=Max("year"),
            released_at=Max("released_at"),
        )
    )
    found = {row.pop("indicator__municipality_id"): row for row in released}
    return [
        PublicAtlas(
            municipality=municipality,
            **found.get(
                municipality.pk,
                {"indicators": 0, "first_year": None, "last_year": None, "released_at": None},
            ),
        )
        for municipality in municipalities
    ]
