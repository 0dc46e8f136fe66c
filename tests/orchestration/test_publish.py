"""The published snapshot: complete before it is visible, read-only for readers, pruned."""

from __future__ import annotations

import threading

import duckdb
import pytest

from dagster_project.publish import (
    CURRENT,
    KEEP_PREVIOUS,
    CheckResult,
    current_snapshot,
    publish_snapshot,
)
from dagster_project.settings import get_settings


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    settings = get_settings()
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("create schema marts; create schema raw")
        con.execute("create table marts.fct_a as select range as id from range(5)")
        con.execute("create table marts.agg_b as select 'x' as k, 7 as n")
        con.execute("create view marts.v_big as select * from range(1000000)")
        con.execute(
            "create table raw.load_log as select 'touchpoints' as _source, 'loaded' as status,"
            " timestamptz '2026-01-02 03:04:05+00' as finished_at,"
            " timestamptz '2026-01-01 00:00:00+00' as _delivered_at"
        )
    return settings


def test_publish_copies_tables_not_views_and_writes_meta(warehouse):
    checks = [CheckResult("rows_accounted_for", "raw/touchpoints", True, "ERROR", "ok")]
    snap = publish_snapshot(warehouse, run_id="run-1", checks=checks)

    assert current_snapshot(warehouse) == snap.path
    assert snap.tables == {"agg_b": 1, "fct_a": 5}
    with duckdb.connect(str(snap.path), read_only=True) as con:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables order by 1"
        ).fetchall()
        assert [t[0] for t in tables] == [
            "marts.agg_b",
            "marts.fct_a",
            "meta.check_results",
            "meta.publish_info",
            "meta.source_freshness",
            "meta.table_versions",
        ]
        assert con.execute("select sum(id) from marts.fct_a").fetchone()[0] == 10
        info = con.execute(
            "select version, dagster_run_id, n_tables, n_rows from meta.publish_info"
        )
        assert info.fetchone() == (snap.version, "run-1", 2, 6)
        fresh = con.execute("select source, files_loaded from meta.source_freshness").fetchall()
        assert fresh == [("touchpoints", 1)]
        assert con.execute("select check_name, passed from meta.check_results").fetchall() == [
            ("rows_accounted_for", True)
        ]


def test_publish_never_takes_the_warehouse_write_lock(warehouse):
    # A reader holding the warehouse open read-only (as the dashboard or an analyst might)
    # does not stop a publish, and publishing leaves the warehouse writable afterwards.
    reader = duckdb.connect(str(warehouse.warehouse_path), read_only=True)
    publish_snapshot(warehouse)
    reader.close()
    with duckdb.connect(str(warehouse.warehouse_path)) as con:
        con.execute("create table marts.after as select 1 as x")


def test_failed_publish_keeps_the_previous_snapshot(warehouse, monkeypatch):
    first = publish_snapshot(warehouse)
    with duckdb.connect(str(warehouse.warehouse_path)) as con:
        con.execute("drop table marts.fct_a; drop table marts.agg_b")
    with pytest.raises(RuntimeError, match="nothing to publish"):
        publish_snapshot(warehouse)
    assert current_snapshot(warehouse) == first.path
    leftovers = [p.name for p in warehouse.published_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_old_snapshots_are_pruned_but_recent_ones_kept(warehouse):
    made = [publish_snapshot(warehouse).path.name for _ in range(KEEP_PREVIOUS + 3)]
    files = sorted(p.name for p in warehouse.published_dir.glob("warehouse-*.duckdb"))
    assert files == sorted(made[-(KEEP_PREVIOUS + 1) :])
    assert (warehouse.published_dir / CURRENT).read_text().strip() == made[-1]


def test_readers_only_ever_see_complete_snapshots(warehouse):
    # Publish repeatedly while another thread keeps opening whatever CURRENT names:
    # every open must find both tables complete.
    stop = threading.Event()
    seen: list[int] = []
    errors: list[Exception] = []
    publish_snapshot(warehouse)

    def count(path) -> int:
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute("select count(*) from marts.fct_a").fetchone()[0]

    def read():
        while not stop.is_set():
            path = current_snapshot(warehouse)
            try:
                seen.append(count(path))
            except duckdb.IOException:
                # Pruned between reading CURRENT and opening it: as the dashboard does,
                # read CURRENT again, which must now name a newer, complete file.
                retry = current_snapshot(warehouse)
                try:
                    assert retry != path, f"{path.name} vanished but CURRENT still names it"
                    seen.append(count(retry))
                except Exception as exc:  # noqa: BLE001 - a torn or missing snapshot
                    errors.append(exc)
            except Exception as exc:  # noqa: BLE001 - any other failure is the bug
                errors.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    for _ in range(5):
        publish_snapshot(warehouse)
    stop.set()
    thread.join()
    assert errors == []
    assert seen and set(seen) == {5}


def test_facts_are_stored_in_service_and_quarter_order(warehouse):
    # Dashboard queries filter by service and quarter: stored in that order, DuckDB
    # skips the row groups of every other service and quarter.
    with duckdb.connect(str(warehouse.warehouse_path)) as con:
        con.execute(
            "create table marts.fct_x as select * from (values "
            "('b', 2026, 2, 1), ('a', 2026, 1, 2), ('b', 2025, 4, 3), ('a', 2025, 4, 4)) "
            "as t(service_id, fiscal_year, fiscal_quarter, v)"
        )
    snap = publish_snapshot(warehouse)
    with duckdb.connect(str(snap.path), read_only=True) as con:
        stored = [r[0] for r in con.execute("select v from marts.fct_x").fetchall()]
        unordered = [r[0] for r in con.execute("select id from marts.fct_a").fetchall()]
    assert stored == [4, 2, 3, 1]
    assert unordered == [0, 1, 2, 3, 4]  # tables without those columns are copied as they are


def _fact(con, rows):
    con.execute(
        "create or replace table marts.fct_response as select * from (values " + rows + ") "
        "as t(response_key, service_id, fiscal_year, fiscal_quarter, v, _loaded_at)"
    )


def test_a_publish_after_an_increment_copies_only_what_changed(warehouse):
    fillers = ", ".join(
        f"('f{i}', 'c', 2026, 1, 0, timestamptz '2026-01-01 00:00+00')" for i in range(8)
    )
    with duckdb.connect(str(warehouse.warehouse_path)) as con:
        _fact(con, "('r1', 'b', 2026, 1, 1, timestamptz '2026-01-01 00:00+00'), "
                   "('r2', 'a', 2026, 1, 2, timestamptz '2026-01-01 00:00+00'), " + fillers)  # fmt: skip
    versions = {"fct_a": "run-1", "agg_b": "run-1", "fct_response": "run-1"}
    first = publish_snapshot(warehouse, versions=versions, code_digest="code-1")
    assert first.how == {"agg_b": "copied", "fct_a": "copied", "fct_response": "copied"}

    # The next build loads r3 and a corrected r2 (replacing its earlier version), and
    # rebuilds agg_b; fct_a was not rebuilt.
    with duckdb.connect(str(warehouse.warehouse_path)) as con:
        con.execute("delete from marts.fct_response where response_key = 'r2'")
        con.execute(
            "insert into marts.fct_response values "
            "('r2', 'a', 2026, 1, 20, timestamptz '2026-02-01 00:00+00'), "
            "('r3', 'a', 2025, 4, 3, timestamptz '2026-02-01 00:00+00')"
        )
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.replaced_responses as select 'r2' as response_key, "
            "timestamptz '2026-02-01 00:00+00' as replaced_at"
        )
        con.execute("create or replace table marts.agg_b as select 'y' as k, 8 as n")
    versions |= {"agg_b": "run-2", "fct_response": "run-2"}
    second = publish_snapshot(warehouse, versions=versions, code_digest="code-1")
    assert second.how == {"agg_b": "copied", "fct_a": "kept", "fct_response": "delta"}
    with duckdb.connect(str(second.path), read_only=True) as con:
        assert con.execute("select k, n from marts.agg_b").fetchall() == [("y", 8)]
        stored = con.execute("select response_key, v from marts.fct_response").fetchall()
        assert sorted(r for r in stored if r[1]) == [("r1", 1), ("r2", 20), ("r3", 3)]
        # the published rows first (in service x quarter order), the delta after them
        assert [v for _, v in stored] == [1, *[0] * 8, 3, 20]
        assert con.execute("select sum(id) from marts.fct_a").fetchone()[0] == 10

    # New dbt code: no delta, a rebuilt fact is copied whole (and sorted again); here
    # most rows change, so the snapshot is written afresh rather than from a copy.
    versions |= {"fct_response": "run-3"}
    third = publish_snapshot(warehouse, versions=versions, code_digest="code-2")
    assert third.how == {"agg_b": "copied", "fct_a": "copied", "fct_response": "copied"}
    with duckdb.connect(str(third.path), read_only=True) as con:
        assert [r[0] for r in con.execute("select v from marts.fct_response").fetchall()] == [
            3, 20, 1, *[0] * 8,
        ]  # fmt: skip


def test_a_delta_that_does_not_add_up_is_copied_whole(warehouse):
    with duckdb.connect(str(warehouse.warehouse_path)) as con:
        _fact(con, "('r1', 'b', 2026, 1, 1, timestamptz '2026-01-01 00:00+00')")
    publish_snapshot(warehouse, versions={"fct_response": "1"}, code_digest="c")
    with duckdb.connect(str(warehouse.warehouse_path)) as con:
        # r1 disappears without a replacement record: a delta would keep it
        con.execute("delete from marts.fct_response")
        con.execute(
            "insert into marts.fct_response values "
            "('r9', 'b', 2026, 1, 9, timestamptz '2026-02-01 00:00+00')"
        )
    snap = publish_snapshot(warehouse, versions={"fct_response": "2"}, code_digest="c")
    assert snap.how["fct_response"] == "copied"
    with duckdb.connect(str(snap.path), read_only=True) as con:
        assert con.execute("select response_key from marts.fct_response").fetchall() == [("r9",)]


def test_debris_of_a_killed_publish_is_removed(warehouse):
    warehouse.published_dir.mkdir(parents=True)
    debris = warehouse.published_dir / ".warehouse-20260101T000000000000Z.duckdb.partial"
    debris.write_bytes(b"half a snapshot")
    (warehouse.published_dir / (debris.name + ".wal")).write_bytes(b"wal")
    publish_snapshot(warehouse)
    assert sorted(p.name for p in warehouse.published_dir.iterdir() if p.name.startswith(".")) == []
