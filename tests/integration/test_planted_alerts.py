"""The alert rules find the incidents the demo generator plants (profiles.INCIDENTS): a
backlog quarter's score drops of efficiency and trust, a journey stage's drop-off rise,
in the marts a real `cxwh pipeline` run published from a generated demo.

Its own build: the planted incidents alert from about 20,000 responses on (a rule needs
30 answers, or 30 cases entering the stage, in the quarter and the one before), and the
shared `built` demo (conftest.py) is kept at 2,500, small enough to have the small
cells its suppression audits need.
"""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.cli.main import main
from dagster_project.core.publish import current_snapshot
from dagster_project.core.settings import get_settings
from dagster_project.generate.profiles import INCIDENTS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def alerts(tmp_path_factory) -> dict[str, set[tuple]]:
    data = tmp_path_factory.mktemp("cx_planted")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CX_DATA_DIR", str(data))
        mp.setenv("DAGSTER_HOME", str(data / "dagster_home"))
        assert main(["generate", "--responses", "20000", "--seed", "11", "--quiet"]) == 0
        assert main(["pipeline"]) == 0
        snapshot = current_snapshot(get_settings())
    found: dict[str, set[tuple]] = {}
    with duckdb.connect(str(snapshot), read_only=True) as con:
        for rule, *key in con.execute(
            "select rule, service_id, fiscal_year, fiscal_quarter, subject from marts.fct_cx_alerts"
        ).fetchall():
            found.setdefault(rule, set()).add(tuple(key))
    return found


def test_the_planted_backlog_alerts_score_drops_of_efficiency_and_trust(alerts):
    backlogs = [i for i in INCIDENTS if i.drivers]
    assert backlogs
    for inc in backlogs:
        for driver in ("efficiency", "trust"):
            key = (inc.service_id, inc.fiscal_year, inc.fiscal_quarter, driver)
            assert key in alerts["score_drop"], sorted(alerts["score_drop"])


def test_the_planted_journey_stage_alerts_a_drop_off_rise(alerts):
    stages = [i for i in INCIDENTS if i.stage]
    assert stages
    for inc in stages:  # alerted for each service of the journey
        assert any(
            (fy, fq, subject) == (inc.fiscal_year, inc.fiscal_quarter, inc.stage)
            for _, fy, fq, subject in alerts.get("dropoff_rise", ())
        ), sorted(alerts.get("dropoff_rise", ()))
