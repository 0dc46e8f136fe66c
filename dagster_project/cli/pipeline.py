"""`cxwh pipeline`: one in-process Dagster run of every asset, then a short summary.

The run is recorded in the Dagster instance under $DAGSTER_HOME (default
$CX_DATA_DIR/dagster_home), so `make dev` shows it with its asset checks afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from datetime import UTC, datetime

import duckdb

from dagster_project.core.lock import EXIT_LOCKED, PipelineLockedError, pipeline_lock
from dagster_project.core.settings import SOURCES, Settings, get_settings
from dagster_project.core.warehouse import connect_warehouse

LOAD_COLUMNS = (
    "source", "status", "files", "rows_read", "rows_loaded", "rows_quarantined",
    "answers_quarantined",
)  # fmt: skip


def _bad_files(settings: Settings, since: datetime) -> list[tuple]:
    """(file, status, message) of the files this run rejected or could not load."""
    if not settings.warehouse_path.exists():
        return []
    with _summary_connection(settings) as con:
        if con is None:
            return []
        return con.execute(
            "select _source_file, status, message from raw.load_log where started_at >= ? "
            "and status in ('rejected', 'failed') order by load_id",
            [since],
        ).fetchall()


def _load_summary(settings: Settings, since: datetime) -> list[tuple]:
    if not settings.warehouse_path.exists():
        return []
    with _summary_connection(settings) as con:
        if con is None:
            return []
        return con.execute(
            """
            select _source, status, count(*), coalesce(sum(rows_read), 0),
                   coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0),
                   coalesce(sum(answers_quarantined), 0)
            from raw.load_log where started_at >= ?
            group by all order by 1, 2
            """,
            [since],
        ).fetchall()


@contextlib.contextmanager
def _summary_connection(settings: Settings):
    """The warehouse, read-only, for the summary; a step that failed half-way can leave
    DuckDB's handle of the file open in this process with other settings, which DuckDB
    refuses to open again: the summary then says so and goes on without the load
    counts, so that the run's own error and exit status still come out."""
    try:
        con = connect_warehouse(settings, read_only=True)
    except duckdb.ConnectionException as exc:
        print(f"(the load summary could not read the warehouse: {str(exc).splitlines()[0]})")
        yield None
        return
    with con:
        yield con


def step_seconds(instance, run_id: str) -> dict[str, float]:
    """Wall-clock seconds of each step of the run, from its start and end events."""
    started: dict[str, float] = {}
    seconds: dict[str, float] = {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = record.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            seconds[event.step_key] = round(
                record.timestamp - started.get(event.step_key, record.timestamp), 3
            )
    return seconds


def phase_seconds(steps: dict[str, float]) -> dict[str, float]:
    """Step times grouped: ingest, its checks, the dbt build, publish."""
    phases = {
        "ingest": 0.0, "ingest checks": 0.0, "dbt build + tests": 0.0, "publish": 0.0,
        "alert delivery": 0.0,
    }  # fmt: skip
    for step, seconds in steps.items():
        if step == "raw":  # every source, loaded in parallel by one step
            phase = "ingest"
        elif step.startswith("raw__"):
            phase = "ingest" if step.count("__") == 1 and step[5:] in SOURCES else "ingest checks"
        elif step.startswith("published__"):
            phase = "publish"
        elif step.startswith("alerts__"):
            phase = "alert delivery"
        else:
            phase = "dbt build + tests"
        phases[phase] += seconds
    return phases


def _print_summary(
    result, instance, settings: Settings, since: datetime, elapsed: float, engine: str = "duckdb"
) -> dict:
    from dagster import DagsterEventType

    rows = _load_summary(settings, since)
    print("\nLoaded this run (files by status; rows read = loaded + quarantined):")
    if not rows:
        print("  no new files in", settings.landing_dir)
    for source, status, files, read, loaded, quarantined, answers in rows:
        print(
            f"  {source:<16} {status:<12} {files:>5} files  {read:>12,} read  "
            f"{loaded:>12,} loaded  {quarantined:>8,} quarantined  {answers:>8,} answers quarantined"
        )
    for name, status, message in _bad_files(settings, since):
        print(f"  {status.upper()}: {name} — {message}")
    events = result.all_events
    from dagster_project.core.publish import CheckResult, current_snapshot

    checks = [
        CheckResult(
            e.event_specific_data.check_name,
            e.event_specific_data.asset_key.to_user_string(),
            e.event_specific_data.passed,
            e.event_specific_data.severity.value,
            e.event_specific_data.description or "",
        )
        for e in events
        if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
    ]
    failed = [c for c in checks if c.failed]
    warned = [c for c in checks if c.warned]
    built = sum(e.event_type == DagsterEventType.ASSET_MATERIALIZATION for e in events)
    print(
        f"\nAssets materialised: {built}   checks: {len(checks)} run, {len(failed)} failed, "
        f"{len(warned)} warnings"
    )
    for c in failed + warned:
        label = "FAILED" if c.failed else "warning"
        print(
            f"  {label}: {c.asset} · {c.check_name}"
            + (f" — {c.description}" if c.description else "")
        )

    snap = current_snapshot(settings)
    if snap is not None:
        print(f"Published snapshot: {snap}")
    _print_deliveries(settings, since)
    steps = step_seconds(instance, result.run_id)
    from dagster_project.core.build_state import last_dbt_run
    from dagster_project.defs.assets.dbt import SPARK_TARGET_DIR

    target_dir = SPARK_TARGET_DIR if engine == "spark" else "target"
    dbt = last_dbt_run(settings, since.timestamp(), target_dir)
    if dbt is None:
        print("dbt: no nodes ran (nothing new or changed, or the run stopped before dbt).")
    else:
        kinds = ", ".join(f"{n} {k}s" for k, n in sorted(dbt["by_kind"].items()))
        print(f"dbt: {dbt['nodes']} nodes ({kinds}) in {dbt['seconds']:,.1f} s.")
    print("Time by phase: " + ", ".join(f"{k} {v:,.1f} s" for k, v in phase_seconds(steps).items()))
    print(f"Run {result.run_id} took {elapsed:,.1f} s. Inspect it with `make dev`.")
    return {
        "run_id": result.run_id,
        "success": result.success,
        "seconds": elapsed,
        "step_seconds": steps,
        "dbt": dbt or {"nodes": 0, "by_kind": {}, "seconds": 0.0, "slowest": []},
        "checks_run": len(checks),
        "checks_failed": len(failed),
        "checks_warned": len(warned),
        "files": [dict(zip(LOAD_COLUMNS, r, strict=True)) for r in rows],
    }


def _print_deliveries(settings: Settings, since: datetime) -> None:
    """What the run's alert delivery did (docs/alerts.md), when a destination is set."""
    from dagster_project.core.alert_delivery import recent_deliveries
    from dagster_project.core.settings import alert_delivery

    if not alert_delivery().configured or not settings.warehouse_path.exists():
        return
    with _summary_connection(settings) as con:
        rows = [] if con is None else recent_deliveries(con, since)
    if not rows:
        print("Alerts: nothing new to deliver.")
    for channel, destination, status, alerts, error in rows:
        line = f"Alerts: {alerts} {status} by {channel} to {destination}"
        if status == "failed":
            line += f" — {error}; tried again on the next run"
        print(line)


def run_pipeline(
    skip_dbt: bool = False,
    summary_json: str | None = None,
    wait_seconds: float = 0.0,
    force: bool = False,
    engine: str = "duckdb",
    worker_pid: int | None = None,
) -> int:
    """`cxwh pipeline`; 0 on success, 1 on failure, EXIT_LOCKED if another run holds the lock.
    `worker_pid`: the resident worker running it (cli/worker.py), recorded in the summary."""
    if engine == "spark" and (problem := spark_missing()):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    settings = get_settings()
    os.environ["CX_DATA_DIR"] = str(settings.data_dir)
    from dagster_project.core.settings import SettingsError, alert_delivery

    try:
        alert_delivery()  # a half-configured destination stops here, not after the build
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not settings.landing_dir.exists():
        print(
            f"error: no landing zone at {settings.landing_dir}.\n"
            "Put agency files under $CX_DATA_DIR/landing/<source>/ or generate a demo with "
            "`cxwh generate --responses 200000 --seed 1`.",
            file=sys.stderr,
        )
        return 2

    def stale(holder) -> None:
        print(
            f"cxwh pipeline: cleared the lock of a run that ended unfinished ({holder.describe()})."
        )

    try:
        with pipeline_lock(settings, wait_seconds=wait_seconds, on_stale=stale):
            start = time.perf_counter()
            spark = engine == "spark"
            reason = None if force or skip_dbt or spark else nothing_new(settings)
            if reason is not None:
                code = _report_nothing_new(settings, reason, summary_json, start, worker_pid)
                return code or _deliver_waiting_alerts(settings)
            return _run_locked(settings, skip_dbt, summary_json, engine, worker_pid)
    except PipelineLockedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_LOCKED


def spark_missing() -> str | None:
    """Why `--engine spark` cannot run here (the extra or Java missing), or None."""
    import importlib.util
    import shutil

    if not all(importlib.util.find_spec(m) for m in ("pyspark", "dbt.adapters.spark")):
        return (
            "--engine spark needs dbt-spark and pyspark: pip install -e '.[spark]' "
            "(in this project's .venv: .venv/bin/pip install -e '.[spark]')"
        )
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "--engine spark needs Java 17 (apt-get install openjdk-17-jre-headless)"
    return None


def nothing_new(settings: Settings) -> str | None:
    """Why a run would change nothing, when that is certain without starting Dagster
    (as the landing-zone sensor skips a tick): no landing file waits to be loaded, no
    dbt model, macro, test or seed changed since the last successful build, and the
    dashboard's snapshot and the last complete quarter's OMB export are both from that
    build. None when there is work, or any doubt: the Dagster run then decides, step by
    step, as always. Plain DuckDB and files: neither Dagster nor dbt is imported."""
    from dagster_project.core.build_state import (
        build_fingerprint,
        manifest_is_stale,
        plan_build,
    )
    from dagster_project.core.export_state import (
        ExportError,
        export_is_current,
        quarters_with_responses,
    )
    from dagster_project.core.fiscal import last_complete_quarter, quarter_label
    from dagster_project.core.publish import published_build
    from dagster_project.core.settings import DBT_MANIFEST_PATH as manifest
    from dagster_project.core.settings import DBT_PROJECT_DIR
    from dagster_project.ingest.loader import pending_files

    if not settings.warehouse_path.exists() or manifest_is_stale(DBT_PROJECT_DIR, manifest):
        return None
    if any(pending_files(source, settings) for source in SOURCES):
        return None
    with connect_warehouse(settings, read_only=True) as con:
        if not plan_build(con, settings, manifest).nothing_to_do:
            return None
    build = build_fingerprint(settings)
    if build is None or published_build(settings) != build:
        return None
    period = last_complete_quarter(datetime.now(UTC).date())
    try:
        if period in quarters_with_responses(settings) and not export_is_current(*period, settings):
            return None
    except ExportError:
        return None
    return (
        f"no landing file waits under {settings.landing_dir}, the dbt project and its seeds "
        f"are unchanged since the last build, and the published snapshot and the "
        f"{quarter_label(*period)} OMB export are from that build"
    )


def _deliver_waiting_alerts(settings: Settings, defs=None, instance=None) -> int:
    """The deliver_alerts job, when alerts wait for a destination and the run did not
    deliver them: a run that publishes nothing skips the daily load's delivery step."""
    from dagster_project.core.alert_delivery import waiting as deliveries_waiting

    waiting = deliveries_waiting(settings)
    if not waiting:
        return 0
    print(f"{waiting} alert deliveries wait (new alerts, or failed before): delivering them.")
    if defs is None:
        from dagster_project.cli.instance import instance as dagster_instance
        from dagster_project.definitions import defs as load_definitions

        defs, instance = load_definitions(), dagster_instance(settings)
    since = datetime.now(UTC)
    result = _execute(defs.resolve_job_def("deliver_alerts"), instance, settings.log_level)
    _print_deliveries(settings, since)
    if result.success:
        return 0
    _print_failures(result)
    print("Delivering the alerts FAILED (the snapshot is published).", file=sys.stderr)
    return 1


def _report_nothing_new(
    settings: Settings,
    reason: str,
    summary_json: str | None,
    start: float,
    worker_pid: int | None = None,
) -> int:
    from dagster_project.core.publish import current_snapshot

    elapsed = time.perf_counter() - start
    print(f"cxwh pipeline: nothing new on {settings.data_dir}: {reason}.")
    print(f"Published snapshot (unchanged): {current_snapshot(settings)}")
    print(
        f"Nothing to load, build or publish; took {elapsed:,.1f} s. `cxwh pipeline --force` "
        "runs the whole pipeline anyway (for instance to evaluate the ingest checks again)."
    )
    if summary_json:
        summary = {
            "run_id": None,
            "success": True,
            "nothing_new": reason,
            "seconds": elapsed,
            "step_seconds": {},
            "dbt": {"nodes": 0, "by_kind": {}, "seconds": 0.0, "slowest": []},
            "checks_run": 0,
            "checks_failed": 0,
            "checks_warned": 0,
            "files": [],
            "worker_pid": worker_pid,
        }
        with open(summary_json, "w") as fh:
            json.dump(summary, fh, indent=2)
    return 0


def _run_locked(
    settings: Settings,
    skip_dbt: bool,
    summary_json: str | None,
    engine: str = "duckdb",
    worker_pid: int | None = None,
) -> int:
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    from dagster_project.cli.instance import instance as dagster_instance

    instance = dagster_instance(settings)
    for run_id, pid in mark_orphaned_runs(instance):
        print(f"cxwh pipeline: run {run_id} (pid {pid}) ended unfinished; marked it failed.")

    from dagster_project.definitions import defs as load_definitions

    defs = load_definitions()

    name = "ingest_only" if skip_dbt else "spark_build" if engine == "spark" else "daily_load"
    job = defs.resolve_job_def(name)
    steps = {
        "ingest_only": "ingest",
        "daily_load": "ingest → dbt build + tests → publish",
        "spark_build": "ingest → raw as Parquet → dbt build + unit tests on Spark",
    }[name]
    # Quarantined rows are counted in the summary (and listed in raw.quarantine and on the
    # Data quality page); the console gets errors only unless asked for more.
    log_level = settings.log_level
    os.environ.setdefault("CX_PROGRESS", "1")
    print(
        f"cxwh pipeline: {job.name} on {settings.data_dir} "
        f"({steps}); "
        f"Dagster logs at {log_level} (CX_LOG_LEVEL=INFO shows every step); dbt's own log "
        f"goes to {settings.data_dir / 'logs'}."
    )
    since = datetime.now(UTC)
    start = time.perf_counter()
    result = _execute(job, instance, log_level)
    if not result.success:  # the run's own error first, whatever the summary meets
        _print_failures(result)
    elapsed = time.perf_counter() - start
    summary = _print_summary(result, instance, settings, since, elapsed, engine)
    summary["worker_pid"] = worker_pid
    if summary_json:
        with open(summary_json, "w") as fh:
            json.dump(summary, fh, indent=2, default=str)
    if not result.success:
        print("The pipeline FAILED; nothing was published from this run.", file=sys.stderr)
        return 1
    if skip_dbt:
        return 0
    if engine == "spark":
        from dagster_project.core.lake import lake_dir

        print(
            f"Spark marts: Parquet tables under {lake_dir(settings)}/marts.db/ (the dashboard "
            "and the OMB export read the DuckDB publish: `cxwh pipeline`)."
        )
        return 0
    delivered = "alerts__deliveries" in summary["step_seconds"]
    code = 0 if delivered else _deliver_waiting_alerts(settings, defs, instance)
    return _export_last_quarter(defs, instance, log_level) or code


def _execute(job, instance, log_level: str, **kwargs):
    """One in-process run of `job` as `cxwh pipeline` starts every run: tagged with this
    process, Dagster's console log at `log_level`, failures returned, not raised."""
    return job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags=run_tags(),
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        **kwargs,
    )


def run_tags() -> dict[str, str]:  # noqa: N802 - a constant computed per process
    """Tags of the runs `cxwh pipeline` starts: which process runs them."""
    return {"cxwh/pid": str(os.getpid()), "cxwh/host": socket.gethostname()}


def mark_orphaned_runs(instance) -> list[tuple[str, str]]:
    """Mark failed the runs `cxwh pipeline` started whose process is gone (killed): left
    as STARTED they would show as running in `make dev` forever. Called with the
    pipeline lock held, so no such run can still be alive on this data directory."""
    from dagster import DagsterRunStatus, RunsFilter

    orphaned = []
    unfinished = [DagsterRunStatus.STARTED, DagsterRunStatus.STARTING]
    for run in instance.get_runs(filters=RunsFilter(statuses=unfinished)):
        pid, host = run.tags.get("cxwh/pid"), run.tags.get("cxwh/host")
        if pid is None or host != socket.gethostname() or _alive(int(pid)):
            continue
        instance.report_run_failed(run, message=f"its process (pid {pid}) ended without finishing")
        orphaned.append((run.run_id, pid))
    return orphaned


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _print_failures(result) -> None:
    for event in result.all_events:
        if event.is_step_failure:
            error = event.event_specific_data.error
            # Dagster wraps the step's own exception: show the innermost message.
            while error.cause is not None:
                error = error.cause
            print(f"\nStep {event.step_key} failed: {error.message.strip()}", file=sys.stderr)


def _export_last_quarter(defs, instance, log_level: str) -> int:
    """The OMB export of the last complete fiscal quarter, as its quarterly schedule would:
    skipped when that quarter has no responses, or its export is already current."""
    from dagster_project.core.export_state import (
        export_is_current,
        has_responses,
        quarters_with_responses,
    )
    from dagster_project.core.fiscal import quarter_label
    from dagster_project.defs.partitions import fiscal_quarter_partitions, partition_key_to_fiscal

    settings = get_settings()
    key = fiscal_quarter_partitions.get_last_partition_key()
    fiscal_year, fiscal_quarter = partition_key_to_fiscal(key)
    label = quarter_label(fiscal_year, fiscal_quarter)
    if not has_responses(settings, fiscal_year, fiscal_quarter):
        quarters = quarters_with_responses(settings)
        have = quarter_label(*quarters[-1]) if quarters else "no quarter"
        print(
            f"OMB export skipped: no responses in the last complete quarter, {label} (the "
            f"data ends in {have}). Export a quarter with data with "
            "`cxwh export --fiscal-year Y --quarter Q`."
        )
        return 0
    if export_is_current(fiscal_year, fiscal_quarter, settings):
        print(f"OMB export {label}: up to date (nothing was built since it was written).")
        return 0
    result = _execute(defs.resolve_job_def("omb_quarterly_export"), instance, log_level,
                      partition_key=key)  # fmt: skip
    if result.success:
        return 0
    _print_failures(result)
    print("The OMB export FAILED (the dashboard snapshot was published).", file=sys.stderr)
    return 1
