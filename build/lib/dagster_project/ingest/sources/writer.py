"""The writes of one batch, all inside the caller's transaction, set-based.

Input: the parser's `_records` and `_answer_rejects` temp tables and `_files` (with
each file's lineage). Record-level rejects and the answer rejects of records that load
go to `raw.quarantine` (raw text and reason redacted in SQL, the text bounded). Valid
records are de-duplicated across the batch in delivery order — file order, then row:
the LAST occurrence of a record key wins — then every earlier version of those keys
is deleted from `raw.<source>` and the winners are inserted. A later delivery
therefore always wins, exactly as if the files had been loaded one after another.

Per file, as if loaded alone after the files before it: `rows_replaced` counts its
own earlier occurrences of a key (in-file duplicates) plus each of its keys that an
earlier file of the batch, or raw, already held.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dagster_project.ingest.sources.base import MAX_QUARANTINE_TEXT_CHARS, SourceSpec
from dagster_project.ingest.sources.redact import redact_sql


@dataclass
class FileCounts:
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    answers_quarantined: int = 0
    rows_replaced: int = 0


def _per_file(con: duckdb.DuckDBPyConnection, sql: str) -> dict[int, int]:
    return {int(k): int(v) for k, v in con.execute(sql).fetchall()}


def _text(expr: str) -> str:
    return f"left({redact_sql(expr)}, {MAX_QUARANTINE_TEXT_CHARS})"


def write_quarantine(con: duckdb.DuckDBPyConnection, loaded_at) -> None:
    """Quarantine rows for rejected records and for rejected answers of loaded records."""
    lineage = "f._source, f._source_file, f._file_sha256"
    con.execute(
        f"""insert into raw.quarantine
        select {lineage}, r._row_number, $1, {redact_sql("r.record_id")}, 'record', null,
               {_text("r.raw_text")}, {redact_sql("r.reason")}
        from _records as r join _files as f using (_file_id)
        where r.reason is not null""",
        [loaded_at],
    )
    con.execute(
        f"""insert into raw.quarantine
        select {lineage}, a._row_number, $1, {redact_sql("a.record_id")}, 'answer', a.field,
               {_text("a.raw_text")}, {redact_sql("a.reason")}
        from _answer_rejects as a
        semi join _records as r
            on r._file_id = a._file_id and r._row_number = a._row_number and r.reason is null
        join _files as f on f._file_id = a._file_id""",
        [loaded_at],
    )


def count_records(con: duckdb.DuckDBPyConnection) -> dict[int, FileCounts]:
    """Rows read, valid, quarantined and answers quarantined, per file of the batch."""
    counts: dict[int, FileCounts] = {}
    for file_id, read, valid in con.execute(
        "select _file_id, count(*), count(*) filter (where reason is null) "
        "from _records group by _file_id"
    ).fetchall():
        counts[int(file_id)] = FileCounts(int(read), int(valid), int(read) - int(valid))
    answers = _per_file(
        con,
        """select a._file_id, count(*) from _answer_rejects as a
        semi join _records as r
            on r._file_id = a._file_id and r._row_number = a._row_number and r.reason is null
        group by a._file_id""",
    )
    for file_id, n in answers.items():
        counts[file_id].answers_quarantined = n
    return counts


def replace_and_insert(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, loaded_at, counts: dict[int, FileCounts]
) -> None:
    """Insert the batch's winning records; add to each file's `rows_replaced`."""
    key = ", ".join(spec.key)
    valid = (
        "(select *, (_file_id::bigint << 32) + _row_number as _ord "
        "from _records where reason is null)"
    )
    n_valid, n_keys = con.execute(
        f"select count(*), count(distinct ({key})) from _records where reason is null"
    ).fetchall()[0]
    if n_valid == n_keys:  # the common case: no key twice in the batch
        con.execute(f"create or replace temp table _keys as select {key}, _file_id as _first "
                    "from _records where reason is null")  # fmt: skip
        con.execute(f"create or replace temp view _latest as select * from {valid}")
    else:
        # per file, its own earlier occurrences of a key, and keys an earlier file held
        con.execute(f"""
            create or replace temp table _pairs as
            select {key}, _file_id, count(*) as n,
                   min(_file_id) over (partition by {key}) as _first
            from _records where reason is null group by {key}, _file_id""")
        for file_id, n in _per_file(
            con,
            "select _file_id, sum(n - 1 + (_file_id > _first)::int) from _pairs group by 1",
        ).items():
            counts[file_id].rows_replaced += n
        con.execute(f"""
            create or replace temp table _keys as
            select {key}, min(_file_id) as _first, max(_ord) as _win from {valid}
            group by {key}""")
        con.execute(
            f"create or replace temp view _latest as select v.* from {valid} as v "
            f"semi join _keys as k on v._ord = k._win and {_match('v', 'k', spec.key)}"
        )
    # earlier versions already in raw: counted for the first file of the batch with the key
    con.execute(f"""
        create or replace temp table _in_raw as
        select k.* from _keys as k semi join raw.{spec.name} as t on {_match("t", "k", spec.key)}""")
    in_raw = _per_file(con, "select _first, count(*) from _in_raw group by 1")
    for file_id, n in in_raw.items():
        counts[file_id].rows_replaced += n
    if in_raw:
        con.execute(
            f"delete from raw.{spec.name} as t using _in_raw as k "
            f"where {_match('t', 'k', spec.key)}"
        )
    columns = ", ".join(c for c, _ in spec.columns)
    con.execute(
        f"""insert into raw.{spec.name} ({columns}, _source, _source_file, _file_sha256,
            _row_number, _delivered_at, _loaded_at)
        select {", ".join(f"l.{c}" for c, _ in spec.columns)}, f._source, f._source_file,
               f._file_sha256, l._row_number, f._delivered_at, $1
        from _latest as l join _files as f using (_file_id)""",
        [loaded_at],
    )


def _match(left: str, right: str, key: tuple[str, ...]) -> str:
    return " and ".join(f"{left}.{k} = {right}.{k}" for k in key)
