"""Post-call IVR survey exports (CSV, Windows-1252, `;`).

`CallStart` is `MM/DD/YYYY HH:MM` in America/New_York local time, converted to UTC
with DuckDB's bundled ICU time-zone data (DST-aware; an ambiguous fall-back time
such as 01:30 on the first Sunday of November resolves to standard time, ICU's
choice). `Queue` maps to a `service_id` through the seed; an unknown queue
quarantines the record. Keypad answers Q1–Q5 are 1–5, `9` = skipped (NULL, not
quarantined). `CallerNumber` never reaches the warehouse: it is not a column, and
it is masked in the raw text kept for quarantine. Record key: `call_id`.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from dagster_project.core.reference import queue_map
from dagster_project.ingest.sources.base import (
    Delivery,
    Outcome,
    Prepared,
    SourceSpec,
    bounded_text_sql,
    field,
    likert5_sql,
    out_of_range_reason,
    record_reason_sql,
    text_truncated_sql,
    too_long_check,
)
from dagster_project.ingest.sources.csvfile import prepare_csv, read_records
from dagster_project.ingest.sources.redact import redact_sql
from dagster_project.ingest.sources.sqltext import lit, quoted

HEADER = ["callid", "callstart", "queue", "callernumber", "q1", "q2", "q3", "q4", "q5", "agentnote"]
QUESTIONS = ("q1", "q2", "q3", "q4", "q5")
COLUMNS = (
    ("call_id", "varchar"), ("call_start", "timestamptz"), ("queue", "varchar"),
    ("service_id", "varchar"), *((q, "smallint") for q in QUESTIONS), ("agent_note", "varchar"),
    ("text_truncated", "boolean"),
)  # fmt: skip


def _queue_case(expr: str) -> str:
    whens = " ".join(f"when {lit(q)} then {lit(s)}" for q, s in sorted(queue_map().items()))
    return f"case {expr} {whens} end"


def _masked_raw_text() -> str:
    """The record text with the CallerNumber field replaced (when the row splits)."""
    i = "f.i_callernumber"
    return (
        f"case when n_fields >= {i} then array_to_string("
        f"list_concat(fields[1:{i} - 1], ['[CALLER]'], fields[{i} + 1:]), ';') "
        "else raw_text end"
    )


def prepare(delivery: Delivery) -> Prepared | Outcome:
    return prepare_csv(delivery, "cp1252", ";", HEADER, "contact-center survey export")


def parse(con: duckdb.DuckDBPyConnection, files: Sequence[Prepared], salt: str) -> None:
    read_records(con, ";")
    reason = record_reason_sql([
        too_long_check("raw_length"),
        ("undecodable", "'undecodable text (not Windows-1252)'"),
        ("unterminated", "'unterminated quoted field'"),
        ("n_fields <> n_header",
         "'wrong column count: expected ' || n_header || ', got ' || n_fields"),
        ("call_id is null", "'missing id'"),
        ("raw_call_start is null", "'missing timestamp'"),
        ("call_start is null", f"'unparseable timestamp ' || {quoted('raw_call_start')}"),
        ("queue is null", "'missing queue'"),
        ("service_id is null", f"'unknown queue ' || {quoted('queue')}"),
    ])  # fmt: skip
    con.execute(f"""
        create or replace temp table _records as
        with r as (
            select r._file_id, r._row_number, r.n_fields, r.undecodable, r.unterminated,
                f.n_header, {_masked_raw_text()} as raw_text,
                length(r.raw_text) as raw_length,
                {field("callid")} as call_id,
                {field("callstart")} as raw_call_start,
                upper({field("queue")}) as queue,
                {", ".join(f"{field(q)} as raw_{q}" for q in QUESTIONS)},
                {redact_sql(field("agentnote"))} as raw_note
            from _csv as r join _files as f using (_file_id)
        ), t as (
            select *, timezone('America/New_York',
                       try_strptime(raw_call_start, '%m/%d/%Y %H:%M')) as call_start,
                   {_queue_case("queue")} as service_id
            from r
        )
        select _file_id, _row_number, raw_text, call_id as record_id,
            {reason} as reason,
            call_id, call_start, queue, service_id,
            {", ".join(f"{likert5_sql('raw_' + q)} as {q}" for q in QUESTIONS)},
            {bounded_text_sql("raw_note")} as agent_note,
            {text_truncated_sql("raw_note")} as text_truncated,
            {", ".join(f"raw_{q}" for q in QUESTIONS)}
        from t""")
    rejects = "\nunion all\n".join(
        f"select _file_id, _row_number, record_id, '{q}', raw_{q}, "
        f"{out_of_range_reason('raw_' + q, 'likert5')} "
        f"from _records where raw_{q} is not null and trim(raw_{q}) <> '9' and {q} is null"
        for q in QUESTIONS
    )
    con.execute(f"""
        create or replace temp table _answer_rejects as
        select * from ({rejects}) as a(_file_id, _row_number, record_id, field, raw_text, reason)""")


SPEC = SourceSpec(
    name="contact_center",
    extensions=(".csv",),
    columns=COLUMNS,
    key=("call_id",),
    prepare=prepare,
    parse=parse,
    header_columns=tuple(HEADER),
)
