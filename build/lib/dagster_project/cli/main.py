"""`cxwh`: the one command-line entry point.

Each sub-command imports its module lazily so that `cxwh --help` stays instant.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from dagster_project.core.settings import dashboard_server


def _generate(args: argparse.Namespace) -> int:
    from dagster_project.core.settings import get_settings
    from dagster_project.generate import generate_feeds

    out = Path(args.out) if args.out else get_settings().landing_dir
    generate_feeds(out_dir=out, responses=args.responses, seed=args.seed, progress=not args.quiet)
    return 0


def _pipeline(args: argparse.Namespace, worker_pid: int | None = None) -> int:
    if worker_pid is None and not args.no_worker and args.engine == "duckdb":
        # A resident `cxwh worker` for this data directory runs it without start-up.
        from dagster_project.cli.worker import delegate

        code = delegate(args.argv, args.wait)
        if code is not None:
            return code
    from dagster_project.cli.pipeline import run_pipeline

    return run_pipeline(
        skip_dbt=args.ingest_only,
        summary_json=args.summary_json,
        wait_seconds=args.wait,
        force=args.force,
        engine=args.engine,
        worker_pid=worker_pid,
    )


def _worker(args: argparse.Namespace) -> int:
    from dagster_project.cli import worker

    try:
        minutes = worker.idle_minutes_default() if args.idle_minutes is None else args.idle_minutes
    except worker.WorkerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.stop:
        return worker.stop()
    if args.status:
        return worker.status()
    if args.detach:
        return worker.start_detached(minutes)
    return worker.serve(minutes)


def _dashboard(args: argparse.Namespace) -> int:
    from dagster_project.core.settings import PROJECT_ROOT

    app = PROJECT_ROOT / "app" / "streamlit_app.py"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(args.port), "--server.address", args.address,
        # always headless: a non-headless Streamlit that never ran on this machine asks
        # for an e-mail on stdin, which stops `make run` without a terminal
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    url = f"http://{args.address}:{args.port}"
    print(f"Dashboard: {url}  (Ctrl+C to stop)")
    if not args.headless and _can_open_browser():
        _open_browser_when_up(url)
    os.execv(sys.executable, cmd)
    return 0  # not reached


def _can_open_browser() -> bool:
    """A browser can open where there is a desktop: a display on Linux, or macOS/Windows."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _open_browser_when_up(url: str) -> None:
    """Open `url` in a browser once the server answers (a detached helper process, since
    this one becomes Streamlit); it gives up quietly after a minute."""
    helper = (
        "import time, urllib.request, webbrowser, sys\n"
        "for _ in range(120):\n"
        "    try:\n"
        "        urllib.request.urlopen(sys.argv[1] + '/_stcore/health', timeout=1)\n"
        "        webbrowser.open(sys.argv[1]); break\n"
        "    except Exception: time.sleep(0.5)\n"
    )
    subprocess.Popen(
        [sys.executable, "-c", helper, url],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def _export(args: argparse.Namespace) -> int:
    import json

    from dagster_project.defs.assets.export import ExportError, write_export

    try:
        out = write_export(fiscal_year=args.fiscal_year, fiscal_quarter=args.quarter)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    status = json.loads((out / "manifest.json").read_text())["status"]
    if status == "ready" or (status == "review" and args.allow_warnings):
        return 0
    fix = "fix the errors above" if status == "not_ready" else "review the warnings above"
    print(
        f"error: the export is written but {status.replace('_', ' ')}: {fix}"
        + ("" if status == "not_ready" else ", then accept them with --allow-warnings"),
        file=sys.stderr,
    )
    return 1


def _count(text: str) -> int:
    """A whole number of responses, 0 or more (so `--responses -1` is a usage error)."""
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cxwh",
        description="Federal CX warehouse: load agency feedback, build the A-11 marts, "
        "publish the quarterly dashboard and the OMB export. Data lives under "
        "$CX_DATA_DIR (default ./data).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = sub.add_parser("generate", help="write realistic demo agency feeds")
    gen.add_argument(
        "--responses",
        type=_count,
        default=200_000,
        help="total survey responses across sources (default 200000)",
    )
    gen.add_argument(
        "--seed", type=int, default=2026, help="random seed; same seed, same files (default 2026)"
    )
    gen.add_argument("--out", help="landing directory to write (default $CX_DATA_DIR/landing)")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(func=_generate)

    pipe = sub.add_parser(
        "pipeline",
        help="materialise every asset once: ingest, dbt build with tests, publish, and the "
        "OMB export of the last complete fiscal quarter",
    )
    pipe.add_argument(
        "--ingest-only", action="store_true", help="load the landing zone into raw.* and stop"
    )
    pipe.add_argument("--summary-json", metavar="PATH", help="also write the run summary as JSON")
    pipe.add_argument(
        "--force",
        action="store_true",
        help="start a Dagster run even when nothing is new (by default such a run is "
        "skipped in about a second: no landing file waits, no dbt change, the snapshot "
        "and the last quarter's export current)",
    )
    pipe.add_argument(
        "--wait",
        nargs="?",
        type=float,
        const=3600.0,
        default=0.0,
        metavar="SECONDS",
        help="if another pipeline is running on this data directory, wait for it (up to "
        "SECONDS, default an hour) instead of exiting with status 75",
    )
    pipe.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="where dbt builds the models: duckdb (default: ingest, build, publish the "
        "dashboard's snapshot, deliver alerts, export) or spark (ingest, raw staged as "
        "Parquet, dbt build with every data and unit test on a local SparkSession; the "
        "marts are Parquet tables under $CX_DATA_DIR/lake/; needs pip install '.[spark]')",
    )
    pipe.add_argument(
        "--no-worker",
        action="store_true",
        help="run in this process even when a `cxwh worker` serves this data directory",
    )
    pipe.set_defaults(func=_pipeline)

    work = sub.add_parser(
        "worker",
        help="a resident process that runs `cxwh pipeline` for $CX_DATA_DIR without "
        "start-up (imports, Dagster, the dbt manifest loaded once)",
        description="Serve `cxwh pipeline` for $CX_DATA_DIR from a resident process: each "
        "run skips the ~4-5 s of start-up a new process pays. `cxwh pipeline` uses the "
        "worker when one serves its data directory with the same code and settings, and "
        "runs in its own process otherwise. See docs/worker.md.",
    )
    action = work.add_mutually_exclusive_group()
    action.add_argument(
        "--detach", action="store_true", help="start it in the background and return once ready"
    )
    action.add_argument("--stop", action="store_true", help="stop the worker of $CX_DATA_DIR")
    action.add_argument(
        "--status", action="store_true", help="say whether a worker serves $CX_DATA_DIR"
    )
    work.add_argument(
        "--idle-minutes",
        type=float,
        default=None,
        metavar="MINUTES",
        help="exit after this long without a request (default $CX_WORKER_IDLE_MINUTES or "
        "60; 0 never)",
    )
    work.set_defaults(func=_worker)

    port, address = dashboard_server()
    dash = sub.add_parser(
        "dashboard", help="serve the Streamlit dashboard on the published snapshot"
    )
    dash.add_argument(
        "--port",
        type=int,
        default=port,
        help="port to serve on (default $CX_DASHBOARD_PORT or 8501)",
    )
    dash.add_argument(
        "--address",
        default=address,
        help="address to bind (default $CX_DASHBOARD_ADDRESS or localhost)",
    )
    dash.add_argument(
        "--headless",
        action="store_true",
        help="never open a browser (one opens by default only where a display is)",
    )
    dash.set_defaults(func=_dashboard)

    exp = sub.add_parser("export", help="write the OMB quarterly CX data collection files")
    exp.add_argument(
        "--fiscal-year", type=int, required=True, help="federal fiscal year, e.g. 2026"
    )
    exp.add_argument(
        "--quarter", type=int, required=True, choices=[1, 2, 3, 4], help="fiscal quarter"
    )
    exp.add_argument(
        "--allow-warnings",
        action="store_true",
        help="exit 0 when the export has warnings only (errors always exit 1); the "
        "problems stay listed in its manifest.json",
    )
    exp.set_defaults(func=_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The `cxwh` console script: `main`, then exit without tearing the heap down.

    A pipeline run leaves dbt's manifest and Dagster's definitions in memory; freeing
    them object by object at interpreter exit takes a second for nothing. Everything
    the run writes is committed and closed before `main` returns, so the process ends
    as soon as its output is flushed."""
    import logging

    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code or 0))


if __name__ == "__main__":
    run()
