"""The area report (Gebietsbericht): up to three areas side by side with every indicator.

One place builds the rows, for the page, the DOCX and the PDF alike: every number comes out of
`selectors.values_table`, so suppression holds; the change since the previous year is computed
from the two numbers as they are shown (rounded), so it never contradicts them and never uses a
number the viewer may not see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from accounts.models import Municipality

from . import selectors
from .models import Area, Indicator, Value
from .selectors import Reference
from .suppression import (
    MISSING_TEXT,
    STATUS_MISSING,
    STATUS_SUPPRESSED,
    SUPPRESSED_TEXT,
    Shown,
    format_number,
)

MAX_AREAS = 3


class ReportError(ValueError):
    """A report that cannot be made, with a German message for the user."""


@dataclass(frozen=True)
class Change:
    """The change since the comparison year, as text: `+1,20 Pp.`, `-3`, `k. A.`, `–`."""

    value: float | None
    text: str


@dataclass(frozen=True)
class ReportCell:
    shown: Shown
    change: Change


@dataclass(frozen=True)
class ReportRow:
    indicator: Indicator
    previous_year: int | None
    released: bool
    cells: list[ReportCell]  # one per area, in the order asked for
    reference: ReportCell | None
    reference_kind: str | None  # published / computed / unweighted_mean

    @property
    def label(self) -> str:
        name, unit = self.indicator.name, self.indicator.unit
        if not unit or name.endswith(f"({unit})"):
            return name
        return f"{name} ({unit})"


@dataclass(frozen=True)
class ReportTopic:
    name: str
    rows: list[ReportRow]


@dataclass(frozen=True)
class AreaReport:
    municipality: Municipality
    year: int
    areas: list[Area]
    reference_name: str | None
    topics: list[ReportTopic]
    viewer_sees_suppressed: bool
    value_notes: list[str]

    @property
    def indicators(self) -> list[Indicator]:
        return [row.indicator for topic in self.topics for row in topic.rows]

    @property
    def all_released(self) -> bool:
        return all(row.released for topic in self.topics for row in topic.rows)


def parse_area_ids(raw: list[str]) -> list[int]:
    """Area ids from the query (`areas=1,2` or `areas=1&areas=2`), in order, without repeats."""
    parts = [part.strip() for value in raw for part in value.split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise ReportError(_("Choose the areas from the list."))
    ids = list(dict.fromkeys(int(part) for part in parts))
    if len(ids) > MAX_AREAS:
        raise ReportError(
            _("An area report compares at most %(count)d areas; you chose %(chosen)d.")
            % {"count": MAX_AREAS, "chosen": len(ids)}
        )
    return ids


def report_years(*, user, municipality: Municipality) -> list[int]:
    """Every year with values the viewer may see, newest first (for the year picker)."""
    indicators = list(selectors.indicators_for(user=user, municipality=municipality))
    years = selectors.indicator_years(user=user, municipality=municipality, indicators=indicators)
    return sorted({y for item in years.values() for y in item.years}, reverse=True)


def change_between(current: Shown, previous: Shown | None, indicator: Indicator) -> Change:
    """`current` minus `previous` as shown (rounded to the indicator's decimals).

    Shares change by percentage points; a hidden number on either side gives `k. A.`.
    """
    if previous is None:
        return Change(None, MISSING_TEXT)
    if STATUS_SUPPRESSED in (current.status, previous.status) and (
        current.value is None or previous.value is None
    ):
        return Change(None, SUPPRESSED_TEXT)
    if STATUS_MISSING in (current.status, previous.status):
        return Change(None, MISSING_TEXT)
    if current.value is None or previous.value is None:
        return Change(None, SUPPRESSED_TEXT)
    decimals = indicator.decimals
    step = Decimal(1).scaleb(-decimals)

    def shown(number: float) -> Decimal:
        return Decimal(f"{number:.10f}").quantize(step, rounding=ROUND_HALF_UP)

    difference = shown(current.value) - shown(previous.value)
    if indicator.kind == Indicator.Kind.COUNT and difference == difference.to_integral():
        decimals = 0
    if difference == 0:
        text = "±" + format_number(0, decimals=decimals)
    else:
        sign = "+" if difference > 0 else "-"
        text = sign + format_number(float(abs(difference)), decimals=decimals)
    if indicator.kind == Indicator.Kind.SHARE and indicator.unit == "%":
        text += " " + _("pp.")
    elif indicator.unit in ("‰", "€", "m²"):
        text += f" {indicator.unit}"
    return Change(float(difference), text)


def area_report(
    *, user, municipality: Municipality, area_ids: list[int], year: int | None
) -> AreaReport:
    """The report of up to three areas of `municipality` for `year` (default: the latest).

    A fixed number of queries per indicator, whatever the number of areas of the levels.
    """
    if not area_ids:
        raise ReportError(_("Choose at least one area."))
    if len(area_ids) > MAX_AREAS:
        raise ReportError(
            _("An area report compares at most %(count)d areas; you chose %(chosen)d.")
            % {"count": MAX_AREAS, "chosen": len(area_ids)}
        )
    found = {
        area.pk: area
        for area in selectors.areas_for(user=user, municipality=municipality).filter(
            pk__in=area_ids
        )
    }
    foreign = [str(pk) for pk in area_ids if pk not in found]
    if foreign:
        raise ReportError(
            _("These areas do not belong to %(municipality)s: %(ids)s.")
            % {"municipality": municipality.name, "ids": ", ".join(foreign)}
        )
    areas = [found[pk] for pk in area_ids]
    indicators = list(selectors.indicators_for(user=user, municipality=municipality))
    years = selectors.indicator_years(user=user, municipality=municipality, indicators=indicators)
    if year is None:
        visible = {y for item in years.values() for y in item.years}
        if not visible:
            raise ReportError(_("There are no values to report yet."))
        year = max(visible)
    levels = {area.level_id: area.level for area in areas}
    reference_level = next((lv for lv in levels.values() if lv.depth > 0), None)

    topics: dict[str, list[ReportRow]] = defaultdict(list)
    topic_order: list[str] = []
    viewer_sees_suppressed = False
    used_years: set[int] = {year}
    wanted = {}
    for indicator in indicators:
        visible = years[indicator.pk].years
        if year not in visible:
            continue
        earlier = [y for y in visible if y < year]
        wanted[indicator] = max(earlier) if earlier else None
    tables = _tables(user, wanted, year, levels, years, {area.pk for area in areas})
    for indicator, previous_year in wanted.items():
        current = _shown_by_area(tables, indicator, year, levels, reference_level)
        previous = (
            _shown_by_area(tables, indicator, previous_year, levels, reference_level)
            if previous_year is not None
            else None
        )
        viewer_sees_suppressed = viewer_sees_suppressed or current.sees
        if previous_year is not None:
            used_years.add(previous_year)

        def cell(area_id, current=current, previous=previous, indicator=indicator):
            now = current.by_area[area_id]
            before = previous.by_area[area_id] if previous else None
            return ReportCell(now, change_between(now, before, indicator))

        reference = None
        if current.reference is not None:
            before = previous.reference.shown if previous and previous.reference else None
            reference = ReportCell(
                current.reference.shown,
                change_between(current.reference.shown, before, indicator),
            )
        topic = indicator.topic.name if indicator.topic else _("Without topic")
        if topic not in topics:
            topic_order.append(topic)
        topics[topic].append(
            ReportRow(
                indicator=indicator,
                previous_year=previous_year,
                released=year in years[indicator.pk].released,
                cells=[cell(area.pk) for area in areas],
                reference=reference,
                reference_kind=current.reference.kind if current.reference else None,
            )
        )
    report_indicators = [row.indicator for rows in topics.values() for row in rows]
    return AreaReport(
        municipality=municipality,
        year=year,
        areas=areas,
        reference_name=municipality.name if reference_level is not None else None,
        topics=[ReportTopic(name, topics[name]) for name in topic_order],
        viewer_sees_suppressed=viewer_sees_suppressed,
        value_notes=list(
            Value.objects.filter(indicator__in=report_indicators, year__in=used_years)
            .exclude(source_note="")
            .order_by("source_note")
            .values_list("source_note", flat=True)
            .distinct()
        ),
    )


@dataclass(frozen=True)
class _Shown:
    by_area: dict[int, Shown]
    reference: Reference | None
    sees: bool


def _tables(user, wanted: dict, year: int, levels: dict, years, area_ids: set[int]) -> dict:
    """Every table the report needs, per level in one `values_tables` call (a fixed number of
    queries for all indicators), by (indicator id, year, level id); rows of the report's areas
    only."""
    items = [(indicator, year) for indicator in wanted]
    items += [(indicator, previous) for indicator, previous in wanted.items() if previous]
    released = {(i.pk, y): y in years[i.pk].released for i, y in items}
    tables = {}
    for level in levels.values():
        for table in selectors.values_tables(
            user=user, items=items, level=level, released=released, area_ids=area_ids
        ):
            tables[(table.indicator.pk, table.year, level.pk)] = table
    return tables


def _shown_by_area(tables, indicator, year, levels, reference_level) -> _Shown:
    by_area: dict[int, Shown] = {}
    reference = None
    sees = False
    for level in levels.values():
        table = tables[(indicator.pk, year, level.pk)]
        sees = table.viewer_sees_suppressed
        by_area.update({row.area_id: row.shown for row in table.rows})
        if level == reference_level and table.reference is not None:
            reference = table.reference
    return _Shown(by_area, reference, sees)
