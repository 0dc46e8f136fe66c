"""CSV records as DuckDB sees them: exact rows, raw text and row numbers.

DuckDB's CSV reader skips or rejects malformed rows and gives no row numbers, so we
read each physical line (quote-unaware, `WITH ORDINALITY`), then rebuild CSV
records set-based in SQL:

- a line with an odd number of `"` opens or closes a quoted field, so a running sum
  of that parity stitches lines that belong to one record (quoted newlines);
- fields are split quote-aware by a regular expression (plain `string_split` for
  lines without quotes, the common and fast case), then unquoted (`""` → `"`).

The record text is kept verbatim for `raw.quarantine`. Blank lines outside quotes
are not records. `_row_number` is the 1-based data record number, header excluded
(equal to line number - 1 when no field holds a newline).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from dagster_project.sources.base import ParseContext, ParseResult, header_of
from dagster_project.sources.sqltext import lit
from dagster_project.sources.textfile import first_line, has_line_after_first, to_utf8

# A delimiter that never occurs in text, so every physical line is one value.
_LINE_DELIM = "\x1f\x1e"
MAX_LINE_BYTES = 64 << 20


def lines_sql(path: Path) -> str:
    """Every physical line of a UTF-8 file with its 1-based line number `line_no`."""
    return (
        f"select ordinality::bigint as line_no, line from read_csv({lit(path)}, "
        f"columns = {{'line': 'VARCHAR'}}, header = false, delim = {lit(_LINE_DELIM)}, "
        "quote = '', escape = '', auto_detect = false, strict_mode = false, "
        f"max_line_size = {MAX_LINE_BYTES}, buffer_size = {2 * MAX_LINE_BYTES}) "
        "with ordinality"
    )


def _odd_quotes(expr: str) -> str:
    return f"(length({expr}) - length(replace({expr}, '\"', ''))) % 2"


def has_multiline_records(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    sql = f"select coalesce(bool_or({_odd_quotes('line')} = 1), false) from ({lines_sql(path)})"
    return bool(con.execute(sql).fetchall()[0][0])


def records_sql(path: Path, delim: str, multiline: bool, undecodable: bool) -> str:
    """SELECT of the data records of a CSV file (header excluded).

    Columns: `_row_number`, `raw_text` (the record as in the file), `fields`
    (varchar[]), `n_fields`, `undecodable` (holds bytes the encoding could not
    decode), `unterminated` (a quoted field never closes).
    """
    if multiline:
        records = f"""
            with q as (select line_no, line, {_odd_quotes("coalesce(line, '')")} as odd
                       from ({lines_sql(path)})),
            p as (select *, sum(odd) over (order by line_no rows unbounded preceding) as cum
                  from q),
            s as (select *, sum(((cum - odd) % 2 = 0)::int)
                              over (order by line_no rows unbounded preceding) as rec
                  from p)
            select min(line_no) as line_no,
                   string_agg(coalesce(line, ''), chr(10) order by line_no) as text,
                   arg_max(cum, line_no) % 2 = 1 as unterminated,
                   count(*) = 1 and bool_and(line is null) as blank
            from s group by rec"""
    else:
        records = (
            f"select line_no, line as text, false as unterminated, line is null as blank "
            f"from ({lines_sql(path)})"
        )
    d = delim.replace('"', "")
    # Each match is the delimiter plus one field. No capture group: RE2 then finds
    # matches with its DFA, several times faster than extracting a submatch.
    pattern = lit(f'{d}(?:"(?:[^"]|"")*"[^{d}]*|[^{d}]*)')
    unquote = (
        "lambda m: case when length(m) >= 3 and m[2] = '\"' and ends_with(m, '\"') "
        "then replace(m[3:-2], '\"\"', '\"') else m[2:] end"
    )
    split = (
        f"case when contains(text, '\"') "
        f"then list_transform(regexp_extract_all({lit(d)} || text, {pattern}), {unquote}) "
        f"else string_split(text, {lit(d)}) end"
    )
    bad = "contains(text, chr(65533))" if undecodable else "false"
    return f"""
        select (row_number() over (order by line_no)) - 1 as _row_number,
               text as raw_text, {split} as fields, len(fields) as n_fields,
               {bad} as undecodable, unterminated
        from ({records}) as r
        where not blank
        qualify _row_number >= 1"""


def open_csv(
    con: duckdb.DuckDBPyConnection, ctx: ParseContext, encoding: str, delim: str
) -> tuple[list[str], str] | ParseResult:
    """(header, SELECT of its records) of a delimited text file, or an `empty` result.

    The records are stored in the temp table `_csv` (see `records_sql`)."""
    if ctx.path.stat().st_size == 0:
        return ParseResult("empty", "empty file (0 bytes)")
    text_path, undecodable = to_utf8(ctx.path, encoding, ctx.tmp_dir)
    header = header_of(first_line(text_path), delim)
    if header is None:
        return ParseResult("empty", "empty file (no header, no data rows)")
    if not has_line_after_first(text_path):
        return ParseResult("empty", "no data rows (header only)")
    multiline = has_multiline_records(con, text_path)
    # Materialised once: the split fields are referenced many times downstream, and
    # an inlined subquery would split every record again for each reference.
    con.execute(
        "create or replace temp table _csv as "
        + records_sql(text_path, delim, multiline, undecodable)
    )
    return header, "select * from _csv"


def missing_columns(header: list[str], required: list[str], what: str) -> ParseResult | None:
    """An `unknown_kind` result if the header lacks required columns."""
    missing = [c for c in required if c not in header]
    if not missing:
        return None
    shown = ", ".join(header[:12]) + (", …" if len(header) > 12 else "")
    return ParseResult(
        "unknown_kind",
        f"not a {what}: header lacks {', '.join(missing)} (header: {shown})",
    )
