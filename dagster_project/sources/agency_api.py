"""Agency survey-platform API dumps (JSON Lines, UTF-8), one response a line.

Lines are read raw and parsed with DuckDB's JSON functions, so a truncated line is
quarantined with its line number (`_row_number` = line number; blank lines are not
records) instead of failing the file. `customer.id` becomes `customer_key`
(salted SHA-256); `customer.email` is dropped, and the whole `customer` object is
cut out of any raw text kept in quarantine. Answers: `driver` must be a seed driver
that has the answer's `scale` (`likert5`: 1–5; `thumbs`: 1/0, up/down, yes/no,
👍/👎); `value` is stored trimmed and lower-cased; a null, blank or `n/a` value is no
answer; a second answer for the same driver is quarantined. Record key: `response_id`.
"""

from __future__ import annotations

import duckdb

from dagster_project.reference import channels, driver_keys, read_seed, service_ids
from dagster_project.sources.base import (
    NOT_ANSWERED,
    ParseContext,
    ParseResult,
    SourceSpec,
    record_reason_sql,
    salted_key_sql,
    ts_with_offset_sql,
)
from dagster_project.sources.csvfile import lines_sql
from dagster_project.sources.redact import redact_sql
from dagster_project.sources.sqltext import list_lit, lit, quoted
from dagster_project.sources.textfile import to_utf8

ANSWER_TYPE = "struct(driver varchar, scale varchar, value varchar)[]"
COLUMNS = (
    ("response_id", "varchar"), ("service_id", "varchar"), ("channel", "varchar"),
    ("submitted_at", "timestamptz"), ("customer_key", "varchar"), ("case_id", "varchar"),
    ("stage", "varchar"), ("answers", ANSWER_TYPE), ("comment", "varchar"),
)  # fmt: skip
SCALE_VALUES = {
    "likert5": ("1", "2", "3", "4", "5"),
    "thumbs": ("1", "0", "up", "down", "yes", "no", "👍", "👎"),
}
PATHS = "['$.response_id', '$.service_id', '$.channel', '$.submitted_at', '$.customer.id', '$.case_id', '$.stage', '$.comment']"
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
    return f"""
        create or replace temp table _answers as
        with e as (
            select _row_number, record_id, unnest(items) as elem,
                   generate_subscripts(items, 1) as idx
            from (select _row_number, record_id, json_extract(answers_json, '$[*]') as items
                  from _records where answers_type = 'ARRAY')
        ), a as (
            select _row_number, record_id, idx, elem::varchar as raw, json_type(elem) as etype,
                   lower(trim(elem->>'driver')) as driver, lower(trim(elem->>'scale')) as scale,
                   lower(trim(elem->>'value')) as value
            from e
        ), v as (
            select *, coalesce({reason}, case {values} end) as bad
            from a where etype <> 'OBJECT' or coalesce(value, '') not in {NOT_ANSWERED}
        )
        select *, case when bad is null and row_number() over (
                         partition by _row_number, driver, bad is null order by idx) > 1
                       then 'duplicate answer for driver ' || {quoted("driver")} else bad end
                  as reason
        from v"""


def parse(con: duckdb.DuckDBPyConnection, ctx: ParseContext) -> ParseResult:
    if ctx.path.stat().st_size == 0:
        return ParseResult("empty", "empty file (0 bytes)")
    text_path, undecodable = to_utf8(ctx.path, "utf-8", ctx.tmp_dir)
    bad_text = "contains(line, chr(65533))" if undecodable else "false"
    reason = record_reason_sql([
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
        create or replace temp table _records as
        with l as (
            select line_no as _row_number, line, {bad_text} as undecodable,
                   json_valid(line) as is_json
            from ({lines_sql(text_path)}) where nullif(trim(line), '') is not null
        ), j as (
            -- one JSON parse per line: every field in one multi-path extraction
            select *, case when is_json and not undecodable then line::json end as j from l
        ), x as (
            select *, json_type(j) as jtype, json_extract_string(j, {PATHS}) as v,
                   json_extract(j, '$.answers') as answers_json
            from j
        ), f as (
            select _row_number, undecodable, is_json, jtype, line,
                nullif(trim(v[1]), '') as response_id, lower(trim(v[2])) as service_id,
                lower(trim(v[3])) as channel, nullif(trim(v[4]), '') as raw_submitted_at,
                nullif(trim(v[5]), '') as customer_id, nullif(trim(v[6]), '') as case_id,
                lower(nullif(trim(v[7]), '')) as stage, v[8] as raw_comment, answers_json,
                coalesce(json_type(answers_json), 'NULL') as answers_type
            from x
        ), t as (select *, {ts_with_offset_sql("raw_submitted_at")} as submitted_at from f),
        r as (select *, {reason} as reason from t)
        select _row_number,
            -- raw text only for quarantined lines, and without the customer object
            case when reason is not null then {without_customer("line")} end as raw_text,
            response_id as record_id, reason,
            response_id, service_id, channel, submitted_at,
            {salted_key_sql("customer_id", ctx.id_salt)} as customer_key, case_id, stage,
            []::{ANSWER_TYPE} as answers, {redact_sql("raw_comment")} as comment,
            answers_json, answers_type
        from r""")
    con.execute(_answers_sql())
    con.execute("""
        update _records as r set answers = v.answers
        from (select _row_number, list(struct_pack(driver, scale, value) order by idx) as answers
              from _answers where reason is null group by _row_number) as v
        where r._row_number = v._row_number""")
    con.execute("""
        create or replace temp table _answer_rejects as
        select _row_number, record_id, coalesce(driver, 'answers[' || idx || ']') as field,
               raw as raw_text, reason
        from _answers where reason is not null""")
    con.execute("drop table _answers")
    return ParseResult("ok")


SPEC = SourceSpec(
    name="agency_api",
    extensions=(".jsonl", ".ndjson", ".json"),
    columns=COLUMNS,
    key=("response_id",),
    index_key=True,
    parse=parse,
)
