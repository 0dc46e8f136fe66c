"""Suite-wide settings and the one headless Chromium every browser test shares."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("CX_ID_SALT", "cxwh-test-salt")
sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))

from dashboard import NO_CHROMIUM, chromium, launch_chromium  # noqa: E402


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; skipped locally without it, a failure under CI=true."""
    path = chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"chromium not found under CI=true; {NO_CHROMIUM}")
        pytest.skip(NO_CHROMIUM)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    # One Playwright per session: a second sync_playwright() inside the first fails.
    with launch_chromium(chromium_path) as browser:
        yield browser
