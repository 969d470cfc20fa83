"""Reads of the KECK network comparison: released values of indicators linked to the same
starter catalogue entry, compared across municipalities and years (issue 11, point 3).

Only what the public may see takes part: indicators a municipality opted in
(`Indicator.network_shared`), of municipalities with a public atlas, in released years. Every
number is the municipality's value as a whole (its published total where one is stored, else the
weighted aggregate of its areas, never an unweighted mean) exactly as its public atlas shows it:
it comes from `selectors.values_tables` for the root level, and so through the one suppression
function with the municipality's own rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can

from .catalogue import ENTRIES_BY_CODE, TOPICS_BY_CODE, CatalogueEntry
from .citation import Citation, load_citations
from .models import Indicator, IndicatorRelease, SpatialLevel, Value
from .selectors import values_tables
from .suppression import STATUS_MISSING, Shown

# Fewer than this many municipalities are no comparison.
MIN_MUNICIPALITIES = 2

NO_VALUE = Shown(value=None, display="–", status=STATUS_MISSING)


def _shared_indicators(*, codes: list[str] | None = None) -> list[Indicator]:
    """Opted-in indicators linked to a catalogue entry, of municipalities whose public atlas is
    open, with at least one released year; one per municipality and entry. One query (plus the
    prefetched valid levels)."""
    queryset = (
        Indicator.objects.filter(
            network_shared=True,
            catalogue_code__in=codes if codes is not None else list(ENTRIES_BY_CODE),
            municipality__public_atlas_enabled=True,
            releases__isnull=False,
        )
        .distinct()
        .select_related("municipality", "topic")
        .prefetch_related(Prefetch("valid_levels", queryset=SpatialLevel.objects.order_by("depth")))
        .order_by("municipality__name", "pk")
    )
    chosen: dict[tuple[str, int], Indicator] = {}
    for indicator in queryset:
        # The opt-in service allows one indicator per municipality and entry; should older data
        # hold two, the first one created stands for the municipality.
        if not can(None, Action.VIEW_PUBLIC, indicator.municipality):
            continue
        chosen.setdefault((indicator.catalogue_code, indicator.municipality_id), indicator)
    return list(chosen.values())


def _releases(indicators: list[Indicator]) -> dict[int, dict[int, datetime]]:
    """Released years with their release time per indicator, in one query."""
    result: dict[int, dict[int, datetime]] = defaultdict(dict)
    for indicator_id, year, released_at in IndicatorRelease.objects.filter(
        indicator__in=indicators
    ).values_list("indicator_id", "year", "released_at"):
        result[indicator_id][year] = released_at
    return result


# ---------------------------------------------------------------------------------------------
# The entries shared by the network


@dataclass(frozen=True)
class NetworkEntry:
    """A catalogue entry that at least two municipalities compare, with their released years."""

    entry: CatalogueEntry
    municipalities: list[Municipality]
    years: list[int]

    @property
    def code(self) -> str:
        return self.entry.code

    @property
    def topic_name(self) -> str:
        topic = TOPICS_BY_CODE.get(self.entry.topic)
        return topic.name if topic else ""

    @property
    def url(self) -> str:
        return reverse("network_entry", kwargs={"code": self.entry.code})


def network_entries() -> list[NetworkEntry]:
    """The catalogue entries compared by at least two municipalities, in the catalogue's order.

    Public: the same for every viewer. Three queries, however many municipalities and entries.
    """
    indicators = _shared_indicators()
    releases = _releases(indicators)
    by_code: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_code[indicator.catalogue_code].append(indicator)
    result = []
    for code, entry in ENTRIES_BY_CODE.items():
        members = by_code.get(code, [])
        if len(members) < MIN_MUNICIPALITIES:
            continue
        years = sorted({year for i in members for year in releases[i.pk]})
        result.append(
            NetworkEntry(
                entry=entry,
                municipalities=[indicator.municipality for indicator in members],
                years=years,
            )
        )
    return result


# ---------------------------------------------------------------------------------------------
# One entry compared


@dataclass(frozen=True)
class Difference:
    """Where a municipality's indicator departs from the catalogue entry it is linked to."""

    field: str  # the name of the Indicator field
    own: str
    catalogue: str

    @property
    def label(self) -> str:
        """The field's name in the viewer's language."""
        return str(Indicator._meta.get_field(self.field).verbose_name)

    @property
    def own_text(self) -> str:
        return self._text(self.own)

    @property
    def catalogue_text(self) -> str:
        return self._text(self.catalogue)

    def _text(self, value: str) -> str:
        if self.field == "kind":
            return str(dict(Indicator.Kind.choices).get(value, value))
        return value or "–"


@dataclass(frozen=True)
class YearValue:
    year: int
    shown: Shown
    released_at: datetime | None
    # How to cite the municipality's release of this year (None: not released, or no `base`).
    citation: Citation | None = None

    @property
    def origin_label(self) -> str:
        if self.shown.status == STATUS_MISSING:
            return ""
        if self.shown.origin == "published":
            return _("published total")
        if self.shown.origin == "computed":
            return _("weighted from the areas")
        return ""


@dataclass(frozen=True)
class NetworkMember:
    """One municipality's indicator in the comparison, with its value per year of the entry."""

    municipality: Municipality
    indicator: Indicator
    values: list[YearValue]  # one per year of the comparison, in order
    source_notes: list[str]
    differences: list[Difference]

    @property
    def public_url(self) -> str:
        return reverse(
            "public_indicator",
            kwargs={"slug": self.municipality.slug, "pk": self.indicator.pk},
        )

    @property
    def released(self) -> list[YearValue]:
        return [value for value in self.values if value.released_at is not None]

    @property
    def citations(self) -> list[Citation]:
        """One citation per released year shown: the municipality's own release."""
        return [value.citation for value in self.values if value.citation is not None]

    @property
    def public_atlas_url(self) -> str:
        return reverse("public_atlas", kwargs={"slug": self.municipality.slug})

    @property
    def measure(self) -> tuple[str, str, int]:
        """What its numbers measure in: kind, unit and (for shares and rates) the rate base."""
        indicator = self.indicator
        base = indicator.rate_base if indicator.kind in ("share", "rate") else 0
        return (indicator.kind, indicator.unit.strip(), base)


@dataclass(frozen=True)
class NetworkComparison:
    entry: CatalogueEntry
    years: list[int]
    members: list[NetworkMember]

    @property
    def notes(self) -> list[str]:
        """Comparability notes in words, for the page and the API."""
        notes = []
        if not self.comparable_units:
            notes.append(
                _(
                    "The municipalities measure this entry in different units or kinds: the "
                    "numbers cannot be compared directly."
                )
            )
        differing = [m.municipality.name for m in self.members if m.differences]
        if differing:
            notes.append(
                _(
                    "The indicator of %(names)s differs from the starter catalogue entry: see "
                    "the differences below before comparing."
                )
                % {"names": ", ".join(differing)}
            )
        return notes

    @property
    def has_differences(self) -> bool:
        return any(member.differences for member in self.members)

    @property
    def comparable_units(self) -> bool:
        return len({member.measure for member in self.members}) <= 1

    @property
    def topic_name(self) -> str:
        topic = TOPICS_BY_CODE.get(self.entry.topic)
        return topic.name if topic else ""

    def chart_data(self) -> dict:
        """The numbers of the line chart, exactly those of the table (None: `k. A.` or `–`)."""
        return {
            "name": self.entry.name,
            "unit": self.entry.unit,
            "years": self.years,
            "series": [
                {
                    "name": member.municipality.name,
                    "values": [value.shown.value for value in member.values],
                    "texts": [value.shown.display for value in member.values],
                }
                for member in self.members
            ],
        }


def _normalised(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def differences(indicator: Indicator, entry: CatalogueEntry) -> list[Difference]:
    """The definition, unit, kind, rate base and reference date where they differ from the
    catalogue entry: then the numbers may not measure the same thing."""

    result = []
    if indicator.kind != entry.kind:
        result.append(Difference("kind", indicator.kind, entry.kind))
    if indicator.unit.strip() != entry.unit.strip():
        result.append(Difference("unit", indicator.unit, entry.unit))
    if indicator.kind in ("share", "rate") and indicator.rate_base != entry.rate_base:
        result.append(Difference("rate_base", str(indicator.rate_base), str(entry.rate_base)))
    if _normalised(indicator.definition) != _normalised(entry.definition):
        result.append(Difference("definition", indicator.definition, entry.definition))
    if _normalised(indicator.reference_date) != _normalised(entry.reference_date):
        result.append(Difference("reference_date", indicator.reference_date, entry.reference_date))
    return result


def network_comparison(*, code: str, base=None) -> NetworkComparison | None:
    """The released values of every municipality comparing `code`, or None when fewer than two
    municipalities take part (or the entry does not exist).

    Public: the same for every viewer, members included; nothing internal of any municipality.
    With `base` (the request, or `https://host`) each released year carries the citation of
    its municipality's release (atlas_data.citation), with the latest correction.
    Five queries, then per municipality the release check of `values_tables` and its cached
    root-level tables (on a cache miss two more) and, with `base`, one for its citations: the
    queries grow with the municipalities compared, never with their areas, values or years.
    """
    entry = ENTRIES_BY_CODE.get(code)
    if entry is None:
        return None
    indicators = _shared_indicators(codes=[code])
    if len(indicators) < MIN_MUNICIPALITIES:
        return None
    releases = _releases(indicators)
    years = sorted({year for indicator in indicators for year in releases[indicator.pk]})
    roots = {
        level.municipality_id: level
        for level in SpatialLevel.objects.filter(
            municipality__in=[i.municipality_id for i in indicators], depth=0
        )
    }
    notes: dict[int, set[str]] = defaultdict(set)
    for indicator_id, year, note in (
        Value.objects.filter(indicator__in=indicators, year__in=years)
        .exclude(source_note="")
        .values_list("indicator_id", "year", "source_note")
        .distinct()
    ):
        if year in releases[indicator_id]:  # notes of internal years stay internal
            notes[indicator_id].add(note)
    members = []
    for indicator in indicators:
        released = releases[indicator.pk]
        shown = _root_values(indicator, sorted(released), roots.get(indicator.municipality_id))
        citations = (
            load_citations(
                municipality=indicator.municipality,
                pairs=[(indicator, year) for year in sorted(released)],
                base=base,
            )
            if base is not None
            else None
        )
        members.append(
            NetworkMember(
                municipality=indicator.municipality,
                indicator=indicator,
                values=[
                    YearValue(
                        year=year,
                        shown=shown.get(year, NO_VALUE),
                        released_at=released.get(year),
                        citation=citations.get(indicator.pk, year) if citations else None,
                    )
                    for year in years
                ],
                source_notes=sorted(notes[indicator.pk]),
                differences=differences(indicator, entry),
            )
        )
    return NetworkComparison(entry=entry, years=years, members=members)


def _root_values(
    indicator: Indicator, years: list[int], root_level: SpatialLevel | None
) -> dict[int, Shown]:
    """The whole municipality's value per released year, as its public atlas shows it."""
    if root_level is None or not years:
        return {}
    tables = values_tables(
        user=None,
        items=[(indicator, year) for year in years],
        level=root_level,
        released={(indicator.pk, year): True for year in years},
    )
    # The root level holds exactly the whole municipality.
    return {table.year: table.rows[0].shown for table in tables if len(table.rows) == 1}
