"""DDL of the `raw` schema (docs/interfaces.md), created idempotently on first use."""

from __future__ import annotations

import duckdb

from dagster_project.sources.base import SourceSpec

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
FINAL_STATUSES = ("loaded", "duplicate", "empty", "unknown_kind")


def _ddl(table: str, columns: tuple[tuple[str, str], ...]) -> str:
    cols = ",\n    ".join(f"{name} {type_}" for name, type_ in columns)
    return f"create table if not exists raw.{table} (\n    {cols}\n)"


def ensure_tables(con: duckdb.DuckDBPyConnection, specs: list[SourceSpec]) -> None:
    con.execute("create schema if not exists raw")
    con.execute(_ddl("load_log", LOAD_LOG))
    con.execute(_ddl("quarantine", QUARANTINE))
    for spec in specs:
        con.execute(_ddl(spec.name, spec.columns + LINEAGE))
        if spec.index_key:
            # An ART index on the record key turns the loader's "delete the earlier
            # versions of this file's keys" from a scan of the whole table into index
            # lookups when a file holds few keys (an incremental delivery), so its cost
            # no longer grows with the rows already loaded. Only for random keys:
            # sequential ones (Touchpoints submission ids) are pruned by zone maps, and
            # the index costs inserts. Not UNIQUE: uniqueness is the loader's job (and
            # the `unique_record_keys` check's); a constraint would only add failure
            # modes to an existing warehouse.
            con.execute(
                f"create index if not exists {spec.name}_record_key "
                f"on raw.{spec.name} ({', '.join(spec.key)})"
            )
