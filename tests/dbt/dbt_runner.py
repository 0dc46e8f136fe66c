"""Run the real dbt CLI on a CX_DATA_DIR (subprocess, TZ=America/New_York) and read
its run_results.json; artefacts stay in the data directory, never in dbt/target.

dbt runs inside the data directory with CX_DATA_DIR=".", so the rendered profile (the
DuckDB paths) is the same for every directory, and a parse saved by an earlier run is
reused (dbt's partial parsing) instead of a full parse of the project per run (~4 s;
dbt checks the files, vars and profile itself and parses in full when any differ).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt"
DBT_BIN = Path(sys.executable).with_name("dbt")

# The models, seeds and tests this suite owns (and everything upstream of them).
SELECTION = [
    "+fct_response",
    "int_response_screening",  # the screening rules' unit test runs with the build
    "+fct_transaction_feedback",
    "+agg_quarterly_service_scores",
    "+agg_quarterly_rollup_scores",
    "+agg_key_drivers",
    "dim_reporting_rules",
    "+agg_response_rates",
    "+dim_service",
    "+dim_driver",
    "+dim_channel",
    "+dim_fiscal_quarter",
    "stg_raw__load_log",
    "stg_raw__quarantine",
]


@dataclass
class DbtRun:
    returncode: int
    seconds: float
    statuses: dict[str, str]  # unique_id -> status
    output: str
    failures: dict[str, int | None]  # unique_id -> failing rows (tests)

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses.values() if s == status)


def run_dbt_build(data_dir: Path) -> DbtRun:
    return run_dbt(data_dir, "build", SELECTION)


# The last parse of this process, for the next run's partial parse.
_PARSED = Path(tempfile.gettempdir()) / f"cxwh-test-dbt-parse-{os.getpid()}.msgpack"
atexit.register(_PARSED.unlink, missing_ok=True)


def dbt_cli(
    data_dir: Path, args: list[str], *, env: dict[str, str] | None = None,
    target: Path | None = None, logs: Path | None = None, timeout: float = 600,
) -> subprocess.CompletedProcess:  # fmt: skip
    """`dbt <args>` on data_dir (the project and profiles of dbt/; target/ and logs/ in
    data_dir unless given), environment `env` (default: this process's)."""
    target, logs = target or data_dir / "target", logs or data_dir / "logs"
    parse = target / "partial_parse.msgpack"
    if _PARSED.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(_PARSED, parse)
    proc = subprocess.run(
        [str(DBT_BIN), *args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
         "--target-path", str(target), "--log-path", str(logs)],
        # paths relative to cwd=data_dir: one rendered profile for every directory
        env={**(os.environ if env is None else env), "CX_DATA_DIR": ".",
             "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        cwd=data_dir, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if parse.exists() and "--vars" not in args:  # other vars: another parse
        shutil.copy(parse, _PARSED)
    return proc


def run_dbt(data_dir: Path, command: str, selection: list[str]) -> DbtRun:
    """`dbt <command> --select <selection>` on data_dir."""
    started = time.monotonic()
    proc = dbt_cli(
        data_dir,
        [command, "--indirect-selection", "cautious", "--select", *selection],
        env={**os.environ, "TZ": "America/New_York"},
    )
    seconds = time.monotonic() - started
    results_file = data_dir / "target" / "run_results.json"
    results = json.loads(results_file.read_text())["results"] if results_file.exists() else []
    statuses = {r["unique_id"]: r["status"] for r in results}
    failures = {r["unique_id"]: r.get("failures") for r in results}
    return DbtRun(proc.returncode, seconds, statuses, proc.stdout + proc.stderr, failures)
