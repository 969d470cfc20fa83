"""Values of institution-level indicators (per POI, e.g. the results of a structured observation
per Kita): the file import, single edits, and the roll-up to the areas.

The roll-up writes ordinary area values of the same indicator (sum of the numerators over the
sum of the denominators of the institutions below an area, i.e. weighted by the observed
children), so that maps, tables, reports and goals work unchanged. It runs on every import and
edit, inside the same transaction. Suppression of both (`suppression.py`) treats the
institutions as leaves below their finest area, so that the roll-up cannot reveal a hidden
institution value.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Municipality
from accounts.permissions import Action, can, require
from keck.locking import ConflictError, claim

from .. import cache as atlas_cache
from ..aggregation import AreaNode, complete_tree
from ..models import Area, Indicator, InstitutionValue, Poi, PoiCategory, Value
from ..suppression import AreaInfo, institution_cells, institution_nodes
from ..tables import TableError, parse_number, read_table
from .errors import AtlasError, ImportProblems, ProblemList, uploaded_import_file
from .pois import _dedupe_key
from .release import topic_of
from .values import replace_area_values

MIN_YEAR, MAX_YEAR = 1900, 2100
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx")
MAX_LISTED_PROBLEMS = 500
INSTITUTION = Indicator.ObservationUnit.INSTITUTION
ROLL_UP_NOTE = "Zusammengefasst aus den Werten der Einrichtungen im Gebiet (gewichtet)"
_NOISE_DIGITS = 10
# How far a given value may lie from numerator / denominator before the row is refused: the
# published value is rounded, so half a unit of its last decimal (at least of 0.1) is allowed.
_MIN_TOLERANCE = 0.05

# Accepted column names (folded: lower case, `_`/`-` as spaces), first match wins.
COLUMN_NAMES = {
    "id": ("id", "poi id", "einrichtung id", "einrichtungs id", "institution id"),
    "name": ("einrichtung", "name", "institution", "einrichtungsname"),
    "address": ("adresse", "address", "anschrift", "straße", "strasse"),
    "indicator": ("kennzahl", "indikator", "indicator"),
    "year": ("jahr", "year"),
    "value": ("wert", "value", "anteil"),
    "numerator": ("zähler", "zaehler", "numerator"),
    "denominator": ("nenner", "denominator", "beobachtete kinder", "beobachtet"),
    "source_note": ("quelle", "quellenangabe", "source", "source note", "hinweis"),
}


class InstitutionValueConflict(ConflictError, AtlasError):
    """An institution value changed by someone else since the caller read it."""


class NumbersError(AtlasError):
    """Numbers that cannot be stored; `field` names the one to correct (value, numerator,
    denominator), so that an import can point at its column."""

    def __init__(self, message: str, *, field: str = "value"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Numbers:
    """One institution value as it is stored: numbers complete, or `k. A.` (status)."""

    value: float | None
    numerator: float | None
    denominator: float | None
    status: str = Value.Status.OK


@dataclass
class RollUp:
    created: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    created: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    pairs: list[tuple[Indicator, int]] = field(default_factory=list)
    roll_up: RollUp = field(default_factory=RollUp)
    warnings: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "indicator_years": [
                {"indicator": indicator.pk, "name": indicator.name, "year": year}
                for indicator, year in self.pairs
            ],
            "area_values": {
                "created": self.roll_up.created,
                "changed": self.roll_up.changed,
                "removed": self.roll_up.removed,
                "unchanged": self.roll_up.unchanged,
            },
            "warnings": self.warnings,
        }


# --------------------------------------------------------------------------------------------
# Checking numbers (shared by the import and single edits)


def check_numbers(
    indicator: Indicator,
    *,
    value: float | None,
    numerator: float | None,
    denominator: float | None,
    suppressed: bool = False,
) -> Numbers:
    """The numbers to store for one institution value, or AtlasError saying what is wrong.

    Counts take a value only. Shares and rates need the denominator (the observed children)
    and the numerator or the value (the other is computed); means need the denominator and
    the value. So small groups can be suppressed and the roll-up can weigh by the denominator.
    `suppressed`: the source delivered `k. A.`.
    """
    if suppressed:
        return Numbers(None, None, None, Value.Status.SOURCE_SUPPRESSED)
    for number in (value, numerator, denominator):
        if number is not None and not math.isfinite(number):
            raise NumbersError(_("Only finite numbers can be stored."))
    kind = indicator.kind
    if kind in (Indicator.Kind.COUNT, Indicator.Kind.INDEX):
        if numerator is not None or denominator is not None:
            raise NumbersError(
                _(
                    "“%(name)s” is a count or an index: give the value only, no numerator or "
                    "denominator."
                )
                % {"name": indicator.name},
                field="numerator" if numerator is not None else "denominator",
            )
        if value is None:
            raise NumbersError(_("The value is missing."))
        if kind == Indicator.Kind.COUNT and value < 0:
            raise NumbersError(_("A count cannot be negative."))
        return Numbers(value, None, None)
    if denominator is None:
        raise NumbersError(
            _(
                "The denominator (e.g. the number of observed children) is missing: it is "
                "needed to suppress small groups and to weigh the institutions in the areas."
            ),
            field="denominator",
        )
    if denominator <= 0:
        raise NumbersError(_("The denominator must be greater than zero."), field="denominator")
    factor = indicator.rate_base if kind in (Indicator.Kind.SHARE, Indicator.Kind.RATE) else 1
    if numerator is None:
        if value is None:
            raise NumbersError(_("Give the value or the numerator."))
        numerator = round(value * denominator / factor, _NOISE_DIGITS)
    elif value is not None:
        computed = numerator / denominator * factor
        tolerance = max(_MIN_TOLERANCE, 0.5 * 10**-indicator.decimals) + 1e-9
        if abs(computed - value) > tolerance:
            raise NumbersError(
                _(
                    "The value %(value)s does not match numerator %(numerator)s and denominator "
                    "%(denominator)s (which give %(computed)s)."
                )
                % {
                    "value": _german(value),
                    "numerator": _german(numerator),
                    "denominator": _german(denominator),
                    "computed": _german(round(computed, 2)),
                }
            )
    else:
        value = round(numerator / denominator * factor, _NOISE_DIGITS)
    if numerator < 0:
        raise NumbersError(_("The numerator cannot be negative."), field="numerator")
    if kind == Indicator.Kind.SHARE and numerator > denominator:
        raise NumbersError(
            _("The numerator cannot be greater than the denominator in a share."),
            field="numerator",
        )
    return Numbers(value, numerator, denominator)


def _german(number: float) -> str:
    text = f"{number:.10f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _check_indicator(indicator: Indicator, municipality: Municipality) -> None:
    if indicator.municipality_id != municipality.pk:
        raise AtlasError(_("The indicator belongs to another municipality."))
    if indicator.observation_unit != INSTITUTION:
        raise AtlasError(
            _(
                "“%(name)s” has values per area, not per institution. Change “values per” in "
                "its metadata first."
            )
            % {"name": indicator.name}
        )


def category_ids(category: PoiCategory | None) -> set[int] | None:
    """The ids of `category` and of its subcategories (a municipality's tree of categories);
    None without a category: then every category may report."""
    if category is None:
        return None
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in PoiCategory.objects.filter(
        municipality_id=category.municipality_id
    ).values_list("pk", "parent_id"):
        children[parent].append(pk)
    found, todo = set(), [category.pk]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children[current])
    return found


def category_error(indicator: Indicator, poi: Poi) -> str:
    """Why `poi` may not report values of `indicator`: another category than the indicator's."""
    return _(
        "“%(poi)s” is of the category “%(category)s”, but “%(indicator)s” takes values of "
        "institutions of the category “%(expected)s” only."
    ) % {
        "poi": poi.name,
        "category": poi.category.name,
        "indicator": indicator.name,
        "expected": indicator.institution_category.name,
    }


def _check_category(indicator: Indicator, poi: Poi) -> None:
    allowed = category_ids(indicator.institution_category)
    if allowed is not None and poi.category_id not in allowed:
        raise AtlasError(category_error(indicator, poi))


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise AtlasError(
            _("The year must lie between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )


# --------------------------------------------------------------------------------------------
# Single edits


@transaction.atomic
def set_institution_value(
    *,
    user,
    indicator: Indicator,
    poi: Poi,
    year: int,
    value: float | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
    suppressed: bool = False,
    source_note: str = "",
    version: int | None = None,
) -> InstitutionValue:
    """Store or change one institution value and roll the year up to the areas.

    `version`: the version the caller read (None: not checked); a change in between raises
    InstitutionValueConflict. An edit that changes nothing writes nothing.
    """
    municipality = indicator.municipality
    require(user, Action.EDIT_ATLAS_DATA, municipality, topic=topic_of(indicator))
    _check_indicator(indicator, municipality)
    if poi.municipality_id != municipality.pk:
        raise AtlasError(_("The institution belongs to another municipality."))
    _check_category(indicator, poi)
    _check_year(year)
    numbers = check_numbers(
        indicator,
        value=value,
        numerator=numerator,
        denominator=denominator,
        suppressed=suppressed,
    )
    current = _locked_value(indicator, poi, year)
    if current is None:
        if version:
            raise InstitutionValueConflict(current=None, deleted=True)
        current = InstitutionValue(indicator=indicator, poi=poi, year=year)
    elif _numbers_of(current) == numbers and source_note in ("", current.source_note):
        return current
    else:
        claim(
            current,
            version=version,
            conflict=InstitutionValueConflict,
            mine={
                "value": numbers.value,
                "numerator": numbers.numerator,
                "denominator": numbers.denominator,
                "status": numbers.status,
            },
        )
    current.value, current.numerator = numbers.value, numbers.numerator
    current.denominator, current.status = numbers.denominator, numbers.status
    current.source_note = source_note or current.source_note
    current._history_user = user
    current.save()
    roll_up_institution_values(user=user, indicator=indicator, years=[year])
    return current


@transaction.atomic
def remove_institution_value(
    *, user, indicator: Indicator, poi: Poi, year: int, version: int | None = None
) -> bool:
    """Remove one institution value (no value: `–`) and roll the year up again."""
    municipality = indicator.municipality
    require(user, Action.EDIT_ATLAS_DATA, municipality, topic=topic_of(indicator))
    _check_indicator(indicator, municipality)
    current = _locked_value(indicator, poi, year)
    if current is None:
        if version:
            raise InstitutionValueConflict(current=None, deleted=True)
        return False
    claim(current, version=version, conflict=InstitutionValueConflict)
    current._history_user = user
    current.delete()
    roll_up_institution_values(user=user, indicator=indicator, years=[year])
    return True


def _locked_value(indicator: Indicator, poi: Poi, year: int) -> InstitutionValue | None:
    """The stored value of `poi`, locked until the end of the transaction (or None)."""
    return (
        InstitutionValue.objects.select_for_update()
        .filter(indicator=indicator, poi=poi, year=year)
        .order_by("pk")  # the default ordering joins nullable rows PostgreSQL cannot lock
        .first()
    )


def _numbers_of(row: InstitutionValue) -> Numbers:
    return Numbers(row.value, row.numerator, row.denominator, row.status)


# --------------------------------------------------------------------------------------------
# The roll-up to the areas


def roll_up_institution_values(*, user, indicator: Indicator, years: Iterable[int]) -> RollUp:
    """Make the area values of `indicator` in `years` the roll-up of its institution values.

    Every area gets the sum of the numerators over the sum of the denominators of the
    institutions in it (counts: the sum of the values), computed over the tree exactly as
    coarser areas are computed from finer ones (`aggregation.aggregate`): an institution that
    delivered `k. A.` makes its areas `k. A.` too, since their total is unknown. Areas without
    institutions get no value (`–`, never zero). Changes go to the value history.
    """
    require(user, Action.EDIT_ATLAS_DATA, indicator.municipality, topic=topic_of(indicator))
    return _roll_up(user=user, indicator=indicator, years=years)


def roll_up_moved_institutions(
    *, municipality: Municipality, poi_ids: Iterable[int], user=None
) -> RollUp:
    """Roll up again every indicator year with values of the POIs in `poi_ids`, whose areas
    changed (a POI moved, or the areas were imported anew).

    The caller changed the POIs or the areas and had the right to; the roll-up follows
    without the right to edit atlas data, as it changes no institution value, only the areas
    they count in. Changes go to the value history with `user` as the one who changed them.
    """
    return _roll_up_years(_years_with_values(municipality, poi_ids), user=user)


def delete_institutions(*, municipality: Municipality, pois, user=None) -> RollUp:
    """Delete the POIs `pois` (a queryset of the municipality) with their institution values,
    and roll up again every indicator year they had values in: their areas lose what they
    counted (weighted as always; an area left without institutions loses its value).

    The caller may manage POIs (as for a move: no institution value of another POI changes).
    Changes go to the value history with `user`; the atlas cache is told.
    """
    years = _years_with_values(municipality, pois.values_list("pk", flat=True))
    with transaction.atomic():
        for poi in pois:  # one by one: each deletion is kept in the POI's history
            poi._history_user = user
            poi.delete()
        result = _roll_up_years(years, user=user)
        atlas_cache.bump(municipality.pk)
    return result


def _years_with_values(municipality: Municipality, poi_ids: Iterable[int]) -> dict[int, set[int]]:
    """Indicator id -> the years with a value of one of the POIs."""
    pairs = (
        InstitutionValue.objects.filter(
            poi_id__in=list(poi_ids), indicator__municipality=municipality
        )
        .values_list("indicator_id", "year")
        .distinct()
    )
    years: dict[int, set[int]] = defaultdict(set)
    for indicator_id, year in pairs:
        years[indicator_id].add(year)
    return years


def _roll_up_years(years: dict[int, set[int]], *, user) -> RollUp:
    result = RollUp()
    if not years:
        return result
    indicators = Indicator.objects.filter(pk__in=list(years)).select_related("municipality")
    for indicator in sorted(indicators, key=lambda i: i.pk):
        rolled = _roll_up(user=user, indicator=indicator, years=years[indicator.pk])
        for name in ("created", "changed", "removed", "unchanged"):
            setattr(result, name, getattr(result, name) + getattr(rolled, name))
    return result


def _roll_up(*, user, indicator: Indicator, years: Iterable[int]) -> RollUp:
    municipality = indicator.municipality
    years = sorted(set(years))
    result = RollUp()
    if not years:
        return result
    with transaction.atomic():
        areas = {
            row[0]: AreaInfo(*row)
            for row in Area.objects.filter(municipality=municipality).values_list(
                "id", "key", "name", "level_id", "level__depth", "parent_id"
            )
        }
        nodes = [AreaNode(a.id, a.parent_id, a.depth) for a in areas.values()]
        leaves = institution_cells(
            municipality=municipality,
            pairs={(indicator.pk, year) for year in years},
            areas=areas,
        )
        for year in years:
            institutions = leaves.get((indicator.pk, year), {})
            cells = complete_tree(
                areas=nodes + institution_nodes(institutions, areas),
                stored=institutions,
                kind=indicator.kind,
                rate_base=indicator.rate_base,
            )
            unknown = _above_source_suppressed(institutions, areas)
            wanted: dict[int, Numbers] = {}
            for area_id in areas:
                cell = cells[area_id]
                # Checked first: `aggregate` leaves a missing child out of its parent's sum,
                # but a total over an unknown institution is unknown on every level above it.
                if area_id in unknown:
                    wanted[area_id] = Numbers(None, None, None, Value.Status.SOURCE_SUPPRESSED)
                elif cell.has_value:
                    wanted[area_id] = Numbers(cell.value, cell.numerator, cell.denominator)
            replace_area_values(
                indicator=indicator,
                year=year,
                wanted={
                    area_id: (n.value, n.numerator, n.denominator, n.status)
                    for area_id, n in wanted.items()
                },
                user=user,
                source_note=ROLL_UP_NOTE,
                result=result,
            )
        atlas_cache.bump(municipality.pk)
    return result


def _above_source_suppressed(institutions, areas) -> set[int]:
    """The areas with an institution below them whose value the source delivered as `k. A.`."""
    found: set[int] = set()
    for cell in institutions.values():
        if cell.status != "source_suppressed":
            continue
        current = cell.parent_id
        while current is not None and current not in found:
            found.add(current)
            current = areas[current].parent_id
    return found


# --------------------------------------------------------------------------------------------
# The file import


@dataclass
class _Row:
    row: int
    indicator: Indicator
    poi: Poi
    year: int
    numbers: Numbers | None  # None: remove the value (the file says `–`)
    source_note: str


def _fold(text: str) -> str:
    return " ".join(str(text).replace("_", " ").replace("-", " ").split()).casefold()


def _map_columns(columns) -> dict[str, str]:
    folded: dict[str, str] = {}
    for column in columns:
        folded.setdefault(_fold(column), column)
    mapped: dict[str, str] = {}
    for name, candidates in COLUMN_NAMES.items():
        for candidate in candidates:
            column = folded.get(_fold(candidate))
            if column is not None and column not in mapped.values():
                mapped[name] = column
                break
    return mapped


class _Institutions:
    """Finds the POI of a row: by its KECK id, else by name (and address where names repeat),
    compared as the POI import compares them (case, spacing, `Straße`/`Str.`)."""

    def __init__(self, municipality: Municipality):
        self.by_id: dict[int, Poi] = {}
        self.by_name: dict[str, list[Poi]] = defaultdict(list)
        self.by_name_address: dict[tuple[str, str], Poi] = {}
        for poi in Poi.objects.filter(municipality=municipality).select_related("category"):
            self.by_id[poi.pk] = poi
            key = _dedupe_key(poi.name, poi.address)
            self.by_name[key[0]].append(poi)
            self.by_name_address[key] = poi

    def find(self, *, ref: str, name: str, address: str) -> Poi:
        if ref:
            if not ref.isdigit() or int(ref) not in self.by_id:
                raise AtlasError(
                    _("No institution of the municipality has the id %(id)s.") % {"id": ref}
                )
            return self.by_id[int(ref)]
        if not name:
            raise AtlasError(_("The institution is missing: give its id or its name."))
        key = _dedupe_key(name, address)
        if address:
            poi = self.by_name_address.get(key)
            if poi is None:
                raise AtlasError(
                    _(
                        "No institution “%(name)s” at “%(address)s” in the register of points "
                        "of interest."
                    )
                    % {"name": name, "address": address}
                )
            return poi
        found = self.by_name.get(key[0], [])
        if not found:
            raise AtlasError(
                _("No institution “%(name)s” in the register of points of interest.")
                % {"name": name}
            )
        if len(found) > 1:
            raise AtlasError(
                _(
                    "%(count)d institutions are called “%(name)s”: add the column Adresse or "
                    "the column ID."
                )
                % {"count": len(found), "name": name}
            )
        return found[0]


class _IndicatorLookup:
    def __init__(self, municipality: Municipality):
        self.indicators = list(
            Indicator.objects.filter(municipality=municipality).select_related(
                "topic", "municipality", "institution_category"
            )
        )
        self.by_key: dict[str, Indicator] = {}
        for indicator in self.indicators:
            self.by_key.setdefault(_fold(indicator.name), indicator)
        for indicator in self.indicators:
            if indicator.short_name:
                self.by_key.setdefault(_fold(indicator.short_name), indicator)
        for indicator in self.indicators:
            self.by_key[str(indicator.pk)] = indicator

    def find(self, ref: str) -> Indicator:
        indicator = self.by_key.get(_fold(ref))
        if indicator is None:
            raise AtlasError(_("Unknown indicator “%(name)s”.") % {"name": ref})
        return indicator


def import_uploaded_institution_values(
    *,
    municipality: Municipality,
    upload,
    user,
    indicator: Indicator | None = None,
    year: int | None = None,
    source_note: str = "",
) -> ImportResult:
    """`import_institution_values` for an uploaded file (small: imported while one waits)."""
    with uploaded_import_file(upload, allowed=TABLE_SUFFIXES, prefix="keck-institutions-") as path:
        return import_institution_values(
            municipality=municipality,
            path=path,
            user=user,
            indicator=indicator,
            year=year,
            source_note=source_note,
        )


def import_institution_values(
    *,
    municipality: Municipality,
    path,
    user,
    indicator: Indicator | None = None,
    year: int | None = None,
    source_note: str = "",
) -> ImportResult:
    """Import a long table of institution values (CSV or XLSX): one row per institution,
    indicator and year, with the value or numerator and denominator.

    The institution is named by its KECK id (column ID) or by name (and address where names
    repeat); the indicator and year come from their columns, else from `indicator` and `year`.
    Every row is checked first; with any problem nothing is written and ImportProblems lists
    row, column and a German message. Then all values are written in one transaction and each
    indicator year touched is rolled up to the areas. `–` as the value removes a stored value,
    `k. A.` stores a value suppressed at source.
    """
    # The role first; the topics of the indicators are checked row by row.
    require(user, Action.EDIT_ATLAS_DATA, municipality)
    if indicator is not None:
        _check_indicator(indicator, municipality)
    try:
        frame = read_table(Path(path))
    except TableError as exc:
        raise ImportProblems([{"row": None, "column": None, "message": str(exc)}]) from exc
    columns = _map_columns(frame.columns)
    problems = ProblemList(limit=MAX_LISTED_PROBLEMS)
    result = ImportResult()
    for column in frame.columns:
        if column not in columns.values():
            result.warnings.append(
                {"row": None, "column": column, "message": _("The column is not used.")}
            )
    if "id" not in columns and "name" not in columns:
        problems.add(
            None,
            None,
            _("The file needs a column ID or Einrichtung (the name of the institution)."),
        )
    if "indicator" not in columns and indicator is None:
        problems.add(None, None, _("Choose the indicator, or add a column Kennzahl."))
    if "year" not in columns and year is None:
        problems.add(None, None, _("Give the year, or add a column Jahr."))
    if not any(name in columns for name in ("value", "numerator", "denominator")):
        problems.add(
            None, None, _("The file needs a column Wert, or the columns Zähler and Nenner.")
        )
    problems.raise_if_any()

    institutions = _Institutions(municipality)
    lookup = _IndicatorLookup(municipality)
    rows: list[_Row] = []
    seen: dict[tuple[int, int, int], int] = {}
    allowed_topics: dict[int, bool] = {}
    allowed_categories: dict[int, set[int] | None] = {}
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        number = position + 2  # the header is row 1
        cells = dict(zip(frame.columns, values, strict=True))
        if all(not str(v).strip() for v in values):
            continue

        def cell(name, cells=cells) -> str:
            column = columns.get(name)
            return "" if column is None else str(cells[column] or "").strip()

        def add(name, message, number=number) -> None:
            problems.add(number, columns.get(name, name), message)

        row_indicator = indicator
        if cell("indicator"):
            try:
                row_indicator = lookup.find(cell("indicator"))
                _check_indicator(row_indicator, municipality)
            except AtlasError as exc:
                add("indicator", str(exc))
                row_indicator = None
        elif indicator is None:
            add("indicator", _("The indicator is missing."))
        if row_indicator is not None and row_indicator.pk not in allowed_topics:
            allowed_topics[row_indicator.pk] = _may_edit(user, row_indicator)
        if row_indicator is not None and not allowed_topics[row_indicator.pk]:
            add(
                "indicator",
                _("You may not change values of “%(name)s” (topic %(topic)s).")
                % {"name": row_indicator.name, "topic": topic_of(row_indicator) or "–"},
            )
            row_indicator = None

        row_year = year
        if cell("year"):
            text = cell("year")
            row_year = int(text) if text.isdigit() else None
            if row_year is None or not MIN_YEAR <= row_year <= MAX_YEAR:
                add("year", _("“%(year)s” is no year between 1900 and 2100.") % {"year": text})
                row_year = None
        elif year is None:
            add("year", _("The year is missing."))

        try:
            poi = institutions.find(ref=cell("id"), name=cell("name"), address=cell("address"))
        except AtlasError as exc:
            add("id" if cell("id") else "name", str(exc))
            poi = None

        parsed = {}
        broken = False
        for name in ("value", "numerator", "denominator"):
            try:
                parsed[name] = parse_number(cell(name))
            except ValueError as exc:
                add(name, str(exc))
                broken = True
        numbers: Numbers | None = None
        remove = False
        if not broken:
            suppressed = any(p.status == "suppressed" for p in parsed.values())
            remove = all(p.status == "missing" for p in parsed.values())
            if row_indicator is not None and not remove:
                try:
                    numbers = check_numbers(
                        row_indicator,
                        value=parsed["value"].value,
                        numerator=parsed["numerator"].value,
                        denominator=parsed["denominator"].value,
                        suppressed=suppressed,
                    )
                except NumbersError as exc:
                    add(exc.field if exc.field in columns else "value", str(exc))
        if row_indicator is not None and poi is not None:
            if row_indicator.pk not in allowed_categories:
                allowed_categories[row_indicator.pk] = category_ids(
                    row_indicator.institution_category
                )
            allowed = allowed_categories[row_indicator.pk]
            if allowed is not None and poi.category_id not in allowed:
                add("id" if cell("id") else "name", category_error(row_indicator, poi))
                poi = None
        if row_indicator is None or row_year is None or poi is None:
            continue
        if numbers is None and not remove:
            continue
        key = (row_indicator.pk, poi.pk, row_year)
        if key in seen:
            add(
                "name",
                _("“%(name)s” %(year)s appears twice (rows %(first)d and %(second)d).")
                % {"name": poi.name, "year": row_year, "first": seen[key], "second": number},
            )
            continue
        seen[key] = number
        rows.append(
            _Row(
                row=number,
                indicator=row_indicator,
                poi=poi,
                year=row_year,
                numbers=numbers,
                source_note=(cell("source_note") or source_note)[:300],
            )
        )
    if not rows and not problems.count:
        problems.add(None, None, _("The file contains no values."))
    problems.raise_if_any()

    with transaction.atomic():
        _write_rows(rows, user=user, result=result)
        pairs: dict[int, set[int]] = defaultdict(set)
        indicators: dict[int, Indicator] = {}
        for row in rows:
            pairs[row.indicator.pk].add(row.year)
            indicators[row.indicator.pk] = row.indicator
        for pk, years in sorted(pairs.items()):
            rolled = roll_up_institution_values(user=user, indicator=indicators[pk], years=years)
            for name in ("created", "changed", "removed", "unchanged"):
                setattr(result.roll_up, name, getattr(result.roll_up, name) + getattr(rolled, name))
            result.pairs.extend((indicators[pk], year) for year in sorted(years))
    return result


def _may_edit(user, indicator: Indicator) -> bool:
    return can(user, Action.EDIT_ATLAS_DATA, indicator.municipality, topic=topic_of(indicator))


def _write_rows(rows: list[_Row], *, user, result: ImportResult) -> None:
    existing = {
        (row.indicator_id, row.poi_id, row.year): row
        for row in InstitutionValue.objects.select_for_update()
        .filter(
            indicator_id__in={r.indicator.pk for r in rows},
            poi_id__in={r.poi.pk for r in rows},
            year__in={r.year for r in rows},
        )
        .order_by("pk")  # the default ordering joins nullable rows PostgreSQL cannot lock
    }
    new, updated, removed = [], [], []
    for row in rows:
        stored = existing.get((row.indicator.pk, row.poi.pk, row.year))
        if row.numbers is None:
            if stored is not None:
                removed.append(stored)
            else:
                result.unchanged += 1
            continue
        numbers = row.numbers
        if stored is None:
            new.append(
                InstitutionValue(
                    indicator=row.indicator,
                    poi=row.poi,
                    year=row.year,
                    value=numbers.value,
                    numerator=numbers.numerator,
                    denominator=numbers.denominator,
                    status=numbers.status,
                    source_note=row.source_note,
                )
            )
            continue
        if _numbers_of(stored) == numbers and (
            not row.source_note or row.source_note == stored.source_note
        ):
            result.unchanged += 1
            continue
        stored.value, stored.numerator = numbers.value, numbers.numerator
        stored.denominator, stored.status = numbers.denominator, numbers.status
        stored.source_note = row.source_note or stored.source_note
        stored.version += 1
        stored.updated = timezone.now()
        updated.append(stored)
    if new:
        bulk_create_with_history(new, InstitutionValue, batch_size=500, default_user=user)
    if updated:
        bulk_update_with_history(
            updated,
            InstitutionValue,
            ["value", "numerator", "denominator", "status", "source_note", "version", "updated"],
            batch_size=500,
            default_user=user,
        )
    for stored in removed:
        stored._history_user = user
        stored.delete()
    result.created += len(new)
    result.changed += len(updated)
    result.removed += len(removed)
