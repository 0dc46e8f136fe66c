"""Case-management stage events (CSV or Parquet, UTC).

Columns `case_id, journey_id, customer_id, stage_key, event, event_at`; `event` is
`entered`, `completed` or `abandoned`; (`journey_id`, `stage_key`) must be a stage of
the journey in the seed; `event_at` is UTC (ISO 8601, an offset is honoured).
Parquet columns are read as text and validated exactly like CSV fields; the raw
text kept for quarantine is the row as JSON, with `customer_id` removed.
Record key: (`case_id`, `stage_key`, `event`).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow.parquet as pq

from dagster_project.core.reference import journey_stages
from dagster_project.ingest.sources.base import (
    Delivery,
    Outcome,
    Prepared,
    SourceSpec,
    field,
    no_answer_rejects,
    record_reason_sql,
    salted_key_sql,
    too_long_check,
)
from dagster_project.ingest.sources.csvfile import prepare_csv, read_records
from dagster_project.ingest.sources.sqltext import list_lit, lit, quoted

HEADER = ["case_id", "journey_id", "customer_id", "stage_key", "event", "event_at"]
EVENTS = ("entered", "completed", "abandoned")
COLUMNS = (
    ("case_id", "varchar"), ("journey_id", "varchar"), ("customer_key", "varchar"),
    ("stage_key", "varchar"), ("event", "varchar"), ("event_at", "timestamptz"),
)  # fmt: skip
TIMESTAMP = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?( ?(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?))?"
WHAT = "case-events file"


def prepare(delivery: Delivery) -> Prepared | Outcome:
    if delivery.path.suffix.lower() != ".parquet":
        return prepare_csv(delivery, "utf-8", ",", HEADER, WHAT)
    if delivery.size == 0:
        return Outcome("empty", "empty file (0 bytes)")
    try:
        names = tuple(pq.read_schema(delivery.path).names)
    except Exception as exc:  # any unreadable footer: the file itself is bad
        return Outcome("unknown_kind", f"not a readable Parquet file ({type(exc).__name__})")
    header = tuple(n.strip().lower() for n in names)
    missing = [c for c in HEADER if c not in header]
    if missing:
        return Outcome("unknown_kind", f"not a {WHAT}: columns lack {', '.join(missing)}")
    return Prepared(delivery, delivery.path, header=header, kind="parquet", source_columns=names)


def _parquet_records(files: Sequence[tuple[int, Prepared]]) -> str:
    """Every Parquet file's rows shaped like `_csv` rows: every column as text."""
    selects = []
    for file_id, p in files:
        names = p.source_columns
        fields = "[" + ", ".join(f'"{n}"::varchar' for n in names) + "]"
        row = ", ".join(
            f'{lit(h)}: "{n}"::varchar'
            for h, n in zip(p.header, names, strict=True)
            if h != "customer_id"
        )
        selects.append(
            f"select {file_id} as _file_id, file_row_number + 1 as _row_number, "
            f"to_json({{{row}}})::varchar as raw_text, {fields} as fields, "
            f"{len(names)} as n_fields, false as undecodable, false as unterminated "
            f"from read_parquet({lit(p.path)}, file_row_number = true)"
        )
    return "\nunion all\n".join(selects)


def parse(con: duckdb.DuckDBPyConnection, files: Sequence[Prepared], salt: str) -> None:
    numbered = list(enumerate(files))
    parquet = [(i, p) for i, p in numbered if p.kind == "parquet"]
    if len(parquet) < len(files):
        read_records(con, ",")
    else:
        con.execute("create or replace temp table _csv as " + _parquet_records(parquet))
        parquet = []
    if parquet:
        con.execute("insert into _csv by name " + _parquet_records(parquet))
    # the customer id never reaches quarantine: mask it in CSV record text
    i = "f.i_customer_id"
    masked = (
        f"case when f.kind = 'text' and n_fields >= {i} then array_to_string(list_concat("
        f"fields[1:{i} - 1], ['[REMOVED]'], fields[{i} + 1:]), ',') else raw_text end"
    )
    stages = list_lit(f"{j}:{s}" for j, keys in journey_stages().items() for s in keys)
    reason = record_reason_sql([
        too_long_check("raw_length"),
        ("undecodable", "'undecodable text (not UTF-8)'"),
        ("unterminated", "'unterminated quoted field'"),
        ("n_fields <> n_header",
         "'wrong column count: expected ' || n_header || ', got ' || n_fields"),
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
        with r as (
            select r._file_id, r._row_number, r.n_fields, r.undecodable, r.unterminated,
                f.n_header, {masked} as raw_text, length(r.raw_text) as raw_length,
                {field("case_id")} as case_id, lower({field("journey_id")}) as journey_id,
                {field("customer_id")} as customer_id,
                lower({field("stage_key")}) as stage_key, lower({field("event")}) as event,
                {field("event_at")} as raw_event_at
            from _csv as r join _files as f using (_file_id)
        ), t as (
            select *, case when regexp_full_match(raw_event_at, '{TIMESTAMP}')
                           then try_cast(raw_event_at as timestamptz) end as event_at
            from r
        )
        select _file_id, _row_number, raw_text,
            concat_ws(':', case_id, stage_key, event) as record_id, {reason} as reason,
            case_id, journey_id, {salted_key_sql("customer_id", salt)} as customer_key,
            stage_key, event, event_at
        from t""")
    no_answer_rejects(con)


SPEC = SourceSpec(
    name="case_events",
    extensions=(".csv", ".parquet"),
    columns=COLUMNS,
    key=("case_id", "stage_key", "event"),
    prepare=prepare,
    parse=parse,
    header_columns=tuple(HEADER),
)
