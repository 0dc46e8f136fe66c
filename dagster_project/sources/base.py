"""What every source parser provides to the loader, and shared SQL fragments.

A parser reads one landing file into two temp tables on the loader's connection:

- `_records`: one row per input record (`_row_number`, `raw_text`, `record_id`,
  `reason` — NULL when the record loads — and the columns of `raw.<source>`);
- `_answer_rejects`: one row per answer that failed validation (`_row_number`,
  `record_id`, `field`, `raw_text`, `reason`); the answer is NULL in `_records`.

It returns `ParseResult("ok")`, or `empty` / `unknown_kind` with a message (then no
tables are needed). The loader does the rest (dedupe, replace, quarantine, log),
so parsers hold only what is specific to a format. `raw_text` must already be free
of identifiers the generic redaction cannot recognise (caller numbers, customer ids);
the loader applies `redact_sql` to it and to every reason.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.sources.sqltext import lit, quoted


@dataclass(frozen=True)
class ParseContext:
    path: Path  # the landing file as delivered
    tmp_dir: Path  # scratch space for transcoded copies (the loader empties it)
    id_salt: str


@dataclass(frozen=True)
class ParseResult:
    status: str  # "ok", "empty" or "unknown_kind"
    message: str = ""


@dataclass(frozen=True)
class SourceSpec:
    name: str
    extensions: tuple[str, ...]  # lower-case, with the dot
    columns: tuple[tuple[str, str], ...]  # raw.<source> columns besides lineage
    key: tuple[str, ...]  # record key: a later delivery replaces the earlier one
    parse: Callable[[duckdb.DuckDBPyConnection, ParseContext], ParseResult]
    # Keep an ART index on the record key (see tables.ensure_tables): for keys that
    # arrive in no particular order (random ids), where zone maps cannot prune.
    index_key: bool = False


def header_of(line: str | None, delim: str) -> list[str] | None:
    """Header names (stripped, lower-case) of a CSV first line; None if blank."""
    if line is None or not line.strip():
        return None
    return [h.strip().lower() for h in next(csv.reader([line], delimiter=delim))]


def field(header: list[str], name: str) -> str:
    """SQL for a field by header name: trimmed, '' as NULL; NULL if not in the file."""
    if name not in header:
        return "null::varchar"
    return f"nullif(trim(fields[{header.index(name) + 1}]), '')"


# Answers that say "not answered": not an answer, so neither stored nor quarantined.
NOT_ANSWERED = ("", "n/a", "na")


def answer_field(header: list[str], name: str) -> str:
    """Like `field`, but a "not answered" value (N/A) is NULL too, never an out-of-range answer."""
    value = field(header, name)
    return f"case when lower({value}) in {NOT_ANSWERED} then null else {value} end"


def likert5_sql(expr: str) -> str:
    return f"case when regexp_full_match(trim({expr}), '[1-5]') then trim({expr})::smallint end"


def out_of_range_reason(raw: str, scale: str) -> str:
    return f"'answer out of range: ' || {quoted(raw)} || ' for {scale}'"


def salted_key_sql(expr: str, salt: str) -> str:
    """sha256(salt || id) as hex: the only form a customer id is stored in."""
    return f"case when {expr} is not null then sha256({lit(salt)} || {expr}) end"


def ts_with_offset_sql(expr: str) -> str:
    """ISO 8601 with an offset (or Z), or `YYYY-MM-DD HH:MM:SS UTC`, as timestamptz.

    A timestamp without an offset is rejected: its time zone would be a guess.
    """
    pattern = (
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
        r" ?(Z|z|UTC|[+-][0-9]{2}(:?[0-9]{2})?)"
    )
    return (
        f"case when regexp_full_match({expr}, '{pattern}') then try_cast({expr} as timestamptz) end"
    )


def record_reason_sql(checks: list[tuple[str, str]]) -> str:
    """CASE picking the first failing check: [(condition, reason_sql), ...]."""
    whens = "\n".join(f"when {cond} then {reason}" for cond, reason in checks)
    return f"case {whens} end"
