"""Case events (CSV and Parquet) and service volumes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import duckdb

from dagster_project.ingest.loader import load_source

SALT = "test-salt"  # as set by the data_dir fixture

EVENTS = "case_id,journey_id,customer_id,stage_key,event,event_at\n"


def test_case_events_csv(land, sql):
    land(
        "case_events",
        "events.csv",
        EVENTS
        + "K1,student-aid,CUST-1,create-account,entered,2025-01-15 10:00:00\n"
        + "K1,student-aid,CUST-1,create-account,completed,2025-01-16T10:00:00Z\n"
        + "K2,tax-filing,,prepare,abandoned,2025-02-01T00:00:00+01:00\n"
        + "K3,tax-filing,CUST-3,prepare,paused,2025-02-01T00:00:00Z\n"
        + "K4,tax-filing,CUST-4,submit-fafsa,entered,2025-02-01T00:00:00Z\n"
        + "K5,tax-filing,CUST-5,prepare,entered,soon\n",
    )
    [result] = load_source("case_events").files
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 3, 3)
    key = hashlib.sha256((SALT + "CUST-1").encode()).hexdigest()
    assert sql(
        "select case_id, journey_id, customer_key, stage_key, event, event_at"
        " from raw.case_events order by _row_number"
    ) == [
        ("K1", "student-aid", key, "create-account", "entered", datetime(2025, 1, 15, 10, tzinfo=UTC)),
        ("K1", "student-aid", key, "create-account", "completed", datetime(2025, 1, 16, 10, tzinfo=UTC)),
        ("K2", "tax-filing", None, "prepare", "abandoned", datetime(2025, 1, 31, 23, tzinfo=UTC)),
    ]  # fmt: skip
    assert sql("select _row_number, reason, raw_text from raw.quarantine order by 1") == [
        (4, "unknown event 'paused'", "K3,tax-filing,[REMOVED],prepare,paused,2025-02-01T00:00:00Z"),
        (5, "unknown stage 'submit-fafsa' for journey 'tax-filing'",
         "K4,tax-filing,[REMOVED],submit-fafsa,entered,2025-02-01T00:00:00Z"),
        (6, "unparseable timestamp 'soon'", "K5,tax-filing,[REMOVED],prepare,entered,soon"),
    ]  # fmt: skip


def test_case_events_parquet(land, sql, data_dir, tmp_path):
    src = tmp_path / "events.parquet"
    duckdb.sql(
        "select * from (values"
        " ('K1', 'student-aid', 'CUST-1', 'create-account', 'entered', timestamp '2025-01-15 10:00:00'),"
        " ('K2', 'student-aid', null, 'accept-aid', 'completed', timestamp '2025-03-01 12:30:00'),"
        " (null, 'student-aid', 'CUST-9', 'accept-aid', 'completed', timestamp '2025-03-01 12:30:00'))"
        " as t(case_id, journey_id, customer_id, stage_key, event, event_at)"
    ).write_parquet(str(src))
    land("case_events", "events.parquet", src.read_bytes())
    [result] = load_source("case_events").files
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert sql(
        "select case_id, stage_key, event_at, _row_number from raw.case_events order by 1"
    ) == [
        ("K1", "create-account", datetime(2025, 1, 15, 10, tzinfo=UTC), 1),
        ("K2", "accept-aid", datetime(2025, 3, 1, 12, 30, tzinfo=UTC), 2),
    ]
    [(row_number, reason, raw)] = sql("select _row_number, reason, raw_text from raw.quarantine")
    assert (row_number, reason) == (3, "missing id")
    assert "CUST-9" not in raw and '"stage_key":"accept-aid"' in raw


def test_unreadable_parquet_is_unknown_kind(land, sql):
    land("case_events", "broken.parquet", b"PAR1 this is not parquet")
    [result] = load_source("case_events").files
    assert result.status == "unknown_kind"
    assert result.message.startswith("not a readable Parquet file")


def test_service_volumes(land, sql):
    land(
        "service_volumes",
        "vol.csv",
        "service_id,fiscal_year,fiscal_quarter,channel,volume_of_customers,volume_offered_survey\n"
        "fsa-fafsa,2025,1,web,120000,30000\n"
        "fsa-fafsa,2025,5,web,1,1\n"
        "fsa-fafsa,FY25,1,web,1,1\n"
        "fsa-fafsa,2025,2,all,-4,1\n"
        "nope,2025,2,web,1,1\n"
        "fsa-fafsa,2025,1,web,125000,31000\n",
    )
    [result] = load_source("service_volumes").files
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.rows_replaced) == (
        6, 2, 4, 1,
    )  # fmt: skip
    assert sql("select * exclude (_source, _source_file, _file_sha256, _delivered_at, _loaded_at)"
               " from raw.service_volumes") == [
        ("fsa-fafsa", 2025, 1, "web", 125000, 31000, 6)
    ]  # fmt: skip
    assert sql("select reason from raw.quarantine order by _row_number") == [
        ("invalid fiscal_quarter '5'",),
        ("invalid fiscal_year 'FY25'",),
        ("invalid volume_of_customers '-4'",),
        ("unknown service_id 'nope'",),
    ]
