"""An attacker for the suppression tests: what can be worked out from the visible numbers?

Independent of the product's chain search: it writes down every equation a viewer knows
(an area's count is the sum of the counts below it; areas shown as `–` hold nothing), treats
each hidden count as an unknown non-negative number and asks a linear program for the smallest
and largest value each unknown can take. Equal bounds mean the hidden number is recoverable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import numpy as np
from scipy.optimize import linprog

from atlas_data.aggregation import MISSING, SOURCE_SUPPRESSED, Cell


def recoverable(
    cells: Mapping[int, Cell], hidden: set[int], *, quantity: Mapping[int, float | None]
) -> dict[int, float]:
    """Hidden cells whose number the visible ones pin down, with that number.

    `quantity` is the count each cell stands for (the value of a count, the numerator of a
    share); None where the cell has none.
    """
    members: dict[int, list[int]] = defaultdict(list)
    for area_id, cell in cells.items():
        if cell.parent_id in cells and cell.status != MISSING:
            members[cell.parent_id].append(area_id)

    def known_or_unknown(area_id: int) -> bool:
        return quantity[area_id] is not None or cells[area_id].status == SOURCE_SUPPRESSED

    unknowns = sorted(area_id for area_id in hidden if known_or_unknown(area_id))
    column = {area_id: n for n, area_id in enumerate(unknowns)}
    rows, rhs = [], []
    for parent, children in members.items():
        if not known_or_unknown(parent) or not all(known_or_unknown(c) for c in children):
            continue
        row, constant = np.zeros(len(unknowns)), 0.0
        for area_id, coefficient in [(parent, 1.0)] + [(c, -1.0) for c in children]:
            if area_id in column:
                row[column[area_id]] += coefficient
            else:
                constant -= coefficient * quantity[area_id]
        if row.any():
            rows.append(row)
            rhs.append(constant)
    if not rows:
        return {}
    a_eq, b_eq = np.array(rows), np.array(rhs)
    bounds = [(0, None)] * len(unknowns)
    pinned = {}
    for area_id in unknowns:
        if not a_eq[:, column[area_id]].any():
            continue
        objective = np.zeros(len(unknowns))
        objective[column[area_id]] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert low.status == 0, "the true values must be a solution"
        if high.status == 3:  # unbounded above: certainly not pinned
            continue
        if abs(-high.fun - low.fun) < 1e-7:
            pinned[area_id] = low.fun
    return pinned


def recoverable_from_rows(rows: list[Mapping]) -> dict[str, float]:
    """`recoverable` for what a viewer received: rows with `area_key`, `parent_key`, `value`
    (None where hidden or missing) and `status`, as the values API sends them. The hidden
    (`suppressed`) rows are the unknowns. Returns the area keys whose number is pinned down."""
    index = {row["area_key"]: n for n, row in enumerate(rows)}
    cells, hidden, quantity = {}, set(), {}
    for n, row in enumerate(rows):
        suppressed = row["status"] == "suppressed"
        if suppressed:
            hidden.add(n)
            status = SOURCE_SUPPRESSED  # an unknown number, as far as the viewer knows
        else:
            status = MISSING if row["value"] is None else "ok"
        cells[n] = Cell(
            area_id=n,
            parent_id=index.get(row.get("parent_key")),
            value=None if suppressed else row["value"],
            status=status,
        )
        quantity[n] = None if suppressed else row["value"]
    keys = {n: row["area_key"] for n, row in enumerate(rows)}
    return {keys[n]: number for n, number in recoverable(cells, hidden, quantity=quantity).items()}
