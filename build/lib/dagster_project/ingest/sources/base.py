"""What every source parser provides to the loader, and shared SQL fragments.

A source is loaded in batches: every pending file of a run (up to a size bound) at
once, so the cost is per batch and per row, not per file.

- `prepare(delivery)` runs once per file, in Python, on a worker thread. It reads the
  bytes once (the loader hashes them in the same pass), repairs or transcodes the text
  only where it needs it, reads the header, and returns a `Prepared` file or the file's
  final `Outcome` (empty, unknown kind, rejected).
- `parse(con, files, salt)` runs once per batch, in SQL, over every prepared file. The
  loader has put the batch's files in the temp table `_files` (`_file_id`, `path`,
  `n_header`, `undecodable` and an `i_<column>` per name in `header_columns`: the
  1-based position of that column in the file's header, NULL when it lacks it). The
  parser creates:
  - `_records`: one row per input record (`_file_id`, `_row_number`, `raw_text`,
    `record_id`, `reason` — NULL when the record loads — and the raw.<source> columns);
  - `_answer_rejects`: one row per answer that failed validation (`_file_id`,
    `_row_number`, `record_id`, `field`, `raw_text`, `reason`); that answer is NULL in
    `_records`.

The loader does the rest (dedupe, replace, quarantine, log) for the whole batch, so
parsers hold only what is specific to a format. `raw_text` must already be free of
identifiers the generic redaction cannot recognise (caller numbers, customer ids); the
loader applies `redact_sql` to it and to every reason.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from dagster_project.core.reference import answer_encodings, not_answered_values
from dagster_project.ingest.sources.sqltext import lit, quoted

# Bounds on what one record may cost (docs/interfaces.md, "Bounds").
MAX_RECORD_CHARS = 2_000_000  # a longer record is quarantined, not parsed
MAX_TEXT_CHARS = 10_000  # a longer free-text field is cut to this and flagged
MAX_QUARANTINE_TEXT_CHARS = 2_000  # raw text kept in raw.quarantine per record


@dataclass(frozen=True)
class Delivery:
    """One landing file to load: where it is, what it holds (hash), when it came."""

    path: Path
    rel: str  # relative to the landing zone, as raw._source_file has it
    sha256: str
    size: int
    delivered_at: datetime
    data: bytes | None = field(default=None, repr=False, compare=False)  # small files only
    tmp_dir: Path | None = None  # scratch space for repaired copies (the loader empties it)


@dataclass(frozen=True)
class Outcome:
    """A file's result decided without loading rows: empty, unknown_kind, rejected."""

    status: str
    message: str


@dataclass(frozen=True)
class Prepared:
    """A file ready for the batch parse: the UTF-8 text DuckDB reads, and its header."""

    delivery: Delivery
    path: Path  # the landing file itself, or a repaired/transcoded UTF-8 copy
    undecodable: bool = False  # some bytes could not be decoded (now U+FFFD)
    header: tuple[str, ...] = ()  # column names, stripped and lower-cased
    kind: str = "text"  # "text" (read line by line) or "parquet"
    source_columns: tuple[str, ...] = ()  # a Parquet file's column names as written


@dataclass(frozen=True)
class SourceSpec:
    name: str
    extensions: tuple[str, ...]  # lower-case, with the dot
    columns: tuple[tuple[str, str], ...]  # raw.<source> columns besides lineage
    key: tuple[str, ...]  # record key: a later delivery replaces the earlier one
    prepare: Callable[[Delivery], Prepared | Outcome]
    parse: Callable[[duckdb.DuckDBPyConnection, Sequence[Prepared], str], None]
    header_columns: tuple[str, ...] = ()  # columns the parser finds by header name


def header_of(line: str | None, delim: str) -> list[str] | None:
    """Header names (stripped, lower-case) of a CSV first line; None if blank."""
    if line is None or not line.strip():
        return None
    return [h.strip().lower() for h in next(csv.reader([line], delimiter=delim))]


def field(name: str) -> str:
    """SQL for a field by header name (`f` is the row's `_files` entry): trimmed, ''
    as NULL; NULL when the file's header has no such column."""
    return f"nullif(trim(fields[f.i_{name}]), '')"


def answer_field(name: str) -> str:
    """Like `field`, but a "not answered" value (N/A) is NULL too, never an out-of-range answer."""
    value = field(name)
    return f"case when lower({value}) in {not_answered_sql()} then null else {value} end"


def not_answered_sql() -> str:
    """The raw values that say "not answered" (seed `answer_encodings`) as a SQL tuple:
    not an answer, so neither stored nor quarantined."""
    return "(" + ", ".join(lit(v) for v in not_answered_values()) + ")"


def scale_value_sql(expr: str, scale: str) -> str:
    """The answer value (smallint) a delivered value stands for on `scale` (seed
    `answer_encodings`, matched trimmed and lower-cased); NULL when it is on no row."""
    whens = " ".join(
        f"when {lit(raw)} then {value}" for raw, value in answer_encodings()[scale].items()
    )
    return f"(case lower(trim({expr})) {whens} end)::smallint"


def likert5_sql(expr: str) -> str:
    return scale_value_sql(expr, "likert5")


def out_of_range_reason(raw: str, scale: str) -> str:
    return f"'answer out of range: ' || {quoted(raw)} || ' for {scale}'"


def salted_key_sql(expr: str, salt: str) -> str:
    """sha256(salt || id) as hex: the only form a customer id is stored in."""
    return f"case when {expr} is not null then sha256({lit(salt)} || {expr}) end"


def bounded_text_sql(expr: str) -> str:
    """A free-text field cut to MAX_TEXT_CHARS (the `text_truncated` flag says so)."""
    return f"left({expr}, {MAX_TEXT_CHARS})"


def text_truncated_sql(*exprs: str) -> str:
    """Whether any of the free-text fields is longer than MAX_TEXT_CHARS."""
    checks = " or ".join(f"coalesce(length({e}) > {MAX_TEXT_CHARS}, false)" for e in exprs)
    return f"({checks})"


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


def too_long_check(length: str = "length(raw_text)") -> tuple[str, str]:
    """The record-length bound as a `record_reason_sql` check (checked first)."""
    return (
        f"{length} > {MAX_RECORD_CHARS}",
        f"'record longer than {MAX_RECORD_CHARS:,} characters (' || {length} || ')'",
    )


def no_answer_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """An empty `_answer_rejects`, for sources whose records have no answers."""
    con.execute("""
        create or replace temp table _answer_rejects as
        select null::integer as _file_id, null::bigint as _row_number,
               null::varchar as record_id, null::varchar as field,
               null::varchar as raw_text, null::varchar as reason
        where false""")
