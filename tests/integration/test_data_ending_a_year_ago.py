"""A landing zone whose data ends before the last complete fiscal quarter (a new agency
loading last year's files) builds and publishes; the quarterly OMB export is a clear
"skipped" line, not a failure, and the quarterly schedule skips that quarter too."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from dagster import DagsterInstance, build_schedule_context

from dagster_project.cli.main import main
from dagster_project.core.publish import current_snapshot
from dagster_project.core.settings import get_settings
from dagster_project.core.warehouse import open_warehouse
from dagster_project.definitions import defs as load_definitions

pytestmark = pytest.mark.slow

# FY2026 starts on 1 Oct 2025: every file of it (by the dates in its name) is removed,
# so the data ends in FY2025 Q4 (Jul-Sep 2025), more than a year before today.
_FY2026 = re.compile(r"FY2026|(?:^|[_/])(?:2025(?:1[0-2])|2026\d{2})|/2026/|/2025/1[0-2]/")


def _tick(schedule, defs, when: datetime):
    with DagsterInstance.ephemeral() as instance:
        return schedule.evaluate_tick(
            build_schedule_context(
                instance=instance,
                scheduled_execution_time=when,
                repository_def=defs.get_repository_def(),
            )  # fmt: skip
        )


def test_data_ending_a_year_ago_publishes_and_skips_the_export(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    assert main(["generate", "--responses", "1500", "--seed", "11", "--quiet"]) == 0
    settings = get_settings()
    for path in list(settings.landing_dir.rglob("*")):
        if path.is_file() and _FY2026.search(
            "/" + path.relative_to(settings.landing_dir).as_posix()
        ):
            path.unlink()
    capsys.readouterr()

    assert main(["pipeline"]) == 0
    out = capsys.readouterr().out
    assert "OMB export skipped: no responses in the last complete quarter" in out
    assert "data ends in FY2025 Q4" in out
    assert "FAILED" not in out
    snapshot = current_snapshot(settings)
    assert snapshot is not None and snapshot.exists()
    with open_warehouse(settings.data_dir) as con:
        last = con.execute(
            "select max(fiscal_year * 10 + fiscal_quarter) from marts.fct_response"
        ).fetchone()[0]
        published = con.execute(
            "select count(*) from marts.agg_quarterly_service_scores"
        ).fetchone()[0]
    assert last == 20254
    assert published > 0

    # The schedule's tick for FY2026 Q4 (15 Oct 2026) has nothing to submit: a skip.
    defs = load_definitions()
    schedule = defs.resolve_schedule_def("quarterly_export_schedule")
    result = _tick(
        schedule, defs, datetime(2026, 10, 15, 7, 0, tzinfo=ZoneInfo("America/New_York"))
    )
    assert result.run_requests == []
    assert "no responses in FY2026 Q4" in (result.skip_message or "")
    # ...and the tick for a quarter with data still asks for its export
    result = _tick(
        schedule, defs, datetime(2025, 10, 15, 7, 0, tzinfo=ZoneInfo("America/New_York"))
    )
    assert [r.partition_key for r in result.run_requests] == ["2025-07-01"]
