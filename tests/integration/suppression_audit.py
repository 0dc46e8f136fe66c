"""An attacker's audit of suppressed cells, written without the suppression code.

What is published per fiscal quarter x driver: every score cell's n (a suppressed
score still shows its n), and the positive count of every cell that is shown (exact:
a shown score and its n give it back). The cells add up: a service's channels to its
`all` row, an agency's services to the agency per channel, the agencies to all services
per channel. For each suppressed cell, a linear program over those equations, with
every hidden positive count between 0 and its n, gives the least and the most positives
the cell can have; when only one whole number fits, the published numbers give the
cell away.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog


@dataclass(frozen=True)
class Cell:
    level: str  # service, agency, all_services
    cell_id: str  # service_id, agency, 'all'
    agency: str | None  # the agency a service or agency cell adds up into
    channel: str  # a channel or 'all'
    n: int
    positives: int | None  # None when suppressed


def _totals(cells: list[Cell]) -> list[tuple[Cell, list[Cell]]]:
    """(parent, children) for every published total among `cells` (one quarter x driver)."""
    by_key = {(c.level, c.cell_id, c.channel): c for c in cells}
    totals = []
    groups: dict[tuple, list[Cell]] = defaultdict(list)
    for c in cells:
        if c.channel != "all":
            groups[("channels", c.level, c.cell_id)].append(c)
        if c.level == "service":
            groups[("services", c.agency, c.channel)].append(c)
        if c.level == "agency":
            groups[("agencies", c.channel)].append(c)
    for key, children in groups.items():
        if key[0] == "channels":
            parent = by_key.get((key[1], key[2], "all"))
        elif key[0] == "services":
            parent = by_key.get(("agency", key[1], key[2]))
        else:
            parent = by_key.get(("all_services", "all", key[1]))
        if parent is not None:
            totals.append((parent, children))
    return totals


def recoverable(cells: list[Cell]) -> dict[Cell, int]:
    """The suppressed cells whose positive count only one whole number fits, with it."""
    hidden = [c for c in cells if c.positives is None]
    if not hidden:
        return {}
    index = {c: i for i, c in enumerate(hidden)}
    rows, rhs = [], []
    for parent, children in _totals(cells):
        row = np.zeros(len(hidden))
        known = 0.0
        for member, sign in [(parent, 1.0)] + [(child, -1.0) for child in children]:
            if member.positives is None:
                row[index[member]] += sign
            else:
                known += sign * member.positives
        if row.any():
            rows.append(row)
            rhs.append(-known)
    bounds = [(0, c.n) for c in hidden]
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    # Any two published-consistent solutions a whole answer apart in a cell show it has
    # two possible counts; a few solutions for random objectives settle most cells, and
    # the least and the most are solved for only the cells still in doubt.
    rng = np.random.default_rng(1)
    seen = []
    for _ in range(6):
        objective = rng.normal(size=len(hidden))
        seen.append(_solve(objective, a_eq, b_eq, bounds).x)
    spread = np.ptp(np.array(seen), axis=0)
    found = {}
    for cell, i in index.items():
        if spread[i] >= 1 - 1e-6:
            continue
        objective = np.zeros(len(hidden))
        objective[i] = 1.0
        low = _solve(objective, a_eq, b_eq, bounds)
        high = _solve(-objective, a_eq, b_eq, bounds)
        least, most = math.ceil(low.fun - 1e-6), math.floor(-high.fun + 1e-6)
        if least == most:
            found[cell] = least
    return found


def _solve(objective, a_eq, b_eq, bounds):
    result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert result.status == 0, "the published numbers do not add up"
    return result


def fixed_values(
    bounds: dict[object, tuple[float, float | None]],
    equations: list[tuple[dict[object, float], float]],
    check: list[object],
) -> dict[object, int]:
    """Unknowns of `check` that only one whole number fits, given each unknown's bounds
    and the published equations (sum of coefficient x unknown = right-hand side)."""
    keys = list(bounds)
    index = {k: i for i, k in enumerate(keys)}
    rows = []
    for coefficients, _rhs in equations:
        row = np.zeros(len(keys))
        for key, coefficient in coefficients.items():
            row[index[key]] += coefficient
        rows.append(row)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array([rhs for _c, rhs in equations]) if rows else None
    found = {}
    for key in check:
        objective = np.zeros(len(keys))
        objective[index[key]] = 1.0
        low = _solve(objective, a_eq, b_eq, [bounds[k] for k in keys])
        high = _solve(-objective, a_eq, b_eq, [bounds[k] for k in keys])
        least, most = math.ceil(low.fun - 1e-6), math.floor(-high.fun + 1e-6)
        if least == most:
            found[key] = least
    return found


@dataclass(frozen=True)
class Group:
    breakdown: str  # tenure, agencies, new_vs_returning
    label: str
    n: int  # trust answers (published, suppressed or not)
    positives: int | None  # None when suppressed


# The Relationships page's breakdowns are partitions of the same customers, and "New
# this quarter" are the customers in tenure "0: first quarter".
SAME_CUSTOMERS = (("new_vs_returning", "New this quarter"), ("tenure", "0: first quarter"))


def recoverable_groups(groups: list[Group]) -> dict[Group, int]:
    """The suppressed groups of one quarter whose positive count the published groups
    fix: every breakdown adds up to the same (unpublished) total."""
    hidden = [g for g in groups if g.positives is None]
    if not hidden:
        return {}
    bounds: dict[object, tuple[float, float | None]] = {g: (0, g.n) for g in hidden}
    bounds["total"] = (0, None)
    equations = []
    for breakdown in {g.breakdown for g in groups}:
        members = [g for g in groups if g.breakdown == breakdown]
        coefficients = {g: 1.0 for g in members if g.positives is None}
        coefficients["total"] = -1.0
        equations.append((coefficients, -float(sum(g.positives or 0 for g in members))))
    by_label = {(g.breakdown, g.label): g for g in groups}
    a, b = (by_label.get(key) for key in SAME_CUSTOMERS)
    if a is not None and b is not None:
        coefficients: dict[object, float] = {}
        rhs = 0.0
        for group, sign in ((a, 1.0), (b, -1.0)):
            if group.positives is None:
                coefficients[group] = coefficients.get(group, 0.0) + sign
            else:
                rhs -= sign * group.positives
        if coefficients:
            equations.append((coefficients, rhs))
    return fixed_values(bounds, equations, hidden)
