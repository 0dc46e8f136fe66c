"""Publishing: a consistent, read-only snapshot of the marts for the dashboard.

The snapshot is a separate DuckDB file, `published/warehouse-<version>.duckdb`, written
completely before `published/CURRENT` is switched to it with one atomic rename. The
dashboard reads CURRENT and opens that file read-only, so it never sees a half-built
state and never holds the warehouse's write lock. The two previous snapshots are kept
so that a dashboard still reading one is not cut off.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dagster_project.settings import Settings, get_settings

CURRENT = "CURRENT"
KEEP_PREVIOUS = 2
_SNAPSHOT = re.compile(r"^warehouse-(?P<version>[0-9TZ]+)\.duckdb$")

META_DDL = """
create schema if not exists snap.meta;
create table snap.meta.publish_info (
    version varchar, published_at timestamptz, dagster_run_id varchar,
    n_tables integer, n_rows bigint);
create table snap.meta.source_freshness (
    source varchar, last_loaded_at timestamptz, last_delivered_at timestamptz,
    files_loaded bigint);
create table snap.meta.check_results (
    check_name varchar, asset varchar, passed boolean, severity varchar,
    description varchar, checked_at timestamptz);
"""


@dataclass
class CheckResult:
    check_name: str
    asset: str
    passed: bool
    severity: str = "ERROR"
    description: str = ""
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class PublishedSnapshot:
    version: str
    path: Path
    tables: dict[str, int]


def current_snapshot(settings: Settings | None = None) -> Path | None:
    """The file CURRENT points to, or None before the first publish."""
    settings = settings or get_settings()
    pointer = settings.published_dir / CURRENT
    if not pointer.exists():
        return None
    return settings.published_dir / pointer.read_text().strip()


def publish_snapshot(
    settings: Settings | None = None,
    run_id: str = "",
    checks: list[CheckResult] | None = None,
) -> PublishedSnapshot:
    """Copy every table of `marts` (views stay behind) into a new snapshot and switch to it."""
    settings = settings or get_settings()
    out_dir = settings.published_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    version = now.strftime("%Y%m%dT%H%M%S%fZ")
    final = out_dir / f"warehouse-{version}.duckdb"
    partial = out_dir / f".warehouse-{version}.duckdb.partial"

    # An in-memory session that attaches the warehouse read-only and the new snapshot
    # read-write: publishing never takes the warehouse's write lock.
    # Bounded like every other session (the sorted copy of a 10M-response fact would
    # otherwise take most of the machine's memory); spills under the data directory.
    con = duckdb.connect(
        config={
            "memory_limit": os.environ.get("CX_DUCKDB_MEMORY_LIMIT", "4GB"),
            "temp_directory": str(settings.data_dir / ".tmp" / "publish"),
            "preserve_insertion_order": True,
        }
    )
    try:
        con.execute("attach ? as wh (read_only)", [str(settings.warehouse_path)])
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'wh' and table_schema = 'marts' and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        if not tables:
            raise RuntimeError(
                f"nothing to publish: {settings.warehouse_path} has no tables in schema "
                "'marts'. Run the dbt build first (`cxwh pipeline`)."
            )
        con.execute("attach ? as snap", [str(partial)])
        con.execute("create schema snap.marts")
        counts: dict[str, int] = {}
        for table in tables:
            order = _cluster_order(con, table)
            con.execute(
                f'create table snap.marts."{table}" as select * from wh.marts."{table}" {order}'
            )
            counts[table] = con.execute(f'select count(*) from snap.marts."{table}"').fetchone()[0]
        con.execute(META_DDL)
        con.execute(
            "insert into snap.meta.publish_info values (?, ?, ?, ?, ?)",
            [version, now, run_id, len(counts), sum(counts.values())],
        )
        _copy_freshness(con)
        for c in checks or []:
            con.execute(
                "insert into snap.meta.check_results values (?, ?, ?, ?, ?, ?)",
                [c.check_name, c.asset, c.passed, c.severity, c.description, c.checked_at],
            )
        con.execute("detach snap")
    except BaseException:
        con.close()
        partial.unlink(missing_ok=True)
        raise
    con.close()

    os.replace(partial, final)
    pointer_tmp = out_dir / f".{CURRENT}.tmp"
    pointer_tmp.write_text(final.name + "\n")
    os.replace(pointer_tmp, out_dir / CURRENT)
    _prune(out_dir, keep=final.name)
    return PublishedSnapshot(version=version, path=final, tables=counts)


# The dashboard filters the large facts by service and quarter: stored in that order,
# DuckDB's row-group min/max statistics let such a query skip almost every row group.
CLUSTER_COLUMNS = ("service_id", "fiscal_year", "fiscal_quarter")


def _cluster_order(con: duckdb.DuckDBPyConnection, table: str) -> str:
    columns = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = 'wh' and table_schema = 'marts' and table_name = ?",
            [table],
        ).fetchall()
    }
    if set(CLUSTER_COLUMNS) <= columns:
        return "order by " + ", ".join(CLUSTER_COLUMNS)
    return ""


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
