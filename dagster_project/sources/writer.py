"""The writes of one file's load, all inside the caller's transaction.

Input: the parser's `_records` and `_answer_rejects` temp tables. Record-level
rejects and the answer rejects of records that load go to `raw.quarantine` (raw
text and reason redacted in SQL). Valid records are de-duplicated within the file —
the LAST occurrence of a record key wins and the earlier ones count as replaced —
then every earlier version of those keys is deleted from `raw.<source>` (counted as
replaced) and the new rows are inserted. A later delivery therefore always wins.
"""

from __future__ import annotations

import duckdb

from dagster_project.sources.base import SourceSpec
from dagster_project.sources.redact import redact_sql
from dagster_project.sources.tables import LOAD_LOG


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> int:
    rows = con.execute(sql, params or []).fetchall()
    return int(rows[0][0]) if rows else 0


def count_records(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(records read, records that pass record-level validation)."""
    rows = con.execute(
        "select count(*), count(*) filter (where reason is null) from _records"
    ).fetchall()
    return int(rows[0][0]), int(rows[0][1])


def write_quarantine(
    con: duckdb.DuckDBPyConnection, lineage: dict, n_rejected: int | None = None
) -> tuple[int, int]:
    """Quarantine rows for rejected records and for rejected answers of loaded records.

    `n_rejected` (records that failed validation, if the caller counted them) and an
    empty `_answer_rejects` let a clean file skip the inserts: each costs a few ms of
    planning, which dominates small files (an incremental delivery).
    """
    params = [
        lineage["_source"],
        lineage["_source_file"],
        lineage["_file_sha256"],
        lineage["_loaded_at"],
    ]
    records = 0
    if n_rejected != 0:
        records = _count(
            con,
            f"""insert into raw.quarantine
            select $1, $2, $3, _row_number, $4, {redact_sql("record_id")}, 'record', null,
                   {redact_sql("raw_text")}, {redact_sql("reason")}
            from _records where reason is not null""",
            params,
        )
    if _count(con, "select count(*) from (select 1 from _answer_rejects limit 1)") == 0:
        return records, 0
    answers = _count(
        con,
        f"""insert into raw.quarantine
        select $1, $2, $3, a._row_number, $4, {redact_sql("a.record_id")}, 'answer', a.field,
               {redact_sql("a.raw_text")}, {redact_sql("a.reason")}
        from _answer_rejects a semi join _records r
            on r._row_number = a._row_number and r.reason is null""",
        params,
    )
    return records, answers


def replace_and_insert(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, lineage: dict, n_valid: int
) -> int:
    """Insert the valid records; return how many earlier versions they replaced."""
    key = ", ".join(spec.key)
    distinct = _count(con, f"select count(distinct ({key})) from _records where reason is null")
    if distinct == n_valid:  # the common case: no key twice in the file, nothing to copy
        con.execute(
            "create or replace temp view _latest as select * from _records where reason is null"
        )
    else:
        con.execute(f"""
            create or replace temp table _deduped as
            select * from _records where reason is null
            qualify row_number() over (partition by {key} order by _row_number desc) = 1""")
        con.execute("create or replace temp view _latest as select * from _deduped")
    in_file = n_valid - distinct
    match = " and ".join(f"t.{k} = l.{k}" for k in spec.key)
    earlier = _count(con, f"delete from raw.{spec.name} as t using _latest as l where {match}")
    columns = [c for c, _ in spec.columns]
    con.execute(
        f"""insert into raw.{spec.name} ({", ".join(columns)}, _source, _source_file,
            _file_sha256, _row_number, _delivered_at, _loaded_at)
        select {", ".join(columns)}, $1, $2, $3, _row_number, $4, $5 from _latest""",
        [
            lineage["_source"],
            lineage["_source_file"],
            lineage["_file_sha256"],
            lineage["_delivered_at"],
            lineage["_loaded_at"],
        ],
    )
    return in_file + earlier


def write_log(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    """Append one `raw.load_log` row (`load_id` is the next integer)."""
    names = [n for n, _ in LOAD_LOG if n != "load_id"]
    placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    con.execute(
        f"""insert into raw.load_log (load_id, {", ".join(names)})
        select coalesce((select max(load_id) from raw.load_log), 0) + 1, {placeholders}""",
        [row[n] for n in names],
    )
