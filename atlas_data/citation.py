"""Citations of released atlas data: the one place that says how a number is to be cited.

Every public page and export of an indicator year carries the same citation line (municipality,
indicator, year, release date, latest correction, source, access date and permanent URL) and
marks each value changed after the release with its correction date. Both come out of one query
(`load_citations`): the releases of the wanted indicator years, united with the latest change of
every released value (and institution value) changed or removed after its release. Data that is
not released is never cited: it has no citation at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import CharField, DateTimeField, F, IntegerField, Max, OuterRef, Subquery
from django.db.models import Value as V
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Municipality

from .models import Indicator, IndicatorRelease, InstitutionValue, ValueChange

# Keys of the one query's rows: a release, a corrected area value, a corrected institution value.
_RELEASE, _AREA, _POI = "r", "a", "p"


def permanent_path(*, slug: str, indicator_id: int, year: int) -> str:
    """/atlas/<slug>/i/<id>/<year>/: by id, so it survives renaming the indicator."""
    return reverse("public_cite", kwargs={"slug": slug, "pk": indicator_id, "year": year})


def absolute_base(request_or_base) -> str:
    """`https://host` of a request, or a given base URL without its trailing slash."""
    if isinstance(request_or_base, str):
        return request_or_base.rstrip("/")
    return request_or_base.build_absolute_uri("/").rstrip("/")


def german_date(moment: datetime | date | None) -> str:
    """`03.05.2026` in the site's time zone (Europe/Berlin)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = timezone.localdate(moment)
    return date_format(moment, "SHORT_DATE_FORMAT")


def corrected_text(moment: datetime | date | None) -> str:
    """`korrigiert am 05.05.2026` beside a value changed after its release; "" otherwise."""
    if moment is None:
        return ""
    return _("corrected on %(date)s") % {"date": german_date(moment)}


@dataclass(frozen=True)
class Citation:
    """How to cite one released indicator year of a municipality."""

    municipality: str
    indicator_id: int
    indicator: str
    year: int
    released_at: datetime
    corrected_at: datetime | None  # the latest change of a value after the release
    source: str  # data source (data holder)
    url: str  # the permanent URL, absolute
    accessed: date

    @property
    def released_on(self) -> str:
        return german_date(self.released_at)

    @property
    def corrected_on(self) -> str:
        return german_date(self.corrected_at)

    @property
    def text(self) -> str:
        """`Landkreis Vechta (2026): Anteil … 2013. Freigegeben am 03.05.2026, korrigiert am
        05.05.2026. Quelle: …. Abgerufen am 06.05.2026 unter https://…/atlas/vechta/i/3/2013/`"""
        head = _("%(municipality)s (%(published)s): %(indicator)s %(year)s.") % {
            "municipality": self.municipality,
            "published": timezone.localdate(self.released_at).year,
            "indicator": self.indicator,
            "year": self.year,
        }
        released = _("Released on %(date)s") % {"date": self.released_on}
        if self.corrected_at is not None:
            released = f"{released}, {corrected_text(self.corrected_at)}"
        parts = [head, f"{released}."]
        if self.source:
            parts.append(_("Source: %(source)s.") % {"source": self.source.rstrip(".")})
        parts.append(
            _("Retrieved on %(date)s from %(url)s")
            % {"date": german_date(self.accessed), "url": self.url}
        )
        return " ".join(parts)

    def as_dict(self) -> dict:
        """The `citation` object of the JSON API: the text and its parts, dates as ISO 8601."""
        return {
            "text": self.text,
            "municipality": self.municipality,
            "indicator": {"id": self.indicator_id, "name": self.indicator},
            "year": self.year,
            "released_on": timezone.localdate(self.released_at).isoformat(),
            "corrected_on": (
                timezone.localdate(self.corrected_at).isoformat() if self.corrected_at else None
            ),
            "source": self.source,
            "url": self.url,
            "accessed_on": self.accessed.isoformat(),
        }


def source_of(indicator: Indicator) -> str:
    """`Statistik der Bundesagentur für Arbeit (Jobcenter Vechta)`: source and holder."""
    source, holder = indicator.data_source.strip(), indicator.data_holder.strip()
    if source and holder and holder not in source:
        return f"{source} ({holder})"
    return source or holder


@dataclass(frozen=True)
class Citations:
    """Citations and per-value correction dates of some indicator years, from one query."""

    by_pair: dict[tuple[int, int], Citation] = field(default_factory=dict)
    # (indicator id, year, area id) -> latest change after the release
    area_corrections: dict[tuple[int, int, int], datetime] = field(default_factory=dict)
    # (indicator id, year, poi id) -> latest change after the release
    poi_corrections: dict[tuple[int, int, int], datetime] = field(default_factory=dict)

    def get(self, indicator_id: int, year: int) -> Citation | None:
        """The citation, or None: an unreleased indicator year is never cited."""
        return self.by_pair.get((indicator_id, year))

    def corrected(self, indicator_id: int, year: int, area_id: int) -> datetime | None:
        return self.area_corrections.get((indicator_id, year, area_id))

    def corrected_poi(self, indicator_id: int, year: int, poi_id: int) -> datetime | None:
        return self.poi_corrections.get((indicator_id, year, poi_id))

    def corrected_text(self, indicator_id: int, year: int, area_id: int) -> str:
        return corrected_text(self.corrected(indicator_id, year, area_id))

    def listed(self, pairs: Iterable[tuple[int, int]]) -> list[Citation]:
        """The citations of `pairs` in their order, without repeats and unreleased ones."""
        found = (self.get(*pair) for pair in dict.fromkeys(pairs))
        return [citation for citation in found if citation is not None]

    def corrected_values(self, area_names: dict[int, str], indicators: dict[int, Indicator]):
        """(indicator, year, area name, date text) of every corrected value among the areas."""
        return [
            (indicators[indicator_id], year, area_names[area_id], german_date(moment))
            for (indicator_id, year, area_id), moment in sorted(self.area_corrections.items())
            if area_id in area_names and indicator_id in indicators
        ]


def load_citations(
    *,
    municipality: Municipality,
    pairs: Iterable[tuple[Indicator, int]],
    base,
    institutions: bool = False,
) -> Citations:
    """Citations of the released (indicator, year) `pairs` and every value corrected since.

    `base` is the request (or `https://host`) the permanent URLs are made absolute with. One
    query however many pairs, areas and changes; `institutions` adds the changes of
    institution values (from their history) to the same query.
    """
    wanted = {(indicator.pk, year): indicator for indicator, year in pairs}
    if not wanted:
        return Citations()
    if any(indicator.municipality_id != municipality.pk for indicator in wanted.values()):
        raise ValueError("All indicators must belong to the municipality.")
    ids = {pk for pk, _year in wanted}
    years = {year for _pk, year in wanted}

    def released_at(model_indicator="indicator_id"):
        return Subquery(
            IndicatorRelease.objects.filter(
                indicator_id=OuterRef(model_indicator), year=OuterRef("year")
            ).values("released_at")[:1],
            output_field=DateTimeField(),
        )

    releases = (
        IndicatorRelease.objects.filter(indicator_id__in=ids, year__in=years)
        .annotate(kind=V(_RELEASE, output_field=CharField()), target=V(None, IntegerField()))
        .values_list("kind", "indicator_id", "year", "target", "released_at")
    )
    # A correction changes or removes a value that was released; a value added later (e.g. an
    # institution indicator rolled up into its areas) was not part of the release.
    changes = (
        ValueChange.objects.filter(indicator_id__in=ids, year__in=years)
        .exclude(old_status="")
        .annotate(released=released_at())
        .filter(changed_at__gt=F("released"))
        .annotate(kind=V(_AREA, output_field=CharField()))
        .values_list("kind", "indicator_id", "year", "area_id")
        .annotate(latest=Max("changed_at"))
        .order_by()
    )
    query = releases.union(changes, all=True)
    if institutions:
        history = InstitutionValue.history.model
        query = query.union(
            history.objects.filter(indicator_id__in=ids, year__in=years)
            .exclude(history_type="+")
            .annotate(released=released_at())
            .filter(history_date__gt=F("released"))
            .annotate(kind=V(_POI, output_field=CharField()))
            .values_list("kind", "indicator_id", "year", "poi_id")
            .annotate(latest=Max("history_date"))
            .order_by(),
            all=True,
        )
    released: dict[tuple[int, int], datetime] = {}
    latest: dict[tuple[int, int], datetime] = {}
    area_corrections, poi_corrections = {}, {}
    for kind, indicator_id, year, target, moment in query:
        pair = (indicator_id, year)
        if pair not in wanted:
            continue
        if kind == _RELEASE:
            released[pair] = moment
            continue
        (area_corrections if kind == _AREA else poi_corrections)[(*pair, target)] = moment
        latest[pair] = max(moment, latest.get(pair, moment))
    root = absolute_base(base)
    today = timezone.localdate()
    by_pair = {
        pair: Citation(
            municipality=municipality.name,
            indicator_id=pair[0],
            indicator=wanted[pair].name,
            year=pair[1],
            released_at=moment,
            corrected_at=latest.get(pair),
            source=source_of(wanted[pair]),
            url=root + permanent_path(slug=municipality.slug, indicator_id=pair[0], year=pair[1]),
            accessed=today,
        )
        for pair, moment in released.items()
    }
    return Citations(
        by_pair=by_pair, area_corrections=area_corrections, poi_corrections=poi_corrections
    )


def citation_for(
    *, municipality: Municipality, indicator: Indicator, year: int, base
) -> Citation | None:
    """The citation of one indicator year, or None while it is not released."""
    return load_citations(municipality=municipality, pairs=[(indicator, year)], base=base).get(
        indicator.pk, year
    )


def cite_map(collection: dict, features: list, citations: Citations, *, indicator_id, year):
    """Add the `citation` object (null while not released) to a map's FeatureCollection
    (api_maps.map_payload), and `corrected_on` (ISO date) and `corrected_text` to the features
    whose value was changed after the release."""
    citation = citations.get(indicator_id, year)
    collection["citation"] = citation.as_dict() if citation else None
    # Only corrected areas get the members: a national map has 10,997 features.
    for _geometry, properties in features:
        moment = citations.corrected(indicator_id, year, properties["id"])
        if moment is not None:
            properties["corrected_on"] = timezone.localdate(moment).isoformat()
            properties["corrected_text"] = corrected_text(moment)
