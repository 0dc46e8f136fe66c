"""The file-loading machinery, on Touchpoints files: order, dedupe, replace, atomicity."""

from __future__ import annotations

import pytest

from dagster_project.ingest import loader
from dagster_project.ingest.loader import load_all, load_source, pending_files
from dagster_project.ingest.sources import writer

HEADER = (
    "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
    "answer_01,answer_02,answer_03,answer_04\n"
)


def row(sid: str, thumbs: str = "1", comment: str = "", form: str = "F") -> str:
    return f"{sid},{form},a11_v2,fsa-fafsa,web,2025-01-15T10:00:00Z,/,UA,,{thumbs},,,{comment}\n"


def table_dump(sql) -> dict[str, list[tuple]]:
    """Every raw table's full content, in a stable order."""
    tables = [t for (t,) in sql("select table_name from duckdb_tables() where schema_name = 'raw'")]
    return {t: sorted(sql(f"select * from raw.{t}"), key=repr) for t in sorted(tables)}


def test_redelivery_and_in_file_duplicates(land, sql):
    land(
        "touchpoints",
        "day1.csv",
        HEADER + row("1", "1", "old") + row("2") + row("1", "0", "newer"),
        1,
    )
    land("touchpoints", "day2.csv", HEADER + row("2", "0", "corrected") + row("3"), 2)
    files = load_source("touchpoints").files
    assert [(f.source_file, f.rows_read, f.rows_loaded, f.rows_replaced) for f in files] == [
        ("touchpoints/day1.csv", 3, 3, 1),  # last occurrence of key 1 in the file wins
        ("touchpoints/day2.csv", 2, 2, 1),  # replaces key 2 from day1
    ]
    assert sql(
        "select submission_id, answer_01, comment, _source_file, _row_number"
        " from raw.touchpoints order by 1"
    ) == [
        ("1", 0, "newer", "touchpoints/day1.csv", 3),
        ("2", 0, "corrected", "touchpoints/day2.csv", 1),
        ("3", 1, None, "touchpoints/day2.csv", 2),
    ]


def test_delivery_order_is_mtime_then_name(land, sql):
    # b.csv is delivered before a.csv (older mtime), so a.csv's version wins
    land("touchpoints", "a.csv", HEADER + row("1", "1", "from a"), 5)
    land("touchpoints", "b.csv", HEADER + row("1", "0", "from b"), 1)
    land("touchpoints", "c.csv", HEADER + row("2", "0", "from c"), 5)
    files = load_source("touchpoints").files
    assert [f.source_file for f in files] == [
        "touchpoints/b.csv", "touchpoints/a.csv", "touchpoints/c.csv",
    ]  # fmt: skip
    assert sql("select comment from raw.touchpoints order by submission_id") == [
        ("from a",),
        ("from c",),
    ]


def test_same_file_twice_empty_header_only_unknown_kind(land, sql):
    content = HEADER + row("1") + row("2")
    land("touchpoints", "x.csv", content, 1)
    land("touchpoints", "deeper/copy-of-x.csv", content, 2)
    land("touchpoints", "empty.csv", "", 3)
    land("touchpoints", "header.csv", HEADER, 4)
    land("touchpoints", "notes.xlsx", b"PK\x03\x04", 5)
    land("touchpoints", ".partial.csv", content + row("3"), 6)  # hidden: not delivered yet
    load_source("touchpoints")
    assert sql("select _source_file, status, rows_read, message from raw.load_log order by load_id") == [
        ("touchpoints/x.csv", "loaded", 2, "2 of 2 rows loaded, 0 quarantined, 0 answers quarantined, 0 replaced"),
        ("touchpoints/deeper/copy-of-x.csv", "duplicate", 0,
         "same content (sha256) as touchpoints/x.csv, already loaded"),
        ("touchpoints/empty.csv", "empty", 0, "empty file (0 bytes)"),
        ("touchpoints/header.csv", "empty", 0, "no data rows (header only)"),
        ("touchpoints/notes.xlsx", "unknown_kind", 0,
         "unexpected file type '.xlsx' for touchpoints (expected .csv)"),
    ]  # fmt: skip
    assert sql("select count(*) from raw.touchpoints") == [(2,)]
    assert sql("select count(*) from raw.quarantine") == [(0,)]


def test_second_run_changes_nothing(land, sql, data_dir):
    land("touchpoints", "a.csv", HEADER + row("1") + row("x", "7"), 1)
    land("touchpoints", "b.csv", HEADER + row("1", "0"), 2)
    first = load_all()
    before = table_dump(sql)
    assert pending_files("touchpoints") == []
    second = load_all()
    assert table_dump(sql) == before
    assert sum(len(s.files) for s in second) == 0
    assert sum(len(s.files) for s in first) == 2
    assert [s.files_already_logged for s in second if s.source == "touchpoints"] == [2]


def test_pending_files_lists_new_and_failed_files(land, data_dir, monkeypatch):
    a = land("touchpoints", "a.csv", HEADER + row("1"), 1)
    assert pending_files("touchpoints") == [a]
    load_source("touchpoints")
    b = land("touchpoints", "b.csv", HEADER + row("2"), 2)
    assert pending_files("touchpoints") == [b]
    monkeypatch.setattr(writer, "replace_and_insert", _boom)
    load_source("touchpoints")
    assert pending_files("touchpoints") == [b]  # failed is not final: retried


def _boom(*args, **kwargs):
    raise RuntimeError("disk on fire")


def test_crash_mid_transaction_leaves_warehouse_unchanged(land, sql, monkeypatch):
    land("touchpoints", "a.csv", HEADER + row("1", "1", "first") + row("2"), 1)
    load_source("touchpoints")
    before = table_dump(sql)
    land("touchpoints", "b.csv", HEADER + row("1", "0", "corrected") + row("3", "9") + row(""), 2)

    real_write_log = loader._write_log
    calls = []

    def crash_after_inserts(con, spec, items, results, *args):
        if any(r.status == "loaded" for r in results):
            # quarantine rows, the replacement delete and the inserts have all run
            calls.append(con.execute("select count(*) from raw.touchpoints").fetchall()[0][0])
            raise RuntimeError("simulated crash")
        return real_write_log(con, spec, items, results, *args)

    monkeypatch.setattr(loader, "_write_log", crash_after_inserts)
    [result] = load_source("touchpoints").files
    assert calls == [3]  # rows 1 (replaced), 2 and 3 were in the table when it crashed
    assert (result.status, result.message) == ("failed", "RuntimeError: simulated crash")

    after = table_dump(sql)
    log_rows = after.pop("load_log")
    before_log = before.pop("load_log")
    assert after == before  # every raw table but load_log is exactly as before
    assert len(log_rows) == len(before_log) + 1
    assert sql("select _source_file, status, rows_read from raw.load_log where load_id = 2") == [
        ("touchpoints/b.csv", "failed", 0)
    ]

    monkeypatch.setattr(loader, "_write_log", real_write_log)
    [retry] = load_source("touchpoints").files
    assert (retry.status, retry.rows_read, retry.rows_loaded, retry.rows_quarantined) == (
        "loaded", 3, 2, 1,
    )  # fmt: skip
    assert retry.rows_replaced == 1
    assert sql("select submission_id, answer_01, comment from raw.touchpoints order by 1") == [
        ("1", 0, "corrected"),
        ("2", 1, None),
        ("3", None, None),
    ]


def test_unknown_source_is_a_clear_error(data_dir):
    with pytest.raises(ValueError, match="unknown source 'nope'"):
        load_source("nope")
    assert loader.landing_files("touchpoints", loader.get_settings()) == []
