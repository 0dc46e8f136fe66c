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

from collections.abc import Sequence

import duckdb

from dagster_project.core.reference import channels, driver_keys, drivers_where, service_ids
from dagster_project.ingest.sources.base import (
    Delivery,
    Outcome,
    Prepared,
    SourceSpec,
    answer_field,
    bounded_text_sql,
    field,
    likert5_sql,
    out_of_range_reason,
    record_reason_sql,
    scale_value_sql,
    text_truncated_sql,
    too_long_check,
    ts_with_offset_sql,
)
from dagster_project.ingest.sources.csvfile import prepare_csv, read_records
from dagster_project.ingest.sources.redact import redact_sql
from dagster_project.ingest.sources.sqltext import list_lit, lit, quoted

# The legacy form's 1-5 columns, one per driver (seed `a11_questions`, on_legacy_form).
LEGACY = drivers_where("on_legacy_form")
FORM_KINDS = ("a11", "a11_v2", "a11_v2_radio")
BASE = ["id", "form_id", "form_kind", "service_id", "channel", "created_at"]

COLUMNS = (
    ("submission_id", "varchar"), ("form_id", "varchar"), ("form_kind", "varchar"),
    ("service_id", "varchar"), ("channel", "varchar"), ("created_at", "timestamptz"),
    ("page", "varchar"), ("user_agent", "varchar"), ("stage", "varchar"),
    *((d, "smallint") for d in LEGACY),
    ("answer_01", "smallint"), ("answer_02", "varchar"), ("answer_03", "varchar"),
    ("comment", "varchar"), ("text_truncated", "boolean"),
)  # fmt: skip
HEADER_COLUMNS = (
    *BASE, "page", "user_agent", "stage", *LEGACY,
    "answer_01", "answer_02", "answer_03", "answer_04", "comment",
)  # fmt: skip


def indicator_drivers() -> list[str]:
    """Drivers the current form can tick, in the seed's order."""
    return list(drivers_where("on_current_form_indicator"))


def _normalised_list_sql(raw: str) -> str:
    """`,tok1,tok2,`: the comma list lower-cased, spaces around items removed."""
    return f"(',' || regexp_replace(trim(lower({raw})), ' *, *', ',', 'g') || ',')"


def _driver_list_sql(raw: str, norm: str) -> tuple[str, str]:
    """(canonical comma list of known indicator drivers, list of rejected tokens).

    Tokens are the comma-separated items, lower-cased and trimmed of spaces; `norm` is
    the column holding `_normalised_list_sql(raw)`. Membership is a plain string search
    on it; only a list holding a token that is not a known driver takes the (slower)
    list functions for its rejects.
    """
    drivers = indicator_drivers()
    kept = "nullif(concat_ws(',', " + ", ".join(
        f"case when contains({norm}, {lit(',' + d + ',')}) then {lit(d)} end" for d in drivers
    ) + "), '')"  # fmt: skip
    known_only = lit(",((" + "|".join(drivers) + ")?,)*")
    tokens = f"list_transform(string_split(coalesce({raw}, ''), ','), lambda t: lower(trim(t)))"
    bad = (
        f"case when {raw} is null or regexp_full_match({norm}, {known_only}) then []::varchar[] "
        f"else list_distinct(list_filter({tokens}, lambda t: t <> '' "
        f"and not list_contains({list_lit(drivers)}, t))) end"
    )
    return f"case when {raw} is not null then {kept} end", bad


def prepare(delivery: Delivery) -> Prepared | Outcome:
    prepared = prepare_csv(delivery, "utf-8", ",", BASE, "Touchpoints export")
    if isinstance(prepared, Prepared) and not (
        all(c in prepared.header for c in LEGACY) or "answer_01" in prepared.header
    ):
        return Outcome(
            "unknown_kind", "not a Touchpoints export: no A-11 answer columns in the header"
        )
    return prepared


def parse(con: duckdb.DuckDBPyConnection, files: Sequence[Prepared], salt: str) -> None:
    read_records(con, ",")
    has_legacy = " and ".join(f"f.i_{d} is not null" for d in LEGACY)
    has_v2 = "f.i_answer_01 is not null"
    kept02, bad02 = _driver_list_sql("raw_answer_02", "norm_02")
    kept03, bad03 = _driver_list_sql("raw_answer_03", "norm_03")
    reason = record_reason_sql([
        too_long_check(),
        ("undecodable", "'undecodable text (not UTF-8)'"),
        ("unterminated", "'unterminated quoted field'"),
        ("n_fields <> n_header",
         "'wrong column count: expected ' || n_header || ', got ' || n_fields"),
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
        ("form_kind = 'a11' and not has_legacy or form_kind <> 'a11' and not has_v2",
         f"'form_kind ' || {quoted('form_kind')} || ' does not match the file''s columns'"),
    ])  # fmt: skip
    legacy = ",\n".join(
        f"case when form_kind = 'a11' then {likert5_sql('raw_' + d)} end as {d}" for d in LEGACY
    )
    comment = "case when form_kind = 'a11' then raw_comment else raw_answer_04 end"
    con.execute(f"""
        create or replace temp table _records as
        with r as (
            select r.*, f.n_header, {has_legacy} as has_legacy, {has_v2} as has_v2,
                {field("id")} as submission_id, {field("form_id")} as form_id,
                lower({field("form_kind")}) as form_kind,
                lower({field("service_id")}) as service_id,
                lower({field("channel")}) as channel,
                {field("created_at")} as raw_created_at,
                {field("page")} as raw_page, {field("user_agent")} as raw_user_agent,
                lower({field("stage")}) as stage,
                {", ".join(f"{answer_field(d)} as raw_{d}" for d in LEGACY)},
                {answer_field("answer_01")} as raw_answer_01,
                {", ".join(f"{field(f'answer_0{i}')} as raw_answer_0{i}" for i in (2, 3))},
                {field("comment")} as raw_comment, {field("answer_04")} as raw_answer_04
            from _csv as r join _files as f using (_file_id)
        ), t as (
            select *, {ts_with_offset_sql("raw_created_at")} as created_at,
                {redact_sql("raw_page")} as redacted_page, {redact_sql(comment)} as redacted_comment,
                {_normalised_list_sql("raw_answer_02")} as norm_02,
                {_normalised_list_sql("raw_answer_03")} as norm_03
            from r
        )
        select _file_id, _row_number, raw_text, form_id || ':' || submission_id as record_id,
            {reason} as reason,
            submission_id, form_id, form_kind, service_id, channel, created_at,
            {bounded_text_sql("redacted_page")} as page,
            {bounded_text_sql("raw_user_agent")} as user_agent, stage, {legacy},
            case when form_kind = 'a11_v2' then {scale_value_sql("raw_answer_01", "thumbs")}
                 when form_kind = 'a11_v2_radio' then {likert5_sql("raw_answer_01")} end as answer_01,
            case when form_kind <> 'a11' then {kept02} end as answer_02,
            case when form_kind <> 'a11' then {kept03} end as answer_03,
            {bounded_text_sql("redacted_comment")} as comment,
            {text_truncated_sql("redacted_page", "raw_user_agent", "redacted_comment")}
                as text_truncated,
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
        f"select _file_id, _row_number, record_id, '{d}', raw_{d}, "
        f"{out_of_range_reason('raw_' + d, 'likert5')} "
        f"from _records where form_kind = 'a11' and raw_{d} is not null and {d} is null"
        for d in LEGACY
    )
    con.execute(f"""
        create or replace temp table _answer_rejects as
        select * from ({legacy_rejects}
        union all
        select _file_id, _row_number, record_id, 'answer_01', raw_answer_01,
            {out_of_range_reason("raw_answer_01", "")} ||
            case when form_kind = 'a11_v2' then 'thumbs' else 'likert5' end
        from _records where form_kind in ('a11_v2', 'a11_v2_radio')
            and raw_answer_01 is not null and answer_01 is null
        union all
        select _file_id, _row_number, record_id, 'answer_02', tok, {driver_reason}
        from (select _file_id, _row_number, record_id, unnest(bad_02) as tok from _records)
        union all
        select _file_id, _row_number, record_id, 'answer_03', tok, {driver_reason}
        from (select _file_id, _row_number, record_id, unnest(bad_03) as tok from _records)
        ) as a(_file_id, _row_number, record_id, field, raw_text, reason)""")


SPEC = SourceSpec(
    name="touchpoints",
    extensions=(".csv",),
    columns=COLUMNS,
    key=("form_id", "submission_id"),
    prepare=prepare,
    parse=parse,
    header_columns=HEADER_COLUMNS,
)
