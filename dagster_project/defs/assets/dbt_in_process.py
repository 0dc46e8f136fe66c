"""`dbt build` inside this process, streamed as dagster-dbt's own asset events.

dagster-dbt's `DbtCliResource` starts a new dbt process per run: a Python interpreter,
dbt's imports (~2.5 s here) and a parse of the project (~4 s partial, ~9 s full — full
whenever the profile differs from the one the project was parsed with, as it does in
every new data directory). Here dbt runs through its programmatic API
(`dbtRunner`) in a worker thread of this process, from the manifest `prepare_manifest`
wrote (loaded once, ~0.5 s), so a run pays only for the nodes it builds. dbt's result
events are converted with dagster-dbt's `DbtCoreCliEventMessage`, exactly as a CLI run
would be: the same materializations, the same asset checks.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

RESULT_EVENTS = {"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"}
_DONE = object()


@cache
def _manifest(msgpack_path: str, mtime_ns: int):
    """The parsed dbt manifest saved by `dbt parse` (its partial-parse file)."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    manifest = Manifest.from_msgpack(
        Path(msgpack_path).read_bytes(), decoder=extended_mashumuro_decoder
    )
    manifest.build_flat_graph()  # the `graph` Jinja variable tests and macros read
    return manifest


def load_manifest(msgpack_path: Path):
    return _manifest(str(msgpack_path), msgpack_path.stat().st_mtime_ns)


@dataclass
class DbtRun:
    """One in-process dbt invocation: its result, after `events()` is exhausted."""

    args: list[str]
    project_dir: Path
    target_path: Path
    log_path: Path
    success: bool = False
    error: BaseException | None = None
    failures: list[str] = field(default_factory=list)
    built: list[str] = field(default_factory=list)  # models and seeds (re)built

    def raw_events(self, manifest) -> Iterator[dict[str, Any]]:
        """dbt's result events as structured-log dicts, while dbt runs in a thread."""
        from dbt.cli.main import dbtRunner
        from dbt_common.events.functions import msg_to_dict

        events: queue.Queue = queue.Queue()

        def on_event(msg) -> None:
            if msg.info.name in RESULT_EVENTS:
                event = msg_to_dict(msg)
                data = event.get("data", {})
                if msg.info.name != "LogTestResult" and data.get("status") in ("success", "OK"):
                    self.built.append(data.get("node_info", {}).get("node_name", ""))
                events.put(event)

        def invoke() -> None:
            try:
                result = dbtRunner(manifest=manifest, callbacks=[on_event]).invoke(
                    [
                        *self.args,
                        "--project-dir", str(self.project_dir),
                        "--profiles-dir", str(self.project_dir),
                        "--target-path", str(self.target_path),
                        "--log-path", str(self.log_path),
                        "--quiet",
                        # not the manifest again (~0.9 s a run): the run was given it
                        "--no-write-json",
                    ]
                )  # fmt: skip
                _write_run_results(result.result, self.target_path)
                self.success = bool(result.success)
                self.error = result.exception
                self.failures = _failures(result.result)
            except BaseException as exc:  # reported by the caller, not lost in the thread
                self.error = exc
            finally:
                release_duckdb()
                events.put(_DONE)

        worker = threading.Thread(target=invoke, name="dbt", daemon=True)
        worker.start()
        while (event := events.get()) is not _DONE:
            yield event
        worker.join()


def _write_run_results(results, target_path: Path) -> None:
    """dbt's run_results.json, as dbt writes it unless told `--no-write-json`."""
    if hasattr(results, "write"):  # a build's results (an operation's have no file)
        target_path.mkdir(parents=True, exist_ok=True)
        results.write(str(target_path / "run_results.json"))


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open for the life of the process.

    Out of process, dbt's exit closes it. In process it would stay open, and DuckDB
    refuses a second connection to the same file with other settings (the publish,
    the summary, the next step's loader)."""
    import gc

    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter: nothing held open here
        return
    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if env is not None:
            env.close()
    gc.collect()  # cursors still referenced by dbt's connection objects


def _failures(results) -> list[str]:
    """`<status> <node>: <message>` for every node that did not pass or succeed."""
    out = []
    for r in getattr(results, "results", None) or []:
        status = str(getattr(r.status, "value", r.status))
        if status in ("error", "fail", "runtime error"):
            message = (r.message or "").strip().splitlines()[:1]
            out.append(f"{status} {r.node.name}" + (f": {message[0]}" if message else ""))
    return out


def asset_events(context, run: DbtRun, manifest, manifest_json, translator, project):
    """dagster-dbt's asset events (Output, AssetCheckResult, ...) for each dbt result."""
    from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

    for raw in run.raw_events(manifest):
        event = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
        yield from event.to_default_asset_events(
            manifest=manifest_json,
            dagster_dbt_translator=translator,
            context=context,
            target_path=run.target_path,
            project=project,
        )
