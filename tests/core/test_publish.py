"""The published snapshot: complete before it is visible, read-only for readers, pruned."""

from __future__ import annotations

import threading

import duckdb
import pytest

from dagster_project.core.publish import (
    KEEP_PREVIOUS,
    CheckResult,
    current_snapshot,
    publish_snapshot,
)
from dagster_project.core.settings import get_settings
from dagster_project.core.snapshots import CURRENT


def _marts(settings):
    """The marts file, as dbt leaves it (see settings.marts_path)."""
    return duckdb.connect(str(settings.marts_path))


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    settings = get_settings()
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.load_log as select 'touchpoints' as _source, 'loaded' as status,"
            " timestamptz '2026-01-02 03:04:05+00' as finished_at,"
            " timestamptz '2026-01-01 00:00:00+00' as _delivered_at"
        )
    with _marts(settings) as con:
        con.execute("create schema marts; create schema intermediate")
        con.execute("create table marts.fct_a as select range as id from range(5)")
        con.execute("create table marts.agg_b as select 'x' as k, 7 as n")
        con.execute("create view marts.v_big as select * from range(1000000)")
        # the build's bookkeeping (replaced rows, batch starts) is not published
        con.execute("create table intermediate.replaced_responses as select 1 as x")
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
            "select version, dagster_run_id, n_tables, n_rows, bytes_copied from meta.publish_info"
        )
        assert info.fetchone() == (snap.version, "run-1", 2, 6, warehouse.marts_path.stat().st_size)
        fresh = con.execute("select source, files_loaded from meta.source_freshness").fetchall()
        assert fresh == [("touchpoints", 1)]
        assert con.execute("select check_name, passed from meta.check_results").fetchall() == [
            ("rows_accounted_for", True)
        ]


def test_publish_never_takes_the_warehouse_write_lock(warehouse):
    # A reader holding the warehouse open read-only (as the dashboard or an analyst might)
    # does not stop a publish, and publishing leaves the warehouse writable afterwards.
    reader = duckdb.connect(str(warehouse.warehouse_path), read_only=True)
    marts_reader = duckdb.connect(str(warehouse.marts_path), read_only=True)
    publish_snapshot(warehouse)
    reader.close()
    marts_reader.close()
    with duckdb.connect(str(warehouse.warehouse_path)) as con:
        con.execute("create table raw.after as select 1 as x")
    with _marts(warehouse) as con:
        con.execute("create table marts.after as select 1 as x")


def test_failed_publish_keeps_the_previous_snapshot(warehouse, monkeypatch):
    first = publish_snapshot(warehouse)
    with _marts(warehouse) as con:
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


def test_the_snapshot_keeps_the_order_the_marts_are_stored_in(warehouse):
    # dbt writes fct_response in service x quarter order; a byte copy keeps every block.
    with _marts(warehouse) as con:
        con.execute(
            "create table marts.fct_x as select * from (values "
            "('a', 2025, 4, 4), ('a', 2026, 1, 2), ('b', 2025, 4, 3), ('b', 2026, 2, 1)) "
            "as t(service_id, fiscal_year, fiscal_quarter, v)"
        )
    snap = publish_snapshot(warehouse)
    with duckdb.connect(str(snap.path), read_only=True) as con:
        stored = [r[0] for r in con.execute("select v from marts.fct_x").fetchall()]
    assert stored == [4, 2, 3, 1]


def test_a_publish_after_an_increment_reuses_the_unchanged_tables(warehouse):
    versions = {"fct_a": "run-1", "agg_b": "run-1"}
    first = publish_snapshot(warehouse, versions=versions)
    assert first.how == {"agg_b": "rebuilt", "fct_a": "rebuilt"}

    # The next build rebuilds agg_b only; fct_a is the table the last snapshot holds.
    with _marts(warehouse) as con:
        con.execute("create or replace table marts.agg_b as select 'y' as k, 8 as n")
    versions |= {"agg_b": "run-2"}
    second = publish_snapshot(warehouse, versions=versions)
    assert second.how == {"agg_b": "rebuilt", "fct_a": "kept"}
    with duckdb.connect(str(second.path), read_only=True) as con:
        assert con.execute("select k, n from marts.agg_b").fetchall() == [("y", 8)]
        assert con.execute("select sum(id) from marts.fct_a").fetchone()[0] == 10
        assert con.execute("select table_name, version, how from meta.table_versions order by 1").fetchall() == [
            ("agg_b", "run-2", "rebuilt"), ("fct_a", "run-1", "kept"),
        ]  # fmt: skip
    # kept means the same bytes: fct_a's storage blocks are those of the first snapshot
    assert _blocks(first.path, "fct_a") == _blocks(second.path, "fct_a")


def _blocks(path, table) -> list:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            f"select block_id, block_offset from pragma_storage_info('marts.{table}') "
            "where block_id is not null order by all"
        ).fetchall()


def test_a_marts_file_left_with_a_write_ahead_log_is_published_whole(warehouse):
    # A writer that ended without a checkpoint: the rows sit in marts_db.duckdb.wal.
    con = _marts(warehouse)
    con.execute("set checkpoint_threshold = '1GB'; pragma disable_checkpoint_on_shutdown")
    con.execute("insert into marts.fct_a select 100 + range from range(3)")
    con.close()
    assert (warehouse.marts_path.parent / "marts_db.duckdb.wal").exists()
    snap = publish_snapshot(warehouse)
    assert snap.tables["fct_a"] == 8


def test_without_a_marts_file_publish_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    with pytest.raises(RuntimeError, match="Run the dbt build first"):
        publish_snapshot(get_settings())


def test_debris_of_a_killed_publish_is_removed(warehouse):
    warehouse.published_dir.mkdir(parents=True)
    debris = warehouse.published_dir / ".warehouse-20260101T000000000000Z.duckdb.partial"
    debris.write_bytes(b"half a snapshot")
    (warehouse.published_dir / (debris.name + ".wal")).write_bytes(b"wal")
    publish_snapshot(warehouse)
    assert sorted(p.name for p in warehouse.published_dir.iterdir() if p.name.startswith(".")) == []
