"""Agency survey-platform API dumps (JSON Lines, UTF-8), one response a line.

Lines are read raw and parsed with DuckDB's JSON functions, so a truncated line is
quarantined with its line number (`_row_number` = line number; blank lines are not
records) instead of failing the file. `customer.id` becomes `customer_key`
(salted SHA-256); `customer.email` is dropped, and the whole `customer` object is
cut out of any raw text kept in quarantine. Answers: `driver` must be a seed driver
that has the answer's `scale`, and `value` one the scale accepts (seed
`answer_encodings`: `likert5` 1–5; `thumbs` 1/0, up/down, yes/no, true/false, 👍/👎);
`value` is stored trimmed and lower-cased; a null value, or one the seed reads as not
answered (blank, `n/a`, skipped), is no answer; a second answer for the same driver is quarantined. Record key: `response_id`.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from dagster_project.core.reference import (
    answer_encodings,
    channels,
    driver_keys,
    read_seed,
    service_ids,
)
from dagster_project.ingest.sources.base import (
    MAX_RECORD_CHARS,
    Delivery,
    Outcome,
    Prepared,
    SourceSpec,
    bounded_text_sql,
    not_answered_sql,
    record_reason_sql,
    salted_key_sql,
    text_truncated_sql,
    too_long_check,
    ts_with_offset_sql,
)
from dagster_project.ingest.sources.csvfile import read_lines
from dagster_project.ingest.sources.redact import redact_sql
from dagster_project.ingest.sources.sqltext import list_lit, lit, quoted
from dagster_project.ingest.sources.textfile import NotText, as_utf8

ANSWER_TYPE = "struct(driver varchar, scale varchar, value varchar)[]"
COLUMNS = (
    ("response_id", "varchar"), ("service_id", "varchar"), ("channel", "varchar"),
    ("submitted_at", "timestamptz"), ("customer_key", "varchar"), ("case_id", "varchar"),
    ("stage", "varchar"), ("answers", ANSWER_TYPE), ("comment", "varchar"),
    ("text_truncated", "boolean"),
)  # fmt: skip
# The scales an agency API answer may be on, and the values each accepts (seed
# `answer_encodings`; `indicator` is the Touchpoints form's own).
SCALE_VALUES = {
    scale: tuple(values) for scale, values in answer_encodings().items() if scale != "indicator"
}
ITEMS = '[{"driver": "VARCHAR", "scale": "VARCHAR", "value": "VARCHAR"}]'
# Every field of a record in one JSON parse; the answers stay JSON (validated per element).
RECORD = (
    '{"response_id": "VARCHAR", "service_id": "VARCHAR", "channel": "VARCHAR", '
    '"submitted_at": "VARCHAR", "customer": {"id": "VARCHAR"}, "case_id": "VARCHAR", '
    '"stage": "VARCHAR", "answers": "JSON", "comment": "VARCHAR"}'
)
# The customer object (complete, or cut off by truncation) in raw JSON text.
CUSTOMER_RE = r'"customer"\s*:\s*(\{[^}]*\}?|"(?:[^"\\]|\\.)*"?|[^,}\]]*)'


def driver_scales() -> list[str]:
    """'driver:scale' pairs the seed allows, e.g. 'trust:thumbs'."""
    return [
        f"{r['driver']}:{s}"
        for r in read_seed("a11_questions")
        for s in r["scales"].split("|")
        if s in SCALE_VALUES
    ]


def without_customer(expr: str) -> str:
    return f"""regexp_replace({expr}, {lit(CUSTOMER_RE)}, '"customer": "[REMOVED]"', 'g')"""


def _answers_sql() -> str:
    drivers = list_lit(driver_keys())
    values = " ".join(
        f"when scale = '{s}' and value not in {v} then "
        f"'answer out of range: ' || {quoted('value')} || ' for {s}'"
        for s, v in SCALE_VALUES.items()
    )
    reason = record_reason_sql([
        ("etype <> 'OBJECT'", "'answer is not an object'"),
        ("driver is null", "'missing driver'"),
        (f"not list_contains({drivers}, driver)", f"'unknown driver key ' || {quoted('driver')}"),
        (f"scale is null or scale not in {tuple(SCALE_VALUES)}",
         f"'unknown scale ' || {quoted('coalesce(scale, chr(0))')}"),
        (f"not list_contains({list_lit(driver_scales())}, driver || ':' || scale)",
         f"'driver ' || {quoted('driver')} || ' is not asked on the ' || scale || ' scale'"),
    ])  # fmt: skip
    # One row per answer element, from the elements as structs (json_transform, one
    # pass) zipped with their JSON types; `clean` when the element is stored as it came.
    return f"""
        create or replace temp table _answers as
        with e as (
            select _file_id, _row_number, record_id, unnest(items) as item,
                   unnest(json_type(answers_json, '$[*]')) as etype,
                   generate_subscripts(items, 1) as idx
            from _parsed where answers_type = 'ARRAY'
        ), a as (
            select _file_id, _row_number, record_id, idx, etype, item,
                   lower(trim(item.driver)) as driver, lower(trim(item.scale)) as scale,
                   lower(trim(item.value)) as value
            from e
        )
        select _file_id, _row_number, record_id, idx, driver, scale, value,
            case when etype <> 'OBJECT' or coalesce(value, '') not in {not_answered_sql()}
                 then coalesce({reason}, case {values} end) end as reason,
            etype <> 'OBJECT' or coalesce(value, '') not in {not_answered_sql()} as is_answer,
            etype = 'OBJECT' and driver is not distinct from item.driver
                and scale is not distinct from item.scale
                and value is not distinct from item.value as as_delivered
        from a"""


def _second_answers_for_a_driver(con: duckdb.DuckDBPyConnection) -> None:
    """A second valid answer for the same driver in one record is quarantined."""
    dupes = con.execute("""
        select count(*) from (
            select 1 from _answers where is_answer and reason is null
            group by _file_id, _row_number, driver having count(*) > 1)""").fetchall()[0][0]
    if not dupes:
        return
    con.execute(f"""
        update _answers as a set reason = 'duplicate answer for driver ' || {quoted("a.driver")}
        from (
            select _file_id, _row_number, idx from (
                select _file_id, _row_number, idx, row_number() over (
                    partition by _file_id, _row_number, driver order by idx) as n
                from _answers where is_answer and reason is null) where n > 1
        ) as d
        where a._file_id = d._file_id and a._row_number = d._row_number and a.idx = d.idx""")


def prepare(delivery: Delivery) -> Prepared | Outcome:
    if delivery.size == 0:
        return Outcome("empty", "empty file (0 bytes)")
    try:
        text = as_utf8(delivery.path, delivery.data, "utf-8", delivery.tmp_dir)
    except NotText as exc:
        return Outcome("rejected", f"not a JSON Lines file: {exc} (binary or another encoding)")
    return Prepared(delivery, text.path, text.undecodable)


def parse(con: duckdb.DuckDBPyConnection, files: Sequence[Prepared], salt: str) -> None:
    read_lines(con, quote_stats=False)
    con.execute("drop table _file_lines")
    reason = record_reason_sql([
        too_long_check("length(line)"),
        ("undecodable", "'undecodable text (not UTF-8)'"),
        ("not is_json", "'truncated or invalid JSON'"),
        ("jtype <> 'OBJECT'", "'not a JSON object'"),
        ("response_id is null", "'missing id'"),
        ("raw_submitted_at is null", "'missing timestamp'"),
        ("submitted_at is null", f"'unparseable timestamp ' || {quoted('raw_submitted_at')}"),
        ("service_id is null", "'missing service_id'"),
        (f"not list_contains({list_lit(service_ids())}, service_id)",
         f"'unknown service_id ' || {quoted('service_id')}"),
        ("channel is null", "'missing channel'"),
        (f"not list_contains({list_lit(channels())}, channel)",
         f"'unknown channel ' || {quoted('channel')}"),
        ("answers_type not in ('ARRAY', 'NULL')", "'answers is not a list'"),
    ])  # fmt: skip
    con.execute(f"""
        create or replace temp table _parsed as
        with l as (
            select l._file_id, l.line_no as _row_number, l.line,
                   f.undecodable and contains(l.line, chr(65533)) as undecodable
            from _lines as l join _files as f using (_file_id)
            where regexp_matches(l.line, '[^ ]')  -- not blank (trim() strips spaces only)
        ), x as (
            -- one JSON parse per line, into every field at once (NULL: not valid JSON);
            -- json_valid first: try() falls back to one row at a time in every chunk
            -- that holds an invalid line, which made this step 2.5x slower at 1M
            select *, case when not undecodable and length(line) <= {MAX_RECORD_CHARS}
                                and json_valid(line)
                           then try(json_transform(line, {lit(RECORD)})) end as j
            from l
        ), f as (
            select _file_id, _row_number, undecodable, line, j is not null as is_json,
                case when regexp_matches(line, '^\\s*[{{]') then 'OBJECT' else 'OTHER' end
                    as jtype,
                nullif(trim(j.response_id), '') as response_id,
                lower(trim(j.service_id)) as service_id, lower(trim(j.channel)) as channel,
                nullif(trim(j.submitted_at), '') as raw_submitted_at,
                nullif(trim(j.customer.id), '') as customer_id,
                nullif(trim(j.case_id), '') as case_id, lower(nullif(trim(j.stage), '')) as stage,
                {redact_sql("j.comment")} as raw_comment,
                j.answers as answers_json, coalesce(json_type(j.answers), 'NULL') as answers_type
            from x
        ), t as (select *, {ts_with_offset_sql("raw_submitted_at")} as submitted_at from f),
        r as (select *, {reason} as reason from t)
        select _file_id, _row_number,
            -- raw text only for quarantined lines, and without the customer object
            case when reason is not null then {without_customer("line")} end as raw_text,
            response_id as record_id, reason,
            response_id, service_id, channel, submitted_at,
            {salted_key_sql("customer_id", salt)} as customer_key, case_id, stage,
            {bounded_text_sql("raw_comment")} as comment,
            {text_truncated_sql("raw_comment")} as text_truncated,
            answers_json, answers_type,
            case when answers_type = 'ARRAY' then json_transform(answers_json, {lit(ITEMS)}) end
                as items
        from r""")
    con.execute("drop table _lines")
    con.execute(_answers_sql())
    _second_answers_for_a_driver(con)
    # Most records store their answers exactly as delivered (`items`); the others get
    # the list of their valid answers, normalised, in their delivered order.
    con.execute(f"""
        create or replace temp table _records as
        with rebuilt as (
            select _file_id, _row_number,
                   coalesce(list(struct_pack(driver, scale, value) order by idx)
                            filter (where is_answer and reason is null), []) as answers
            from _answers
            where (_file_id, _row_number) in (
                select (_file_id, _row_number) from _answers
                where not as_delivered or not is_answer or reason is not null)
            group by _file_id, _row_number
        )
        select p.* exclude (answers_json, answers_type, items),
               case when r._row_number is not null then r.answers
                    when p.answers_type = 'ARRAY' then p.items
                    else []::{ANSWER_TYPE} end as answers
        from _parsed as p left join rebuilt as r using (_file_id, _row_number)""")
    con.execute("""
        create or replace temp table _answer_rejects as
        select a._file_id, a._row_number, a.record_id,
               coalesce(a.driver, 'answers[' || a.idx || ']') as field,
               json_extract(p.answers_json, '$[' || (a.idx - 1) || ']')::varchar as raw_text,
               a.reason
        from _answers as a join _parsed as p using (_file_id, _row_number)
        where a.reason is not null
        order by a._file_id, a._row_number, a.idx""")
    con.execute("drop table _parsed")
    con.execute("drop table _answers")


SPEC = SourceSpec(
    name="agency_api",
    extensions=(".jsonl", ".ndjson", ".json"),
    columns=COLUMNS,
    key=("response_id",),
    prepare=prepare,
    parse=parse,
)
