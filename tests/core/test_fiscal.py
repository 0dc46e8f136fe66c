"""One fiscal calendar: the Python helper, the dbt macros, the Dagster partitions, the
demo generator and the dashboard agree on every day of four fiscal years.

The truth is written out here, independently of all of them: FY y runs from 1 October
of y-1 to 30 September of y; Q1 = October-December, Q2 = January-March, Q3 = April-
June, Q4 = July-September; an instant belongs to its UTC date.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from app.queries.common import Scope
from dagster_project.core import fiscal
from dagster_project.defs.partitions import fiscal_to_partition_key, partition_key_to_fiscal
from dagster_project.generate.calendar import fiscal_period as generator_fiscal_period

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dbt"))
from dbt_runner import dbt_cli  # noqa: E402

FIRST, LAST = date(2022, 10, 1), date(2026, 9, 30)  # FY2023 .. FY2026
DAYS = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
NEW_YORK = ZoneInfo("America/New_York")


def truth(day: date) -> tuple[int, int]:
    quarter_of_month = {10: 1, 11: 1, 12: 1, 1: 2, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3, 7: 4, 8: 4, 9: 4}
    return (day.year + 1 if day.month >= 10 else day.year), quarter_of_month[day.month]


QUARTERS = sorted({truth(d) for d in DAYS})


def test_the_helper_on_every_day():
    assert [fiscal.fiscal_period(d) for d in DAYS] == [truth(d) for d in DAYS]


def test_an_instant_counts_on_its_utc_date():
    # 30 Sep 20:30 in New York is 1 Oct 00:30 UTC: the next fiscal year
    assert fiscal.fiscal_period(datetime(2025, 9, 30, 20, 30, tzinfo=NEW_YORK)) == (2026, 1)
    assert fiscal.fiscal_period(datetime(2025, 9, 30, 23, 59, 59, tzinfo=UTC)) == (2025, 4)
    assert fiscal.fiscal_period(datetime(2025, 10, 1, 0, 0, tzinfo=UTC)) == (2026, 1)
    with pytest.raises(ValueError, match="no time zone"):
        fiscal.fiscal_period(datetime(2025, 10, 1))


def test_quarter_bounds_and_neighbours():
    for fy, fq in QUARTERS:
        days = [d for d in DAYS if truth(d) == (fy, fq)]
        assert (fiscal.quarter_start(fy, fq), fiscal.quarter_end(fy, fq)) == (days[0], days[-1])
        before = truth(days[0] - timedelta(days=1))
        after = truth(days[-1] + timedelta(days=1))
        assert fiscal.previous_quarter(fy, fq) == before
        assert fiscal.next_quarter(fy, fq) == after
        assert Scope(fy, fq).previous == before  # the dashboard's "previous quarter"
    assert fiscal.previous_quarter(2025, 1) == (2024, 4)  # across the year's wrap


def test_the_partitions():
    for fy, fq in QUARTERS:
        key = fiscal_to_partition_key(fy, fq)
        assert key == fiscal.quarter_start(fy, fq).isoformat()
        assert partition_key_to_fiscal(key) == (fy, fq)
    with pytest.raises(ValueError):
        partition_key_to_fiscal("2025-02-01")


def test_the_generator_on_every_day_at_both_ends_of_it():
    instants = []
    for d in DAYS:
        start = datetime(d.year, d.month, d.day, tzinfo=UTC)
        instants += [start, start + timedelta(hours=23, minutes=59, seconds=59)]
    ts = np.array([int(i.timestamp()) for i in instants], dtype="datetime64[s]")
    fy, fq = generator_fiscal_period(ts)
    got = list(zip(fy.tolist(), fq.tolist(), strict=True))
    assert got == [truth(i.date()) for i in instants]


def test_the_dbt_macros_on_every_day(tmp_path):
    """The macros as dbt compiles them, run on DuckDB in a New York session."""
    sql = f"""
        with days as (
            select cast(d as date) as d
            from generate_series(date '{FIRST}', date '{LAST}', interval 1 day) as t(d)
        ), instants as (
            select d,
                   timezone('UTC', cast(d as timestamp)) as at_start,
                   timezone('UTC', cast(d as timestamp) + interval 86399 second) as at_end
            from days
        )
        select cast(d as varchar) as d,
               {{{{ fiscal_year_of_date('d') }}}} as fy, {{{{ fiscal_quarter_of_date('d') }}}} as fq,
               {{{{ fiscal_year('at_start') }}}} as fy_start,
               {{{{ fiscal_quarter('at_start') }}}} as fq_start,
               {{{{ fiscal_year('at_end') }}}} as fy_end, {{{{ fiscal_quarter('at_end') }}}} as fq_end,
               {{{{ prev_fiscal_year(fiscal_year_of_date('d'), fiscal_quarter_of_date('d')) }}}} as prev_fy,
               {{{{ prev_fiscal_quarter(fiscal_quarter_of_date('d')) }}}} as prev_fq,
               cast({{{{ fiscal_quarter_start(fiscal_year_of_date('d'), fiscal_quarter_of_date('d')) }}}} as varchar) as q_start,
               cast({{{{ fiscal_quarter_end(fiscal_year_of_date('d'), fiscal_quarter_of_date('d')) }}}} as varchar) as q_end
        from instants order by d
    """  # noqa: E501
    env = {**os.environ, "TZ": "America/New_York"}  # dbt_cli points dbt at tmp_path
    proc = dbt_cli(tmp_path, ["show", "--inline", sql, "--limit", "-1", "--output", "json",
                              "--log-format", "json"], env=env, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    rows = None
    for line in proc.stdout.splitlines():
        event = json.loads(line)
        preview = event.get("data", {}).get("preview")
        if preview:
            rows = json.loads(preview)
    assert rows is not None and len(rows) == len(DAYS)
    wrong = []
    for row in rows:
        day = date.fromisoformat(row["d"])
        fy, fq = truth(day)
        prev = truth(fiscal.quarter_start(fy, fq) - timedelta(days=1))
        expected = {
            "fy": fy, "fq": fq, "fy_start": fy, "fq_start": fq, "fy_end": fy, "fq_end": fq,
            "prev_fy": prev[0], "prev_fq": prev[1],
            "q_start": str(fiscal.quarter_start(fy, fq)), "q_end": str(fiscal.quarter_end(fy, fq)),
        }  # fmt: skip
        got = {k: row[k] for k in expected}
        if got != expected:
            wrong.append((row["d"], got, expected))
    assert wrong == []
