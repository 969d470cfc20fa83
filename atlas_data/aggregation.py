"""Values of coarser areas computed from the areas below them, over plain data (no database).

Counts are summed; shares and rates with numerator and denominator are computed by summing
both and dividing, never by averaging shares (domain.md §3 "Values"). A value stored for an
area, above all a published `Durchschnitt`/`Summe` row, always wins over a computed one.
Where no weights exist, a reference is only available as an unweighted mean, and it is named so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Cell statuses: a number, suppressed at source (`k. A.` in the delivered table, no number),
# or no value at all (`–`). Missing is never zero.
OK = "ok"
SOURCE_SUPPRESSED = "source_suppressed"
MISSING = "missing"

# Where a number comes from.
PUBLISHED = "published"  # stored: delivered by the data holder, e.g. a `Summe` row
COMPUTED = "computed"  # summed from the areas below
UNWEIGHTED_MEAN = "unweighted_mean"  # only as a reference, when nothing can be weighted

COUNT, SHARE, RATE, MEAN, INDEX = "count", "share", "rate", "mean", "index"

# Computed numbers are rounded to this many decimals so that float noise (16.344999999999998)
# never reaches a display or an API response.
_NOISE_DIGITS = 10


@dataclass(frozen=True)
class AreaNode:
    """An area as aggregation needs it: its id, its parent and the depth of its level."""

    id: int
    parent_id: int | None
    depth: int


@dataclass(frozen=True)
class Cell:
    """The number of one area for one indicator and year, stored or computed."""

    area_id: int
    parent_id: int | None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: str = OK
    origin: str | None = PUBLISHED
    # For computed cells: how many areas below had a value, of how many areas below.
    parts: int | None = None
    parts_total: int | None = None

    @property
    def has_value(self) -> bool:
        return self.status == OK and self.value is not None


def missing_cell(node: AreaNode) -> Cell:
    return Cell(area_id=node.id, parent_id=node.parent_id, status=MISSING, origin=None)


def complete_tree(
    *,
    areas: Sequence[AreaNode],
    stored: Mapping[int, Cell],
    kind: str,
    rate_base: float = 100,
) -> dict[int, Cell]:
    """A cell for every area: the stored one, else one computed from the areas below, else missing.

    Works bottom-up over the levels so that a computed area feeds the level above it.
    """
    children: dict[int, list[int]] = defaultdict(list)
    for node in areas:
        if node.parent_id is not None:
            children[node.parent_id].append(node.id)
    cells: dict[int, Cell] = {}
    for node in sorted(areas, key=lambda n: -n.depth):
        if node.id in stored:
            cells[node.id] = stored[node.id]
            continue
        below = [cells[child] for child in children.get(node.id, ()) if child in cells]
        cells[node.id] = aggregate(node=node, children=below, kind=kind, rate_base=rate_base)
    return cells


def aggregate(*, node: AreaNode, children: Sequence[Cell], kind: str, rate_base: float) -> Cell:
    """The computed cell of `node` from its children's cells, or a missing cell.

    A child suppressed at source has an unknown number, so no total can be computed over it.
    Children without a value are left out and counted in `parts_total` only: the published
    tables mark areas without inhabitants (e.g. gemeindefreie Gebiete) with `–`.
    """
    if not children or any(child.status == SOURCE_SUPPRESSED for child in children):
        return missing_cell(node)
    with_value = [child for child in children if child.has_value]
    if not with_value:
        return missing_cell(node)
    coverage = {"parts": len(with_value), "parts_total": len(children)}
    if kind == COUNT:
        total = _clean(sum(child.value for child in with_value))
        return Cell(node.id, node.parent_id, value=total, origin=COMPUTED, **coverage)
    if kind in (SHARE, RATE, MEAN):
        if any(child.numerator is None or child.denominator is None for child in with_value):
            # Without weights for every area a weighted value would be wrong; averaging shares
            # is never done for an area's value.
            return missing_cell(node)
        numerator = sum(child.numerator for child in with_value)
        denominator = sum(child.denominator for child in with_value)
        if denominator == 0:
            return missing_cell(node)
        factor = rate_base if kind in (SHARE, RATE) else 1
        return Cell(
            node.id,
            node.parent_id,
            value=_clean(numerator / denominator * factor),
            numerator=numerator,
            denominator=denominator,
            origin=COMPUTED,
            **coverage,
        )
    # An index has no numerator and denominator that could be summed.
    return missing_cell(node)


def unweighted_mean(values: Iterable[float | None]) -> tuple[float | None, int]:
    """The plain mean of the given numbers and how many there were (None when there are none)."""
    numbers = [value for value in values if value is not None]
    if not numbers:
        return None, 0
    return _clean(sum(numbers) / len(numbers)), len(numbers)


def _clean(number: float) -> float:
    return round(number, _NOISE_DIGITS)
