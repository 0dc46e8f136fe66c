"""One real pipeline build shared by the integration tests (it takes a minute or two)."""

from __future__ import annotations

import pytest

from dagster_project.cli.main import main
from dagster_project.core.settings import get_settings


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    data = tmp_path_factory.mktemp("cx")
    mp = pytest.MonkeyPatch()
    mp.setenv("CX_DATA_DIR", str(data))
    mp.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    assert main(["generate", "--responses", "2500", "--seed", "11", "--quiet"]) == 0
    summary = data / "summary.json"
    assert main(["pipeline", "--summary-json", str(summary)]) == 0
    yield get_settings()
    mp.undo()
