"""The score cells of int_score_cells_suppressed, with the suppressions that rule misses.

int_score_cells_suppressed applies the per-total rule (no total with exactly one
hidden member, nor with hidden members that can only be all positive or all negative).
That rule looks at one total at a time. Several totals together can still pin a hidden
cell: in an agency's services x channels table, a hidden cell that is the only link
between two groups of hidden cells is the difference of their totals, and bounds
(0 <= positives <= n) can close what the equations leave open.

This model checks every fiscal quarter x driver with linear algebra and linear
programming over exactly what is published (every cell's n, the positives of every
shown cell, every total) and, while some hidden cell has only one possible positive
count, also hides the shown cell that shares a total with it and has the fewest answers
(mixed answers first, ties by cell key), reason `complementary`. It is SQL's job
everywhere else; this one step is a linear program, which SQL cannot solve.
"""

from __future__ import annotations

from collections import defaultdict

import highspy
import numpy as np
from scipy.sparse import csc_matrix

GROUP = ["fiscal_year", "fiscal_quarter", "driver"]
TOLERANCE = 1e-6


def _totals(cells) -> list[tuple[int, list[int]]]:
    """(parent, children) row positions of every total among one group's cells."""
    by_key = {(c.cell_level, c.cell_id, c.channel): i for i, c in enumerate(cells)}
    children: dict[tuple, list[int]] = defaultdict(list)
    for i, c in enumerate(cells):
        if c.channel != "all":
            children[("channels", c.cell_level, c.cell_id, "all")].append(i)
        if c.cell_level == "service":
            children[("services", "agency", c.agency_key, c.channel)].append(i)
        if c.cell_level == "agency":
            children[("agencies", "all_services", "all", c.channel)].append(i)
    return [(by_key[total[1:]], kids) for total, kids in children.items() if total[1:] in by_key]


def _equations(totals, n_cells: int) -> np.ndarray:
    """One row per total: +1 for the parent, -1 for each child (the row times the
    positives is 0)."""
    a = np.zeros((len(totals), n_cells))
    for row, (parent, kids) in enumerate(totals):
        a[row, parent] = 1.0
        a[row, kids] = -1.0
    return a


def _program(a: np.ndarray, b: np.ndarray, upper: np.ndarray) -> highspy.Highs:
    """HiGHS with a x = b, 0 <= x <= upper, and no objective yet."""
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
    lp.col_cost_ = np.zeros(a.shape[1])
    lp.col_lower_, lp.col_upper_ = np.zeros(a.shape[1]), upper.astype(float)
    lp.row_lower_ = lp.row_upper_ = b.astype(float)
    matrix = csc_matrix(a)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = matrix.indptr, matrix.indices
    lp.a_matrix_.value_ = matrix.data
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    return highs


def recoverable(a: np.ndarray, n: np.ndarray, positives: np.ndarray, hidden: np.ndarray):
    """Positions of the hidden cells whose positive count only one whole number fits."""
    h = np.flatnonzero(hidden)
    if h.size == 0:
        return []
    s = np.flatnonzero(~hidden)
    a_h = a[:, h]
    used = np.abs(a_h).sum(axis=1) > 0
    a_h, b = a_h[used], -(a[used][:, s] @ positives[s])
    if a_h.shape[0] == 0:
        return []
    # Fixed by the equations alone: no direction of the null space moves the cell.
    _, sv, vt = np.linalg.svd(a_h)
    null = vt[int((sv > 1e-9).sum()) :].T
    moves = np.abs(null).max(axis=1) if null.size else np.zeros(h.size)
    pinned = set(np.flatnonzero(moves < 1e-9).tolist())
    # The rest are safe once some published-consistent solution moves them by one
    # answer or more. Certify many at a time (push every open cell away from its true
    # count), then one at a time for the few left.
    truth = positives[h]
    safe = set()
    open_cells = [i for i in range(h.size) if i not in pinned]

    lp = _program(a_h, b, n[h])
    columns = np.arange(h.size, dtype=np.int32)

    def solve(objective):
        # one program per group, re-solved from the last basis with a new objective
        lp.changeColsCost(h.size, columns, objective)
        lp.run()
        if lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise ValueError(
                "the published cells do not add up: " + lp.modelStatusToString(lp.getModelStatus())
            )
        x = np.asarray(lp.getSolution().col_value)
        moved = np.abs(x - truth) >= 1 - TOLERANCE
        safe.update(i for i in open_cells if moved[i])

    rng = np.random.default_rng(0)  # only the speed depends on it, never the answer
    for round_ in range(8):
        todo = [i for i in open_cells if i not in safe]
        if not todo:
            break
        objective = np.zeros(h.size)
        # linprog minimises: first push each cell away from its nearer bound, then at random
        if round_ == 0:
            objective[todo] = np.where(truth[todo] * 2 < n[h][todo], -1.0, 1.0)
        else:
            objective[todo] = rng.choice([-1.0, 1.0], size=len(todo))
        solve(objective)
    for i in open_cells:
        for sign in (-1.0, 1.0):
            if i in safe:
                break
            objective = np.zeros(h.size)
            objective[i] = sign
            solve(objective)
    return [int(h[i]) for i in range(h.size) if i not in safe]


def protect(cells) -> set[int]:
    """Positions (in `cells`, one fiscal quarter x driver) to hide besides those
    already hidden, so that no hidden cell's positive count is determined."""
    totals = _totals(cells)
    a = _equations(totals, len(cells))
    n = np.array([c.n for c in cells], dtype=float)
    positives = np.array([c.n_positive for c in cells], dtype=float)
    hidden = np.array([bool(c.is_suppressed) for c in cells])
    keys = [c.cell_key for c in cells]
    sharing: dict[int, set[int]] = defaultdict(set)
    for parent, kids in totals:
        for member in [parent, *kids]:
            sharing[member].update([parent, *kids])
    added: set[int] = set()

    def order(i):
        mixed = 0 < positives[i] < n[i]
        return (not mixed, n[i], keys[i])

    while leaks := recoverable(a, n, positives, hidden):
        picks = set()
        for leak in sorted(leaks, key=lambda i: keys[i]):
            near = [i for i in sharing[leak] if not hidden[i] and i not in picks]
            shown = near or [i for i in range(len(cells)) if not hidden[i]]
            if shown:
                picks.add(min(shown, key=order))
        if not picks:
            break  # everything is hidden: nothing more to give
        hidden[list(picks)] = True
        added |= picks
    return added


def _earlier_picks(session, this) -> dict[str, set[str]] | None:
    """From this model's last build: per group digest, its complementary-suppressed
    cell keys (those int_score_cells_suppressed hid and those this model added). None
    when there is no earlier build to read."""
    if not hasattr(session, "execute"):  # Spark: a full rebuild, every group is solved
        return None
    try:
        rows = session.sql(
            f"""
            select
                group_digest,
                list(cell_level || '|' || cell_id || '|' || channel)
                    filter (where suppression_reason = 'complementary')
            from {this}
            group by group_digest
            """
        ).fetchall()
    except Exception:  # noqa: BLE001 - no such table or column yet: solve everything
        return None
    return {digest: set(keys or ()) for digest, keys in rows}  # NULL: none complementary


def _frame(relation):
    """A pandas frame of a dbt.ref(): a DuckDB relation (.df()) or, on Spark, a Spark
    DataFrame (.toPandas(); the model runs in the driver's SparkSession there,
    dagster_project.core.spark_python)."""
    return relation.toPandas() if hasattr(relation, "toPandas") else relation.df()


def model(dbt, session):
    dbt.config(materialized="table")
    cells = _frame(dbt.ref("int_score_cells_suppressed"))
    cells["cell_key"] = cells["cell_level"] + "|" + cells["cell_id"] + "|" + cells["channel"]
    cells = cells.sort_values([*GROUP, "cell_key"], kind="stable").reset_index(drop=True)
    # A group (fiscal quarter x driver) whose inputs are those of the last build gets the
    # same answer (protect is deterministic): reuse it, solve only the groups that moved
    # (a day's delivery touches one or two quarters).
    earlier = _earlier_picks(session, dbt.this) or {}
    extra = []
    for _, group in cells.groupby(GROUP, sort=True):
        digest = group["group_digest"].iloc[0]
        if digest in earlier:
            # the same inputs as then: what was hidden then and is shown here, this
            # model hid
            added = group["cell_key"].isin(earlier[digest]) & ~group["is_suppressed"]
            extra.extend(group.index[added])
        else:
            rows = list(group.itertuples(index=False))
            extra.extend(group.index[i] for i in protect(rows))
    cells.loc[extra, "is_suppressed"] = True
    cells.loc[extra, "suppression_reason"] = "complementary"
    # Text columns as strings: an all-NULL object column (no cell suppressed at all, as
    # in a small first delivery) would reach DuckDB as type NULL and break the contract.
    text = cells.columns[cells.dtypes == object]
    cells[text] = cells[text].astype("string")
    return cells.drop(columns="cell_key")
