"""Case-management stage events (CSV or Parquet, UTC).

Columns `case_id, journey_id, customer_id, stage_key, event, event_at`; `event` is
`entered`, `completed` or `abandoned`; (`journey_id`, `stage_key`) must be a stage of
the journey in the seed; `event_at` is UTC (ISO 8601, an offset is honoured).
Parquet columns are read as text and validated exactly like CSV fields; the raw
text kept for quarantine is the row as JSON, with `customer_id` removed.
Record key: (`case_id`, `stage_key`, `event`).
"""

from __future__ import annotations

import duckdb

from dagster_project.reference import journey_stages
from dagster_project.sources.base import (
    ParseContext,
    ParseResult,
    SourceSpec,
    field,
    record_reason_sql,
    salted_key_sql,
)
from dagster_project.sources.csvfile import missing_columns, open_csv
from dagster_project.sources.sqltext import list_lit, lit, quoted

HEADER = ["case_id", "journey_id", "customer_id", "stage_key", "event", "event_at"]
EVENTS = ("entered", "completed", "abandoned")
COLUMNS = (
    ("case_id", "varchar"), ("journey_id", "varchar"), ("customer_key", "varchar"),
    ("stage_key", "varchar"), ("event", "varchar"), ("event_at", "timestamptz"),
)  # fmt: skip
TIMESTAMP = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?( ?(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?))?"


def _parquet_source(
    con: duckdb.DuckDBPyConnection, ctx: ParseContext
) -> tuple[list[str], str] | ParseResult:
    if ctx.path.stat().st_size == 0:
        return ParseResult("empty", "empty file (0 bytes)")
    try:
        names = [
            r[0]
            for r in con.execute(f"describe select * from read_parquet({lit(ctx.path)})").fetchall()
        ]
    except duckdb.Error as exc:
        return ParseResult(
            "unknown_kind", f"not a readable Parquet file: {str(exc).splitlines()[0]}"
        )
    header = [n.strip().lower() for n in names]
    if problem := missing_columns(header, HEADER, "case-events file"):
        return problem
    # Every column as text, like a CSV row: one validation path for both formats.
    fields = "[" + ", ".join(f'"{n}"::varchar' for n in names) + "]"
    row = (
        "{"
        + ", ".join(
            f'{lit(h)}: "{n}"::varchar'
            for h, n in zip(header, names, strict=True)
            if h != "customer_id"
        )
        + "}"
    )
    sql = f"""
        select file_row_number + 1 as _row_number, to_json({row})::varchar as raw_text,
               {fields} as fields, {len(names)} as n_fields,
               false as undecodable, false as unterminated
        from read_parquet({lit(ctx.path)}, file_row_number = true)"""
    con.execute(f"create or replace temp table _csv as {sql}")
    return header, "select * from _csv"


def parse(con: duckdb.DuckDBPyConnection, ctx: ParseContext) -> ParseResult:
    masked = "raw_text"
    if ctx.path.suffix.lower() == ".parquet":
        opened = _parquet_source(con, ctx)
    else:
        opened = open_csv(con, ctx, "utf-8", ",")
        if not isinstance(opened, ParseResult) and "customer_id" in opened[0]:
            i = opened[0].index("customer_id") + 1
            masked = (f"case when n_fields >= {i} then array_to_string(list_concat("
                      f"fields[1:{i - 1}], ['[REMOVED]'], fields[{i + 1}:]), ',') else raw_text end")  # fmt: skip
    if isinstance(opened, ParseResult):
        return opened
    header, records = opened
    if problem := missing_columns(header, HEADER, "case-events file"):
        return problem
    stages = list_lit(f"{j}:{s}" for j, keys in journey_stages().items() for s in keys)
    reason = record_reason_sql([
        ("undecodable", "'undecodable text (not UTF-8)'"),
        ("unterminated", "'unterminated quoted field'"),
        (f"n_fields <> {len(header)}",
         f"'wrong column count: expected {len(header)}, got ' || n_fields"),
        ("case_id is null", "'missing id'"),
        ("raw_event_at is null", "'missing timestamp'"),
        ("event_at is null", f"'unparseable timestamp ' || {quoted('raw_event_at')}"),
        (f"event is null or event not in {EVENTS}",
         f"'unknown event ' || {quoted('coalesce(event, chr(0))')}"),
        (f"not list_contains({stages}, coalesce(journey_id, '') || ':' || coalesce(stage_key, ''))",
         f"'unknown stage ' || {quoted('coalesce(stage_key, chr(0))')} || ' for journey ' || "
         f"{quoted('coalesce(journey_id, chr(0))')}"),
    ])  # fmt: skip
    con.execute(f"""
        create or replace temp table _records as
        with f as (
            select _row_number, n_fields, undecodable, unterminated, {masked} as raw_text,
                {field(header, "case_id")} as case_id, lower({field(header, "journey_id")}) as journey_id,
                {field(header, "customer_id")} as customer_id,
                lower({field(header, "stage_key")}) as stage_key, lower({field(header, "event")}) as event,
                {field(header, "event_at")} as raw_event_at
            from ({records})
        ), t as (
            select *, case when regexp_full_match(raw_event_at, '{TIMESTAMP}')
                           then try_cast(raw_event_at as timestamptz) end as event_at
            from f
        )
        select _row_number, raw_text,
            concat_ws(':', case_id, stage_key, event) as record_id, {reason} as reason,
            case_id, journey_id, {salted_key_sql("customer_id", ctx.id_salt)} as customer_key,
            stage_key, event, event_at
        from t""")
    con.execute("""
        create or replace temp table _answer_rejects as
        select null::bigint as _row_number, null::varchar as record_id, null::varchar as field,
               null::varchar as raw_text, null::varchar as reason
        where false""")
    return ParseResult("ok")


SPEC = SourceSpec(
    name="case_events",
    extensions=(".csv", ".parquet"),
    columns=COLUMNS,
    key=("case_id", "stage_key", "event"),
    parse=parse,
)
