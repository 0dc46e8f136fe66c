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
    "**pipeline** (`cxwh pipeline`, wall)",
    "— ingest (raw.* steps)",
    "— dbt build + tests",
    "— publish",
    "— start-up, Dagster overhead",
)
BASELINES = ("floor (bare DuckDB, 1 process)", "pandas")
HEADER = "| phase | full run s | +1 % run s | nothing new s | × floor | × pandas |"
NUMBER = r"[0-9][0-9,]*\.[0-9]"
RATIO = r"[0-9]+\.[0-9]{2}×"


def phase_rows(text: str) -> dict[str, list[str]]:
    """The cells of the (first) phase table, by phase name."""
    table = text.split(HEADER, 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "results.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--scales", "2000", "--out", str(out),
         "--workdir", str(tmp / "work"), "--dashboard-runs", "2", "--worker", "2000"],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    return proc, out


@pytest.mark.slow
def test_the_correctness_gate_passes(bench):
    proc, out = bench
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "correctness gate (full) passed" in proc.stdout
    assert "correctness gate (incremental) passed" in proc.stdout
    text = out.read_text()
    assert "Correctness gate after the full run PASSED" in text
    assert "Correctness gate after the incremental run PASSED" in text
    assert "mismatch:" not in text


@pytest.mark.slow
def test_both_gates_compare_every_baseline_on_every_value(bench):
    _, out = bench
    text = out.read_text()
    for run in ("full", "incremental"):
        line = next(ln for ln in text.splitlines() if f"after the {run} run" in ln)
        assert "PASSED" in line, line
        assert re.search(r": [1-9][0-9,]* cells", line), line  # the cell count is reported
        assert "marts = floor = pandas" in line, line  # nothing dropped from the comparison
        assert "n, n_positive, score (to 0.00005) and is_suppressed" in line


@pytest.mark.slow
def test_the_results_table_has_every_phase_of_every_run(bench):
    _, out = bench
    text = out.read_text()
    assert HEADER in text
    rows = phase_rows(text)
    for phase in PHASES:
        full, inc, rerun, x_floor, x_pandas = rows[phase]
        for value in (full, inc, rerun):
            assert re.fullmatch(NUMBER, value), (phase, rows[phase])
        assert re.fullmatch(RATIO, x_floor) and re.fullmatch(RATIO, x_pandas), rows[phase]
    for name in BASELINES:
        assert re.fullmatch(NUMBER, rows[name][0]), rows[name]
        assert re.fullmatch(NUMBER, rows[f"{name} (after the +1 % run)"][0])
    full_nodes, inc_nodes, rerun_nodes = rows["dbt nodes executed"][:3]
    assert int(full_nodes) > int(inc_nodes) > 0  # the increment builds less than everything
    assert rerun_nodes == "0"  # nothing new: dbt runs nothing
    for target in ("1M: full pipeline ≤ 4× floor", "10M: full pipeline ≤ 3× floor",
                   "1M, 10M: +1 % run ≤ 10 % of the full run", "dashboard p95 ≤ 150 ms",
                   "peak memory ≤ 6 GiB (pipeline process tree)",
                   "20k demo: a run with nothing new ≤ 8 s"):  # fmt: skip
        assert f"| {target} |" in text
    assert re.search(r"max p95 [0-9.]+ ms", text)
    assert re.search(
        r"- full run: [0-9]+ nodes \(.*[0-9]+ models, [0-9]+ seeds, [0-9]+ tests\)", text
    )


@pytest.mark.slow
def test_the_runs_through_a_resident_worker_are_measured_and_checked(bench):
    _, out = bench
    text = out.read_text()
    full, inc, _, x_floor, x_pandas = phase_rows(text)["**pipeline through `cxwh worker`** (wall)"]
    assert re.fullmatch(NUMBER, full) and re.fullmatch(NUMBER, inc), (full, inc)
    assert re.fullmatch(RATIO, x_floor) and re.fullmatch(RATIO, x_pandas)
    line = next(ln for ln in text.splitlines() if ln.startswith("Through a resident `cxwh worker`"))
    assert "every run served by the worker" in line, line
    assert re.search(r"Check PASSED: its marts equal the cold runs' on [1-9][0-9,]* cells", line)
    assert "| 1M, 10M: +1 % run ≤ 10 % of the full run (through `cxwh worker`) |" in text


@pytest.mark.slow
def test_the_chart_is_written_next_to_the_results(bench):
    _, out = bench
    svg = (out.parent / "time_vs_scale.svg").read_text()
    assert svg.startswith("<svg") and "<circle" in svg
