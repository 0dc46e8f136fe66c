"""Delimited and line-oriented text as DuckDB sees it: exact records, raw text, row numbers.

DuckDB's CSV reader skips or rejects malformed rows and gives no row numbers, so we
read every physical line of every file of the batch in ONE multi-file scan (quote-
unaware, with the file name and `WITH ORDINALITY`), then rebuild records set-based:

- the ordinality is contiguous per file in scan order, so a line's number in its file
  is `ordinality - first ordinality of the file + 1` (checked per batch: a file whose
  lines are not contiguous fails the batch, which the loader then loads file by file);
- in a file with an odd number of `"` on some line, a running sum of that parity
  stitches the lines of one record (quoted newlines); files without one skip it;
- fields are split quote-aware by a regular expression (plain `string_split` for
  lines without quotes, the common and fast case), then unquoted (`""` → `"`).

The record text is kept verbatim for `raw.quarantine`. Blank lines outside quotes are
not records. `_row_number` is the 1-based data record number, header excluded (equal
to the line number - 1 when no field holds a newline and no line is blank).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from dagster_project.ingest.sources.base import (
    Delivery,
    Outcome,
    Prepared,
    header_of,
)
from dagster_project.ingest.sources.sqltext import lit
from dagster_project.ingest.sources.textfile import NotText, as_utf8

# A delimiter that never occurs in text, so every physical line is one value.
_LINE_DELIM = "\x1f\x1e"
MAX_LINE_BYTES = 8 << 20


def _odd_quotes(expr: str) -> str:
    return f"(length({expr}) - length(replace({expr}, '\"', ''))) % 2"


def read_lines(con: duckdb.DuckDBPyConnection, quote_stats: bool = True) -> None:
    """`_lines` (`_file_id`, `line_no`, `line`) of every text file in `_files`, and
    `_file_lines` (`_file_id`, `n_lines`, and with `quote_stats` the blank lines
    `n_blank` and lines with an odd number of quotes `n_odd`) per file."""
    paths = [
        r[0]
        for r in con.execute(
            "select path from _files where kind = 'text' order by _file_id"
        ).fetchall()
    ]
    con.execute(
        f"""create or replace temp table _scan as
        select filename, ordinality::bigint as ord, line
        from read_csv({_list(paths)}, columns = {{'line': 'VARCHAR'}}, header = false,
            delim = {lit(_LINE_DELIM)}, quote = '', escape = '', auto_detect = false,
            strict_mode = false, filename = true, max_line_size = {MAX_LINE_BYTES},
            buffer_size = {2 * MAX_LINE_BYTES}) with ordinality"""
    )
    stats = (
        """, count(*) filter (where s.line is null) as n_blank,
        count(*) filter (where contains(s.line, '"')
            and (length(s.line) - length(replace(s.line, '"', ''))) % 2 = 1) as n_odd"""
        if quote_stats
        else ""
    )
    con.execute(f"""
        create or replace temp table _file_lines as
        select f._file_id, min(s.ord) as first_ord, max(s.ord) as last_ord,
               count(*) as n_lines {stats}
        from _scan as s join _files as f on s.filename = f.path
        group by f._file_id""")
    broken = con.execute(
        "select count(*) from _file_lines where last_ord - first_ord + 1 <> n_lines"
    ).fetchall()[0][0]
    if broken:  # never seen; if DuckDB ever interleaves files, load them one by one
        raise RuntimeError("the multi-file line scan interleaved files")
    con.execute("""
        create or replace temp table _lines as
        select f._file_id, s.ord - fl.first_ord + 1 as line_no, s.line
        from _scan as s
        join _files as f on s.filename = f.path
        join _file_lines as fl on fl._file_id = f._file_id""")
    con.execute("drop table _scan")


def _list(paths: Sequence[str]) -> str:
    return "[" + ", ".join(lit(p) for p in paths) + "]"


def _split_sql(delim: str) -> str:
    d = delim.replace('"', "")
    # Each match is the delimiter plus one field. No capture group: RE2 then finds
    # matches with its DFA, several times faster than extracting a submatch.
    pattern = lit(f'{d}(?:"(?:[^"]|"")*"[^{d}]*|[^{d}]*)')
    unquote = (
        "lambda m: case when length(m) >= 3 and m[2] = '\"' and ends_with(m, '\"') "
        "then replace(m[3:-2], '\"\"', '\"') else m[2:] end"
    )
    return (
        f"case when contains(text, '\"') "
        f"then list_transform(regexp_extract_all({lit(d)} || text, {pattern}), {unquote}) "
        f"else string_split(text, {lit(d)}) end"
    )


def read_records(con: duckdb.DuckDBPyConnection, delim: str) -> None:
    """`_csv`: the data records of every file in `_files`, the header line excluded.

    Columns: `_file_id`, `_row_number`, `raw_text` (the record as in the file), `fields`
    (varchar[]), `n_fields`, `undecodable` (holds bytes the encoding could not decode),
    `unterminated` (a quoted field never closes).
    """
    read_lines(con)
    # Simple files (no blank line, no odd quote count): record = line, row = line - 1.
    simple = """
        select l._file_id, l.line_no - 1 as _row_number, l.line as text,
               false as unterminated
        from _lines as l join _file_lines as fl using (_file_id)
        where fl.n_blank = 0 and fl.n_odd = 0"""
    # The rest: stitch quoted newlines, drop blank lines, number records per file.
    stitched = f"""
        with q as (
            select l._file_id, l.line_no, l.line, {_odd_quotes("coalesce(l.line, '')")} as odd
            from _lines as l join _file_lines as fl using (_file_id)
            where fl.n_blank > 0 or fl.n_odd > 0
        ), p as (
            select *, sum(odd) over (partition by _file_id order by line_no
                                     rows unbounded preceding) as cum
            from q
        ), s as (
            select *, sum(((cum - odd) % 2 = 0)::int) over (
                       partition by _file_id order by line_no rows unbounded preceding) as rec
            from p
        ), r as (
            select _file_id, min(line_no) as line_no,
                   string_agg(coalesce(line, ''), chr(10) order by line_no) as text,
                   arg_max(cum, line_no) % 2 = 1 as unterminated,
                   count(*) = 1 and bool_and(line is null) as blank
            from s group by _file_id, rec
        )
        select _file_id,
               row_number() over (partition by _file_id order by line_no) - 1
                   as _row_number,
               text, unterminated
        from r where not blank"""
    con.execute(f"""
        create or replace temp table _csv as
        select r._file_id, r._row_number, r.text as raw_text, {_split_sql(delim)} as fields,
               len(fields) as n_fields,
               f.undecodable and contains(r.text, chr(65533)) as undecodable,
               r.unterminated
        from (({simple}) union all ({stitched})) as r
        join _files as f using (_file_id)
        where r._row_number >= 1""")
    con.execute("drop table _lines; drop table _file_lines")


def prepare_csv(
    delivery: Delivery, encoding: str, delim: str, required: Sequence[str], what: str
) -> Prepared | Outcome:
    """A delimited text file ready for `read_records`, or why it is not."""
    if delivery.size == 0:
        return Outcome("empty", "empty file (0 bytes)")
    try:
        text = as_utf8(delivery.path, delivery.data, encoding, delivery.tmp_dir)
    except NotText as exc:
        return Outcome("rejected", f"not a {what}: {exc} (binary or another encoding)")
    if text.first_line_too_long:
        return Outcome("rejected", f"not a {what}: the first line is longer than 64 KiB")
    header = header_of(text.first_line, delim)
    if header is None:
        return Outcome("empty", "empty file (no header, no data rows)")
    if not text.has_more_lines:
        return Outcome("empty", "no data rows (header only)")
    missing = [c for c in required if c not in header]
    if missing:
        shown = ", ".join(header[:12]) + (", …" if len(header) > 12 else "")
        return Outcome(
            "unknown_kind", f"not a {what}: header lacks {', '.join(missing)} (header: {shown})"
        )
    return Prepared(delivery, text.path, text.undecodable, tuple(header))
