"""Publishing: a consistent, read-only snapshot of the marts for the dashboard.

The snapshot is a separate DuckDB file, `published/warehouse-<version>.duckdb`, written
completely before `published/CURRENT` is switched to it with one atomic rename. The
dashboard reads CURRENT and opens that file read-only, so it never sees a half-built
state and never holds the warehouse's write lock. The two previous snapshots are kept
so that a dashboard still reading one is not cut off.

Only what changed is copied. The new file starts as a byte copy of the current
snapshot; then, per table of `marts`:

- a table whose version (the dbt run that last built it, `build_state.table_versions`)
  is the one already published is kept as it is;
- when the dbt code is the one the published tables were built with (its digest),
  an incremental fact (`fct_response`, `fct_transaction_feedback`) gets its delta: the
  rows the warehouse loaded after the newest row published, appended in service x
  quarter order, and the rows of the responses those replaced deleted; once appended
  rows pass a quarter of the table, it is copied whole again, sorted;
- any other changed table is copied whole (facts sorted by service x quarter, so the
  dashboard's per-service queries skip other row groups).

Each table's row count is checked against the warehouse; a delta that does not add up
is replaced by a full copy. Without a current snapshot (or after a format change),
everything is copied. Debris of a publish that was killed is removed first.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dagster_project.settings import Settings, get_settings

CURRENT = "CURRENT"
KEEP_PREVIOUS = 2
FORMAT_VERSION = 2  # of the snapshot's layout; a change forces a full copy
_SNAPSHOT = re.compile(r"^warehouse-(?P<version>[0-9TZ]+)\.duckdb$")
_PARTIAL = re.compile(r"^\.warehouse-[0-9TZ]+\.duckdb\.partial(\.wal)?$")

# The dashboard filters the large facts by service and quarter: stored in that order,
# DuckDB's row-group min/max statistics let such a query skip almost every row group.
CLUSTER_COLUMNS = ("service_id", "fiscal_year", "fiscal_quarter")
# Incremental facts published by delta (see the module docstring), keyed by response.
DELTA_TABLES = ("fct_response", "fct_transaction_feedback")
RECLUSTER_SHARE = 0.25

META_DDL = """
create schema if not exists snap.meta;
create or replace table snap.meta.publish_info (
    version varchar, published_at timestamptz, dagster_run_id varchar,
    n_tables integer, n_rows bigint, format_version integer, code_digest varchar,
    build_fingerprint varchar);
create or replace table snap.meta.source_freshness (
    source varchar, last_loaded_at timestamptz, last_delivered_at timestamptz,
    files_loaded bigint);
create or replace table snap.meta.check_results (
    check_name varchar, asset varchar, passed boolean, severity varchar,
    description varchar, checked_at timestamptz, outcome varchar);
create table if not exists snap.meta.table_versions (
    table_name varchar, version varchar, rows_clustered bigint, how varchar);
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
    how: dict[str, str] = field(default_factory=dict)  # table -> kept / delta / copied


def current_snapshot(settings: Settings | None = None) -> Path | None:
    """The file CURRENT points to, or None before the first publish."""
    settings = settings or get_settings()
    pointer = settings.published_dir / CURRENT
    if not pointer.exists():
        return None
    path = settings.published_dir / pointer.read_text().strip()
    return path if _SNAPSHOT.match(path.name) and path.is_file() else None


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
    code_digest: str | None = None,
    build_fingerprint: str | None = None,
) -> PublishedSnapshot:
    """Publish the marts (only what changed, see the module docstring) and switch to it."""
    settings = settings or get_settings()
    out_dir = settings.published_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_debris(out_dir)
    now = datetime.now(UTC)
    version = now.strftime("%Y%m%dT%H%M%S%fZ")
    final = out_dir / f"warehouse-{version}.duckdb"
    partial = out_dir / f".warehouse-{version}.duckdb.partial"
    previous = current_snapshot(settings)
    versions = versions or {}

    # An in-memory session that attaches the warehouse read-only and the new snapshot
    # read-write: publishing never takes the warehouse's write lock. Bounded like every
    # other session (a sorted copy of a 10M-response fact would otherwise take most of
    # the machine's memory); spills under the data directory.
    con = duckdb.connect(
        config={
            "memory_limit": os.environ.get("CX_DUCKDB_MEMORY_LIMIT", "4GB"),
            "temp_directory": str(settings.data_dir / ".tmp" / "publish"),
            "preserve_insertion_order": True,
        }
    )
    try:
        con.execute("attach ? as wh (read_only)", [str(settings.warehouse_path)])
        tables = _tables(con, "wh")
        if not tables:
            raise RuntimeError(
                f"nothing to publish: {settings.warehouse_path} has no tables in schema "
                "'marts'. Run the dbt build first (`cxwh pipeline`)."
            )
        base = _usable_base(previous, con, tables, versions, code_digest)
        if base is not None:
            shutil.copyfile(base, partial)
        con.execute("attach ? as snap", [str(partial)])
        con.execute("create schema if not exists snap.marts")
        published = _published_versions(con) if base is not None else {}
        # a delta is only right when the models' code is the one that built the rest
        deltas = base is not None and code_digest is not None and code_digest == _digest(con)
        counts, how = {}, {}
        for table in tables:
            how[table] = _publish_table(con, table, versions.get(table), published, deltas)
            counts[table] = con.execute(f'select count(*) from snap.marts."{table}"').fetchone()[0]
            if counts[table] != _count(con, "wh", table) and how[table] != "copied":
                _copy_table(con, table)  # a delta that does not add up: copy it whole
                how[table] = "copied"
                counts[table] = _count(con, "snap", table)
        for gone in set(_tables(con, "snap")) - set(tables):
            con.execute(f'drop table snap.marts."{gone}"')
        _write_meta(
            con, version, now, run_id, counts, how, versions, checks or [], code_digest,
            build_fingerprint,
        )  # fmt: skip
        con.execute("detach snap")
    except BaseException:
        con.close()
        partial.unlink(missing_ok=True)
        Path(f"{partial}.wal").unlink(missing_ok=True)
        raise
    con.close()

    os.replace(partial, final)
    pointer_tmp = out_dir / f".{CURRENT}.tmp"
    pointer_tmp.write_text(final.name + "\n")
    os.replace(pointer_tmp, out_dir / CURRENT)
    _prune(out_dir, keep=final.name)
    return PublishedSnapshot(version=version, path=final, tables=counts, how=how)


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = ? "
            "and table_schema = 'marts' and table_type = 'BASE TABLE' order by 1",
            [catalog],
        ).fetchall()
    ]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = 'marts' and table_name = ? "
        "order by ordinal_position",
        [catalog, table],
    ).fetchall()


def _count(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> int:
    return con.execute(f'select count(*) from {catalog}.marts."{table}"').fetchone()[0]


def _usable_base(
    previous: Path | None, con: duckdb.DuckDBPyConnection, tables: list[str],
    versions: dict[str, str], code_digest: str | None,
) -> Path | None:  # fmt: skip
    """The current snapshot, when starting from a copy of it beats writing every table:
    it is of this layout, most of its rows can be kept (or updated by delta), and the
    copy is not mostly the free space of tables replaced before."""
    if previous is None:
        return None
    try:
        with duckdb.connect(str(previous), read_only=True) as old:
            info = old.execute("select format_version, code_digest from meta.publish_info")
            fmt, digest = info.fetchone()
            published = dict(
                old.execute("select table_name, version from meta.table_versions").fetchall()
            )
            size = old.execute("pragma database_size").fetchone()
            names = [d[0] for d in old.description] if old.description else []
    except (duckdb.Error, TypeError):
        return None
    if fmt != FORMAT_VERSION:
        return None
    stats = dict(zip(names, size, strict=False))
    total, free = stats.get("total_blocks") or 0, stats.get("free_blocks") or 0
    if total and free > total * 0.3:
        return None
    rows = dict(
        con.execute(
            "select table_name, estimated_size from duckdb_tables() "
            "where database_name = 'wh' and schema_name = 'marts'"
        ).fetchall()
    )
    deltas = code_digest is not None and code_digest == digest
    reused = sum(
        rows.get(t, 0)
        for t in tables
        if (versions.get(t) is not None and published.get(t) == versions.get(t))
        or (deltas and t in DELTA_TABLES)
    )
    return previous if reused >= sum(rows.get(t, 0) for t in tables) - reused else None


def _digest(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("select code_digest from snap.meta.publish_info").fetchone()
    return row[0] if row else None


def _published_versions(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, int]]:
    rows = con.execute(
        "select table_name, version, rows_clustered from snap.meta.table_versions"
    ).fetchall()
    return {name: (v, clustered) for name, v, clustered in rows}


def _cluster_order(con: duckdb.DuckDBPyConnection, table: str) -> str:
    columns = {c for c, _ in _columns(con, "wh", table)}
    if set(CLUSTER_COLUMNS) <= columns:
        return "order by " + ", ".join(CLUSTER_COLUMNS)
    return ""


def _copy_table(con: duckdb.DuckDBPyConnection, table: str) -> None:
    con.execute(
        f'create or replace table snap.marts."{table}" as '
        f'select * from wh.marts."{table}" {_cluster_order(con, table)}'
    )


def _publish_table(
    con: duckdb.DuckDBPyConnection, table: str, version: str | None,
    published: dict[str, tuple[str, int]], deltas: bool,
) -> str:  # fmt: skip
    """Bring one table of the snapshot up to date: kept, delta or copied."""
    same_shape = table in published and _columns(con, "snap", table) == _columns(con, "wh", table)
    if same_shape and version is not None and published[table][0] == version:
        return "kept"
    if same_shape and deltas and table in DELTA_TABLES:
        clustered = published[table][1]
        since = con.execute(f'select max(_loaded_at) from snap.marts."{table}"').fetchone()[0]
        new = con.execute(
            f'select count(*) from wh.marts."{table}" where _loaded_at > ?', [since]
        ).fetchone()[0]
        if since is not None and _count(con, "snap", table) + new <= clustered * (
            1 + RECLUSTER_SHARE
        ):
            _apply_delta(con, table, since)
            return "delta"
    _copy_table(con, table)
    return "copied"


def _apply_delta(con: duckdb.DuckDBPyConnection, table: str, since: datetime) -> None:
    """Rows loaded after `since` in, the earlier rows of the responses they replace out."""
    replaced = con.execute(
        "select count(*) from information_schema.tables where table_catalog = 'wh' "
        "and table_schema = 'intermediate' and table_name = 'replaced_responses'"
    ).fetchone()[0]
    if replaced:
        con.execute(
            f'delete from snap.marts."{table}" where response_key in ('
            "select response_key from wh.intermediate.replaced_responses where replaced_at > ?)",
            [since],
        )
    con.execute(
        f'insert into snap.marts."{table}" select * from wh.marts."{table}" '
        f"where _loaded_at > ? {_cluster_order(con, table)}",
        [since],
    )


def _write_meta(
    con: duckdb.DuckDBPyConnection, version: str, now: datetime, run_id: str,
    counts: dict[str, int], how: dict[str, str], versions: dict[str, str],
    checks: list[CheckResult], code_digest: str | None, build_fingerprint: str | None,
) -> None:  # fmt: skip
    con.execute(META_DDL)
    con.execute(
        "insert into snap.meta.publish_info values (?, ?, ?, ?, ?, ?, ?, ?)",
        [version, now, run_id, len(counts), sum(counts.values()), FORMAT_VERSION, code_digest,
         build_fingerprint],
    )  # fmt: skip
    previous = {r[0]: r[1] for r in con.execute(
        "select table_name, rows_clustered from snap.meta.table_versions").fetchall()}  # fmt: skip
    con.execute("delete from snap.meta.table_versions")
    for table, n in counts.items():
        clustered = previous.get(table, n) if how[table] == "delta" else n
        con.execute(
            "insert into snap.meta.table_versions values (?, ?, ?, ?)",
            [table, versions.get(table), clustered, how[table]],
        )
    _copy_freshness(con)
    for c in checks:
        con.execute(
            "insert into snap.meta.check_results values (?, ?, ?, ?, ?, ?, ?)",
            [c.check_name, c.asset, c.passed, c.severity, c.description, c.checked_at, c.outcome],
        )


def _copy_freshness(con: duckdb.DuckDBPyConnection) -> None:
    has_log = con.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = 'wh' and table_schema = 'raw' and table_name = 'load_log'"
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
    snapshots = sorted(p.name for p in out_dir.iterdir() if _SNAPSHOT.match(p.name))
    for name in snapshots[: max(0, len(snapshots) - 1 - KEEP_PREVIOUS)]:
        if name != keep:
            (out_dir / name).unlink(missing_ok=True)
