"""The dashboard on a snapshot the real pipeline published, in headless Chromium.

The app's own tests use a hand-made snapshot; this one catches any drift between the
marts dbt really builds and what the pages query.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.core.publish import current_snapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from dashboard import PAGES, open_page, serve_dashboard  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_every_page_renders_the_published_marts(built, browser):
    with duckdb.connect(str(current_snapshot(built)), read_only=True) as con:
        fy, fq, n = con.execute(
            """
            select fiscal_year, fiscal_quarter, sum(n) from marts.agg_quarterly_service_scores
            where channel = 'all' and driver = 'trust'
            group by all order by fiscal_year desc, fiscal_quarter desc limit 1
            """
        ).fetchone()
    with serve_dashboard(built.data_dir) as url:
        for name, page_path, title in PAGES:
            page = open_page(browser, url, page_path, title)
            try:
                assert page.locator('[data-testid="stException"]').count() == 0, name
                if name == "quarter_at_a_glance":
                    # The default view is the latest quarter, with the trust n of the mart.
                    page.get_by_text(f"FY{fy} Q{fq}", exact=False).first.wait_for(timeout=15_000)
                    page.get_by_text(f"{n:,}", exact=False).first.wait_for(timeout=15_000)
            finally:
                page.close()
