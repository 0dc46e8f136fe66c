"""A dbt test that fails stops the publish: the dashboard keeps the snapshot it had.

The failure is a real one a data team meets: an agency reports fewer customers offered
a survey than responses were received (a response rate above 1: double counting, or
the volumes of another quarter), which `agg_response_rates_rules` rejects.
"""

from __future__ import annotations

import csv
import os

import pytest

from dagster_project.cli.main import main
from dagster_project.core.publish import current_snapshot
from dagster_project.core.settings import get_settings
from dagster_project.core.warehouse import open_warehouse

pytestmark = pytest.mark.slow


@pytest.fixture
def built(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    assert main(["generate", "--responses", "1500", "--seed", "5", "--quiet"]) == 0
    assert main(["pipeline"]) == 0
    return get_settings()


def test_a_failing_dbt_test_keeps_the_published_snapshot(built, capsys):
    before = current_snapshot(built)
    pointer = (built.published_dir / "CURRENT").read_text()
    with open_warehouse(built.data_dir) as con:
        service, fy, fq, responses = con.execute(
            "select service_id, fiscal_year, fiscal_quarter, n_responses "
            "from marts.agg_response_rates where channel = 'all' and n_responses > 1 "
            "order by n_responses desc limit 1"
        ).fetchone()
    landing = built.landing_dir / "service_volumes" / "restated.csv"
    with landing.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["service_id", "fiscal_year", "fiscal_quarter", "channel",
                    "volume_of_customers", "volume_offered_survey"])  # fmt: skip
        w.writerow([service, fy, fq, "all", responses, responses - 1])
    later = max(p.stat().st_mtime for p in built.landing_dir.rglob("*") if p.is_file()) + 60
    os.utime(landing, (later, later))
    capsys.readouterr()

    assert main(["pipeline"]) == 1
    out = capsys.readouterr()
    assert "agg_response_rates_rules" in out.out + out.err
    assert "nothing was published" in out.err
    assert current_snapshot(built) == before
    assert (built.published_dir / "CURRENT").read_text() == pointer
    # the warehouse has the restated volumes; the dashboard does not show them
    with open_warehouse(built.data_dir) as con:
        rate = con.execute(
            "select response_rate from marts.agg_response_rates where service_id = ? "
            "and fiscal_year = ? and fiscal_quarter = ? and channel = 'all'",
            [service, fy, fq],
        ).fetchone()[0]
    assert rate > 1
