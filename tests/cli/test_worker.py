"""`cxwh worker`: a resident process serves `cxwh pipeline` for one data directory.

Real processes throughout: a detached worker, `cxwh pipeline` clients, a real warehouse.
The runs load only (`--ingest-only`) to stay quick; the benchmark smoke test runs whole
pipelines through a worker and checks its marts against a cold run's, cell by cell.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dagster_project.cli import worker as W
from dagster_project.core.lock import EXIT_LOCKED, pipeline_lock
from dagster_project.core.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]


def cxwh(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli.main", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A data directory with a small landing zone, and a worker serving it."""
    data = tmp_path_factory.mktemp("worker") / "data"
    env = {**os.environ, "CX_DATA_DIR": str(data), "CX_WORKER_IDLE_MINUTES": "10"}
    gen = cxwh(env, "generate", "--responses", "300", "--seed", "7", "--quiet")
    assert gen.returncode == 0, gen.stderr
    start = cxwh(env, "worker", "--detach")
    assert start.returncode == 0, start.stdout + start.stderr
    yield data, env
    cxwh(env, "worker", "--stop")


def status(env: dict) -> dict | None:
    answer = W._ask(W.socket_path(Path(env["CX_DATA_DIR"])), {"op": "status"})
    return None if answer is W.BUSY else answer


def loaded_files(data: Path) -> int:
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select count(*) from raw.load_log").fetchone()[0]


def landing_files(data: Path) -> int:
    return sum(1 for p in (data / "landing").rglob("*") if p.is_file() and p.name != "README.txt")


def test_the_worker_runs_the_pipeline_and_says_so(served, tmp_path):
    data, env = served
    pid = status(env)["pid"]
    summary = tmp_path / "summary.json"
    run = cxwh(env, "pipeline", "--ingest-only", "--summary-json", str(summary))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"served by the resident worker (pid {pid})" in run.stdout
    assert "Loaded this run" in run.stdout  # the run's own summary, streamed back
    report = json.loads(summary.read_text())
    assert report["worker_pid"] == pid and report["success"] is True
    # every landing file accounted for once in the load log, as an in-process run does
    readmes = sum(1 for _ in (data / "landing").rglob("README.txt"))
    assert loaded_files(data) == landing_files(data) + readmes
    assert status(env)["runs"] >= 1


def test_no_worker_runs_in_this_process(served, tmp_path):
    _, env = served
    summary = tmp_path / "summary.json"
    run = cxwh(env, "pipeline", "--ingest-only", "--no-worker", "--force",
               "--summary-json", str(summary))  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "served by the resident worker" not in run.stdout
    assert json.loads(summary.read_text())["worker_pid"] is None


def test_a_client_with_other_settings_runs_in_its_own_process(served, tmp_path):
    _, env = served
    summary = tmp_path / "summary.json"
    other = {**env, "CX_LOG_LEVEL": "INFO"}
    run = cxwh(other, "pipeline", "--ingest-only", "--force", "--summary-json", str(summary))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "the worker did not take this run (other CX_*, DAGSTER_* or DBT_* settings" in (
        run.stderr
    )
    assert json.loads(summary.read_text())["worker_pid"] is None
    assert status(env) is not None  # the worker stays for the clients it can serve


def test_a_held_lock_exits_75_as_without_a_worker(served):
    data, env = served
    with pipeline_lock(get_settings_for(data)):
        run = cxwh(env, "pipeline", "--ingest-only")
    assert run.returncode == EXIT_LOCKED, run.stdout + run.stderr
    assert "another pipeline is running" in run.stderr
    assert "served by the resident worker" not in run.stdout


def get_settings_for(data: Path):
    old = os.environ.get("CX_DATA_DIR")
    os.environ["CX_DATA_DIR"] = str(data)
    try:
        return get_settings()
    finally:
        if old is None:
            os.environ.pop("CX_DATA_DIR")
        else:
            os.environ["CX_DATA_DIR"] = old


def test_changed_code_makes_the_worker_exit(tmp_path):
    """A request whose code digest differs is refused, and the worker exits: it would
    run stale code (or stale seeds) for every later client."""
    data = tmp_path / "data"
    env = {**os.environ, "CX_DATA_DIR": str(data), "CX_WORKER_IDLE_MINUTES": "5"}
    start = cxwh(env, "worker", "--detach")
    assert start.returncode == 0, start.stdout + start.stderr
    path = W.socket_path(data)
    identity = {**W.identity(), "code": "0" * 64}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(30)
        conn.connect(str(path))
        W._send(conn, {"op": "pipeline", "argv": ["pipeline"], "identity": identity})
        answer = next(W._messages(conn))
    assert answer == {"refused": W.STALE}
    for _ in range(50):  # the worker removes its socket as it exits
        if not path.exists():
            break
        time.sleep(0.1)
    assert not path.exists()
    assert cxwh(env, "worker", "--status").returncode == 3


def test_the_code_digest_follows_every_project_file(tmp_path, monkeypatch):
    files = set(W.code_files())
    assert Path(W.__file__).resolve() in files  # the package's Python
    assert any(p.suffix == ".csv" and "seeds" in p.parts for p in files)  # the seeds
    assert any(p.suffix == ".sql" and "models" in p.parts for p in files)  # the models
    assert not any("target" in p.parts or "__pycache__" in p.parts for p in files)
    model = tmp_path / "model.sql"
    model.write_text("select 1")
    monkeypatch.setattr(W, "code_files", lambda: [model])
    before = W.code_digest()
    model.write_text("select 2 as changed")
    assert W.code_digest() != before


def test_stop_ends_the_worker(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "CX_DATA_DIR": str(data), "CX_WORKER_IDLE_MINUTES": "5"}
    assert cxwh(env, "worker", "--detach").returncode == 0
    assert cxwh(env, "worker", "--status").returncode == 0
    stop = cxwh(env, "worker", "--stop")
    assert stop.returncode == 0 and "Stopped the worker" in stop.stdout
    assert cxwh(env, "worker", "--status").returncode == 3


def test_sigterm_ends_a_foreground_worker_and_removes_its_socket(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "CX_DATA_DIR": str(data), "CX_WORKER_IDLE_MINUTES": "5"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli.main", "worker"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    path = W.socket_path(data)
    try:
        for _ in range(300):
            if status(env) is not None:
                break
            time.sleep(0.1)
        assert status(env)["pid"] == proc.pid
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, out
    assert "terminated (SIGTERM)" in out
    assert not path.exists()
