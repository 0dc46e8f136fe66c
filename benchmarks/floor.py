"""The floor: the quarterly driver scores with bare DuckDB in one process.

No Dagster, no dbt, no tests, no quarantine table, no lineage, no redaction: read
every landing file directly and compute n and n_positive per service × fiscal
year × quarter × channel (and 'all') × driver. Only the rules that change the
numbers are applied, so the answer must EQUAL `marts.agg_quarterly_service_scores`:
unparseable records and answers skipped, unknown services/queues skipped, answers off
their scale skipped, N/A not an answer, later delivery of a record wins, a file
delivered twice read once (`landing.delivered_files`).

The contact-center files are Windows-1252, which DuckDB cannot read (its Latin-1
reader rejects 0x80-0x9F, where 1252 keeps ’ “ ” €), so they are transcoded to UTF-8
in Python first (streamed, in a temp dir); a record with a byte 1252 leaves undefined
(now U+FFFD) is undecodable and skipped, as the loader quarantines it.

    python -m benchmarks.floor LANDING_DIR OUT.parquet
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from benchmarks import landing as L
from benchmarks.landing import LandingFile

TP_COLUMNS = (
    "id", "form_id", "form_kind", "service_id", "channel", "created_at",
    *L.LEGACY_DRIVERS, "answer_01", "answer_02", "answer_03",
)  # fmt: skip
TP_REQUIRED = TP_COLUMNS[:6]
CC_COLUMNS = (
    "callid", "callstart", "queue", "callernumber", "q1", "q2", "q3", "q4", "q5", "agentnote",
)  # fmt: skip
API_COLUMNS = (
    "{response_id: 'VARCHAR', service_id: 'VARCHAR', channel: 'VARCHAR', "
    "submitted_at: 'VARCHAR', answers: 'STRUCT(driver VARCHAR, scale VARCHAR, value VARCHAR)[]'}"
)


UNION_ALL = "\nunion all\n"


def _lit(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _in(values) -> str:
    return "(" + ", ".join(_lit(v) for v in values) + ")"


def _header(path: Path, encoding: str, delim: str) -> list[str]:
    """Header names as the loader matches them: stripped, lower-case."""
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        first = fh.readline(1 << 16).lstrip("\ufeff").rstrip("\r\n")
    return [c.strip().strip('"').strip().lower() for c in first.split(delim)]


def _csv_scan(f: LandingFile, header, wanted, delim: str, encoding: str, extra: str = "") -> str:
    """SELECT seq, rn and the `wanted` columns (NULL where the file lacks one)."""
    # Explicit columns and no sniffing: a dirty file must not change how the clean
    # rows parse. strict_mode + ignore_errors drops exactly the malformed records
    # (wrong field count, a quote that never closes, bytes that are not UTF-8).
    # nullstr is a byte that never occurs: DuckDB forgives one trailing delimiter
    # when the extra field would be NULL, and that row has a field too many.
    names = [f"{c}__{i}" if c in header[:i] else c for i, c in enumerate(header)]
    columns = "{" + ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in names) + "}"
    picks = ", ".join(f'"{c}"' if c in names else f'null::varchar as "{c}"' for c in wanted)
    # Touch every column: DuckDB only decodes the columns a query reads, and a record
    # with bad bytes in an unread column (a comment) is still unreadable.
    every = "concat_ws('', " + ", ".join(f'"{c}"' for c in names) + ")"
    return (
        f"select {f.seq} as seq, ordinality as rn, {picks}{extra}, length({every}) as _width "
        f"from read_csv({_lit(f.path)}, "
        f"header = false, skip = 1, auto_detect = false, columns = {columns}, "
        f"delim = {_lit(delim)}, quote = '\"', escape = '\"', encoding = {_lit(encoding)}, "
        "nullstr = '\x01', strict_mode = true, ignore_errors = true, max_line_size = 67108864) "
        "with ordinality"
    )


def _union(scans: list[str], wanted, extra: str = "") -> str:
    if scans:
        return UNION_ALL.join(scans)
    cols = ", ".join(f'null::varchar as "{c}"' for c in wanted)
    return f"select 0 as seq, 0 as rn, {cols}{extra}, 0 as _width where false"


def _touchpoint_answers(files: list[LandingFile]) -> str:
    scans = []
    for f in files:
        header = _header(f.path, "utf-8", ",")
        has_legacy = all(c in header for c in L.LEGACY_DRIVERS)
        has_v2 = "answer_01" in header
        if all(c in header for c in TP_REQUIRED) and (has_legacy or has_v2):
            flags = f", {has_legacy} as has_legacy, {has_v2} as has_v2"
            scans.append(_csv_scan(f, header, TP_COLUMNS, ",", "utf-8", flags))
    legacy = ", ".join(f"trim(coalesce({c}, ''))" for c in L.LEGACY_DRIVERS)
    v2 = "form_kind in ('a11_v2', 'a11_v2_radio')"
    source = _union(scans, TP_COLUMNS, ", false as has_legacy, false as has_v2")
    return f"""
    with src as (
        select *, lower(trim(form_kind)) as kind, trim(created_at) as created
        from ({source})
    ),
    rec as (
        select seq, rn, trim(id) as rid, trim(form_id) as fid, kind as form_kind,
               lower(trim(service_id)) as service_id, lower(trim(channel)) as channel,
               try_cast(created as timestamptz) as ts,
               [{legacy}] as legacy, trim(coalesce(answer_01, '')) as a1,
               coalesce(answer_02, '') as a2, coalesce(answer_03, '') as a3
        from src
        where _width >= 0 and coalesce(trim(id), '') <> '' and coalesce(trim(form_id), '') <> ''
          and regexp_full_match(created, {_lit(L.TS_WITH_OFFSET)})
          and try_cast(created as timestamptz) is not null
          and lower(trim(service_id)) in (select service_id from services)
          and lower(trim(channel)) in (select channel from channels)
          and (kind = 'a11' and has_legacy or kind in ('a11_v2', 'a11_v2_radio') and has_v2)
        qualify row_number() over (partition by fid, rid order by seq desc, rn desc) = 1
    ),
    legacy as (
        select service_id, channel, ts, unnest({list(L.LEGACY_DRIVERS)}) as driver,
               'likert5' as scale, unnest(legacy) as v
        from rec where form_kind = 'a11'
    ),
    ticked as (
        select fid, rid, service_id, channel, ts, lower(trim(d)) as driver, v
        from (select *, unnest(string_split(a2, ',')) as d, '1' as v from rec where {v2}
              union all
              select *, unnest(string_split(a3, ',')) as d, '0' as v from rec where {v2})
        where lower(trim(d)) in {_in(L.INDICATOR_DRIVERS)}
    ),
    -- a driver ticked under both "went well" and "didn't" contradicts itself: no answer
    ticks as (
        select service_id, channel, ts, driver, any_value(v) as v
        from ticked group by fid, rid, service_id, channel, ts, driver
        having count(distinct v) = 1
    )
    select service_id, channel, ts, driver, scale, v from legacy where v in {_in(L.LIKERT)}
    union all
    select service_id, channel, ts, 'trust', 'thumbs',
           case when lower(a1) in {_in(L.THUMBS_UP)} then '1' else '0' end from rec
    where form_kind = 'a11_v2' and lower(a1) in {_in(L.THUMBS_UP + L.THUMBS_DOWN)}
    union all
    select service_id, channel, ts, 'trust', 'likert5', a1 from rec
    where form_kind = 'a11_v2_radio' and a1 in {_in(L.LIKERT)}
    union all
    select service_id, channel, ts, driver, 'indicator', v from ticks
    """


def _contact_center_answers(files: list[LandingFile], tmp: Path) -> str:
    scans = []
    for f in files:
        path = L.transcode(f.path, "cp1252", tmp / f"{f.seq}.csv")
        utf8 = LandingFile(f.source, path, f.rel, f.seq)
        scans.append(_csv_scan(utf8, _header(path, "utf-8", ";"), CC_COLUMNS, ";", "utf-8"))
    queues = ", ".join(f"({_lit(q)}, {_lit(s)})" for q, s in L.queue_services().items())
    keypad = ", ".join(f"trim(coalesce(Q{i}, ''))" for i in range(1, 6))
    return f"""
    with src as (select * from ({_union(scans, CC_COLUMNS)})),
    rec as (
        select seq, rn, trim(CallID) as call_id, q.service_id,
               timezone('America/New_York', try_strptime(trim(CallStart), '%m/%d/%Y %H:%M')) as ts,
               [{keypad}] as keys
        from src join (values {queues}) as q(queue, service_id) on upper(trim(src.Queue)) = q.queue
        where _width >= 0 and coalesce(trim(CallID), '') <> ''
          and try_strptime(trim(CallStart), '%m/%d/%Y %H:%M') is not null
          and not contains(concat_ws('', {", ".join("src." + c for c in CC_COLUMNS)}), chr(65533))
        qualify row_number() over (partition by call_id order by seq desc, rn desc) = 1
    ),
    answers as (
        select service_id, ts, unnest({list(L.KEYPAD_DRIVERS.values())}) as driver,
               unnest(keys) as v
        from rec
    )
    select service_id, 'phone' as channel, ts, driver, 'likert5' as scale, v
    from answers where v in {_in(L.LIKERT)}
    """


def _api_answers(files: list[LandingFile]) -> str:
    # A line that is not valid JSON, or whose fields do not fit these types (answers
    # not a list), is skipped by ignore_errors, as the loader quarantines it.
    scans = [
        f"select {f.seq} as seq, ordinality as rn, * from read_json({_lit(f.path)}, "
        f"format = 'newline_delimited', columns = {API_COLUMNS}, ignore_errors = true, "
        "maximum_object_size = 67108864) with ordinality"
        for f in files
    ]
    empty = (
        "select 0 as seq, 0 as rn, null::varchar as response_id, null::varchar as service_id, "
        "null::varchar as channel, null::varchar as submitted_at, "
        "null::struct(driver varchar, scale varchar, value varchar)[] as answers where false"
    )
    return f"""
    with src as (
        select *, trim(submitted_at) as submitted from ({UNION_ALL.join(scans) if scans else empty})
    ),
    rec as (
        select seq, rn, trim(response_id) as rid, lower(trim(service_id)) as service_id,
               lower(trim(channel)) as channel, try_cast(submitted as timestamptz) as ts, answers
        from src
        where coalesce(trim(response_id), '') <> ''
          and regexp_full_match(submitted, {_lit(L.TS_WITH_OFFSET)})
          and try_cast(submitted as timestamptz) is not null
          and lower(trim(service_id)) in (select service_id from services)
          and lower(trim(channel)) in (select channel from channels)
        qualify row_number() over (partition by rid order by seq desc, rn desc) = 1
    ),
    answers as (
        select rid, service_id, channel, ts, lower(trim(a.driver)) as driver,
               lower(trim(a.scale)) as scale, lower(trim(a.value)) as value, idx
        from (select *, unnest(answers) as a, generate_subscripts(answers, 1) as idx from rec)
    ),
    valid as (
        select * from answers
        where driver || ':' || scale in {_in(L.driver_scales())}
          and (scale = 'likert5' and value in {_in(L.LIKERT)}
               or scale = 'thumbs' and value in {_in(L.THUMBS_UP + L.THUMBS_DOWN)})
        -- a second answer for the same driver is quarantined: the first one counts
        qualify row_number() over (partition by rid, driver order by idx) = 1
    )
    select service_id, channel, ts, driver, scale,
           case when scale = 'likert5' then value
                when value in {_in(L.THUMBS_UP)} then '1' else '0' end as v
    from valid
    """


SCORES_SQL = """
with answers as (
    select service_id, channel, driver,
           case when scale = 'likert5' then v::int >= 4 else v = '1' end as is_positive,
           cast(ts at time zone 'UTC' as date) as d
    from all_answers
),
periods as (
    select *, year(d) + (month(d) >= 10)::int as fiscal_year,
           case when month(d) >= 10 then 1 when month(d) <= 3 then 2
                when month(d) <= 6 then 3 else 4 end as fiscal_quarter
    from answers
),
counts as (
    select service_id, fiscal_year, fiscal_quarter,
           case when grouping(channel) = 1 then 'all' else channel end as channel, driver,
           count(*) as n, count(*) filter (where is_positive) as n_positive
    from periods
    group by grouping sets ((service_id, fiscal_year, fiscal_quarter, channel, driver),
                            (service_id, fiscal_year, fiscal_quarter, driver))
)
select *, 100.0 * n_positive / n as score, n < $min_n as is_suppressed
from counts
"""


def floor_scores(landing: Path, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """(service_id, fiscal_year, fiscal_quarter, channel, driver) -> n, n_positive,
    score (the unrounded positive share, 0-100) and is_suppressed."""
    con = con or duckdb.connect()
    tmp = Path(tempfile.mkdtemp(prefix="cxwh-floor-"))
    con.execute("set TimeZone = 'UTC'")
    for table, column, values in (
        ("services", "service_id", L.service_ids()),
        ("channels", "channel", L.channels()),
        ("drivers", "driver", L.driver_keys()),
    ):
        con.execute(f"create or replace temp table {table} as select unnest({values}) as {column}")
    parts = [
        _touchpoint_answers(L.delivered_files(landing, "touchpoints", (".csv",))),
        _api_answers(L.delivered_files(landing, "agency_api", (".jsonl", ".json", ".ndjson"))),
        _contact_center_answers(L.delivered_files(landing, "contact_center", (".csv",)), tmp),
    ]
    union = UNION_ALL.join(f"select * from ({p})" for p in parts)
    con.execute(f"create or replace temp view all_answers as {union}")
    df = con.execute(SCORES_SQL, {"min_n": L.min_reportable_n()}).df()
    shutil.rmtree(tmp, ignore_errors=True)
    return df.sort_values(L.SCORE_KEY, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    floor_scores(Path(args[0])).to_parquet(args[1], index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
