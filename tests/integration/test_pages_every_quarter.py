"""Every page, every quarter of a snapshot the real pipeline published: no exception,
and the quarter's headline numbers equal an independent computation from the landing
files.

Real data has what hand-made fixtures miss (a journey stage with no answers, a quarter
with volumes but no feedback); Streamlit's AppTest runs each page script directly. The
independent numbers come from the benchmark's bare-DuckDB floor (`benchmarks/floor.py`),
which reads the landing files with none of the warehouse's code. Which cells are
withheld by complementary suppression comes from the snapshot (its own audit is
test_suppression_audit.py); primary suppression is n < 10 here too.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.floor import floor_scores
from dagster_project.core.publish import current_snapshot
from dagster_project.core.reference import read_seed

pytestmark = pytest.mark.slow

PAGES = Path(__file__).resolve().parents[2] / "app" / "app_pages"
MIN_N = 10  # METRICS.md: fewer answers than this and a score is not shown


def _score_text(n_positive: int, n: int, withheld: bool) -> str:
    if n < MIN_N:
        return "suppressed"
    return "withheld" if withheld else f"{100 * n_positive / n:.1f}"


def _cell_text(n_positive: int, n: int, withheld: bool) -> str:
    return f"{_score_text(n_positive, n, withheld)} (n={n:,})"


def _withheld(con) -> set[tuple]:
    """(fy, fq, driver, service_id or 'all') of the complementary-suppressed all-channel
    cells: each service's, and all services pooled."""
    return set(
        con.execute("""
        select fiscal_year, fiscal_quarter, driver, service_id
        from marts.agg_quarterly_service_scores
        where channel = 'all' and suppression_reason = 'complementary'
        union all
        select fiscal_year, fiscal_quarter, driver, 'all'
        from marts.agg_quarterly_rollup_scores
        where channel = 'all' and rollup_level = 'all_services'
          and suppression_reason = 'complementary'
    """).fetchall()
    )


def _score_metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    """label -> (the big value, the n line under it) of each score metric."""
    out = {}
    for col in at.columns:
        if len(col.metric) == 1 and len(col.markdown):
            out[col.metric[0].label] = (col.metric[0].value, col.markdown[0].value)
    return out


def _glance_numbers(floor, withheld: set, fy: int, fq: int) -> tuple[dict, dict]:
    """What the glance page must show for FY fy Q fq, from the floor: the pooled trust
    and satisfaction headline metrics, and the by-service table's score cells."""
    names = {r["service_id"]: r["service_name"] for r in read_seed("services")}
    cells = floor[(floor.fiscal_year == fy) & (floor.fiscal_quarter == fq)
                  & (floor.channel == "all")]  # fmt: skip
    headline, by_service = {}, {}
    for driver in ("trust", "satisfaction"):
        part = cells[cells.driver == driver]
        n, pos = int(part.n.sum()), int(part.n_positive.sum())
        pooled_withheld = (fy, fq, driver, "all") in withheld
        if n:
            why = (
                " (fewer than 10: no score)"
                if n < MIN_N
                else " (withheld: with the totals beside it, it would reveal a suppressed score)"
                if pooled_withheld
                else ""
            )
            headline[f"{driver.title()} (% positive)"] = (
                _score_text(pos, n, pooled_withheld),
                f"n = {n:,} answer{'' if n == 1 else 's'}" + why,
            )  # fmt: skip
        for row in part.itertuples():
            by_service[(names[row.service_id], driver.title())] = _cell_text(
                int(row.n_positive), int(row.n), (fy, fq, driver, row.service_id) in withheld
            )
    return headline, by_service


def test_every_page_every_quarter_shows_the_independent_numbers(built, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(built.data_dir))
    with duckdb.connect(str(current_snapshot(built)), read_only=True) as con:
        quarters = con.execute(
            "select distinct fiscal_year, fiscal_quarter from marts.agg_quarterly_service_scores"
        ).fetchall()
        withheld = _withheld(con)
    assert len(quarters) >= 8
    floor = floor_scores(built.landing_dir)
    failures, checked = [], 0
    for page in sorted(PAGES.glob("*.py")):
        for fy, fq in quarters:
            at = AppTest.from_file(str(page), default_timeout=60)
            at.query_params["fy"] = str(fy)
            at.query_params["q"] = str(fq)
            at.run()
            failures += [f"{page.stem} FY{fy} Q{fq}: {e.message}" for e in at.exception]
            if page.stem != "quarter_at_a_glance" or at.exception:
                continue
            headline, by_service = _glance_numbers(floor, withheld, fy, fq)
            shown = _score_metrics(at)
            for label, expected in headline.items():
                if shown.get(label) != expected:
                    failures.append(f"FY{fy} Q{fq} {label}: {shown.get(label)} != {expected}")
            table = next(d.value for d in at.dataframe if "Trust" in d.value.columns)
            for (service, driver), expected in by_service.items():
                got = table.loc[table.Service == service, driver].tolist()
                if got != [expected]:
                    failures.append(f"FY{fy} Q{fq} {service} {driver}: {got} != {expected}")
            checked += len(headline) + len(by_service)
    assert failures == []
    assert checked >= 8 * 2 * 5  # every quarter: two headlines and a row per service
