"""One pipeline at a time, and what a killed one leaves behind is cleaned up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dagster_project.cli.main import main
from dagster_project.core.lock import EXIT_LOCKED, LOCK_NAME, PipelineLockedError, pipeline_lock
from dagster_project.core.publish import current_snapshot
from dagster_project.core.settings import get_settings
from dagster_project.generate import generate_feeds

pytestmark = pytest.mark.slow

HOLD = """
import sys, time
from dagster_project.core.lock import pipeline_lock
with pipeline_lock(command="test holder"):
    print("held", flush=True)
    time.sleep(600)
"""

KILLED_IN_PUBLISH = """
import pathlib, sys, time
import dagster_project.core.publish as publish

def stall(*args, **kwargs):  # the snapshot's tables are written: stop before its meta
    pathlib.Path(sys.argv[1]).write_text("publishing")
    time.sleep(600)

publish._write_meta = stall
from dagster_project.cli.main import main
sys.exit(main(["pipeline"]))
"""


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    generate_feeds(tmp_path / "landing", responses=800, seed=41, progress=False)
    return tmp_path


def _wait_for(predicate, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def _start(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], env=os.environ.copy(), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip


def test_a_second_pipeline_is_told_who_runs_and_changes_nothing(data, capsys):
    holder = _start(HOLD)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["pipeline"]) == EXIT_LOCKED
        err = capsys.readouterr().err
        assert f"another pipeline is running on {data}: pid {holder.pid}" in err
        assert "(test holder)" in err and "--wait" in err
        assert not (data / "warehouse.duckdb").exists()  # it touched nothing
        assert current_snapshot(get_settings()) is None
    finally:
        holder.kill()
        holder.wait()
    # killed with the lock held: the kernel released it, the next run clears its record
    assert json.loads((data / LOCK_NAME).read_text())["pid"] == holder.pid
    assert main(["pipeline"]) == 0
    out = capsys.readouterr().out
    assert f"cleared the lock of a run that ended unfinished (pid {holder.pid}" in out
    assert (data / LOCK_NAME).read_text() == ""  # released when done


def test_the_lock_is_reentrant_in_one_process_and_waits_when_asked(data):
    with pipeline_lock(), pipeline_lock():  # cxwh pipeline, then its Dagster run
        pass
    holder = _start(HOLD)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with (
            pytest.raises(PipelineLockedError, match="another pipeline is running"),
            pipeline_lock(wait_seconds=1.0),
        ):
            pass
        assert time.monotonic() - started >= 1.0
    finally:
        holder.kill()
        holder.wait()


def test_a_kill_during_publish_leaves_no_debris_after_the_next_run(data, tmp_path_factory):
    flag = tmp_path_factory.mktemp("flag") / "publishing"
    run = _start(KILLED_IN_PUBLISH, str(flag))
    try:
        _wait_for(flag.exists, seconds=300)
        os.kill(run.pid, signal.SIGKILL)
    finally:
        run.wait()
    published = data / "published"
    debris = sorted(p.name for p in published.iterdir() if p.name.startswith(".warehouse-"))
    assert debris and all(".partial" in name for name in debris)
    assert current_snapshot(get_settings()) is None

    from dagster import DagsterRunStatus

    from dagster_project.cli.instance import instance

    dagster = instance(get_settings())
    [killed] = [r for r in dagster.get_runs() if r.job_name == "daily_load"]
    assert killed.status == DagsterRunStatus.STARTED  # what `make dev` would show

    assert main(["pipeline"]) == 0
    assert sorted(p.name for p in published.iterdir() if p.name.startswith(".")) == []
    # the build the killed run made is published now, from the next run
    assert current_snapshot(get_settings()) is not None
    assert dagster.get_run_by_id(killed.run_id).status == DagsterRunStatus.FAILURE
    assert not [p for p in Path(data).rglob("*.partial*")]
