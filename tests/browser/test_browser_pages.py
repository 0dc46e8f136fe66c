"""Every page in headless Chromium: renders without an exception, shows its main
numbers, passes axe-core without critical violations (screenshots in tests/artifacts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dashboard import open_page, screenshot

REPO = Path(__file__).resolve().parents[2]
REPORTS = REPO / "tests" / "artifacts"  # git-ignored: screenshots and full axe results

# page file, URL path (+ query), title, texts that must be visible
PAGES = [
    ("quarter_at_a_glance", "", "Quarter at a glance",
     ["79.1", "n = 67 answers", "+22.0 pts (significant)", "13.4%", "1 of 1"]),
    ("service_detail", "service_detail?service=fsa-fafsa", "Service detail",
     ["Complete the FAFSA form — FY2026 Q1", "75.0", "80.0", "n = 40 answers"]),
    ("journeys", "journeys", "Journeys",
     ["Pain point: Accept aid", "61.1", "n = 18 answers"]),
    ("relationships", "relationships", "Relationships", ["57.1%"]),
    ("alerts", "alerts", "Alerts", ["High severity", "Low severity"]),
    ("action_plans", "action_plans", "CX Action Plans", ["1 of 5"]),
    ("data_quality", "data_quality", "Data quality", ["1 of 2", "162"]),
    ("omb_export", "omb_export", "OMB export",
     ["cxwh export --fiscal-year 2026 --quarter 1"]),
]  # fmt: skip


@pytest.mark.browser
@pytest.mark.parametrize(("name", "path", "title", "numbers"), PAGES,
                         ids=[p[0] for p in PAGES])  # fmt: skip
def test_page_in_chromium(browser, dashboard_url, name, path, title, numbers):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, dashboard_url, path, title)
    try:
        for text in numbers:
            page.get_by_text(text, exact=False).first.wait_for(timeout=15_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        screenshot(page, REPORTS / "screenshots" / f"{name}.png")

        results = Axe().run(page)
        violations = results.response["violations"]
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / f"axe-{name}.json").write_text(json.dumps(violations, indent=1))
        for v in violations:  # reported (pytest -rA / captured output), not failed
            print(f"axe {name}: {v['impact']} {v['id']} ({len(v['nodes'])} nodes): {v['help']}")
        critical = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] == "critical"]
        assert not critical, critical
    finally:
        page.close()
