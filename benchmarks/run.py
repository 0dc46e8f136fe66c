"""`make bench`: generate, run the pipeline, the floor and pandas, check, report.

Per scale: `cxwh generate` → full `cxwh pipeline` (phases and dbt nodes from its
--summary-json) → the bare-DuckDB floor and the pandas pipeline → correctness gate
(floor = pandas = marts on every cell: n, n_positive, score, suppression) → a 1 %
incremental delivery, a second `cxwh pipeline` and the gate again (floor and pandas
re-run on the grown landing zone) → a third run with nothing new → the dashboard's
queries. Every phase is a subprocess whose process tree's peak RSS is sampled. Exit
status 1 if a gate fails (a baseline that did not finish fails it, unless pandas ran
out of memory or time, which the report states) or a pipeline run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

import duckdb
import pandas as pd
import psutil

from benchmarks import floor as F
from benchmarks import landing as L
from benchmarks.measure import GIB, Measured, fmt_bytes, run_measured
from benchmarks.report import (
    Gate,
    PipelineRun,
    ScaleResult,
    SparkRun,
    WorkerRuns,
    chart_points,
    chart_svg,
    prepend,
    run_section,
)

PY = sys.executable
# As an activated venv would: the subprocesses find the venv's `dbt` and `cxwh`.
PATH_ENV = {"PATH": f"{Path(PY).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
SEED = 2026
PANDAS_TIMEOUT = 30 * 60
PANDAS_MEMORY = 16 * GIB
MIN_INCREMENT = 200


def parse_scale(text: str) -> int:
    t = text.strip().lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if mult > 1 else t) * mult)


def label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def say(tag: str, msg: str) -> None:
    print(f"[bench {tag}] {msg}", flush=True)


def _measured(tag: str, what: str, m: Measured) -> Measured:
    state = "ok" if m.ok else ("TIMEOUT" if m.timed_out else f"exit {m.returncode}")
    say(tag, f"{what}: {m.seconds:,.1f} s, peak RSS {fmt_bytes(m.peak_rss)} ({state})")
    if not m.ok:
        print(m.tail(), flush=True)
    return m


def _cxwh(*args: str) -> list[str]:
    return [PY, "-m", "dagster_project.cli.main", *args]


# What every comparison checks, per cell: the counts and the suppression flag exactly,
# the score to the half of the last digit the mart publishes (4 decimals).
VALUES = ("n", "n_positive", "score", "is_suppressed")
SCORE_TOLERANCE = 0.5e-4 + 1e-9
Cell = tuple[int, int, float, bool]


def scores_of(path: Path) -> dict[tuple, Cell]:
    return _cells(pd.read_parquet(path))


def _cells(df: pd.DataFrame) -> dict[tuple, Cell]:
    df = df[df["n"] > 0]
    return {
        (s, int(y), int(q), c, d): (int(n), int(p), float(score), bool(sup))
        for s, y, q, c, d, n, p, score, sup in df[[*L.SCORE_KEY, *VALUES]].itertuples(index=False)
    }


def mart_scores(data_dir: Path, primary_only: bool = True) -> dict[tuple, Cell]:
    published = data_dir / "published"
    name = (published / "CURRENT").read_text().strip()
    # The baselines know the primary rule only (n < 10): compared with them, the marts'
    # primary flag; complementary suppression is audited by the tests (and compared
    # whole between the engines, primary_only=False).
    flag = "coalesce(suppression_reason = 'primary', false)" if primary_only else "is_suppressed"
    with duckdb.connect(str(published / name), read_only=True) as con:
        df = con.execute(
            f"select {', '.join(L.SCORE_KEY)}, n, n_positive, score, {flag} as is_suppressed "
            "from marts.agg_quarterly_service_scores"
        ).df()
        cells = _cells(df)
        if primary_only:  # compared with the baselines, which do not screen
            cells = _with_suspects(con, cells)
    return cells


SUSPECT_ANSWERS = """
    with answers as (
        select f.service_id, f.fiscal_year, f.fiscal_quarter, f.channel, f.driver, f.is_positive
        from marts.fct_transaction_feedback as f
        join marts.fct_response as r on r.response_key = f.response_key
        where r.is_suspect
    )
    select service_id, fiscal_year, fiscal_quarter,
           case when grouping(channel) = 1 then 'all' else channel end as channel, driver,
           count(*) as n, count(*) filter (where is_positive) as n_positive
    from answers
    group by grouping sets ((service_id, fiscal_year, fiscal_quarter, channel, driver),
                            (service_id, fiscal_year, fiscal_quarter, driver))
"""


def _with_suspects(con: duckdb.DuckDBPyConnection, cells: dict[tuple, Cell]) -> dict[tuple, Cell]:
    """The marts' cells with the answers of suspect responses counted back in.

    The aggregates leave out responses the screening rules flag (seed screening_rules:
    an identical repeat from one customer, a burst from one page, link spam); the
    floor and pandas do not screen. So the gate compares everything else, and the
    screening is checked by dbt (assert_agg_counts_match_facts: aggregates = facts
    minus suspects; assert_screening_flags_current). A cell's score and primary flag
    are recomputed from its new counts with the baselines' own rule."""
    added = con.execute(SUSPECT_ANSWERS).fetchall()
    if not added:
        return cells
    out = dict(cells)
    min_n = L.min_reportable_n()
    for s, y, q, c, d, n, p in added:
        key = (s, int(y), int(q), c, d)
        n0, p0, _, _ = out.get(key, MISSING)
        n1, p1 = n0 + int(n), p0 + int(p)
        out[key] = (n1, p1, 100.0 * p1 / n1, n1 < min_n)
    return out


def suspect_responses(data_dir: Path) -> int:
    published = data_dir / "published"
    name = (published / "CURRENT").read_text().strip()
    with duckdb.connect(str(published / name), read_only=True) as con:
        return con.execute("select count(*) from marts.fct_response where is_suspect").fetchone()[0]


MISSING: Cell = (0, 0, 0.0, True)


def _same(a: Cell, b: Cell) -> bool:
    return a[0] == b[0] and a[1] == b[1] and a[3] == b[3] and abs(a[2] - b[2]) <= SCORE_TOLERANCE


def compare(named: dict[str, dict]) -> tuple[int, list[str]]:
    """(cells, mismatches) between score tables {name: {key: (n, n_positive, score,
    is_suppressed)}}: a cell one side lacks counts as a mismatch."""
    keys = sorted(set().union(*named.values()))
    bad = []
    for k in keys:
        values = {name: cells.get(k, MISSING) for name, cells in named.items()}
        first = next(iter(values.values()))
        if not all(_same(first, v) for v in values.values()):
            shown = ", ".join(
                f"{name} ({', '.join(VALUES)}) = ({v[0]}, {v[1]}, {v[2]:.4f}, {v[3]})"
                for name, v in values.items()
            )
            bad.append(f"{'/'.join(map(str, k))}: {shown}")
    return len(keys), bad


def record_ids(landing: Path) -> dict[str, set[str]]:
    """Record ids per source (case ids for case events), read the way the floor reads files."""
    con = duckdb.connect()
    tmp = landing.parent / ".ids-tmp"
    tmp.mkdir(exist_ok=True)
    ids: dict[str, set[str]] = {}
    tp = [
        F._csv_scan(f, F._header(f.path, "utf-8", ","), ("form_id", "id"), ",", "utf-8")
        for f in L.delivered_files(landing, "touchpoints", (".csv",))
    ]
    ids["touchpoints"] = _ids(con, tp, "form_id || ':' || id")
    api = [
        f"select response_id from read_json({F._lit(f.path)}, format = 'newline_delimited', "
        "columns = {response_id: 'VARCHAR'}, ignore_errors = true)"
        for f in L.delivered_files(landing, "agency_api", (".jsonl", ".json", ".ndjson"))
    ]
    ids["agency_api"] = _ids(con, api, "response_id")
    cc = []
    for f in L.delivered_files(landing, "contact_center", (".csv",)):
        path = L.transcode(f.path, "cp1252", tmp / f"{f.seq}.csv")
        cc.append(F._csv_scan(f.__class__(f.source, path, f.rel, f.seq),
                              F._header(path, "utf-8", ";"), ("callid",), ";", "utf-8"))  # fmt: skip
    ids["contact_center"] = _ids(con, cc, "callid")
    # Case ids are not a feedback record key, but a reused one merges two journeys.
    ce = [
        f"select case_id from read_parquet({F._lit(f.path)})"
        if f.path.suffix.lower() == ".parquet"
        else "select case_id from ("
        + F._csv_scan(f, F._header(f.path, "utf-8", ","), ("case_id",), ",", "utf-8")
        + ")"
        for f in L.delivered_files(landing, "case_events", (".csv", ".parquet"))
    ]
    ids["case_events"] = _ids(con, ce, "case_id")
    shutil.rmtree(tmp, ignore_errors=True)
    return ids


def _ids(con: duckdb.DuckDBPyConnection, scans: list[str], expr: str) -> set[str]:
    if not scans:
        return set()
    sql = f"select distinct trim({expr}) as k from ({F.UNION_ALL.join(scans)}) where k <> ''"
    return {r[0] for r in con.execute(sql).fetchall()}


def deliver_increment(tag: str, work: Path, n: int, seed: int, res: ScaleResult) -> None:
    """Generate n responses with another seed; move them into the landing zone as new files.

    Service volumes are not moved (see below). Moved files keep their relative order but are dated after every earlier file
    (mtime is the delivery order), in a folder per delivery so no name is reused.
    """
    incoming = work / "incoming"
    gen = run_measured(_cxwh("generate", "--responses", str(n), "--seed", str(seed),
                             "--out", str(incoming), "--quiet"), log=work / "logs" / "gen-inc.log")  # fmt: skip
    _measured(tag, f"generate increment ({n:,} responses, seed {seed})", gen)
    landing = work / "landing"
    old_ids, new_ids = record_ids(landing), record_ids(incoming)
    res.inc_collisions = {s: len(old_ids[s] & new_ids[s]) for s in old_ids}
    if any(res.inc_collisions.values()):
        say(tag, f"WARNING: ids from seed {seed} collide with the first delivery: "
                 f"{res.inc_collisions} — the generator reuses ids across seeds (reported, "
                 "not worked around: these records are re-deliveries now)")  # fmt: skip
    # Volumes are per service x quarter counts, not responses: a day's delivery does not
    # restate them (the generator's volumes for 1% of the responses would make the
    # response rate of every quarter exceed 1, which the build rightly refuses).
    files = [
        p
        for p in incoming.rglob("*")
        if p.is_file() and p.relative_to(incoming).parts[0] != "service_volumes"
    ]
    latest = max(p.stat().st_mtime_ns for p in landing.rglob("*") if p.is_file())
    first = min(p.stat().st_mtime_ns for p in files)
    shift = latest - first + 1_000_000_000
    for p in files:
        source, rest = p.relative_to(incoming).parts[0], p.relative_to(incoming).parts[1:]
        dest = landing / source / f"delivery-seed{seed}" / Path(*rest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        mtime = p.stat().st_mtime_ns + shift
        shutil.move(p, dest)
        os.utime(dest, ns=(mtime, mtime))
    shutil.rmtree(incoming, ignore_errors=True)


def _worker_peak_rss(pid: int) -> int:
    """A process's own peak resident set (VmHWM), in bytes; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_worker(tag: str, work: Path, wdir: Path, inc: int, seed: int) -> WorkerRuns:
    """The scale's two deliveries again, in `wdir` (its landing zone a copy of the first
    delivery), through a resident `cxwh worker`; its marts checked against `work`'s."""
    env = {**PATH_ENV, "CX_DATA_DIR": str(wdir)}
    (wdir / "logs").mkdir(parents=True, exist_ok=True)
    ready = run_measured(_cxwh("worker", "--detach", "--idle-minutes", "30"), env=env,
                         log=wdir / "logs" / "worker-start.log")  # fmt: skip
    _measured(tag, "cxwh worker --detach", ready)
    pids = []
    try:
        full, data = _run_with_summary(tag, wdir, "worker-full")
        pids.append(data.get("worker_pid"))
        w = WorkerRuns(full, ready_seconds=ready.seconds)
        if full.success:
            deliver_increment(tag, wdir, inc, seed, ScaleResult(tag, 0, ready, full))
            w.incremental, data = _run_with_summary(tag, wdir, "worker-incremental")
            pids.append(data.get("worker_pid"))
        w.served = all(pids) and len(set(pids)) == 1
        w.peak_rss = _worker_peak_rss(pids[0]) if pids[0] else 0
    finally:
        run_measured(_cxwh("worker", "--stop"), env=env, log=wdir / "logs" / "worker-stop.log")
    if w.full.success and (w.incremental is None or w.incremental.success):
        w.cells, w.mismatches = compare(
            {"cold runs": mart_scores(work), "worker": mart_scores(wdir)}
        )
    say(tag, f"worker: full {w.full.seconds:,.1f} s"
             + (f", +1 % {w.incremental.seconds:,.1f} s" if w.incremental else "")
             + f"; served {w.served}; {w.cells} cells compared, {len(w.mismatches)} differ")  # fmt: skip
    return w


def _pipeline(tag: str, work: Path, name: str) -> tuple[Measured, dict]:
    summary = work / f"{name}-summary.json"
    m = run_measured(_cxwh("pipeline", "--summary-json", str(summary)),
                     env={**PATH_ENV, "CX_DATA_DIR": str(work)}, log=work / "logs" / f"{name}.log")  # fmt: skip
    _measured(tag, f"{name} (cxwh pipeline)", m)
    data = json.loads(summary.read_text()) if summary.exists() else {}
    if data.get("step_seconds"):
        steps = ", ".join(f"{k} {v:,.1f} s" for k, v in data["step_seconds"].items())
        say(tag, f"  steps: {steps}")
    return m, data


def _baseline(tag: str, work: Path, module: str, out: Path, **limits) -> Measured:
    cmd = [PY, "-m", f"benchmarks.{module}", str(work / "landing"), str(out)]
    log = work / "logs" / f"{out.stem}.log"
    return _measured(tag, module, run_measured(cmd, env=PATH_ENV, log=log, **limits))


def _pandas_status(m: Measured) -> str:
    if m.ok:
        return "ok"
    if m.timed_out:
        return "timeout"
    log = m.log.read_text(errors="replace") if m.log else ""
    if m.returncode in (3, -9) or "MemoryError" in log:
        return "out of memory"
    return "failed"


def gate(tag: str, work: Path, name: str, run: PipelineRun) -> Gate:
    """Floor, pandas and the published marts on every cell, after one pipeline run.

    A baseline that did not finish fails the gate, unless the reason is one the report
    states and that says nothing about correctness: pandas running out of its memory cap
    or its time limit (at 10M it needs more than the machine has)."""
    g = Gate(name)
    suffix = "" if name == "full" else f"-{name}"
    g.floor = _baseline(tag, work, "floor", work / f"floor{suffix}.parquet")
    g.pandas = _baseline(tag, work, "pandas_pipeline", work / f"pandas{suffix}.parquet",
                         timeout=PANDAS_TIMEOUT, memory_limit=PANDAS_MEMORY)  # fmt: skip
    g.pandas_status = _pandas_status(g.pandas)
    named = {"marts": mart_scores(work)}
    g.suspects = suspect_responses(work)
    if g.floor.ok:
        named["floor"] = scores_of(work / f"floor{suffix}.parquet")
    else:
        g.mismatches.append(f"the floor did not finish (exit {g.floor.returncode}): "
                            + g.floor.tail(3).replace("\n", " | "))  # fmt: skip
    if g.pandas_status == "ok":
        named["pandas"] = scores_of(work / f"pandas{suffix}.parquet")
    elif g.pandas_status == "failed":
        g.mismatches.append(f"the pandas baseline failed (exit {g.pandas.returncode}): "
                            + g.pandas.tail(3).replace("\n", " | "))  # fmt: skip
    g.compared = list(named)
    g.cells, bad = compare(named) if len(named) > 1 else (0, [])
    g.mismatches.extend(bad)
    if g.mismatches or len(named) < 2:
        say(tag, f"CORRECTNESS GATE ({name}) FAILED: {len(bad)} of {g.cells} cells differ "
                 f"({' / '.join(named)}); {len(g.mismatches) - len(bad)} baselines did not run")  # fmt: skip
        for line in g.mismatches[:20]:
            print("   ", line, flush=True)
    else:
        shown = " = ".join(named)
        extra = f" (pandas: {g.pandas_status})" if g.pandas_status != "ok" else ""
        say(tag, f"correctness gate ({name}) passed: {g.cells} cells equal ({shown}){extra}")
    return g


def _run(tag: str, work: Path, name: str) -> PipelineRun:
    return _run_with_summary(tag, work, name)[0]


def _run_with_summary(tag: str, work: Path, name: str) -> tuple[PipelineRun, dict]:
    m, summary = _pipeline(tag, work, name)
    dbt = summary.get("dbt") or {}
    say(tag, f"  dbt: {dbt.get('nodes', 0)} nodes {dbt.get('by_kind', {})}")
    run = PipelineRun(m, bool(m.ok and summary.get("success")),
                      summary.get("step_seconds", {}), dbt)  # fmt: skip
    return run, summary


def spark_scores(data_dir: Path) -> dict[tuple, Cell]:
    """The Spark build's agg_quarterly_service_scores (Parquet under lake/marts.db/)."""
    path = data_dir / "lake" / "marts.db" / "agg_quarterly_service_scores"
    with duckdb.connect() as con:
        df = con.execute(
            "select service_id, fiscal_year, fiscal_quarter, channel, driver, n, n_positive, "
            f"score, is_suppressed from read_parquet('{path}/*.parquet')"
        ).df()
    return _cells(df)


def run_spark(tag: str, work: Path) -> SparkRun:
    """`cxwh pipeline --engine spark` on the landing zone the DuckDB run loaded, and its
    scores against DuckDB's marts, cell by cell."""
    summary = work / "spark-summary.json"
    m = run_measured(_cxwh("pipeline", "--engine", "spark", "--summary-json", str(summary)),
                     env={**PATH_ENV, "CX_DATA_DIR": str(work)}, log=work / "logs" / "spark.log")  # fmt: skip
    _measured(tag, "spark (cxwh pipeline --engine spark)", m)
    data = json.loads(summary.read_text()) if summary.exists() else {}
    sp = SparkRun(PipelineRun(m, bool(m.ok and data.get("success")),
                              data.get("step_seconds", {}), data.get("dbt") or {}))  # fmt: skip
    if not sp.run.success:
        sp.mismatches.append("the Spark pipeline failed: " + m.tail(3).replace("\n", " | "))
        return sp
    duck = mart_scores(work, primary_only=False)
    sp.cells, sp.mismatches = compare({"duckdb": duck, "spark": spark_scores(work)})
    say(tag, f"spark: {sp.cells} cells compared, {len(sp.mismatches)} differ")
    return sp


def run_scale(
    n: int, root: Path, seed: int, runs: int, spark: bool = False, worker: bool = False
) -> ScaleResult:
    tag = label(n)
    work = root / tag
    wdir = root / f"{tag}-worker"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(wdir, ignore_errors=True)
    (work / "logs").mkdir(parents=True)
    gen = run_measured(_cxwh("generate", "--responses", str(n), "--seed", str(seed), "--out",
                             str(work / "landing"), "--quiet"), log=work / "logs" / "generate.log")  # fmt: skip
    _measured(tag, f"generate ({n:,} responses)", gen)
    res = ScaleResult(tag, n, gen, _run(tag, work, "pipeline"))
    if not res.full.success:
        say(tag, "the pipeline FAILED: no gate, no incremental, no dashboard for this scale")
        res.failures.append("pipeline failed: " + res.full.measured.tail(5).replace("\n", " | "))
        return res
    res.gates.append(gate(tag, work, "full", res.full))
    if spark:
        res.spark = run_spark(tag, work)

    inc = max(n // 100, MIN_INCREMENT)
    if worker:  # the first delivery as it landed (mtimes kept: they are the delivery order)
        shutil.copytree(work / "landing", wdir / "landing")
    deliver_increment(tag, work, inc, seed + 1, res)
    res.inc_responses = inc
    res.incremental = _run(tag, work, "incremental")
    if res.incremental.success:
        res.gates.append(gate(tag, work, "incremental", res.incremental))
    else:
        failed = [
            ln
            for ln in res.incremental.measured.tail(60).splitlines()
            if "FAIL" in ln or "rror" in ln
        ]
        res.failures.append("incremental pipeline failed: " + " | ".join(failed[-3:]))

    res.rerun = _run(tag, work, "nothing-new")
    if not res.rerun.success:
        res.failures.append("the run with nothing new failed")
    if worker and res.incremental.success:
        res.worker = run_worker(tag, work, wdir, inc, seed + 1)
        shutil.rmtree(wdir, ignore_errors=True)

    out = work / "dashboard.json"
    dash = run_measured([PY, "-m", "benchmarks.dashboard", str(out), str(runs)],
                        env={**PATH_ENV, "CX_DATA_DIR": str(work)}, log=work / "logs" / "dashboard.log")  # fmt: skip
    if out.exists():
        res.dashboard = json.loads(out.read_text())
        res.dashboard_runs = runs
        say(tag, f"dashboard: {len(res.dashboard)} queries, max p95 {res.max_p95 or 0:.1f} ms")
    else:
        _measured(tag, "dashboard", dash)
    return res


def machine() -> list[str]:
    cpu = platform.processor() or "unknown CPU"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = ", ".join(
        f"{p} {metadata.version(p)}"
        for p in ("duckdb", "dbt-core", "dbt-duckdb", "dagster", "pandas")
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        f"machine: {cpu}, {os.cpu_count()} cores, {psutil.virtual_memory().total / GIB:.1f} GiB RAM "
        f"({platform.system()} {platform.release()}); load average at start {load}",
        f"versions: Python {platform.python_version()}, {versions}",
    ]


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[1]
    )
    ap.add_argument(
        "--scales",
        default="20k,100k,1m,10m",
        help="comma list of response counts: 20k, 1m, 10m or integers "
        "(default 20k,100k,1m,10m: the demo, and the scales the targets are set at)",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=here / "results.md",
        help="results file to add this run to, newest first (default benchmarks/results.md); "
        "the chart time_vs_scale.svg is written next to it",
    )
    ap.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/cxwh-bench"),
        help="scratch directory, one CX_DATA_DIR per scale (default /tmp/cxwh-bench)",
    )
    ap.add_argument(
        "--keep", action="store_true", help="keep each scale's data (deleted by default)"
    )
    ap.add_argument(
        "--seed",
        type=int,
        default=SEED,
        help=f"generator seed (default {SEED}; +1 for the increment)",
    )
    ap.add_argument("--dashboard-runs", type=int, default=20, help="timed runs per dashboard query")
    ap.add_argument(
        "--spark",
        default="1m",
        help="scales (of --scales) that also build on Spark, `cxwh pipeline --engine "
        "spark`, compared with DuckDB cell by cell (default 1m; 'none' for none; needs "
        "pip install '.[spark]')",
    )
    ap.add_argument(
        "--worker",
        default="20k,100k,1m",
        help="scales (of --scales) whose two deliveries are run again through a resident "
        "`cxwh worker`, in a second data directory, and checked against the first "
        "(default 20k,100k,1m; 'none' for none)",
    )
    ap.add_argument("--note", default="", help="a line about the conditions, added to results.md")
    args = ap.parse_args(argv)  # fmt: skip
    scales = [parse_scale(s) for s in args.scales.split(",") if s.strip()]
    spark = {parse_scale(s) for s in args.spark.split(",") if s.strip() and s != "none"}
    worker = {parse_scale(s) for s in args.worker.split(",") if s.strip() and s != "none"}
    started = datetime.now(UTC)
    results = []
    for n in scales:
        t0 = time.perf_counter()
        results.append(
            run_scale(n, args.workdir, args.seed, args.dashboard_runs, n in spark, n in worker)
        )
        say(label(n), f"scale done in {time.perf_counter() - t0:,.0f} s")
        if not args.keep:
            shutil.rmtree(args.workdir / label(n), ignore_errors=True)
    heading = f"{started:%Y-%m-%d %H:%M} UTC — scales {', '.join(r.label for r in results)}"
    notes = args.note or (
        "Shared machine: other work ran on the same cores, so timings are noisy "
        "(compare ratios within a run rather than seconds across runs)."
    )
    earlier = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    prepend(args.out, run_section(heading, machine(), results, notes))
    # the scales this run skipped keep their newest points from the last two days' runs
    chart = chart_svg(chart_points(results, earlier, since=started - timedelta(days=2)))
    (args.out.parent / "time_vs_scale.svg").write_text(chart, encoding="utf-8")
    print(f"\nResults added to {args.out}; chart {args.out.parent / 'time_vs_scale.svg'}\n")
    ok = True
    for r in results:
        print(r.one_line())
        ok = ok and r.gate_ok
    if not ok:
        print(
            "\nINVALID RUN: the correctness gate failed (see above and results.md).",
            file=sys.stderr,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
