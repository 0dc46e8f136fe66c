"""No suppressed score can be recomputed from what the dashboard and the export publish.

The audit (suppression_audit.py) knows only what is published and how the cells add up;
it shares no code with int_score_cells_suppressed and
int_score_cells_protected. It runs over the snapshot a real
pipeline published from a generated demo, and over hand-built tables where suppressing
only the small cells (the naive rule) would leak.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict, namedtuple
from pathlib import Path

import duckdb
import pytest
from suppression_audit import Cell, Group, recoverable, recoverable_groups

from dagster_project.core.publish import current_snapshot

pytestmark = pytest.mark.slow


def _published_cells(con) -> dict[tuple, list[Cell]]:
    """Per (fiscal year, quarter, driver): the cells as the dashboard shows them (a
    suppressed cell: its n only) and the export's driver summary, which must agree."""
    groups: dict[tuple, list[Cell]] = defaultdict(list)
    for fy, fq, driver, service, agency, channel, n, positives in con.execute("""
        select fiscal_year, fiscal_quarter, driver, service_id,
               coalesce(agency_code, 'unknown'), channel, n,
               case when not is_suppressed then n_positive end
        from marts.agg_quarterly_service_scores
    """).fetchall():
        groups[(fy, fq, driver)].append(Cell("service", service, agency, channel, n, positives))
    for fy, fq, driver, level, rollup_id, channel, n, positives in con.execute("""
        select fiscal_year, fiscal_quarter, driver, rollup_level, rollup_id, channel, n,
               case when not is_suppressed then n_positive end
        from marts.agg_quarterly_rollup_scores
    """).fetchall():
        agency = rollup_id if level == "agency" else None
        groups[(fy, fq, driver)].append(Cell(level, rollup_id, agency, channel, n, positives))
    # The export's driver summary publishes the same service x channel cells: never a
    # positive count the dashboard hides.
    shown = {(fy, fq, d, c.cell_id, c.channel): (c.n, c.positives)
             for (fy, fq, d), cells in groups.items() for c in cells if c.level == "service"}  # fmt: skip
    for fy, fq, driver, service, channel, answers, positives in con.execute("""
        select fiscal_year, fiscal_quarter, driver, service_id, channel, answers,
               positive_answers
        from marts.agg_omb_driver_summary
    """).fetchall():
        assert shown[(fy, fq, driver, service, channel)] == (answers, positives), service
    return groups


def test_no_suppressed_cell_of_the_published_demo_is_recoverable(built):
    with duckdb.connect(str(current_snapshot(built)), read_only=True) as con:
        groups = _published_cells(con)
    hidden = sum(c.positives is None for cells in groups.values() for c in cells)
    leaks = {key: found for key, cells in groups.items() if (found := recoverable(cells))}
    assert hidden > 100  # the demo has many small cells: the audit has work to do
    assert leaks == {}


def _table(flags: dict[tuple, bool], counts: dict[tuple, tuple[int, int]]) -> list[Cell]:
    cells = []
    for (level, cell_id, agency, channel), (n, positives) in counts.items():
        hidden = flags.get((level, cell_id, channel), False)
        cells.append(Cell(level, cell_id, agency, channel, n, None if hidden else positives))
    return cells


# One service (agency A's only one): web 11/12, mobile 1/2, all 12/14 at every level.
ONE_SERVICE = {
    (level, cell_id, agency, channel): counts
    for level, cell_id, agency in (("service", "s", "A"), ("agency", "A", "A"),
                                   ("all_services", "all", None))
    for channel, counts in (("web", (12, 11)), ("mobile", (2, 1)), ("all", (14, 12)))
}  # fmt: skip
# Agency A: s1 web 15/20, mobile 4/5; s2 web 20/30, mobile 9/15.
TWO_SERVICES = {
    ("service", "s1", "A", "web"): (20, 15), ("service", "s1", "A", "mobile"): (5, 4),
    ("service", "s1", "A", "all"): (25, 19), ("service", "s2", "A", "web"): (30, 20),
    ("service", "s2", "A", "mobile"): (15, 9), ("service", "s2", "A", "all"): (45, 29),
    **{(level, cell_id, agency, channel): counts
       for level, cell_id, agency in (("agency", "A", "A"), ("all_services", "all", None))
       for channel, counts in (("web", (50, 35)), ("mobile", (20, 13)), ("all", (70, 48)))},
}  # fmt: skip


def test_the_naive_rule_leaks_and_the_audit_sees_it():
    # Only the n < 10 cells hidden: all 12 - web 11 = mobile's 1 positive, at every level.
    naive = {(level, cell_id, "mobile"): True
             for level, cell_id in (("service", "s"), ("agency", "A"), ("all_services", "all"))}  # fmt: skip
    found = recoverable(_table(naive, ONE_SERVICE))
    assert sorted((c.level, c.channel, v) for c, v in found.items()) == [
        ("agency", "mobile", 1), ("all_services", "mobile", 1), ("service", "mobile", 1),
    ]  # fmt: skip
    # s1 mobile alone hidden: s1 all 19 - s1 web 15 = 4.
    found = recoverable(_table({("service", "s1", "mobile"): True}, TWO_SERVICES))
    assert [(c.cell_id, c.channel, v) for c, v in found.items()] == [("s1", "mobile", 4)]


def test_the_published_rule_leaves_a_range():
    # The flags dbt's rule gives these tables (its unit tests in
    # _intermediate__answers.yml): nothing is recoverable any more.
    one = {(lvl, cid, ch): True for lvl, cid in (("service", "s"), ("agency", "A"),
                                                 ("all_services", "all"))
           for ch in ("web", "mobile")}  # fmt: skip
    assert recoverable(_table(one, ONE_SERVICE)) == {}
    two = {("service", sid, ch): True for sid in ("s1", "s2") for ch in ("web", "mobile")}
    assert recoverable(_table(two, TWO_SERVICES)) == {}


def _protected_model():
    """dbt/models/intermediate/int_score_cells_protected.py, loaded as dbt loads it."""
    path = Path(__file__).parents[2] / "dbt" / "models" / "intermediate"
    spec = importlib.util.spec_from_file_location(
        "protected", path / "int_score_cells_protected.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Agency DHS (the only one, so all services = DHS): tsa web 13/15, in person 4/6,
# mobile 3/4; fema web 3/5, mobile 2/3; uscis web 4/7. Every total has two or more
# cells under 10, and none is all positive or all negative, so the per-total rule of
# int_score_cells_suppressed hides nothing more. Yet DHS in person + mobile = 29 - 20
# = 9, tsa in person + mobile = 20 - 13 = 7, and DHS in person = tsa in person (the
# only service there): DHS mobile - tsa mobile = fema mobile = 2.
BRIDGE_SERVICES = {
    "tsa": {"web": (15, 13), "in_person": (6, 4), "mobile": (4, 3)},
    "fema": {"web": (5, 3), "mobile": (3, 2)},
    "uscis": {"web": (7, 4)},
}


def _bridge_cells() -> list:
    rows: dict[tuple, list[int]] = {}

    def add(level, cell_id, channel, n, positives):
        cell = rows.setdefault((level, cell_id, channel), [0, 0])
        cell[0] += n
        cell[1] += positives

    for service, channels in BRIDGE_SERVICES.items():
        for channel, (n, positives) in channels.items():
            for level, cell_id in (
                ("service", service),
                ("agency", "DHS"),
                ("all_services", "all"),
            ):
                add(level, cell_id, channel, n, positives)
                add(level, cell_id, "all", n, positives)
    Row = namedtuple(
        "Row", "cell_level cell_id agency_key channel n n_positive is_suppressed cell_key"
    )
    return [
        Row(level, cell_id, None if level == "all_services" else "DHS", channel, n, positives,
            n < 10, f"{level}|{cell_id}|{channel}")
        for (level, cell_id, channel), (n, positives) in sorted(rows.items())
    ]  # fmt: skip


def _as_audited(rows, hidden_positions=()) -> list[Cell]:
    return [
        Cell(r.cell_level, r.cell_id, r.agency_key, r.channel, r.n,
             None if r.is_suppressed or i in hidden_positions else r.n_positive)
        for i, r in enumerate(rows)
    ]  # fmt: skip


def test_several_totals_together_leak_and_the_protected_model_closes_it():
    rows = _bridge_cells()
    found = recoverable(_as_audited(rows))
    assert [(c.cell_id, c.channel, v) for c, v in found.items()] == [("fema", "mobile", 2)]
    added = _protected_model().protect(rows)
    assert added and all(not rows[i].is_suppressed for i in added)  # newly hidden, shown before
    assert recoverable(_as_audited(rows, added)) == {}


def _published_groups(con) -> dict[tuple, list[Group]]:
    """Per fiscal quarter: the Relationships page's groups as it shows them."""
    quarters: dict[tuple, list[Group]] = defaultdict(list)
    for fy, fq, breakdown, label, n, positives in con.execute("""
        select fiscal_year, fiscal_quarter, breakdown, customer_group, trust_n,
               case when not is_suppressed then trust_positive end
        from marts.agg_relationship_trust_groups
    """).fetchall():
        quarters[(fy, fq)].append(Group(breakdown, label, n, positives))
    return quarters


def test_no_relationship_group_of_the_published_demo_is_recoverable(built):
    with duckdb.connect(str(current_snapshot(built)), read_only=True) as con:
        quarters = _published_groups(con)
    hidden = sum(g.positives is None for groups in quarters.values() for g in groups)
    leaks = {q: found for q, groups in quarters.items() if (found := recoverable_groups(groups))}
    assert hidden > 10  # small groups exist: the audit has work to do
    assert leaks == {}


def _groups(flags: set[tuple[str, str]]) -> list[Group]:
    """The relationship mart's unit-test quarter (FY2026 Q1), `flags` hidden."""
    counts = {
        ("tenure", "0: first quarter"): (8, 6), ("tenure", "1 quarter"): (12, 9),
        ("tenure", "2–3 quarters"): (20, 10), ("tenure", "4–7 quarters"): (30, 20),
        ("tenure", "8+ quarters"): (15, 15), ("agencies", "1 agency"): (23, 21),
        ("agencies", "2 agencies"): (12, 9), ("agencies", "3+ agencies"): (50, 30),
        ("new_vs_returning", "New this quarter"): (8, 6),
        ("new_vs_returning", "Returning"): (77, 54),
    }  # fmt: skip
    return [Group(b, label, n, None if (b, label) in flags else p)
            for (b, label), (n, p) in counts.items()]  # fmt: skip


def test_relationship_groups_naive_rule_leaks_and_the_published_rule_does_not():
    primary = {("tenure", "0: first quarter"), ("new_vs_returning", "New this quarter")}
    # hiding only the small groups: the agencies add up to 60 positives, the shown tenure
    # groups to 54, so tenure 0 (and "new this quarter", the same customers) had 6 of 8
    naive = recoverable_groups(_groups(primary))
    assert {(g.breakdown, g.label): v for g, v in naive.items()} == {
        ("tenure", "0: first quarter"): 6, ("new_vs_returning", "New this quarter"): 6,
    }  # fmt: skip
    # agg_relationship_trust_groups' unit test expects these hidden as well
    published = primary | {("tenure", "1 quarter"), ("new_vs_returning", "Returning")}
    assert recoverable_groups(_groups(published)) == {}


def test_a_shown_action_plan_window_adds_only_shown_quarters(built):
    """A window (the two quarters before an initiative's start quarter, or the start
    quarter on) is a sum of quarterly cells the service page shows one by one: a shown
    window with a hidden quarter would give that quarter away by subtraction."""
    with duckdb.connect(str(current_snapshot(built)), read_only=True) as con:
        cells = {
            (s, d, fy * 4 + fq - 1): (n, None if hidden else pos)
            for s, d, fy, fq, n, pos, hidden in con.execute("""
                select service_id, driver, fiscal_year, fiscal_quarter, n, n_positive,
                       is_suppressed
                from marts.agg_quarterly_service_scores where channel = 'all'
            """).fetchall()
        }
        plans = con.execute("""
            select service_id, target_driver, start_date, n_before, n_since,
                   is_before_suppressed, is_since_suppressed
            from marts.agg_action_plan_progress
        """).fetchall()
    assert plans
    checked = 0
    for service, driver, start, n_before, n_since, before_hidden, since_hidden in plans:
        start_fy = start.year + (start.month >= 10)
        start_q = start_fy * 4 + ((start.month - 10) % 12) // 3
        members = {k: v for k, v in cells.items() if k[:2] == (service, driver)}
        windows = (
            ([q for q in (start_q - 2, start_q - 1)], n_before, before_hidden),
            ([q for (_s, _d, q) in members if q >= start_q], n_since, since_hidden),
        )
        for quarters, n, hidden in windows:
            inside = [members[(service, driver, q)] for q in quarters
                      if (service, driver, q) in members]  # fmt: skip
            assert n == sum(m[0] for m in inside)
            if not hidden:
                assert all(m[1] is not None for m in inside), (service, driver, quarters)
                checked += 1
    assert checked > 0
