"""Touchpoints form-submission exports (CSV, UTF-8, comma, header row).

The header decides the layout: the legacy `a11` answers (`satisfaction` …
`employee`, `comment`) and/or the current form's `answer_01` … `answer_04`; columns
are found by name. Each row's `form_kind` says which answers it carries:
- `a11`: seven Likert answers 1–5 (blank = no answer) and `comment`;
- `a11_v2`: `answer_01` trust as thumbs `1` up / `0` down; `a11_v2_radio`: 1–5;
  `answer_02` / `answer_03` comma lists of indicator drivers ("went well" / "didn't"),
  stored de-duplicated in the seed's driver order, unknown keys quarantined one by
  one; `answer_04` is the comment.
Record key: (`form_id`, `submission_id`).
"""

from __future__ import annotations

import duckdb

from dagster_project.reference import channels, driver_keys, read_seed, service_ids
from dagster_project.sources.base import (
    ParseContext,
    ParseResult,
    SourceSpec,
    answer_field,
    field,
    likert5_sql,
    out_of_range_reason,
    record_reason_sql,
    ts_with_offset_sql,
)
from dagster_project.sources.csvfile import missing_columns, open_csv
from dagster_project.sources.redact import redact_sql
from dagster_project.sources.sqltext import list_lit, lit, quoted

LEGACY = (
    "satisfaction",
    "trust",
    "effectiveness",
    "ease",
    "efficiency",
    "transparency",
    "employee",
)
FORM_KINDS = ("a11", "a11_v2", "a11_v2_radio")
BASE = ["id", "form_id", "form_kind", "service_id", "channel", "created_at"]

COLUMNS = (
    ("submission_id", "varchar"), ("form_id", "varchar"), ("form_kind", "varchar"),
    ("service_id", "varchar"), ("channel", "varchar"), ("created_at", "timestamptz"),
    ("page", "varchar"), ("user_agent", "varchar"), ("stage", "varchar"),
    *((d, "smallint") for d in LEGACY),
    ("answer_01", "smallint"), ("answer_02", "varchar"), ("answer_03", "varchar"),
    ("comment", "varchar"),
)  # fmt: skip


def indicator_drivers() -> list[str]:
    """Drivers the current form can tick, in the seed's order."""
    rows = sorted(read_seed("a11_questions"), key=lambda r: int(r["driver_order"]))
    return [r["driver"] for r in rows if "indicator" in r["scales"].split("|")]


def _driver_list_sql(raw: str) -> tuple[str, str]:
    """(canonical comma list of known indicator drivers, list of rejected tokens)."""
    tokens = f"list_transform(string_split(coalesce({raw}, ''), ','), lambda t: lower(trim(t)))"
    known = list_lit(indicator_drivers())
    ordered = "[" + ", ".join(lit(d) for d in indicator_drivers()) + "]"
    kept = f"nullif(array_to_string(list_filter({ordered}, lambda d: list_contains({tokens}, d)), ','), '')"
    bad = (
        f"list_distinct(list_filter({tokens}, lambda t: t <> '' and not list_contains({known}, t)))"
    )
    return kept, bad


def parse(con: duckdb.DuckDBPyConnection, ctx: ParseContext) -> ParseResult:
    opened = open_csv(con, ctx, "utf-8", ",")
    if isinstance(opened, ParseResult):
        return opened
    header, records = opened
    if problem := missing_columns(header, BASE, "Touchpoints export"):
        return problem
    has_legacy = all(c in header for c in LEGACY)
    has_v2 = "answer_01" in header
    if not (has_legacy or has_v2):
        return ParseResult(
            "unknown_kind", "not a Touchpoints export: no A-11 answer columns in the header"
        )
    kept02, bad02 = _driver_list_sql("raw_answer_02")
    kept03, bad03 = _driver_list_sql("raw_answer_03")
    reason = record_reason_sql([
        ("undecodable", "'undecodable text (not UTF-8)'"),
        ("unterminated", "'unterminated quoted field'"),
        (f"n_fields <> {len(header)}",
         f"'wrong column count: expected {len(header)}, got ' || n_fields"),
        ("submission_id is null or form_id is null", "'missing id'"),
        ("raw_created_at is null", "'missing timestamp'"),
        ("created_at is null", f"'unparseable timestamp ' || {quoted('raw_created_at')}"),
        ("service_id is null", "'missing service_id'"),
        (f"not list_contains({list_lit(service_ids())}, service_id)",
         f"'unknown service_id ' || {quoted('service_id')}"),
        ("channel is null", "'missing channel'"),
        (f"not list_contains({list_lit(channels())}, channel)",
         f"'unknown channel ' || {quoted('channel')}"),
        (f"form_kind is null or form_kind not in {FORM_KINDS}",
         f"'unknown form_kind ' || {quoted('coalesce(form_kind, chr(0))')}"),
        (f"form_kind = 'a11' and not {has_legacy} or form_kind <> 'a11' and not {has_v2}",
         f"'form_kind ' || {quoted('form_kind')} || ' does not match the file''s columns'"),
    ])  # fmt: skip
    legacy = ",\n".join(
        f"case when form_kind = 'a11' then {likert5_sql('raw_' + d)} end as {d}" for d in LEGACY
    )
    con.execute(f"""
        create or replace temp table _records as
        with f as (
            select _row_number, raw_text, n_fields, undecodable, unterminated,
                {field(header, "id")} as submission_id, {field(header, "form_id")} as form_id,
                lower({field(header, "form_kind")}) as form_kind,
                lower({field(header, "service_id")}) as service_id,
                lower({field(header, "channel")}) as channel,
                {field(header, "created_at")} as raw_created_at,
                {redact_sql(field(header, "page"))} as page, {field(header, "user_agent")} as user_agent,
                lower({field(header, "stage")}) as stage,
                {", ".join(f"{answer_field(header, d)} as raw_{d}" for d in LEGACY)},
                {answer_field(header, "answer_01")} as raw_answer_01,
                {", ".join(f"{field(header, f'answer_0{i}')} as raw_answer_0{i}" for i in (2, 3))},
                {field(header, "comment")} as raw_comment, {field(header, "answer_04")} as raw_answer_04
            from ({records})
        ), t as (select *, {ts_with_offset_sql("raw_created_at")} as created_at from f)
        select _row_number, raw_text, form_id || ':' || submission_id as record_id,
            {reason} as reason,
            submission_id, form_id, form_kind, service_id, channel, created_at, page,
            user_agent, stage, {legacy},
            case when form_kind = 'a11_v2' and raw_answer_01 in ('0', '1') then raw_answer_01::smallint
                 when form_kind = 'a11_v2_radio' then {likert5_sql("raw_answer_01")} end as answer_01,
            case when form_kind <> 'a11' then {kept02} end as answer_02,
            case when form_kind <> 'a11' then {kept03} end as answer_03,
            {redact_sql("case when form_kind = 'a11' then raw_comment else raw_answer_04 end")} as comment,
            raw_answer_01, raw_answer_02, raw_answer_03, {", ".join(f"raw_{d}" for d in LEGACY)},
            case when form_kind <> 'a11' then {bad02} end as bad_02,
            case when form_kind <> 'a11' then {bad03} end as bad_03
        from t""")
    all_drivers = list_lit(driver_keys())
    driver_reason = (
        f"case when list_contains({all_drivers}, tok) "
        f"then 'driver ' || {quoted('tok')} || ' is not on the indicator scale' "
        f"else 'unknown driver key ' || {quoted('tok')} end"
    )
    legacy_rejects = "\nunion all\n".join(
        f"select _row_number, record_id, '{d}', raw_{d}, {out_of_range_reason('raw_' + d, 'likert5')} "
        f"from _records where form_kind = 'a11' and raw_{d} is not null and {d} is null"
        for d in LEGACY
    )
    con.execute(f"""
        create or replace temp table _answer_rejects as
        select * from ({legacy_rejects}
        union all
        select _row_number, record_id, 'answer_01', raw_answer_01,
            {out_of_range_reason("raw_answer_01", "")} ||
            case when form_kind = 'a11_v2' then 'thumbs' else 'likert5' end
        from _records where form_kind in ('a11_v2', 'a11_v2_radio')
            and raw_answer_01 is not null and answer_01 is null
        union all
        select _row_number, record_id, 'answer_02', tok, {driver_reason}
        from (select _row_number, record_id, unnest(bad_02) as tok from _records)
        union all
        select _row_number, record_id, 'answer_03', tok, {driver_reason}
        from (select _row_number, record_id, unnest(bad_03) as tok from _records)
        ) as a(_row_number, record_id, field, raw_text, reason)""")
    return ParseResult("ok")


SPEC = SourceSpec(
    name="touchpoints",
    extensions=(".csv",),
    columns=COLUMNS,
    key=("form_id", "submission_id"),
    parse=parse,
)
