"""Set-based batches: one parse for many files, and each file still accounted on its own."""

from __future__ import annotations

from dagster_project.ingest.loader import load_source
from dagster_project.ingest.sources.csvfile import MAX_LINE_BYTES

HEADER = (
    "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
    "answer_01,answer_02,answer_03,answer_04\n"
)


def row(sid: str, thumbs: str = "1", comment: str = "", when: str = "2025-01-15T10:00:00Z") -> str:
    return f"{sid},F,a11_v2,fsa-fafsa,web,{when},/,UA,,{thumbs},,,{comment}\n"


def test_an_unparseable_file_fails_alone_and_the_batch_loads(land, sql):
    land("touchpoints", "a.csv", HEADER + row("1") + row("2", "0") + row("x", "7"), 1)
    # one line longer than DuckDB's line limit: the multi-file read of the batch fails
    land("touchpoints", "bad.csv", HEADER + row("9") + "z" * (MAX_LINE_BYTES + 10) + "\n", 2)
    land("touchpoints", "c.csv", HEADER + row("3") + row("4", "maybe"), 3)
    summary = load_source("touchpoints")
    assert [(f.source_file, f.status, f.rows_read, f.rows_loaded, f.rows_quarantined,
             f.answers_quarantined) for f in summary.files] == [
        ("touchpoints/a.csv", "loaded", 3, 3, 0, 1),
        ("touchpoints/bad.csv", "rejected", 0, 0, 0, 0),
        ("touchpoints/c.csv", "loaded", 2, 2, 0, 1),
    ]  # fmt: skip
    bad = summary.files[1]
    assert bad.message.startswith("could not be read: a line is longer than 8 MiB")
    assert "zzzz" not in bad.message  # nothing of the file's content
    assert sql("select submission_id from raw.touchpoints order by 1") == [
        ("1",), ("2",), ("3",), ("4",), ("x",),
    ]  # fmt: skip
    assert sql(
        "select count(*) from raw.quarantine where _source_file = 'touchpoints/bad.csv'"
    ) == [(0,)]
    # rejected is final: the next run does not read it again; a fixed copy under a new
    # name loads as usual
    land("touchpoints", "bad-fixed.csv", HEADER + row("9"), 4)
    again = load_source("touchpoints")
    assert [(f.source_file, f.status) for f in again.files] == [
        ("touchpoints/bad-fixed.csv", "loaded")
    ]
    assert again.files_already_logged == 3


def test_the_same_record_in_two_files_of_one_batch_later_delivery_wins(land, sql):
    land("touchpoints", "day1.csv", HEADER + row("1", "1", "old") + row("2", "1", "keep"), 1)
    land("touchpoints", "day2.csv", HEADER + row("1", "0", "newer") + row("1", "0", "newest"), 2)
    land("touchpoints", "day3.csv", HEADER + row("3"), 3)
    summary = load_source("touchpoints")
    assert summary.batches == 1  # all three in one set-based pass
    # as if loaded one by one: day2 replaces day1's key 1 and its own first occurrence
    assert [
        (f.source_file, f.rows_read, f.rows_loaded, f.rows_replaced) for f in summary.files
    ] == [
        ("touchpoints/day1.csv", 2, 2, 0),
        ("touchpoints/day2.csv", 2, 2, 2),
        ("touchpoints/day3.csv", 1, 1, 0),
    ]
    assert sql(
        "select submission_id, answer_01, comment, _source_file, _row_number"
        " from raw.touchpoints order by 1"
    ) == [
        ("1", 0, "newest", "touchpoints/day2.csv", 2),
        ("2", 1, "keep", "touchpoints/day1.csv", 2),
        ("3", 1, None, "touchpoints/day3.csv", 1),
    ]
    # a later run's re-delivery replaces the stored version (one replacement, counted)
    land("touchpoints", "day4.csv", HEADER + row("2", "0", "corrected"), 4)
    [later] = load_source("touchpoints").files
    assert (later.rows_loaded, later.rows_replaced) == (1, 1)
    assert sql("select comment from raw.touchpoints where submission_id = '2'") == [("corrected",)]


def test_batches_are_bounded_in_size(land, sql, monkeypatch):
    monkeypatch.setenv("CX_INGEST_BATCH_MB", "0.0002")  # ~200 bytes: one file a batch
    for i in range(3):
        land("touchpoints", f"f{i}.csv", HEADER + row(str(i)), i)
    summary = load_source("touchpoints")
    assert summary.batches == 3
    assert sql("select count(*) from raw.touchpoints") == [(3,)]
    assert len({r[0] for r in sql("select batch_id from raw.load_log")}) == 3


def _loaded(data_dir) -> dict[str, list[tuple]]:
    """Everything a load leaves behind, without its load times, ids and batch ids."""
    from dagster_project.core.settings import SOURCES
    from dagster_project.core.warehouse import open_warehouse

    with open_warehouse(data_dir) as con:
        tables = {
            f"raw.{s}": f"select * exclude (_loaded_at) from raw.{s} order by all" for s in SOURCES
        }
        tables["raw.quarantine"] = "select * exclude (_loaded_at) from raw.quarantine order by all"
        tables["raw.load_log"] = (
            "select _source, _source_file, _file_sha256, file_bytes, rows_read, rows_loaded,"
            " rows_quarantined, answers_quarantined, rows_replaced, status, message"
            " from raw.load_log order by all"
        )
        return {name: con.execute(query).fetchall() for name, query in tables.items()}


def test_sources_loaded_in_parallel_equal_one_by_one(corpus, data_dir, monkeypatch, sql):
    """Two sources at a time (the default) leave exactly what one at a time leaves, and
    the writes stay one at a time: load ids 1..n without a gap or a repeat, each
    source's files in delivery order, one load time per batch."""
    import dataclasses
    import shutil

    from dagster_project.core.settings import SOURCES, get_settings
    from dagster_project.ingest.loader import load_all

    serial_dir = data_dir.parent / "serial"
    shutil.copytree(corpus, serial_dir / "landing", copy_function=shutil.copy2)
    parallel = load_all()
    assert get_settings().ingest_sources_at_once == 2
    monkeypatch.setenv("CX_INGEST_SOURCES_AT_ONCE", "1")
    serial = load_all(dataclasses.replace(get_settings(), data_dir=serial_dir))

    assert [s.source for s in parallel] == list(SOURCES) == [s.source for s in serial]
    assert [dataclasses.asdict(f) | {"seconds": 0} for s in parallel for f in s.files] == [
        dataclasses.asdict(f) | {"seconds": 0} for s in serial for f in s.files
    ]
    assert all(s.files for s in parallel)  # the corpus: files of every source
    assert _loaded(data_dir) == _loaded(serial_dir)

    ids = sql("select load_id from raw.load_log order by load_id")
    assert [i for (i,) in ids] == list(range(1, len(ids) + 1))
    # per source, load ids follow delivery order; a batch's files share one load time,
    # and no two batches (of any source) share one
    for source in SOURCES:
        rows = sql(
            "select _source_file from raw.load_log where _source = ? order by load_id", [source]
        )
        files = [f.source_file for s in parallel if s.source == source for f in s.files]
        assert [r for (r,) in rows] == files
    assert sql(
        "select count(distinct started_at) = count(distinct batch_id) from raw.load_log"
    ) == [(True,)]


def test_sources_loaded_at_once_share_the_batch_budget(land, monkeypatch):
    """CX_INGEST_BATCH_MB bounds the files in flight (memory grows with the batch):
    two sources loaded at once get half of it each, one alone gets all of it."""
    from dagster_project.ingest.loader import load_sources

    size = len(HEADER + row("1"))
    for n in range(4):
        land("touchpoints", f"t{n}.csv", HEADER + row(f"t{n}"), n)
    cc = "CallID;CallStart;Queue;CallerNumber;Q1;Q2;Q3;Q4;Q5;AgentNote\n"
    land("contact_center", "c.csv", cc + "C1;03/08/2025 10:00;FSA-HELP;1;5;4;3;2;1;ok\n", 9)
    monkeypatch.setenv("CX_INGEST_BATCH_MB", str(2.5 * size / (1 << 20)))  # 2 files in all
    both = load_sources(["touchpoints", "contact_center"])
    assert (both["touchpoints"].batches, both["contact_center"].batches) == (4, 1)
    assert [f.status for f in both["touchpoints"].files] == ["loaded"] * 4
    land("touchpoints", "t4.csv", HEADER + row("t4"), 10)
    land("touchpoints", "t5.csv", HEADER + row("t5"), 11)
    alone = load_sources(["touchpoints"])
    assert alone["touchpoints"].batches == 1  # two files, the whole budget
