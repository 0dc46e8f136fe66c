"""Load landing files into `raw.*`: the plain-Python API under the Dagster assets.

- Discovery: every file under `$CX_DATA_DIR/landing/<source>/` (any depth; names
  starting with `.` are skipped as partial uploads), in delivery order:
  modification time, then path.
- A file is identified by (path, sha256). One already logged with a final status
  (`loaded`, `duplicate`, `empty`, `unknown_kind`) is not looked at again; a file
  whose content was already loaded under another name is logged `duplicate`; a
  `failed` file is retried on the next run. An unchanged file (same path, size and
  mtime as its load_log row) is recognised without re-hashing.
- One DuckDB transaction per file: quarantine rows, replacements, data rows and the
  load_log row commit together; on any error everything rolls back and one `failed`
  load_log row records the error.
- Record keys: within one file the LAST occurrence of a key wins and the earlier
  ones count as replaced (and as loaded); across files, a later load replaces the
  earlier version (`rows_replaced`). Per file, rows_read = rows_loaded +
  rows_quarantined, and rows kept = rows_loaded - rows_replaced.
"""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dagster_project.resources import connect_warehouse
from dagster_project.settings import SOURCES, Settings, get_settings
from dagster_project.sources import SPECS, writer
from dagster_project.sources.base import ParseContext, SourceSpec
from dagster_project.sources.landing import (
    LandingLog,
    delivered_at,
    has_load_log,
    landing_files,
    relative_path,
)
from dagster_project.sources.redact import redact
from dagster_project.sources.tables import ensure_tables

log = logging.getLogger(__name__)
TEMP_TABLES = ("_csv", "_records", "_answer_rejects", "_deduped")


@dataclass
class FileResult:
    source_file: str
    sha256: str
    status: str
    message: str
    file_bytes: int
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    answers_quarantined: int = 0
    rows_replaced: int = 0
    seconds: float = 0.0


@dataclass
class LoadSummary:
    source: str
    files: list[FileResult] = field(default_factory=list)
    files_already_logged: int = 0

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    def by_status(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.status] = counts.get(f.status, 0) + 1
        return counts

    def as_dict(self) -> dict:
        return {"source": self.source, "files": [asdict(f) for f in self.files]}


def _spec(source: str) -> SourceSpec:
    if source not in SPECS:
        raise ValueError(f"unknown source {source!r}: expected one of {', '.join(SOURCES)}")
    return SPECS[source]


def pending_files(source: str, settings: Settings | None = None) -> list[Path]:
    """Landing files of `source` not yet logged with a final status (for a sensor)."""
    settings = settings or get_settings()
    _spec(source)
    files = landing_files(source, settings)
    if not files:
        return []
    if not settings.warehouse_path.exists():
        return files
    with connect_warehouse(settings, read_only=True, wait_seconds=10) as con:
        known = LandingLog(con if has_load_log(con) else None, source)
    return [
        p
        for p in files
        if (relative_path(p, settings), known.sha_of(p, relative_path(p, settings)))
        not in known.final
    ]


def _drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    # One call for all the drops: each separate call costs a round trip.
    con.execute(
        "drop view if exists temp._latest; "
        + " ".join(f"drop table if exists temp.{table};" for table in TEMP_TABLES)
    )


def _load_one(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: Path, rel: str, sha: str,
    known: LandingLog, settings: Settings,
) -> FileResult:  # fmt: skip
    """Load one file (not yet final in load_log) and log it; never raises."""
    started = datetime.now(UTC)
    clock = time.perf_counter()
    result = FileResult(rel, sha, "loaded", "", path.stat().st_size)
    lineage = {
        "_source": spec.name,
        "_source_file": rel,
        "_file_sha256": sha,
        "_delivered_at": delivered_at(path),
        "_loaded_at": started,
    }
    tmp_dir = settings.data_dir / ".tmp" / "transcode" / uuid.uuid4().hex
    in_transaction = False
    try:
        if sha in known.loaded_sha:
            result.status = "duplicate"
            result.message = f"same content (sha256) as {known.loaded_sha[sha]}, already loaded"
        elif path.suffix.lower() not in spec.extensions:
            result.status = "unknown_kind"
            result.message = (
                f"unexpected file type {path.suffix or '(no extension)'!r} for {spec.name} "
                f"(expected {' or '.join(spec.extensions)})"
            )
        else:
            parsed = spec.parse(con, ParseContext(path, tmp_dir, settings.id_salt))
            result.status, result.message = parsed.status, parsed.message
            if parsed.status == "ok":
                read, valid = writer.count_records(con)
                if read == 0:
                    result.status, result.message = "empty", "no data rows (header only)"
                else:
                    con.begin()
                    in_transaction = True
                    quarantined, answers = writer.write_quarantine(con, lineage, read - valid)
                    replaced = writer.replace_and_insert(con, spec, lineage, valid)
                    result.status = "loaded"
                    result.rows_read, result.rows_loaded = read, valid
                    result.rows_quarantined, result.answers_quarantined = quarantined, answers
                    result.rows_replaced = replaced
                    result.message = (
                        f"{valid} of {read} rows loaded, {quarantined} quarantined, "
                        f"{answers} answers quarantined, {replaced} replaced"
                    )
        result.seconds = time.perf_counter() - clock
        writer.write_log(con, _log_row(result, lineage, started))
        if in_transaction:
            con.commit()
    except Exception as exc:  # the file is retried next run; the warehouse is unchanged
        result = FileResult(rel, sha, "failed", _error_message(exc), result.file_bytes)
        result.seconds = time.perf_counter() - clock
        log.error("%s: load failed, nothing written: %s", rel, result.message)
        try:
            if in_transaction:
                con.rollback()
            writer.write_log(con, _log_row(result, lineage, started))
        except Exception as log_exc:  # e.g. the connection died: the next file still runs
            log.error("%s: could not record the failure in raw.load_log: %s", rel,
                      _error_message(log_exc))  # fmt: skip
    finally:
        _drop_temp_tables(con)
        shutil.rmtree(tmp_dir, ignore_errors=True)
    if result.status == "loaded":
        known.loaded_sha.setdefault(sha, rel)
    return result


def _error_message(exc: Exception) -> str:
    """The error's first line, redacted: database errors can quote values (an e-mail
    that failed a cast) or SQL (with the id salt), which must not reach the log table."""
    first = (str(exc).strip().splitlines() or [""])[0][:500]
    return redact(f"{type(exc).__name__}: {first}")


def _log_row(result: FileResult, lineage: dict, started: datetime) -> dict:
    return {
        "_source": lineage["_source"],
        "_source_file": result.source_file,
        "_file_sha256": result.sha256,
        "file_bytes": result.file_bytes,
        "_delivered_at": lineage["_delivered_at"],
        "started_at": started,
        "finished_at": datetime.now(UTC),
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "answers_quarantined": result.answers_quarantined,
        "rows_replaced": result.rows_replaced,
        "status": result.status,
        "message": result.message,
    }


def load_source(
    source: str, settings: Settings | None = None, progress: bool = False
) -> LoadSummary:
    """Load every not-yet-loaded landing file of `source` into `raw.<source>`."""
    settings = settings or get_settings()
    spec = _spec(source)
    summary = LoadSummary(source)
    files = landing_files(source, settings)
    with connect_warehouse(settings) as con:
        ensure_tables(con, list(SPECS.values()))
        known = LandingLog(con, source)
        todo = []
        for path in files:
            rel = relative_path(path, settings)
            sha = known.sha_of(path, rel)
            if (rel, sha) in known.final:
                summary.files_already_logged += 1
            else:
                todo.append((path, rel, sha))
        bar = None
        if progress and todo:
            from tqdm import tqdm

            bar = tqdm(total=sum(p.stat().st_size for p, _, _ in todo), unit="B", unit_scale=True,
                       desc=f"load {source}")  # fmt: skip
        for path, rel, sha in todo:
            result = _load_one(con, spec, path, rel, sha, known, settings)
            summary.files.append(result)
            log.info("%s: %s (%s)", rel, result.status, result.message)
            if bar is not None:
                bar.update(result.file_bytes)
                bar.set_postfix(rows=summary.total("rows_read"))
        if bar is not None:
            bar.close()
    return summary


def load_all(settings: Settings | None = None, progress: bool = False) -> list[LoadSummary]:
    """Load every source, in the order of `settings.SOURCES`."""
    settings = settings or get_settings()
    return [load_source(s, settings, progress) for s in SOURCES]
