"""The arithmetic of the analysis steps over plain numbers: deviations from a reference, changes
between two years, and the composite index that ranks areas. No database, no suppression: the
callers pass only numbers the viewer may see (None for suppressed or missing ones).

Spread is the population standard deviation (divide by n): the areas of a level are all the
areas there are, not a sample of them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

# Numbers are compared after rounding away float noise (16.18 - 16.0 = 0.17999999999999972).
_PRECISION = 9


def _clean(number: float) -> float:
    return round(number, _PRECISION)


def visible(values: Mapping[Hashable, float | None]) -> dict[Hashable, float]:
    return {key: value for key, value in values.items() if value is not None}


def mean(numbers: Sequence[float]) -> float | None:
    return sum(numbers) / len(numbers) if numbers else None


def population_sd(numbers: Sequence[float]) -> float | None:
    """The standard deviation over all `numbers` (n in the denominator); None below two."""
    if len(numbers) < 2:
        return None
    centre = sum(numbers) / len(numbers)
    return _clean(math.sqrt(sum((x - centre) ** 2 for x in numbers) / len(numbers)))


@dataclass(frozen=True)
class Deviation:
    key: Hashable
    value: float
    z: float  # (value - reference) / sd, signed


def deviations(
    values: Mapping[Hashable, float | None], *, reference: float, k: float
) -> tuple[list[Deviation], float | None]:
    """Areas whose value lies more than `k` standard deviations from `reference`, and the sd.

    The sd is taken over the visible values only; suppressed or missing ones (None) neither
    count nor get a deviation.
    """
    shown = visible(values)
    sd = population_sd(list(shown.values()))
    if not sd:
        return [], sd
    result = []
    for key, value in shown.items():
        z = _clean((value - reference) / sd)
        if abs(z) > k:
            result.append(Deviation(key, value, z))
    result.sort(key=lambda d: (-abs(d.z), str(d.key)))
    return result, sd


@dataclass(frozen=True)
class Change:
    key: Hashable
    previous: float
    current: float

    @property
    def change(self) -> float:
        return _clean(self.current - self.previous)


def largest_changes(
    current: Mapping[Hashable, float | None],
    previous: Mapping[Hashable, float | None],
    *,
    top: int,
) -> list[Change]:
    """The `top` areas with the largest absolute change (ties at the cut all included).

    Only areas visible in both years count; an unchanged area is never notable.
    """
    changes = [
        Change(key, previous[key], value)
        for key, value in visible(current).items()
        if previous.get(key) is not None
    ]
    changes = [c for c in changes if c.change != 0]
    changes.sort(key=lambda c: (-abs(c.change), str(c.key)))
    if len(changes) <= top or top <= 0:
        return changes if top > 0 else []
    cut = abs(changes[top - 1].change)
    return [c for c in changes if abs(c.change) >= cut]


# ---------------------------------------------------------------------------------------------
# Composite index

ZSCORES = "zscores"
RANKS = "ranks"


@dataclass(frozen=True)
class Input:
    key: Hashable  # the indicator
    weight: float  # > 0
    direction: int  # +1: a higher value means a higher need; -1: a lower value does


@dataclass(frozen=True)
class InputSpread:
    key: Hashable
    count: int  # visible values
    mean: float | None
    sd: float | None


@dataclass(frozen=True)
class Cell:
    key: Hashable  # the indicator
    value: float | None
    score: float | None  # z-score towards need, or rank (1 = highest need); None: missing
    weight: float
    contribution: float | None  # weight × score / available weight; the index is their sum


@dataclass(frozen=True)
class Ranked:
    key: Hashable  # the area
    position: int | None  # 1 = highest need; None: no input available, not ranked
    index: float | None
    cells: list[Cell]
    available_weight: float
    total_weight: float

    @property
    def complete(self) -> bool:
        return all(cell.score is not None for cell in self.cells)


def average_ranks(values: Mapping[Hashable, float]) -> dict[Hashable, float]:
    """Rank 1 for the highest value; tied values share the mean of their ranks."""
    ordered = sorted(values.items(), key=lambda item: -item[1])
    ranks: dict[Hashable, float] = {}
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and _clean(ordered[j + 1][1]) == _clean(ordered[i][1]):
            j += 1
        shared = (i + 1 + j + 1) / 2
        for key, _value in ordered[i : j + 1]:
            ranks[key] = shared
        i = j + 1
    return ranks


def composite_index(
    *,
    areas: Sequence[Hashable],
    inputs: Sequence[Input],
    values: Mapping[Hashable, Mapping[Hashable, float | None]],
    method: str,
) -> tuple[list[Ranked], list[InputSpread]]:
    """Rank `areas` by the weighted mean of their need scores over `inputs`.

    `values[indicator][area]` is the visible value or None. With z-scores, an area's score is
    direction × (value − mean) / sd over the visible values (0 where the values do not spread),
    and a higher index means a higher need. With ranks, rank 1 goes to the highest need, ties
    share their mean rank, and a lower index (mean rank) means a higher need. An area missing
    some inputs is scored on the others, their weights scaled up to the full weight (the result
    shows which were missing); an area with none is not ranked.
    """
    scores: dict[Hashable, dict[Hashable, float]] = {}
    spreads = []
    for spec in inputs:
        shown = {
            area: value
            for area, value in visible(values.get(spec.key, {})).items()
            if area in set(areas)
        }
        numbers = list(shown.values())
        centre, sd = mean(numbers), population_sd(numbers)
        spreads.append(InputSpread(spec.key, len(numbers), centre, sd))
        if method == ZSCORES:
            scores[spec.key] = {
                area: _clean(spec.direction * (value - centre) / sd) if sd else 0.0
                for area, value in shown.items()
            }
        elif method == RANKS:
            scores[spec.key] = average_ranks(
                {area: spec.direction * value for area, value in shown.items()}
            )
        else:
            raise ValueError(f"unknown method {method}")
    total_weight = sum(spec.weight for spec in inputs)
    rows = []
    for area in areas:
        available = [spec for spec in inputs if area in scores[spec.key]]
        weight = sum(spec.weight for spec in available)
        cells = []
        for spec in inputs:
            score = scores[spec.key].get(area)
            cells.append(
                Cell(
                    key=spec.key,
                    value=values.get(spec.key, {}).get(area),
                    score=score,
                    weight=spec.weight,
                    contribution=(
                        _clean(spec.weight * score / weight) if score is not None else None
                    ),
                )
            )
        index = (
            _clean(sum(c.contribution for c in cells if c.contribution is not None))
            if available
            else None
        )
        rows.append(Ranked(area, None, index, cells, weight, total_weight))
    ranked = [row for row in rows if row.index is not None]
    sign = -1 if method == ZSCORES else 1
    ranked.sort(key=lambda row: (sign * row.index, str(row.key)))
    result = []
    for number, row in enumerate(ranked, start=1):
        # Equal indices share a position (1, 2, 2, 4).
        tied = result and result[-1].index == row.index
        position = result[-1].position if tied else number
        result.append(
            Ranked(row.key, position, row.index, row.cells, row.available_weight, row.total_weight)
        )
    result += [row for row in rows if row.index is None]
    return result, spreads
