"""Load landing files into `raw.*`: the plain-Python API under the Dagster assets.

- Discovery: every entry under `$CX_DATA_DIR/landing/<source>/` (any depth; names
  starting with `.` are skipped as partial uploads), in delivery order: modification
  time, then path. Only regular files are opened (see `sources.landing`).
- A file is identified by (path, sha256). One already logged with a final status
  (`loaded`, `duplicate`, `empty`, `unknown_kind`, `rejected`) is not looked at again;
  a file whose content was already loaded under another name is logged `duplicate`; a
  `failed` file (an I/O or lock error) is retried on the next run. An unchanged file
  (same path, size and mtime as its load_log row) is recognised without re-hashing.
- Set-based batches: the pending files of a source are read, hashed and checked on
  worker threads, then loaded in batches of up to `CX_INGEST_BATCH_MB` (default 256)
  with ONE parse, one quarantine insert, one replace and one load_log insert per batch,
  the writes in one transaction. If a batch fails, it is rolled back and its files are
  loaded one by one, so a file that cannot be parsed takes only itself down: it ends
  `rejected` (its content is bad: final, with a reason that quotes none of it) or
  `failed` (anything else: retried), and nothing of it is left behind.
- Sources in parallel: `load_sources` loads up to `CX_INGEST_SOURCES_AT_ONCE` (default 2)
  sources at once, each on its own connection to the one warehouse, each with its share
  of `CX_INGEST_BATCH_MB` (the bytes in flight, so memory stays that of one batch).
  DuckDB already runs each big statement on every core, but a source's load has serial
  parts (reading the files, hashing, single-threaded operators, the insert) that another
  source's parse fills. The writes stay one at a time: a batch is parsed into temp
  tables outside any transaction, then written (quarantine, replace, insert, load_log)
  in one transaction under a process-wide lock, so load ids and load times stay unique
  and in commit order.
- Record keys: in delivery order the LAST occurrence of a key wins and the earlier ones
  count as replaced (and as loaded); per file, rows_read = rows_loaded +
  rows_quarantined, and rows kept = rows_loaded - rows_replaced, exactly as if every
  file had been loaded on its own after the ones before it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from dagster_project.core.progress import progress_bar
from dagster_project.core.settings import SOURCES, Settings, get_settings
from dagster_project.core.warehouse import connect_warehouse
from dagster_project.ingest.sources import SPECS, writer
from dagster_project.ingest.sources.base import Delivery, Outcome, Prepared, SourceSpec
from dagster_project.ingest.sources.landing import (
    NEVER_OPENED,
    LandingFile,
    LandingLog,
    has_load_log,
    landing_entries,
    landing_files,
)
from dagster_project.ingest.sources.redact import redact
from dagster_project.ingest.sources.tables import LOAD_LOG, ensure_tables
from dagster_project.ingest.sources.textfile import read_small, sha256_bytes, sha256_file

log = logging.getLogger(__name__)
TEMP_TABLES = (
    "_files", "_scan", "_lines", "_file_lines", "_csv", "_parsed", "_records", "_answers",
    "_answer_rejects", "_valid", "_pairs", "_keys", "_in_raw",
)  # fmt: skip
MAX_FILES_PER_BATCH = 1000
WORKERS = max(2, min(4, os.cpu_count() or 2))
# One writer at a time in this process: a batch's transaction (and the schema set-up)
# runs under it, its parse does not (see `_write`).
_WRITE_LOCK = threading.Lock()
_BAR_LOCK = threading.Lock()

__all__ = [
    "FileResult", "LoadSummary", "landing_files", "load_all", "load_source", "load_sources",
]  # fmt: skip


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
    batches: int = 0

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    def by_status(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.status] = counts.get(f.status, 0) + 1
        return counts

    def as_dict(self) -> dict:
        return {"source": self.source, "files": [asdict(f) for f in self.files]}


@dataclass
class _File:
    """One pending entry on its way through the batch."""

    entry: LandingFile
    sha: str = NEVER_OPENED
    result: Prepared | Outcome | None = None
    duplicate_of: str | None = None


def _spec(source: str) -> SourceSpec:
    if source not in SPECS:
        raise ValueError(f"unknown source {source!r}: expected one of {', '.join(SOURCES)}")
    return SPECS[source]


def _known(con: duckdb.DuckDBPyConnection | None, source: str) -> LandingLog:
    return LandingLog(con if con is not None and has_load_log(con) else None, source)


def pending_files(source: str, settings: Settings | None = None) -> list[Path]:
    """Landing entries of `source` not yet logged with a final status (for a sensor)."""
    settings = settings or get_settings()
    _spec(source)
    entries = landing_entries(source, settings)
    if not entries:
        return []
    if not settings.warehouse_path.exists():
        return [e.path for e in entries]
    with connect_warehouse(settings, read_only=True, wait_seconds=10) as con:
        known = _known(con, source)
    pending = []
    for e in entries:
        sha = known.known_sha(e)
        if sha is None:
            sha = sha256_file(e.path)
        if not known.is_final(e, sha):
            pending.append(e.path)
    return pending


def _read(spec: SourceSpec, item: _File, known: LandingLog, tmp_dir: Path) -> _File:
    """Hash and prepare one file (worker thread): reads its bytes once."""
    e = item.entry
    if e.problem is not None:
        item.result = Outcome("rejected", e.problem)
        return item
    try:
        data = read_small(e.path, e.size)
        item.sha = sha256_bytes(data) if data is not None else sha256_file(e.path)
        now = os.stat(e.path, follow_symlinks=False)
        if (now.st_size, now.st_mtime_ns) != (e.size, e.mtime_ns):
            item.result = Outcome("failed", "the file changed while it was read; retried next run")
        elif item.sha in known.loaded_sha:
            item.duplicate_of = known.loaded_sha[item.sha]
        elif e.path.suffix.lower() not in spec.extensions:
            item.result = Outcome(
                "unknown_kind",
                f"unexpected file type {e.path.suffix or '(no extension)'!r} for {spec.name} "
                f"(expected {' or '.join(spec.extensions)})",
            )
        else:
            delivery = Delivery(e.path, e.rel, item.sha, e.size, e.delivered_at, data, tmp_dir)
            item.result = spec.prepare(delivery)
    except OSError as exc:  # vanished, unreadable: retried next run
        item.result = Outcome("failed", _error_message(exc))
    return item


def _batches(items: Sequence[_File], max_bytes: int) -> Iterator[list[_File]]:
    batch: list[_File] = []
    size = 0
    for item in items:
        if batch and (size + item.entry.size > max_bytes or len(batch) >= MAX_FILES_PER_BATCH):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item.entry.size
    if batch:
        yield batch


def _batch_bytes(settings: Settings) -> int:
    return int(settings.ingest_batch_mb * (1 << 20))


def load_source(
    source: str, settings: Settings | None = None, progress: bool = False
) -> LoadSummary:
    """Load every not-yet-loaded landing file of `source` into `raw.<source>`."""
    return load_sources([source], settings, progress)[source]


def load_sources(
    sources: Sequence[str], settings: Settings | None = None, progress: bool = False
) -> dict[str, LoadSummary]:
    """Load every not-yet-loaded landing file of each source, up to
    `settings.ingest_sources_at_once` sources at a time (the largest pending first)."""
    settings = settings or get_settings()
    specs = [_spec(source) for source in sources]
    entries = {spec.name: landing_entries(spec.name, settings) for spec in specs}
    with connect_warehouse(settings) as con, _WRITE_LOCK:
        ensure_tables(con, list(SPECS.values()))
    pending = {name: sum(e.size for e in found) for name, found in entries.items()}
    order = sorted(specs, key=lambda spec: -pending[spec.name])
    with (
        progress_bar(sum(pending.values()), "load", "B", unit_scale=True)
        if progress and any(pending.values())
        else contextlib.nullcontext()
    ) as bar:
        at_once = max(1, min(settings.ingest_sources_at_once, len(order)))
        # CX_INGEST_BATCH_MB bounds the files in flight, whatever the number of sources
        # loaded at once: each gets its share (memory grows with the batch)
        max_bytes = max(1, _batch_bytes(settings) // at_once)

        def load(spec: SourceSpec) -> LoadSummary:
            return _load_one(spec, entries[spec.name], settings, max_bytes, bar)

        if at_once == 1:
            done = [load(spec) for spec in order]
        else:
            with ThreadPoolExecutor(at_once, thread_name_prefix="load") as pool:
                done = list(pool.map(load, order))
    by_name = {summary.source: summary for summary in done}
    return {source: by_name[source] for source in sources}


def _load_one(
    spec: SourceSpec, entries: list[LandingFile], settings: Settings, max_bytes: int, bar
) -> LoadSummary:
    """One source's pending files, batches of up to `max_bytes`, on its own connection."""
    summary = LoadSummary(spec.name)
    tmp_dir = settings.data_dir / ".tmp" / "transcode" / uuid.uuid4().hex
    with connect_warehouse(settings) as con:
        known = _known(con, spec.name)
        todo = []
        for e in entries:
            if known.is_final(e, known.known_sha(e)):
                summary.files_already_logged += 1
            else:
                todo.append(_File(e))
        try:
            with ThreadPoolExecutor(WORKERS, thread_name_prefix=f"read-{spec.name}") as pool:
                for batch in _batches(todo, max_bytes):
                    ready = list(pool.map(lambda i: _read(spec, i, known, tmp_dir), batch))
                    results = _load_batch(con, spec, ready, known, settings)
                    summary.batches += 1
                    summary.files.extend(results)
                    for r in results:
                        log.info("%s: %s (%s)", r.source_file, r.status, r.message)
                    if bar is not None:
                        with _BAR_LOCK:  # one bar for every source's thread
                            bar.update(sum(i.entry.size for i in batch))
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    return summary


def _load_batch(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, items: list[_File], known: LandingLog,
    settings: Settings,
) -> list[FileResult]:  # fmt: skip
    """Load one batch in one transaction; on failure, its files one by one."""
    # Same content twice in the batch: the first delivery loads, the others are duplicates.
    first_of: dict[str, str] = {}
    for item in items:
        if isinstance(item.result, Prepared):
            if item.sha in first_of:
                item.duplicate_of, item.result = first_of[item.sha], None
            else:
                first_of[item.sha] = item.entry.rel
    try:
        return _remember(known, _write(con, spec, items, settings))
    except Exception as exc:
        _rollback(con)
        parsed = [i for i in items if isinstance(i.result, Prepared)]
        if len(parsed) <= 1:
            return _write_failure(con, spec, items, exc, settings)
        log.warning("%s: a batch of %d files failed (%s); loading them one by one",
                    spec.name, len(parsed), type(exc).__name__)  # fmt: skip
    # One by one, in delivery order, re-checking duplicates as each one loads.
    results = []
    for item in items:
        if item.duplicate_of is None and isinstance(item.result, Prepared):
            if item.sha in known.loaded_sha:
                item.duplicate_of, item.result = known.loaded_sha[item.sha], None
        elif item.duplicate_of is not None and item.duplicate_of not in known.loaded_sha.values():
            continue  # its original failed: this copy is retried on the next run
        try:
            results.extend(_remember(known, _write(con, spec, [item], settings)))
        except Exception as exc:
            _rollback(con)
            results.extend(_write_failure(con, spec, [item], exc, settings))
    return results


def _remember(known: LandingLog, results: list[FileResult]) -> list[FileResult]:
    """Content loaded now makes a later copy of it, in this run, a duplicate."""
    for r in results:
        if r.status == "loaded":
            known.loaded_sha.setdefault(r.sha256, r.source_file)
    return results


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):  # no transaction was open
        con.rollback()


def _files_table(spec: SourceSpec, parsed: Sequence[Prepared]) -> pa.Table:
    columns: dict[str, list] = {
        "_file_id": list(range(len(parsed))),
        "path": [str(p.path) for p in parsed],
        "kind": [p.kind for p in parsed],
        "n_header": [len(p.header) for p in parsed],
        "undecodable": [p.undecodable for p in parsed],
        "_source": [spec.name] * len(parsed),
        "_source_file": [p.delivery.rel for p in parsed],
        "_file_sha256": [p.delivery.sha256 for p in parsed],
        "_delivered_at": [p.delivery.delivered_at for p in parsed],
    }
    for name in spec.header_columns:
        columns[f"i_{name}"] = [
            p.header.index(name) + 1 if name in p.header else None for p in parsed
        ]
    schema = pa.schema(
        [
            ("_file_id", pa.int32()), ("path", pa.string()), ("kind", pa.string()),
            ("n_header", pa.int32()), ("undecodable", pa.bool_()), ("_source", pa.string()),
            ("_source_file", pa.string()), ("_file_sha256", pa.string()),
            ("_delivered_at", pa.timestamp("us", tz="UTC")),
            *((f"i_{n}", pa.int32()) for n in spec.header_columns),
        ]
    )  # fmt: skip
    return pa.table(columns, schema=schema)


def _write(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, items: list[_File], settings: Settings
) -> list[FileResult]:
    """Parse `items` into temp tables, then quarantine, replace and log them in one
    transaction (one writer at a time, `_WRITE_LOCK`); raises on failure."""
    clock = time.perf_counter()
    batch_id = uuid.uuid4().hex[:12]
    parsed = [i.result for i in items if isinstance(i.result, Prepared)]
    counts: dict[int, writer.FileCounts] = {}
    try:
        # The parse writes only this connection's temp tables: no transaction, no lock.
        if parsed:
            files = _files_table(spec, parsed)
            con.register("_files_arrow", files)
            con.execute("create or replace temp table _files as select * from _files_arrow")
            con.unregister("_files_arrow")
            spec.parse(con, parsed, settings.id_salt)
            counts = writer.count_records(con)
        with _WRITE_LOCK:
            con.begin()
            try:
                started = _load_time(con)
                if any(c.rows_read for c in counts.values()):
                    writer.write_quarantine(con, started)
                    writer.replace_and_insert(con, spec, started, counts)
                results = []
                file_ids = {id(p): n for n, p in enumerate(parsed)}
                seconds = time.perf_counter() - clock
                for item in items:
                    counted = counts.get(file_ids.get(id(item.result), -1))
                    results.append(_result(item, counted, seconds))
                _write_log(con, spec, items, results, started, batch_id)
                con.commit()
            except BaseException:
                _rollback(con)  # before another writer may begin
                raise
    finally:
        _drop_temp_tables(con)
    return results


def _load_time(con: duckdb.DuckDBPyConnection) -> datetime:
    """Now, but strictly after every earlier batch's load time: `_loaded_at` orders the
    batches (the incremental marts read "rows loaded after <time>"), even if the clock
    is set back."""
    last = con.execute("select max(started_at) from raw.load_log").fetchall()[0][0]
    now = datetime.now(UTC)
    return now if last is None or now > last else last + timedelta(microseconds=1)


def _result(item: _File, counts: writer.FileCounts | None, seconds: float) -> FileResult:
    e = item.entry
    result = FileResult(e.rel, item.sha, "loaded", "", e.size, seconds=seconds)
    if item.duplicate_of is not None:
        result.status = "duplicate"
        result.message = f"same content (sha256) as {item.duplicate_of}, already loaded"
    elif isinstance(item.result, Outcome):
        result.status, result.message = item.result.status, item.result.message
    elif counts is None or counts.rows_read == 0:
        result.status, result.message = "empty", "no data rows (header only)"
    else:
        result.rows_read, result.rows_loaded = counts.rows_read, counts.rows_loaded
        result.rows_quarantined = counts.rows_quarantined
        result.answers_quarantined = counts.answers_quarantined
        result.rows_replaced = counts.rows_replaced
        result.message = (
            f"{counts.rows_loaded} of {counts.rows_read} rows loaded, "
            f"{counts.rows_quarantined} quarantined, {counts.answers_quarantined} answers "
            f"quarantined, {counts.rows_replaced} replaced"
        )
    return result


def _write_failure(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, items: list[_File], exc: Exception,
    settings: Settings,
) -> list[FileResult]:  # fmt: skip
    """Log the one parsed file of `items` as rejected or failed (the rest as they are)."""
    status, message = classify_error(exc)
    for item in items:
        if isinstance(item.result, Prepared):
            log.error("%s: load %s, nothing written: %s", item.entry.rel, status, message)
            item.result = Outcome(status, message)
    try:
        return _write(con, spec, items, settings)
    except Exception as log_exc:  # e.g. the connection died: the next file still runs
        _rollback(con)
        log.error("%s: could not record the failure in raw.load_log: %s",
                  spec.name, _error_message(log_exc))  # fmt: skip
        return [_result(item, None, 0.0) for item in items]


# DuckDB errors that mean the file itself cannot be read, whatever the retry.
_CONTENT_ERRORS = (duckdb.InvalidInputException, duckdb.ConversionException, UnicodeError)


def classify_error(exc: Exception) -> tuple[str, str]:
    """(`rejected`, reason) for a file whose content cannot be read — a message that
    quotes none of it — or (`failed`, the error's first line, redacted) for the rest."""
    if isinstance(exc, _CONTENT_ERRORS):
        text = str(exc).lower()
        if "maximum line size" in text or "line size" in text:
            what = "a line is longer than 8 MiB"
        elif "unicode" in text or "utf" in text or isinstance(exc, UnicodeError):
            what = "it is not text in the expected encoding"
        else:
            what = "it is not a well-formed file of its kind"
        return "rejected", (
            f"could not be read: {what} ({type(exc).__name__}). Fix the file and deliver "
            "it again under a new name; this one is not retried."
        )
    return "failed", _error_message(exc)


def _error_message(exc: BaseException) -> str:
    """The error's first line, redacted: database errors can quote values (an e-mail
    that failed a cast) or SQL (with the id salt), which must not reach the log table."""
    first = (str(exc).strip().splitlines() or [""])[0][:500]
    return redact(f"{type(exc).__name__}: {first}")


def _write_log(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, items: list[_File],
    results: list[FileResult], started: datetime, batch_id: str,
) -> None:  # fmt: skip
    """Append one `raw.load_log` row per file, in delivery order (`load_id` continues)."""
    finished = datetime.now(UTC)
    rows = {
        "seq": list(range(1, len(results) + 1)),
        "_source": [spec.name] * len(results),
        "_source_file": [r.source_file for r in results],
        "_file_sha256": [r.sha256 for r in results],
        "file_bytes": [r.file_bytes for r in results],
        "_delivered_at": [i.entry.delivered_at for i in items],
        "started_at": [started] * len(results),
        "finished_at": [finished] * len(results),
        "rows_read": [r.rows_read for r in results],
        "rows_loaded": [r.rows_loaded for r in results],
        "rows_quarantined": [r.rows_quarantined for r in results],
        "answers_quarantined": [r.answers_quarantined for r in results],
        "rows_replaced": [r.rows_replaced for r in results],
        "status": [r.status for r in results],
        "message": [r.message for r in results],
        "batch_id": [batch_id] * len(results),
    }
    ts = pa.timestamp("us", tz="UTC")
    types = {"_delivered_at": ts, "started_at": ts, "finished_at": ts}
    table = pa.table({k: pa.array(v, type=types.get(k)) for k, v in rows.items()})
    names = [n for n, _ in LOAD_LOG if n != "load_id"]
    con.register("_log_arrow", table)
    try:
        con.execute(
            f"""insert into raw.load_log (load_id, {", ".join(names)})
            select coalesce((select max(load_id) from raw.load_log), 0) + seq,
                   {", ".join(names)}
            from _log_arrow order by seq"""
        )
    finally:
        con.unregister("_log_arrow")


def _drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    # One call for all the drops: each separate call costs a round trip.
    with contextlib.suppress(duckdb.Error):
        con.execute(
            "drop view if exists temp._latest; "
            + " ".join(f"drop table if exists temp.{table};" for table in TEMP_TABLES)
        )


def load_all(settings: Settings | None = None, progress: bool = False) -> list[LoadSummary]:
    """Load every source (in parallel, `load_sources`); summaries in `SOURCES` order."""
    return list(load_sources(SOURCES, settings, progress).values())
