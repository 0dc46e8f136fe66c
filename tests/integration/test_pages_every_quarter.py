"""Every page, every quarter of a snapshot the real pipeline published: no exception.

Real data has what hand-made fixtures miss (a journey stage with no answers, a quarter
with volumes but no feedback); Streamlit's AppTest runs each page script directly.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dagster_project.publish import current_snapshot

pytestmark = pytest.mark.slow

PAGES = Path(__file__).resolve().parents[2] / "app" / "app_pages"


def test_no_page_fails_on_any_quarter(built, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(built.data_dir))
    with duckdb.connect(str(current_snapshot(built)), read_only=True) as con:
        quarters = con.execute(
            "select distinct fiscal_year, fiscal_quarter from marts.agg_quarterly_service_scores"
        ).fetchall()
    assert len(quarters) >= 8
    failures = []
    for page in sorted(PAGES.glob("*.py")):
        for fy, fq in quarters:
            at = AppTest.from_file(str(page), default_timeout=60)
            at.query_params["fy"] = str(fy)
            at.query_params["q"] = str(fq)
            at.run()
            failures += [f"{page.stem} FY{fy} Q{fq}: {e.message}" for e in at.exception]
    assert failures == []
