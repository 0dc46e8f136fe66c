"""Suite-wide settings and the one headless Chromium every browser test shares."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("CX_ID_SALT", "cxwh-test-salt")
sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))

from dashboard import NO_CHROMIUM, chromium, launch_chromium  # noqa: E402

TESTS = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    """Parse the dbt project once, before any test (or xdist worker) starts: the workers
    then all read one finished manifest instead of racing to write it."""
    from dagster_project.core.build_state import manifest_is_stale
    from dagster_project.core.settings import DBT_MANIFEST_PATH, DBT_PROJECT_DIR

    # dagster-dbt is imported (seconds) only when there is something to parse
    if not hasattr(config, "workerinput") and manifest_is_stale(DBT_PROJECT_DIR, DBT_MANIFEST_PATH):
        from dagster_project.defs.assets.dbt import prepare_manifest

        prepare_manifest()


# The integration tests that share the session's `built` pipeline run together; every
# other integration file builds its own and is a group of its own.
SHARES_BUILT = {
    "test_dashboard_on_pipeline_output.py",
    "test_failing_test_stops_publish.py",
    "test_pages_every_quarter.py",
    "test_pipeline_end_to_end.py",
    "test_suppression_audit.py",
}
# Longest first (minutes on this machine), so that the two workers finish together;
# only the order of the groups depends on it, never what runs.
LONGEST_FIRST = [
    "spark",
    "integration",
    "bench",
    "integration/test_incremental_marts.py",
    "ingest",
    "core",
    "app",
]


def _group(nodeid: str) -> str:
    parts = nodeid.split("::", 1)[0].split("/")[1:]  # the path below tests/
    if parts[0] == "integration" and parts[-1] not in SHARES_BUILT:
        return "/".join(parts)
    return parts[0]


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unknown without it
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`make test` runs two workers (`pytest -n 2`); each group of tests (a top-level
    folder, see `_group`) runs whole on one of them, so its session fixtures (a built
    warehouse, a dashboard, a browser) are built once, not once per worker."""
    from xdist.scheduler import LoadScopeScheduling

    class ByFolder(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid)

    return ByFolder(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest groups first, so the two workers finish together."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(_group(item.nodeid), len(rank)))


@pytest.fixture(scope="session", autouse=True)
def _scan_streamlit_components_once():
    """Every AppTest run scans all installed packages for Streamlit components (~0.15 s,
    more on a busy machine); the packages cannot change during the session, so scan once.
    The dashboard uses no such components: the scan finds none either way."""
    from streamlit.components.v2 import manifest_scanner

    found = manifest_scanner.scan_component_manifests()
    mp = pytest.MonkeyPatch()
    mp.setattr(manifest_scanner, "scan_component_manifests", lambda *a, **k: list(found))
    yield
    mp.undo()


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
