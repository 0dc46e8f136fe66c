"""A real `streamlit run` server on the fixture snapshot (Chromium: tests/conftest.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "app"))  # the shared snapshot fixture

from cx_snapshot import rows, write_snapshot  # noqa: E402
from dashboard import serve_dashboard  # noqa: E402


@pytest.fixture(scope="session")
def dashboard_url(tmp_path_factory, chromium_path) -> str:
    data_dir = tmp_path_factory.mktemp("cx_data")
    write_snapshot(data_dir, rows())
    with serve_dashboard(data_dir) as url:
        yield url
