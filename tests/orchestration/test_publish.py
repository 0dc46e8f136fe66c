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

    def read():
        while not stop.is_set():
            path = current_snapshot(warehouse)
            try:
                with duckdb.connect(str(path), read_only=True) as con:
                    seen.append(con.execute("select count(*) from marts.fct_a").fetchone()[0])
            except duckdb.IOException:
                continue  # pruned between reading CURRENT and opening: readers re-read
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
