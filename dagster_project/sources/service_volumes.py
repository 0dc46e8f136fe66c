"""Service volumes as agencies report them to OMB (CSV, UTF-8, comma).

`service_id, fiscal_year, fiscal_quarter, channel, volume_of_customers,
volume_offered_survey`: a known service; a fiscal year 2000–2100; quarter 1–4; a
seed channel (or `all`); volumes whole numbers ≥ 0 (thousands separators are not
accepted: `1,200` in a comma file is a column-count problem anyway). Record key:
(`service_id`, `fiscal_year`, `fiscal_quarter`, `channel`).
"""

from __future__ import annotations

import duckdb

from dagster_project.reference import channels, service_ids
from dagster_project.sources.base import (
    ParseContext,
    ParseResult,
    SourceSpec,
    field,
    record_reason_sql,
)
from dagster_project.sources.csvfile import missing_columns, open_csv
from dagster_project.sources.sqltext import list_lit, quoted

HEADER = [
    "service_id", "fiscal_year", "fiscal_quarter", "channel",
    "volume_of_customers", "volume_offered_survey",
]  # fmt: skip
COLUMNS = (
    ("service_id", "varchar"), ("fiscal_year", "integer"), ("fiscal_quarter", "integer"),
    ("channel", "varchar"), ("volume_of_customers", "bigint"), ("volume_offered_survey", "bigint"),
)  # fmt: skip


def _whole(expr: str) -> str:
    return f"case when regexp_full_match({expr}, '[0-9]{{1,18}}') then {expr}::bigint end"


def parse(con: duckdb.DuckDBPyConnection, ctx: ParseContext) -> ParseResult:
    opened = open_csv(con, ctx, "utf-8", ",")
    if isinstance(opened, ParseResult):
        return opened
    header, records = opened
    if problem := missing_columns(header, HEADER, "service-volumes file"):
        return problem
    reason = record_reason_sql([
        ("undecodable", "'undecodable text (not UTF-8)'"),
        ("unterminated", "'unterminated quoted field'"),
        (f"n_fields <> {len(header)}",
         f"'wrong column count: expected {len(header)}, got ' || n_fields"),
        ("service_id is null", "'missing id'"),
        (f"not list_contains({list_lit(service_ids())}, service_id)",
         f"'unknown service_id ' || {quoted('service_id')}"),
        ("fiscal_year is null or fiscal_year not between 2000 and 2100",
         f"'invalid fiscal_year ' || {quoted('coalesce(raw_year, chr(0))')}"),
        ("fiscal_quarter is null or fiscal_quarter not between 1 and 4",
         f"'invalid fiscal_quarter ' || {quoted('coalesce(raw_quarter, chr(0))')}"),
        ("channel is null", "'missing channel'"),
        (f"not list_contains({list_lit([*channels(), 'all'])}, channel)",
         f"'unknown channel ' || {quoted('channel')}"),
        ("volume_of_customers is null",
         f"'invalid volume_of_customers ' || {quoted('coalesce(raw_customers, chr(0))')}"),
        ("volume_offered_survey is null",
         f"'invalid volume_offered_survey ' || {quoted('coalesce(raw_offered, chr(0))')}"),
    ])  # fmt: skip
    con.execute(f"""
        create or replace temp table _records as
        with f as (
            select _row_number, raw_text, n_fields, undecodable, unterminated,
                lower({field(header, "service_id")}) as service_id,
                {field(header, "fiscal_year")} as raw_year,
                {field(header, "fiscal_quarter")} as raw_quarter,
                lower({field(header, "channel")}) as channel,
                {field(header, "volume_of_customers")} as raw_customers,
                {field(header, "volume_offered_survey")} as raw_offered
            from ({records})
        ), t as (
            select *, {_whole("raw_year")} as fiscal_year, {_whole("raw_quarter")} as fiscal_quarter,
                {_whole("raw_customers")} as volume_of_customers,
                {_whole("raw_offered")} as volume_offered_survey
            from f
        )
        select _row_number, raw_text,
            concat_ws(':', service_id, raw_year, raw_quarter, channel) as record_id,
            {reason} as reason, service_id, fiscal_year::integer as fiscal_year,
            fiscal_quarter::integer as fiscal_quarter, channel, volume_of_customers,
            volume_offered_survey
        from t""")
    con.execute("""
        create or replace temp table _answer_rejects as
        select null::bigint as _row_number, null::varchar as record_id, null::varchar as field,
               null::varchar as raw_text, null::varchar as reason
        where false""")
    return ParseResult("ok")


SPEC = SourceSpec(
    name="service_volumes",
    extensions=(".csv",),
    columns=COLUMNS,
    key=("service_id", "fiscal_year", "fiscal_quarter", "channel"),
    parse=parse,
)
