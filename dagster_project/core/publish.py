"""Publishing: a consistent, read-only snapshot of the marts for the dashboard.

The snapshot is a separate DuckDB file, `published/warehouse-<version>.duckdb`, written
completely before `published/CURRENT` is switched to it with one atomic rename. The
dashboard reads CURRENT and opens that file read-only, so it never sees a half-built
state and never holds the warehouse's write lock. The two previous snapshots are kept
so that a dashboard still reading one is not cut off.

The marts live in their own DuckDB file (`$CX_DATA_DIR/marts_db.duckdb`, which dbt builds
into), so a snapshot is a byte copy of that file: no table is re-read, re-sorted or
re-compressed, and the cost is the file's size at disk speed, whatever changed. dbt
stores the response fact in service x quarter order (the dashboard's per-service
queries skip the row groups of every other service) and the answer fact in load order
(a quarter's answers together), and the copy keeps every block as it is. The
copy then loses what the dashboard must not read: the marts' views (they read the
warehouse's staging and intermediate schemas, which the snapshot does not have) and
the build's bookkeeping schema; and gains `meta`: what was published, from which run,
the checks of that run, source freshness, and per table whether this build rebuilt it
or kept it as the previous snapshot had it. Debris of a publish that was killed is
removed first.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dagster_project.core.settings import Settings, get_settings
from dagster_project.core.snapshots import current_snapshot as _current_snapshot
from dagster_project.core.snapshots import point_current_at, snapshot_name, snapshots

KEEP_PREVIOUS = 2
FORMAT_VERSION = 3  # of the snapshot's layout
_PARTIAL = re.compile(r"^\.warehouse-[0-9TZ]+\.duckdb\.partial(\.wal)?$")

META_DDL = """
create schema if not exists snap.meta;
create or replace table snap.meta.publish_info (
    version varchar, published_at timestamptz, dagster_run_id varchar,
    n_tables integer, n_rows bigint, format_version integer, build_fingerprint varchar,
    bytes_copied bigint);
create or replace table snap.meta.source_freshness (
    source varchar, last_loaded_at timestamptz, last_delivered_at timestamptz,
    files_loaded bigint);
create or replace table snap.meta.check_results (
    check_name varchar, asset varchar, passed boolean, severity varchar,
    description varchar, checked_at timestamptz, outcome varchar);
create or replace table snap.meta.table_versions (
    table_name varchar, version varchar, how varchar);
"""


@dataclass
class CheckResult:
    check_name: str
    asset: str
    passed: bool
    severity: str = "ERROR"
    description: str = ""
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def failed(self) -> bool:
        """Failed: an ERROR check that did not pass (a WARN one only warns)."""
        return not self.passed and self.severity == "ERROR"

    @property
    def warned(self) -> bool:
        return not self.passed and self.severity != "ERROR"

    @property
    def outcome(self) -> str:
        """`passed`, `warning` or `failed`: the one wording of a check's result."""
        return "failed" if self.failed else "warning" if self.warned else "passed"


@dataclass(frozen=True)
class PublishedSnapshot:
    version: str
    path: Path
    tables: dict[str, int]
    how: dict[str, str] = field(default_factory=dict)  # table -> kept / rebuilt


def current_snapshot(settings: Settings | None = None) -> Path | None:
    """The file CURRENT points to, or None before the first publish."""
    snapshot = _current_snapshot((settings or get_settings()).published_dir)
    return snapshot.path if snapshot else None


def published_build(settings: Settings | None = None) -> str | None:
    """The build fingerprint (`build_state.build_fingerprint`) the current snapshot was
    published from; None before the first publish or for an older snapshot."""
    path = current_snapshot(settings)
    if path is None:
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            row = con.execute("select build_fingerprint from meta.publish_info").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def remove_debris(out_dir: Path) -> list[str]:
    """Delete the partial files of publishes that never finished (killed, crashed)."""
    removed = []
    if out_dir.is_dir():
        for p in out_dir.iterdir():
            if _PARTIAL.match(p.name):
                p.unlink(missing_ok=True)
                removed.append(p.name)
    return removed


def publish_snapshot(
    settings: Settings | None = None,
    run_id: str = "",
    checks: list[CheckResult] | None = None,
    versions: dict[str, str] | None = None,
    build_fingerprint: str | None = None,
) -> PublishedSnapshot:
    """Copy the marts file into a new snapshot, add its meta, and switch CURRENT to it."""
    settings = settings or get_settings()
    out_dir = settings.published_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_debris(out_dir)
    now = datetime.now(UTC)
    version = now.strftime("%Y%m%dT%H%M%S%fZ")
    final = out_dir / snapshot_name(version)
    partial = out_dir / f".warehouse-{version}.duckdb.partial"
    versions = versions or {}
    published = _published_versions(current_snapshot(settings))
    source = _quiescent_marts(settings)
    try:
        shutil.copyfile(source, partial)
        # An in-memory session: the copy read-write, the warehouse read-only (the load
        # log, for freshness). Publishing never takes the warehouse's write lock.
        con = duckdb.connect(config=settings.duckdb_config())
        try:
            con.execute("attach ? as snap", [str(partial)])
            if settings.warehouse_path.exists():
                con.execute("attach ? as wh (read_only)", [str(settings.warehouse_path)])
            tables = _tables(con)
            if not tables:
                raise RuntimeError(
                    f"nothing to publish: {source} has no tables in schema 'marts'. "
                    "Run the dbt build first (`cxwh pipeline`)."
                )
            _drop_unpublished(con)
            counts = {t: _count(con, t) for t in tables}
            how = {
                t: "kept" if versions.get(t) and published.get(t) == versions[t] else "rebuilt"
                for t in tables
            }
            _write_meta(con, version, now, run_id, counts, how, versions, checks or [],
                        build_fingerprint, source.stat().st_size)  # fmt: skip
            con.execute("checkpoint snap")
            con.execute("detach snap")
        finally:
            con.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        Path(f"{partial}.wal").unlink(missing_ok=True)
        raise

    os.replace(partial, final)
    point_current_at(final)
    _prune(out_dir, keep=final.name)
    return PublishedSnapshot(version=version, path=final, tables=counts, how=how)


def _quiescent_marts(settings: Settings) -> Path:
    """The marts file, with nothing of it left only in its write-ahead log.

    dbt closes the file when its build ends (DuckDB then checkpoints it); a WAL beside
    it means a writer ended without that, and the file alone would be stale: replay
    the log first. No writer can be active: the pipeline lock is held."""
    path = settings.marts_path
    if not path.exists():
        raise RuntimeError(
            f"nothing to publish: no marts file at {path}. Run the dbt build first "
            "(`cxwh pipeline`)."
        )
    if Path(f"{path}.wal").exists():
        with duckdb.connect(str(path)) as con:
            con.execute("checkpoint")
    return path


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'snap' "
            "and schema_name = 'marts' order by 1"
        ).fetchall()
    ]


def _drop_unpublished(con: duckdb.DuckDBPyConnection) -> None:
    """Views (they read the warehouse) and every schema but marts leave the copy."""
    for (name,) in con.execute(
        "select view_name from duckdb_views() where database_name = 'snap' "
        "and schema_name = 'marts' and not internal"
    ).fetchall():
        con.execute(f'drop view snap.marts."{name}"')
    for (schema,) in con.execute(
        "select schema_name from duckdb_schemas() where database_name = 'snap' "
        "and schema_name not in ('marts', 'main') and not internal"
    ).fetchall():
        con.execute(f'drop schema snap."{schema}" cascade')


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f'select count(*) from snap.marts."{table}"').fetchone()[0]


def _published_versions(snapshot: Path | None) -> dict[str, str]:
    """table -> the dbt run that built the copy of it the current snapshot holds."""
    if snapshot is None:
        return {}
    try:
        with duckdb.connect(str(snapshot), read_only=True) as con:
            rows = con.execute("select table_name, version from meta.table_versions").fetchall()
    except duckdb.Error:
        return {}
    return {name: v for name, v in rows if v}


def _write_meta(
    con: duckdb.DuckDBPyConnection, version: str, now: datetime, run_id: str,
    counts: dict[str, int], how: dict[str, str], versions: dict[str, str],
    checks: list[CheckResult], build_fingerprint: str | None, bytes_copied: int,
) -> None:  # fmt: skip
    con.execute(META_DDL)
    con.execute(
        "insert into snap.meta.publish_info values (?, ?, ?, ?, ?, ?, ?, ?)",
        [version, now, run_id, len(counts), sum(counts.values()), FORMAT_VERSION,
         build_fingerprint, bytes_copied],
    )  # fmt: skip
    for table in counts:
        con.execute(
            "insert into snap.meta.table_versions values (?, ?, ?)",
            [table, versions.get(table), how[table]],
        )
    _copy_freshness(con)
    for c in checks:
        con.execute(
            "insert into snap.meta.check_results values (?, ?, ?, ?, ?, ?, ?)",
            [c.check_name, c.asset, c.passed, c.severity, c.description, c.checked_at, c.outcome],
        )


def _copy_freshness(con: duckdb.DuckDBPyConnection) -> None:
    has_log = con.execute(
        "select count(*) from duckdb_tables() "
        "where database_name = 'wh' and schema_name = 'raw' and table_name = 'load_log'"
    ).fetchone()[0]
    if not has_log:
        return
    con.execute(
        """
        insert into snap.meta.source_freshness
        select _source, max(finished_at), max(_delivered_at),
               count(*) filter (where status = 'loaded')
        from wh.raw.load_log
        group by _source
        """
    )


def _prune(out_dir: Path, keep: str) -> None:
    """Delete snapshots older than the current one and the KEEP_PREVIOUS before it."""
    names = snapshots(out_dir)
    for name in names[: max(0, len(names) - 1 - KEEP_PREVIOUS)]:
        if name != keep:
            (out_dir / name).unlink(missing_ok=True)
