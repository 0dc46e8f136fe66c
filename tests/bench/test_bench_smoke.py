"""`make bench` end to end at a tiny scale: every phase runs, the gate passes, the report is whole.

Never asserts a time: only that the numbers exist, that the floor, pandas and the
marts agree on every cell (the run's exit status is the gate), and that the results
file and the chart are written.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PHASES = (
    "`cxwh generate`",
    "**full pipeline** (`cxwh pipeline`, wall)",
    "— ingest (raw.* steps)",
    "— dbt build + tests",
    "— publish",
    "— start-up, Dagster overhead",
    "floor (bare DuckDB, 1 process)",
    "pandas",
    "incremental (+1 %) pipeline",
)
NUMBER = r"[0-9][0-9,]*\.[0-9]"
RATIO = r"[0-9]+\.[0-9]{2}×"


def phase_rows(text: str) -> dict[str, str]:
    """The rows of the (first) phase table, by phase name."""
    table = text.split("| phase | seconds | × floor | × pandas |", 1)[1].split("\n\n", 1)[0]
    return {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()[2:]}


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "results.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--scales", "2000", "--out", str(out),
         "--workdir", str(tmp / "work"), "--dashboard-runs", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    return proc, out


@pytest.mark.slow
def test_the_correctness_gate_passes(bench):
    proc, out = bench
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "correctness gate passed" in proc.stdout
    text = out.read_text()
    assert "Correctness gate on the full run PASSED" in text
    assert "Correctness gate after the incremental run PASSED" in text
    assert "mismatch:" not in text


@pytest.mark.slow
def test_the_results_table_has_every_phase_with_ratios(bench):
    _, out = bench
    text = out.read_text()
    assert "| phase | seconds | × floor | × pandas |" in text
    rows = phase_rows(text)
    for phase in PHASES:
        assert phase in rows, phase
        cells = [c.strip() for c in rows[phase].strip("|").split("|")]
        assert re.fullmatch(NUMBER, cells[1]), rows[phase]
        assert re.fullmatch(RATIO, cells[2]) and re.fullmatch(RATIO, cells[3]), rows[phase]
    for target in ("full pipeline ≤ 3× floor", "1 % incremental ≤ 10 % of full run",
                   "dashboard p95 ≤ 150 ms", "peak memory ≤ 6 GiB"):  # fmt: skip
        assert f"| {target} |" in text
    assert re.search(r"max p95 [0-9.]+ ms", text)


@pytest.mark.slow
def test_the_chart_is_written_next_to_the_results(bench):
    _, out = bench
    svg = (out.parent / "time_vs_scale.svg").read_text()
    assert svg.startswith("<svg") and "<circle" in svg
