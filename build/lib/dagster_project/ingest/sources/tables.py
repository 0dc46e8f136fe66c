"""DDL of the `raw` schema (docs/interfaces.md), created idempotently on first use."""

from __future__ import annotations

import duckdb

from dagster_project.ingest.sources.base import SourceSpec

LINEAGE = (
    ("_source", "varchar"),
    ("_source_file", "varchar"),
    ("_file_sha256", "varchar"),
    ("_row_number", "bigint"),
    ("_delivered_at", "timestamptz"),
    ("_loaded_at", "timestamptz"),
)

LOAD_LOG = (
    ("load_id", "bigint"),
    ("_source", "varchar"),
    ("_source_file", "varchar"),
    ("_file_sha256", "varchar"),
    ("file_bytes", "bigint"),
    ("_delivered_at", "timestamptz"),
    ("started_at", "timestamptz"),
    ("finished_at", "timestamptz"),
    ("rows_read", "bigint"),
    ("rows_loaded", "bigint"),
    ("rows_quarantined", "bigint"),
    ("answers_quarantined", "bigint"),
    ("rows_replaced", "bigint"),
    ("status", "varchar"),
    ("message", "varchar"),
    ("batch_id", "varchar"),
)

QUARANTINE = (
    ("_source", "varchar"),
    ("_source_file", "varchar"),
    ("_file_sha256", "varchar"),
    ("_row_number", "bigint"),
    ("_loaded_at", "timestamptz"),
    ("record_id", "varchar"),
    ("level", "varchar"),
    ("field", "varchar"),
    ("raw_text", "varchar"),
    ("reason", "varchar"),
)

# Statuses after which a file (by path and content hash) is never looked at again.
# `rejected`: the file itself is bad (not text of its kind, a symbolic link, a line
# DuckDB cannot read); a new delivery under a new name is loaded as usual. `failed`
# (an I/O or lock error) is not final: the file is retried on the next run.
FINAL_STATUSES = ("loaded", "duplicate", "empty", "unknown_kind", "rejected")


def _ddl(table: str, columns: tuple[tuple[str, str], ...]) -> str:
    cols = ",\n    ".join(f"{name} {type_}" for name, type_ in columns)
    return f"create table if not exists raw.{table} (\n    {cols}\n)"


def ensure_tables(con: duckdb.DuckDBPyConnection, specs: list[SourceSpec]) -> None:
    """Create the raw schema's tables, or bring an older warehouse's up to date."""
    wanted = {
        "load_log": LOAD_LOG,
        "quarantine": QUARANTINE,
        **{spec.name: spec.columns + LINEAGE for spec in specs},
    }
    have: dict[str, set[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from duckdb_columns() where schema_name = 'raw' "
        "and database_name = current_database()"
    ).fetchall():
        have.setdefault(table, set()).add(column)
    if set(wanted) <= set(have) and all(
        {c for c, _ in columns} <= have[t] for t, columns in wanted.items()
    ):
        return  # the common case: nothing to do, one catalog query
    con.execute("create schema if not exists raw")
    for table, columns in wanted.items():
        if table not in have:
            con.execute(_ddl(table, columns))
            continue
        # Columns added since the warehouse was created: add them in place.
        for name, type_ in columns:
            if name not in have[table]:
                con.execute(f"alter table raw.{table} add column {name} {type_}")
    # Older warehouses kept an ART index on random record keys for per-file deletes;
    # batch deletes are hash joins, and the index only slowed every insert.
    for spec in specs:
        con.execute(f"drop index if exists raw.{spec.name}_record_key")
