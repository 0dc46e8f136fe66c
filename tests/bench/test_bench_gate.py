"""The benchmark's correctness gate fails when it should, without running a pipeline.

The floor, pandas and the marts are replaced by score tables written here; the
subprocesses that would compute them are replaced by their exit statuses.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from benchmarks import run as R
from benchmarks.measure import Measured
from benchmarks.report import Gate, PipelineRun, ScaleResult

KEY = ("SVC-1", 2026, 2, "web", "trust")
CELL = (40, 30, 75.0, False)


def _measured(returncode: int = 0, log: Path | None = None, timed_out: bool = False) -> Measured:
    return Measured(["x"], 1.0, 1, returncode, timed_out, log)


def test_equal_tables_pass_and_the_cells_are_counted():
    other = ("SVC-1", 2026, 2, "all", "trust")
    tables = {name: {KEY: CELL, other: CELL} for name in ("marts", "floor", "pandas")}
    assert R.compare(tables) == (2, [])


@pytest.mark.parametrize(
    ("changed", "why"),
    [
        ((40, 29, 72.5, False), "n_positive"),
        ((40, 30, 75.0001, False), "a score off by more than the rounding"),
        ((40, 30, 75.0, True), "the suppression flag"),
    ],
)
def test_any_value_that_differs_fails(changed, why):
    _, bad = R.compare({"marts": {KEY: CELL}, "floor": {KEY: changed}})
    assert len(bad) == 1, why
    assert "SVC-1/2026/2/web/trust" in bad[0]


def test_the_published_rounding_is_not_a_mismatch():
    _, bad = R.compare(
        {"marts": {KEY: (3, 1, 33.3333, False)}, "floor": {KEY: (3, 1, 100 / 3, False)}}
    )
    assert bad == []


def test_a_cell_one_side_lacks_is_a_mismatch():
    cells, bad = R.compare({"marts": {KEY: CELL}, "floor": {}})
    assert cells == 1 and len(bad) == 1


def _scores(path: Path) -> Path:
    pd.DataFrame([dict(zip([*R.L.SCORE_KEY, *R.VALUES], [*KEY, *CELL], strict=True))]).to_parquet(
        path
    )
    return path


@pytest.fixture
def fake_baselines(tmp_path, monkeypatch):
    """Baselines that 'exit' with the status a test sets; the marts hold KEY."""
    outcome = {"floor": _measured(), "pandas_pipeline": _measured()}

    def baseline(tag, work, module, out, **limits):
        m = outcome[module]
        if m.ok:
            _scores(out)
        return m

    monkeypatch.setattr(R, "_baseline", baseline)
    monkeypatch.setattr(R, "mart_scores", lambda work: {KEY: CELL})
    monkeypatch.setattr(R, "suspect_responses", lambda work: 0)
    return outcome


def _gate(tmp_path) -> Gate:
    run = PipelineRun(_measured(), True)
    return R.gate("t", tmp_path, "full", run)


def test_all_three_agree(tmp_path, fake_baselines):
    g = _gate(tmp_path)
    assert g.ok and g.compared == ["marts", "floor", "pandas"] and g.cells == 1


def test_a_pandas_crash_fails_the_gate(tmp_path, fake_baselines):
    log = tmp_path / "pandas.log"
    log.write_text("Traceback ...\nKeyError: 'channel'\n")
    fake_baselines["pandas_pipeline"] = _measured(1, log)
    g = _gate(tmp_path)
    assert g.pandas_status == "failed"
    assert not g.ok
    assert any("pandas baseline failed" in m and "KeyError" in m for m in g.mismatches)


@pytest.mark.parametrize(
    ("measured", "status"),
    [(_measured(3), "out of memory"), (_measured(-9), "out of memory"),
     (_measured(1, timed_out=True), "timeout")],
)  # fmt: skip
def test_pandas_out_of_memory_or_time_is_a_stated_reason(
    tmp_path, fake_baselines, measured, status
):
    fake_baselines["pandas_pipeline"] = measured
    g = _gate(tmp_path)
    assert g.pandas_status == status
    assert g.ok and g.compared == ["marts", "floor"]


def test_a_floor_that_did_not_finish_fails_the_gate(tmp_path, fake_baselines):
    fake_baselines["floor"] = _measured(1)
    g = _gate(tmp_path)
    assert not g.ok


def test_the_scale_passes_only_with_both_gates(tmp_path, fake_baselines):
    res = ScaleResult("t", 1, _measured(), PipelineRun(_measured(), True))
    res.gates.append(_gate(tmp_path))
    assert not res.gate_ok  # no incremental gate: the run did not finish its work
    res.gates.append(Gate("incremental", compared=["marts", "floor"], cells=1))
    assert res.gate_ok
    res.failures.append("the run with nothing new failed")
    assert not res.gate_ok


def test_suspect_responses_are_counted_back_before_comparing(tmp_path):
    """The aggregates leave out a response the screening flags; the baselines do not
    screen. The gate counts its answers back into its channel's cell and the `all`
    cell (score and primary flag recomputed), and reports how many there were."""
    import duckdb

    published = tmp_path / "published"
    published.mkdir()
    (published / "CURRENT").write_text("snap.duckdb\n")
    with duckdb.connect(str(published / "snap.duckdb")) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.agg_quarterly_service_scores as select * from (values "
            "('SVC-1', 2026, 2, 'web', 'trust', 40, 30, 75.0, null, false), "
            "('SVC-1', 2026, 2, 'all', 'trust', 40, 30, 75.0, null, false)) "
            "as t(service_id, fiscal_year, fiscal_quarter, channel, driver, n, n_positive, "
            "score, suppression_reason, is_suppressed)"
        )
        con.execute(
            "create table marts.fct_response as select * from (values ('r1', false), "
            "('r2', true)) as t(response_key, is_suspect)"
        )
        con.execute(
            "create table marts.fct_transaction_feedback as select * from (values "
            "('r1', 'SVC-1', 2026, 2, 'web', 'trust', true), "
            "('r2', 'SVC-1', 2026, 2, 'web', 'trust', false), "
            "('r2', 'SVC-1', 2026, 2, 'web', 'ease', true)) as t(response_key, service_id, "
            "fiscal_year, fiscal_quarter, channel, driver, is_positive)"
        )
    cells = R.mart_scores(tmp_path)
    assert cells[KEY] == (41, 30, 100 * 30 / 41, False)
    assert cells[("SVC-1", 2026, 2, "all", "trust")] == (41, 30, 100 * 30 / 41, False)
    # a cell the aggregates did not have at all: one answer, below the reporting minimum
    assert cells[("SVC-1", 2026, 2, "web", "ease")] == (1, 1, 100.0, True)
    assert R.suspect_responses(tmp_path) == 1
    # between engines (both screen) nothing is counted back
    assert R.mart_scores(tmp_path, primary_only=False)[KEY] == (40, 30, 75.0, False)


def test_the_chart_keeps_the_newest_recent_point_of_every_scale_the_run_skipped(tmp_path):
    """A run of some scales redraws time_vs_scale.svg with the other scales' newest
    numbers read back from results.md, and leaves off runs older than `since`."""
    from datetime import UTC, datetime

    from benchmarks.report import chart_points, chart_svg, prepend, run_section

    def result(responses: int, pipeline: float) -> ScaleResult:
        measured = Measured(["x"], pipeline, 1, 0, False, None)
        return ScaleResult(f"{responses}", responses, _measured(), PipelineRun(measured, True))

    out = tmp_path / "results.md"
    for heading, results in [  # oldest first: each run is added on top
        ("2026-12-01 09:00 UTC — scales 100k", [result(100_000, 13.6)]),
        ("2026-12-06 10:00 UTC — scales 20k, 10M", [result(20_000, 19.8), result(10**7, 456.4)]),
        ("2026-12-06 15:00 UTC — scales 10M", [result(10**7, 425.6)]),
    ]:
        prepend(out, run_section(heading, [], results, ""))
    points = chart_points(
        [result(10**6, 43.6)], out.read_text(), since=datetime(2026, 12, 4, tzinfo=UTC)
    )
    assert {p.responses: p.pipeline.seconds for p in points} == {
        10**6: 43.6, 20_000: 19.8, 10**7: 425.6
    }  # fmt: skip
    assert chart_svg(points).count("<circle") >= 3
