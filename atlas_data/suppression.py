"""The one place that decides which atlas numbers may be shown to whom (domain.md §3, Datenschutz).

Every number that leaves the atlas (pages, API, exports, reports, charts, bookmarks) comes out of
`shown_values`, a pure function over plain data, or out of `indicator_values` and
`compute_indicator_values`, its thin wrappers that load indicator years from the database for a
viewer (`check_access`). There is no second path.

Primary suppression hides small counts (0–threshold, or 1–threshold where the municipality shows
zeros), shares and rates whose numerator or denominator is such a count, means over a small
number of people, and everything delivered as `k. A.`.

Secondary suppression makes sure no hidden number can be recovered by subtraction. The threat
model: a viewer sees every visible number of the indicator and year on all levels and knows that
an area's count is the sum of the counts of the areas below it (for shares and rates: that the
numerators add up, assuming the denominators, e.g. population counts, are known from elsewhere).
Hidden counts are unknown non-negative numbers. A hidden number is recoverable when these
equations leave it a single possible value. Suppression therefore runs over the whole tree of
areas at once, never over one level alone, or one request could undo another.

Each area lies in at most two equations (as a child of its parent, as the parent of its
children) and the areas form a tree, so the equations form a network matrix. For such systems a
hidden cell keeps more than one possible value exactly when there is a chain through it that
changes hidden cells by ±1, keeps every equation balanced, runs from one loose end to another and
lowers only cells whose value is above zero. `_Table.determined` searches for that chain;
`_Table.secondary` hides the next-smallest sibling (else a child of a hidden sibling or parent,
else the parent) until every hidden cell has one. Areas shown as `–` count as holding nothing,
and what the source delivered as `k. A.` is assumed to be zero: both only make the check
stricter. Means and indices do not add up between areas and get primary suppression only.

Institution-level indicators (values per POI, e.g. the results of a structured observation per
Kita) join the same tree: each institution value is a leaf cell below the finest area the
institution lies in, and the area values of such an indicator are the roll-up of those leaves
(`services.institutions`). So `area = sum of its institutions` is one more equation of the same
network, and the chain search above protects a hidden institution value against its area's
roll-up minus the other institutions exactly as it protects a hidden area: it hides the
next-smallest institution of the same area, or, where the institution is the only one, the
area's roll-up (and then a sibling area, so that the roll-up cannot be recovered from its
parent in turn). Because areas and institutions are decided in one pass, a map of the areas and
a popup of an institution can never be combined to undo each other. Institution shares are also
hidden when the complement (denominator minus numerator, e.g. 18 of 20 children) is small: at
one institution, "all but two" tells as much about the two as "two" does.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .aggregation import (
    COUNT,
    MEAN,
    MISSING,
    OK,
    PUBLISHED,
    RATE,
    SHARE,
    SOURCE_SUPPRESSED,
    UNWEIGHTED_MEAN,
    AreaNode,
    Cell,
    complete_tree,
    unweighted_mean,
)

if TYPE_CHECKING:
    from .models import Indicator

SUPPRESSED_TEXT = "k. A."
MISSING_TEXT = "–"

# Output statuses
STATUS_OK = "ok"
STATUS_SUPPRESSED = "suppressed"
STATUS_MISSING = "missing"

# Why a number is hidden; only those who may see suppressed values learn it, because telling a
# primary (small) from a secondary (larger) cell would narrow the small one down.
SMALL_COUNT = "small_count"
SMALL_NUMERATOR = "small_numerator"
SMALL_DENOMINATOR = "small_denominator"
SMALL_COMPLEMENT = "small_complement"  # institution shares: denominator − numerator is small
AT_SOURCE = "source"
SECONDARY = "secondary"

# Units written after the number; longer units ("je 1.000 Kinder") belong in a column header.
SYMBOL_UNITS = frozenset({"%", "‰", "m²", "€"})


@dataclass(frozen=True)
class Rules:
    """A municipality's data protection settings."""

    threshold: int = 3
    suppress_zero: bool = True

    @classmethod
    def of(cls, municipality) -> Rules:
        return cls(
            threshold=municipality.suppression_threshold,
            suppress_zero=municipality.suppress_zero,
        )

    def is_small(self, number: float | None) -> bool:
        if number is None:
            return False
        lowest = 0 if self.suppress_zero else 1
        return lowest <= number <= self.threshold


@dataclass(frozen=True)
class Shown:
    """What a viewer gets for one area: a number or none, its German text and its status."""

    value: float | None
    display: str
    status: str
    suppressed_but_visible: bool = False
    origin: str | None = None  # published / computed / unweighted_mean
    reason: str | None = None  # only for viewers who may see suppressed values
    parts: int | None = None
    parts_total: int | None = None


# --------------------------------------------------------------------------------------------
# German numbers


def format_number(value: float, *, decimals: int = 1, unit: str = "", kind: str = "") -> str:
    """`16,15`, `1.583`, `4,6 %`: German separators, half-up rounding to `decimals` places.

    Counts are whole numbers, so they show no decimals unless a value really has a fraction.
    """
    if kind == COUNT and float(value).is_integer():
        decimals = 0
    # Through a fixed 10-decimal string so that float noise (16.344999999999998) rounds as the
    # number that was meant.
    number = Decimal(f"{value:.10f}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)
    sign = "-" if number < 0 else ""
    whole, _dot, fraction = f"{abs(number):f}".partition(".")
    text = sign + f"{int(whole):,}".replace(",", ".") + (f",{fraction}" if fraction else "")
    if unit in SYMBOL_UNITS:
        text = f"{text} {unit}"
    return text


# --------------------------------------------------------------------------------------------
# The pure decision


def shown_values(
    cells: Mapping[int, Cell],
    *,
    kind: str,
    rules: Rules,
    viewer_sees_suppressed: bool,
    decimals: int = 1,
    unit: str = "",
    rate_base: float = 100,
    complement_ids: frozenset[int] = frozenset(),
) -> ShownValues:
    """What a viewer may see of every cell of one indicator and year (the whole tree of areas).

    `cells` maps area ids to cells (stored, computed or missing) whose `parent_id` links the
    tree. Data admins (`viewer_sees_suppressed`) get true values marked as suppressed; everyone
    else gets `k. A.` and no number. `complement_ids` are cells (institutions) whose shares are
    also hidden when denominator minus numerator is small.

    Which cells are hidden is decided here, over the whole tree at once; the `Shown` of a cell
    (with its German text) is made when it is first read, as most callers read one level only.
    """
    hidden = protect(
        cells, kind=kind, rules=rules, rate_base=rate_base, complement_ids=complement_ids
    )
    return ShownValues(
        cells,
        hidden,
        viewer_sees_suppressed=viewer_sees_suppressed,
        decimals=decimals,
        unit=unit,
        kind=kind,
    )


class ShownValues(Mapping):
    """Area id → `Shown` of one indicator and year, as `shown_values` decided it.

    A read-only mapping whose entries are presented on first access: the decision (`hidden`)
    is already made for every cell, only the German texts wait until someone reads them.
    """

    def __init__(self, cells, hidden, *, viewer_sees_suppressed, decimals, unit, kind):
        self._cells = cells
        self._hidden = hidden
        self._options = {
            "viewer_sees_suppressed": viewer_sees_suppressed,
            "decimals": decimals,
            "unit": unit,
            "kind": kind,
        }
        self._made: dict[int, Shown] = {}
        self._left_out: set[int] = set()

    def __getitem__(self, area_id: int) -> Shown:
        made = self._made.get(area_id)
        if made is not None:
            return made
        if area_id in self._left_out:
            raise KeyError(area_id)
        made = _present(self._cells[area_id], self._hidden.get(area_id), **self._options)
        self._made[area_id] = made
        return made

    def __iter__(self):
        return (area_id for area_id in self._cells if area_id not in self._left_out)

    def __len__(self) -> int:
        return len(self._cells) - len(self._left_out)

    def __contains__(self, area_id) -> bool:
        return area_id in self._cells and area_id not in self._left_out

    def pop(self, area_id: int) -> Shown:
        """The entry of `area_id`, which the mapping then no longer holds."""
        shown = self[area_id]
        self._left_out.add(area_id)
        self._made.pop(area_id, None)
        return shown


def protect(
    cells: Mapping[int, Cell],
    *,
    kind: str,
    rules: Rules,
    rate_base: float = 100,
    complement_ids: frozenset[int] = frozenset(),
) -> dict[int, str]:
    """The cells that must be hidden, with the reason, for every viewer alike."""
    hidden: dict[int, str] = {}
    for area_id, cell in cells.items():
        reason = primary_reason(cell, kind=kind, rules=rules, complement=area_id in complement_ids)
        if reason:
            hidden[area_id] = reason
    table = _Table(cells, kind=kind, rate_base=rate_base)
    for area_id in table.secondary(set(hidden)):
        hidden.setdefault(area_id, SECONDARY)
    return hidden


def primary_reason(cell: Cell, *, kind: str, rules: Rules, complement: bool = False) -> str | None:
    """Why this cell must be hidden on its own, or None.

    `complement`: a share of one institution, where "all but a few" is as telling as "a few".
    """
    if cell.status == SOURCE_SUPPRESSED:
        return AT_SOURCE
    if not cell.has_value:
        return None
    if kind == COUNT and rules.is_small(cell.value):
        return SMALL_COUNT
    if kind in (SHARE, RATE):
        if rules.is_small(cell.numerator):
            return SMALL_NUMERATOR
        if rules.is_small(cell.denominator):
            return SMALL_DENOMINATOR
        if (
            complement
            and kind == SHARE
            and cell.numerator is not None
            and cell.denominator is not None
            and rules.is_small(cell.denominator - cell.numerator)
        ):
            return SMALL_COMPLEMENT
    if kind == MEAN and rules.is_small(cell.denominator):
        # A mean over one to three people tells their individual values.
        return SMALL_DENOMINATOR
    return None


def _quantity(cell: Cell, kind: str) -> float | None:
    """The count that the equations between areas are about, or None where there is none."""
    if not cell.has_value:
        return None
    if kind == COUNT:
        return cell.value
    if kind in (SHARE, RATE):
        return cell.numerator
    # Means and indices do not add up between areas; their secondary protection is the
    # primary rule on the denominator.
    return None


class _Table:
    """The equations `parent = sum of children` over the tree, and the search for safe chains."""

    def __init__(self, cells: Mapping[int, Cell], *, kind: str, rate_base: float = 100):
        self.cells = cells
        self.quantity: dict[int, float | None] = {}
        self.parent: dict[int, int | None] = {}
        # Areas without a value take part as known zeros: a computed total leaves them out and a
        # published total is assumed to contain nothing for them.
        self.members: dict[int, list[int]] = defaultdict(list)
        for area_id, cell in cells.items():
            self.quantity[area_id] = _quantity(cell, kind)
            self.parent[area_id] = cell.parent_id
            if cell.status != MISSING and cell.parent_id in cells:
                self.members[cell.parent_id].append(area_id)
        if kind in (SHARE, RATE):
            self._derive_parent_numerators(rate_base)
        self.equation = {parent_id: self._has_equation(parent_id) for parent_id in self.members}
        self.depth: dict[int, int] = {}
        for area_id in cells:
            self._depth(area_id)
        self.hidden: set[int] = set()
        self._memo: dict[tuple, bool] = {}

    def _derive_parent_numerators(self, rate_base: float) -> None:
        """A published share without numerator still tells it: share × the children's
        denominators. Taken as known so that the children's numerators stay protected."""
        for parent_id, members in self.members.items():
            parent = self.cells[parent_id]
            if self.quantity[parent_id] is not None or not parent.has_value:
                continue
            children = [self.cells[c] for c in members]
            if children and all(
                c.numerator is not None and c.denominator is not None for c in children
            ):
                denominator = sum(c.denominator for c in children)
                self.quantity[parent_id] = parent.value * denominator / rate_base

    def _has_equation(self, parent_id: int) -> bool:
        parent = self.cells[parent_id]
        if self.quantity[parent_id] is None and parent.status != SOURCE_SUPPRESSED:
            return False
        return all(
            self.quantity[child] is not None or self.cells[child].status == SOURCE_SUPPRESSED
            for child in self.members[parent_id]
        )

    def _depth(self, area_id: int) -> int:
        """How many cells lie above `area_id` (remembered for the cells on the way up)."""
        path, current = [], area_id
        while current in self.cells and current not in self.depth and current not in path:
            path.append(current)
            current = self.parent[current]
        depth = self.depth.get(current, -1) if current in self.cells else -1
        for cell_id in reversed(path):
            depth += 1
            self.depth[cell_id] = depth
        return self.depth[area_id]

    # ---- the chain search ------------------------------------------------------------------

    def _in_equation(self, area_id: int) -> bool:
        return bool(self.equation.get(area_id) or self.equation.get(self.parent[area_id]))

    def _movable(self, area_id: int, sign: int) -> bool:
        """May this hidden cell change by `sign`? Raising always works, lowering needs > 0.

        A number suppressed at source is unknown to us, so it is assumed to be zero.
        """
        if sign > 0:
            return True
        quantity = self.quantity[area_id]
        return quantity is not None and quantity > 0

    def _down(self, area_id: int, sign: int) -> bool:
        """Can the equation below `area_id` absorb its change by `sign` through hidden children?"""
        if not self.equation.get(area_id):
            return True
        key = ("down", area_id, sign)
        if key not in self._memo:
            self._memo[key] = any(
                child in self.hidden and self._movable(child, sign) and self._down(child, sign)
                for child in self.members[area_id]
            )
        return self._memo[key]

    def _up(self, area_id: int, sign: int) -> bool:
        """Can the equation above `area_id` absorb its change: through the parent or a sibling?"""
        parent = self.parent[area_id]
        if parent not in self.cells or not self.equation.get(parent):
            return True
        key = ("up", area_id, sign)
        if key not in self._memo:
            through_parent = (
                parent in self.hidden and self._movable(parent, sign) and self._up(parent, sign)
            )
            self._memo[key] = through_parent or any(
                sibling != area_id
                and sibling in self.hidden
                and self._movable(sibling, -sign)
                and self._down(sibling, -sign)
                for sibling in self.members[parent]
            )
        return self._memo[key]

    def determined(self, area_id: int) -> bool:
        """Would the visible numbers leave this hidden cell a single possible value?"""
        if not self._in_equation(area_id):
            return False
        return not any(
            self._movable(area_id, sign) and self._down(area_id, sign) and self._up(area_id, sign)
            for sign in (1, -1)
        )

    # ---- adding suppressions -----------------------------------------------------------------

    def _smallest(self, candidates: Iterable[int]) -> int | None:
        """The visible candidate with the smallest count, preferring counts above zero.

        A hidden zero could only ever be raised; a positive count can move both ways and so
        protects more.
        """
        visible = [c for c in candidates if c not in self.hidden]
        positive = [c for c in visible if (self.quantity[c] or 0) > 0]
        pool = positive or visible
        if not pool:
            return None
        return min(pool, key=lambda c: (self.quantity[c] or 0, c))

    def _repair_down(self, area_id: int, sign: int) -> int | None:
        """A cell to hide so that the children of `area_id` can absorb its change by `sign`."""
        movable = [c for c in self.members[area_id] if self._movable(c, sign)]
        target = self._smallest(movable)
        if target is not None:
            return target
        for child in movable:  # all hidden already: the trouble lies further down
            if not self._down(child, sign):
                target = self._repair_down(child, sign)
                if target is not None:
                    return target
        return None

    def _repair_up(self, area_id: int, sign: int) -> int | None:
        """A cell to hide next to `area_id`: the next-smallest sibling, else below a hidden
        sibling, else the parent (or above it)."""
        parent = self.parent[area_id]
        siblings = [c for c in self.members[parent] if c != area_id and self._movable(c, -sign)]
        target = self._smallest(siblings)
        if target is not None:
            return target
        for sibling in siblings:
            if not self._down(sibling, -sign):
                target = self._repair_down(sibling, -sign)
                if target is not None:
                    return target
        if not self._movable(parent, sign):
            return None
        if parent not in self.hidden:
            return parent
        return self._repair_up(parent, sign)

    def _fix(self, area_id: int) -> list[int]:
        signs = [s for s in (1, -1) if self._movable(area_id, s)]
        down_ok = [s for s in signs if self._down(area_id, s)]
        target = None
        # A hidden parent whose children are all visible is their sum: hide a child first.
        repair = self._repair_up if down_ok else self._repair_down
        for sign in down_ok or signs:
            target = repair(area_id, sign)
            if target is not None:
                break
        if target is not None:
            return [target]
        # No single cell found: hide every visible cell that shares an equation with this one.
        parent = self.parent[area_id]
        around = list(self.members.get(area_id, ()))
        if parent in self.cells:
            around += [parent, *self.members[parent]]
        around = [c for c in around if c not in self.hidden and c != area_id]
        if around:
            return around
        # Nothing visible next to it any more: hide every visible cell of the tree that takes
        # part in an equation. Safe, and only reachable in degenerate tables.
        return [c for c in self.cells if c not in self.hidden and self._in_equation(c)]

    def secondary(self, primary: set[int]) -> set[int]:
        """The additional cells to hide so that no hidden cell is recoverable.

        Hiding more cells never makes a safe cell recoverable again (its chain stays), so each
        cell is settled once, finest level first, and only newly hidden cells join the queue.
        """
        self.hidden = set(primary)

        def rank(area_id: int) -> tuple:
            return (-self.depth[area_id], self.quantity[area_id] or 0, area_id)

        queue = [(rank(c), c) for c in self.hidden]
        heapq.heapify(queue)
        while queue:
            _rank, area_id = heapq.heappop(queue)
            while self.determined(area_id):
                additions = self._fix(area_id)
                if not additions:
                    break
                self.hidden.update(additions)
                # Chains found so far stay valid; only the failures may now have one.
                self._memo = {key: found for key, found in self._memo.items() if found}
                for added in additions:
                    heapq.heappush(queue, (rank(added), added))
        return self.hidden - primary


def _present(
    cell: Cell,
    reason: str | None,
    *,
    viewer_sees_suppressed: bool,
    decimals: int,
    unit: str,
    kind: str,
) -> Shown:
    common = {"origin": cell.origin, "parts": cell.parts, "parts_total": cell.parts_total}
    if reason is not None:
        if viewer_sees_suppressed and cell.has_value:
            return Shown(
                value=cell.value,
                display=format_number(cell.value, decimals=decimals, unit=unit, kind=kind),
                status=STATUS_SUPPRESSED,
                suppressed_but_visible=True,
                reason=reason,
                **common,
            )
        return Shown(
            value=None,
            display=SUPPRESSED_TEXT,
            status=STATUS_SUPPRESSED,
            reason=reason if viewer_sees_suppressed else None,
            **common,
        )
    if not cell.has_value:
        return Shown(value=None, display=MISSING_TEXT, status=STATUS_MISSING)
    return Shown(
        value=cell.value,
        display=format_number(cell.value, decimals=decimals, unit=unit, kind=kind),
        status=STATUS_OK,
        **common,
    )


def mean_reference(
    shown: Iterable[Shown], *, decimals: int, unit: str, total: int | None = None
) -> Shown:
    """An unweighted mean of the numbers a viewer sees, labelled as such.

    Only the viewer's visible numbers go in, so the mean can never reveal a hidden one.
    """
    shown = list(shown)
    # For data admins this includes the suppressed numbers they see anyway.
    mean, count = unweighted_mean(s.value for s in shown if s.value is not None)
    if mean is None:
        return Shown(value=None, display=MISSING_TEXT, status=STATUS_MISSING)
    return Shown(
        value=mean,
        display=format_number(mean, decimals=decimals, unit=unit),
        status=STATUS_OK,
        origin=UNWEIGHTED_MEAN,
        parts=count,
        parts_total=len(shown) if total is None else total,
    )


# --------------------------------------------------------------------------------------------
# The database wrapper


@dataclass(frozen=True)
class AreaInfo:
    id: int
    key: str
    name: str
    level_id: int
    depth: int
    parent_id: int | None


@dataclass(frozen=True)
class IndicatorValues:
    """One indicator and year as one viewer may see it, for every area of the municipality."""

    indicator: Indicator
    year: int
    areas: dict[int, AreaInfo]
    shown: Mapping[int, Shown]
    viewer_sees_suppressed: bool
    # Institution-level indicators: what the viewer may see of each institution's value (POI id
    # -> Shown), decided in the same pass as the areas.
    institutions: dict[int, Shown] = field(default_factory=dict)

    def rows(self, level_id: int) -> list[tuple[AreaInfo, Shown]]:
        """The areas of one level in key order with what the viewer sees."""
        areas = sorted(
            (area for area in self.areas.values() if area.level_id == level_id),
            key=lambda area: area.key,
        )
        return [(area, self.shown[area.id]) for area in areas]

    def reference(self, area_id: int, members: list[Shown]) -> Shown:
        """The value of `area_id` as the reference of `members` (areas below it).

        A stored or computed value is taken as it is (suppressed or not). Only where neither
        exists for a share, rate, mean or index, the unweighted mean of the members is used.
        """
        shown = self.shown[area_id]
        if shown.status != STATUS_MISSING or self.indicator.kind == COUNT:
            return shown
        return mean_reference(members, decimals=self.indicator.decimals, unit=self.indicator.unit)


def check_access(*, user, municipality, pairs) -> bool:
    """May `user` see the (indicator id, year) `pairs`? Raises PermissionDenied if not.

    Members see drafts, the public only released indicator years. Returns whether the viewer
    sees suppressed values (true numbers marked as suppressed) instead of `k. A.`.
    """
    from accounts.permissions import Action, can, require

    from .models import IndicatorRelease

    if not can(user, Action.VIEW_INTERNAL, municipality):
        require(user, Action.VIEW_PUBLIC, municipality)
        released = set(
            IndicatorRelease.objects.filter(
                indicator_id__in={pk for pk, _year in pairs}
            ).values_list("indicator_id", "year")
        )
        hidden = sorted(set(pairs) - released)
        if hidden:
            raise PermissionDenied(
                _("This indicator has not been released for %(year)s.") % {"year": hidden[0][1]}
            )
    return can(user, Action.VIEW_SUPPRESSED_VALUES, municipality)


def indicator_values(*, user, indicator: Indicator, year: int) -> IndicatorValues:
    """Every area's value of `indicator` in `year` as `user` may see it (None: the public).

    Members see drafts, the public only released indicator years. Runs a fixed number of
    queries however many areas the municipality has.
    """
    municipality = indicator.municipality
    sees = check_access(user=user, municipality=municipality, pairs=[(indicator.pk, year)])
    return compute_indicator_values(
        municipality=municipality, indicators=[indicator], pairs={(indicator.pk, year)}, sees=sees
    )[(indicator.pk, year)]


def compute_indicator_values(
    *, municipality, indicators, pairs: set[tuple[int, int]], sees: bool
) -> dict[tuple[int, int], IndicatorValues]:
    """What a viewer who may see them (`check_access`) gets of many (indicator, year) pairs.

    Two queries however many pairs and areas: the areas of the municipality and the stored
    values of every pair (two more where institution-level indicators are among them: their
    institution values and the areas of those institutions). Each pair passes `shown_values`
    over the whole tree of areas, with the institutions as leaves below their finest area.
    """
    from .models import Area, Value

    by_pk = {indicator.pk: indicator for indicator in indicators}
    areas = {
        row[0]: AreaInfo(*row)
        for row in Area.objects.filter(municipality=municipality).values_list(
            "id", "key", "name", "level_id", "level__depth", "parent_id"
        )
    }
    stored: dict[tuple[int, int], dict[int, Cell]] = defaultdict(dict)
    if pairs:
        rows = Value.objects.filter(
            indicator_id__in={pk for pk, _year in pairs},
            year__in={year for _pk, year in pairs},
            area__municipality=municipality,
        ).values_list(
            "indicator_id", "year", "area_id", "value", "numerator", "denominator", "status"
        )
        for indicator_id, year, area_id, value, numerator, denominator, status in rows:
            if (indicator_id, year) not in pairs:
                continue
            if status == Value.Status.SOURCE_SUPPRESSED:
                cell_status = SOURCE_SUPPRESSED
            elif value is None:
                cell_status = MISSING
            else:
                cell_status = OK
            stored[(indicator_id, year)][area_id] = Cell(
                area_id=area_id,
                parent_id=areas[area_id].parent_id,
                value=value,
                numerator=numerator,
                denominator=denominator,
                status=cell_status,
                origin=None if cell_status == MISSING else PUBLISHED,
            )
    nodes = [AreaNode(a.id, a.parent_id, a.depth) for a in areas.values()]
    leaves = institution_cells(
        municipality=municipality,
        pairs={pair for pair in pairs if by_pk[pair[0]].observation_unit == "institution"},
        areas=areas,
    )
    rules = Rules.of(municipality)
    result = {}
    for indicator_id, year in pairs:
        indicator = by_pk[indicator_id]
        institutions = leaves.get((indicator_id, year), {})
        cells = complete_tree(
            areas=nodes + institution_nodes(institutions, areas),
            stored={**stored.get((indicator_id, year), {}), **institutions},
            kind=indicator.kind,
            rate_base=indicator.rate_base,
        )
        shown = shown_values(
            cells,
            kind=indicator.kind,
            rules=rules,
            viewer_sees_suppressed=sees,
            decimals=indicator.decimals,
            unit=indicator.unit,
            rate_base=indicator.rate_base,
            complement_ids=frozenset(institutions),
        )
        if institutions:
            by_institution = {poi_of(key): shown.pop(key) for key in institutions}
        else:
            by_institution = {}
        result[(indicator_id, year)] = IndicatorValues(
            indicator=indicator,
            year=year,
            areas=areas,
            shown=shown,
            viewer_sees_suppressed=sees,
            institutions=by_institution,
        )
    return result


# --------------------------------------------------------------------------------------------
# Institutions as leaves of the tree


def institution_key(poi_id: int) -> int:
    """The cell id of an institution in the tree: negative, so it never meets an area id."""
    return -poi_id


def poi_of(key: int) -> int:
    return -key


def institution_parents(*, municipality, poi_ids, areas: Mapping[int, AreaInfo]) -> dict[int, int]:
    """The area each institution hangs below: the finest area it lies in (`Poi.areas`).

    The POI import puts a point in one area per level; where a level has two for a POI (set by
    hand on a border), the one with the smallest key counts, so every institution is counted
    once. POIs in no area are left out (they join no equation and no roll-up). One query;
    `poi_ids` may be a subquery.
    """
    from .models import Poi

    best: dict[int, tuple[tuple[int, str], int]] = {}
    for poi_id, area_id in Poi.areas.through.objects.filter(
        poi_id__in=poi_ids, area__municipality=municipality
    ).values_list("poi_id", "area_id"):
        area = areas.get(area_id)
        if area is None:
            continue
        rank = (-area.depth, area.key)
        if poi_id not in best or rank < best[poi_id][0]:
            best[poi_id] = (rank, area_id)
    return {poi_id: area_id for poi_id, (_rank, area_id) in best.items()}


def institution_cells(
    *, municipality, pairs: set[tuple[int, int]], areas: Mapping[int, AreaInfo]
) -> dict[tuple[int, int], dict[int, Cell]]:
    """The institution values of institution-level (indicator, year) pairs as leaf cells keyed
    by `institution_key`, each below the finest area its POI lies in. Two queries (none
    without such pairs)."""
    from .models import InstitutionValue, Value

    if not pairs:
        return {}
    rows = list(
        InstitutionValue.objects.filter(
            indicator_id__in={pk for pk, _year in pairs},
            year__in={year for _pk, year in pairs},
            poi__municipality=municipality,
        ).values_list(
            "indicator_id", "year", "poi_id", "value", "numerator", "denominator", "status"
        )
    )
    if not rows:
        return {}
    parents = institution_parents(
        municipality=municipality, poi_ids={row[2] for row in rows}, areas=areas
    )
    result: dict[tuple[int, int], dict[int, Cell]] = defaultdict(dict)
    for indicator_id, year, poi_id, value, numerator, denominator, status in rows:
        if (indicator_id, year) not in pairs:
            continue
        if status == Value.Status.SOURCE_SUPPRESSED:
            cell_status = SOURCE_SUPPRESSED
        elif value is None:
            cell_status = MISSING
        else:
            cell_status = OK
        key = institution_key(poi_id)
        result[(indicator_id, year)][key] = Cell(
            area_id=key,
            parent_id=parents.get(poi_id),
            value=value,
            numerator=numerator,
            denominator=denominator,
            status=cell_status,
            origin=None if cell_status == MISSING else PUBLISHED,
        )
    return result


def institution_nodes(cells: Mapping[int, Cell], areas: Mapping[int, AreaInfo]) -> list[AreaNode]:
    """Tree nodes of institution cells: one level below their area."""
    return [
        AreaNode(key, cell.parent_id, areas[cell.parent_id].depth + 1 if cell.parent_id else 0)
        for key, cell in cells.items()
    ]
