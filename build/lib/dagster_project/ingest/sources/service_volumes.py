"""Service volumes as agencies report them to OMB (CSV, UTF-8, comma).

`service_id, fiscal_year, fiscal_quarter, channel, volume_of_customers,
volume_offered_survey`: a known service; a fiscal year 2000–2100; quarter 1–4; a
seed channel (or `all`); volumes whole numbers ≥ 0 (thousands separators are not
accepted: `1,200` in a comma file is a column-count problem anyway). Record key:
(`service_id`, `fiscal_year`, `fiscal_quarter`, `channel`).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from dagster_project.core.reference import channels, service_ids
from dagster_project.ingest.sources.base import (
    Delivery,
    Outcome,
    Prepared,
    SourceSpec,
    field,
    no_answer_rejects,
    record_reason_sql,
    too_long_check,
)
from dagster_project.ingest.sources.csvfile import prepare_csv, read_records
from dagster_project.ingest.sources.sqltext import list_lit, quoted

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


def prepare(delivery: Delivery) -> Prepared | Outcome:
    return prepare_csv(delivery, "utf-8", ",", HEADER, "service-volumes file")


def parse(con: duckdb.DuckDBPyConnection, files: Sequence[Prepared], salt: str) -> None:
    read_records(con, ",")
    reason = record_reason_sql([
        too_long_check(),
        ("undecodable", "'undecodable text (not UTF-8)'"),
        ("unterminated", "'unterminated quoted field'"),
        ("n_fields <> n_header",
         "'wrong column count: expected ' || n_header || ', got ' || n_fields"),
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
        with r as (
            select r._file_id, r._row_number, r.raw_text, r.n_fields, r.undecodable,
                r.unterminated, f.n_header,
                lower({field("service_id")}) as service_id,
                {field("fiscal_year")} as raw_year,
                {field("fiscal_quarter")} as raw_quarter,
                lower({field("channel")}) as channel,
                {field("volume_of_customers")} as raw_customers,
                {field("volume_offered_survey")} as raw_offered
            from _csv as r join _files as f using (_file_id)
        ), t as (
            select *, {_whole("raw_year")} as fiscal_year, {_whole("raw_quarter")} as fiscal_quarter,
                {_whole("raw_customers")} as volume_of_customers,
                {_whole("raw_offered")} as volume_offered_survey
            from r
        )
        select _file_id, _row_number, raw_text,
            concat_ws(':', service_id, raw_year, raw_quarter, channel) as record_id,
            {reason} as reason, service_id, fiscal_year::integer as fiscal_year,
            fiscal_quarter::integer as fiscal_quarter, channel, volume_of_customers,
            volume_offered_survey
        from t""")
    no_answer_rejects(con)


SPEC = SourceSpec(
    name="service_volumes",
    extensions=(".csv",),
    columns=COLUMNS,
    key=("service_id", "fiscal_year", "fiscal_quarter", "channel"),
    prepare=prepare,
    parse=parse,
    header_columns=tuple(HEADER),
)
