"""The bad-input corpus: exact rows, quarantine reasons and load_log statuses."""

from __future__ import annotations

from datetime import UTC, datetime

from dagster_project.ingest.loader import load_all


def test_corpus_load_log(corpus, sql):
    load_all()
    assert sql(
        "select _source, status, count(*), sum(rows_read), sum(rows_loaded),"
        " sum(rows_quarantined), sum(answers_quarantined), sum(rows_replaced)"
        " from raw.load_log group by all order by 1, 2"
    ) == [
        ("agency_api", "duplicate", 1, 0, 0, 0, 0, 0),
        ("agency_api", "empty", 1, 0, 0, 0, 0, 0),
        ("agency_api", "loaded", 2, 9, 5, 4, 2, 1),
        ("agency_api", "unknown_kind", 1, 0, 0, 0, 0, 0),
        ("case_events", "loaded", 2, 8, 4, 4, 0, 1),
        ("contact_center", "empty", 1, 0, 0, 0, 0, 0),
        ("contact_center", "loaded", 2, 8, 4, 4, 1, 1),
        ("service_volumes", "loaded", 2, 6, 4, 2, 0, 1),
        ("touchpoints", "duplicate", 1, 0, 0, 0, 0, 0),
        ("touchpoints", "empty", 2, 0, 0, 0, 0, 0),
        ("touchpoints", "loaded", 4, 14, 9, 5, 4, 1),
        ("touchpoints", "unknown_kind", 1, 0, 0, 0, 0, 0),
    ]
    assert sql("select _source_file, message from raw.load_log where status <> 'loaded' order by 1") == [
        ("agency_api/03_empty.jsonl", "empty file (0 bytes)"),
        ("agency_api/04_dump_copy.ndjson",
         "same content (sha256) as agency_api/01_dump.jsonl, already loaded"),
        ("agency_api/05_export.xml",
         "unexpected file type '.xml' for agency_api (expected .jsonl or .ndjson or .json)"),
        ("contact_center/02_ivr_header_only.csv", "no data rows (header only)"),
        ("touchpoints/03_empty.csv", "empty file (0 bytes)"),
        ("touchpoints/04_header_only.csv", "no data rows (header only)"),
        ("touchpoints/05_notes.txt", "unexpected file type '.txt' for touchpoints (expected .csv)"),
        ("touchpoints/06_export_v2_copy.csv",
         "same content (sha256) as touchpoints/02_export_v2.csv, already loaded"),
    ]  # fmt: skip


def test_corpus_quarantine(corpus, sql):
    load_all()
    assert sql(
        "select _source, _source_file, _row_number, level, field, reason from raw.quarantine"
        " order by 1, 2, 3, 5"
    ) == [
        ("agency_api", "agency_api/01_dump.jsonl", 1, "answer", "satisfaction", "answer out of range: '6' for likert5"),
        ("agency_api", "agency_api/01_dump.jsonl", 1, "answer", "speed", "unknown driver key 'speed'"),
        ("agency_api", "agency_api/01_dump.jsonl", 2, "record", None, "truncated or invalid JSON"),
        ("agency_api", "agency_api/01_dump.jsonl", 3, "record", None, "missing id"),
        ("agency_api", "agency_api/01_dump.jsonl", 4, "record", None, "unparseable timestamp 'not a date'"),
        ("agency_api", "agency_api/01_dump.jsonl", 5, "record", None, "unknown service_id 'unknown-svc'"),
        ("case_events", "case_events/01_events.csv", 3, "record", None, "missing id"),
        ("case_events", "case_events/01_events.csv", 4, "record", None, "unparseable timestamp '01/12/2025'"),
        ("case_events", "case_events/01_events.csv", 5, "record", None, "unknown event 'paused'"),
        ("case_events", "case_events/01_events.csv", 6, "record", None, "wrong column count: expected 6, got 7"),
        ("contact_center", "contact_center/01_ivr.csv", 2, "record", None, "unknown queue 'DOD-HELP'"),
        ("contact_center", "contact_center/01_ivr.csv", 3, "record", None, "unparseable timestamp '2025-03-08'"),
        ("contact_center", "contact_center/01_ivr.csv", 4, "answer", "q1", "answer out of range: '7' for likert5"),
        ("contact_center", "contact_center/01_ivr.csv", 5, "record", None, "wrong column count: expected 10, got 6"),
        ("contact_center", "contact_center/01_ivr.csv", 6, "record", None, "undecodable text (not Windows-1252)"),
        ("service_volumes", "service_volumes/01_volumes.csv", 4, "record", None, "unknown service_id 'irs-nope'"),
        ("service_volumes", "service_volumes/01_volumes.csv", 5, "record", None, "invalid fiscal_quarter '5'"),
        ("touchpoints", "touchpoints/01_export_legacy.csv", 2, "record", None, "wrong column count: expected 17, got 15"),
        ("touchpoints", "touchpoints/01_export_legacy.csv", 3, "record", None, "unparseable timestamp '2025-13-45T10:00:00Z'"),
        ("touchpoints", "touchpoints/01_export_legacy.csv", 4, "answer", "satisfaction", "answer out of range: '6' for likert5"),
        ("touchpoints", "touchpoints/01_export_legacy.csv", 4, "answer", "trust", "answer out of range: '0' for likert5"),
        ("touchpoints", "touchpoints/01_export_legacy.csv", 5, "record", None, "unknown service_id 'irs-unknown'"),
        ("touchpoints", "touchpoints/01_export_legacy.csv", 6, "record", None, "missing id"),
        ("touchpoints", "touchpoints/02_export_v2.csv", 1, "answer", "answer_02", "unknown driver key 'speed'"),
        ("touchpoints", "touchpoints/02_export_v2.csv", 2, "answer", "answer_01", "answer out of range: 'maybe' for likert5"),
        ("touchpoints", "touchpoints/08_undecodable.csv", 2, "record", None, "undecodable text (not UTF-8)"),
    ]  # fmt: skip


def test_corpus_rows_and_corrections(corpus, sql):
    load_all()
    counts = {t: sql(f"select count(*) from raw.{t}")[0][0] for t in (
        "touchpoints", "agency_api", "contact_center", "case_events", "service_volumes")}  # fmt: skip
    assert counts == {
        "touchpoints": 8,
        "agency_api": 4,
        "contact_center": 3,
        "case_events": 3,
        "service_volumes": 3,
    }
    # corrected re-deliveries: the later file's values win
    assert sql(
        "select satisfaction, employee, comment, _source_file from raw.touchpoints"
        " where form_id = 'F-LEG' and submission_id = '8'"
    ) == [(5, 5, "corrected: fast after all", "touchpoints/07_correction.csv")]
    assert sql("select answers, comment from raw.agency_api where response_id = 'r-200'") == [
        ([{"driver": "trust", "scale": "thumbs", "value": "up"}], "fixed, thanks")
    ]
    assert sql("select q1, q2, agent_note from raw.contact_center where call_id = 'C-1004'") == [
        (4, None, "re-keyed")
    ]
    assert sql(
        "select event_at, _source_file from raw.case_events"
        " where case_id = 'K-1' and event = 'completed'"
    ) == [(datetime(2025, 1, 10, 9, 45, tzinfo=UTC), "case_events/02_events.parquet")]
    assert sql(
        "select volume_of_customers, volume_offered_survey from raw.service_volumes"
        " where channel = 'phone'"
    ) == [(42000, 8500)]
    # Windows-1252 text and New York local time
    assert sql("select call_id, call_start, agent_note from raw.contact_center order by 1") == [
        ("C-1001", datetime(2025, 1, 15, 14, 30, tzinfo=UTC), "Caller’s issue resolved, café open"),
        ("C-1004", datetime(2025, 1, 16, 15, 0, tzinfo=UTC), "re-keyed"),
        ("C-1007", datetime(2025, 3, 9, 7, 30, tzinfo=UTC), "“quoted” €5 — ok"),
    ]  # fmt: skip
    # quoted comma and newline kept; PII redacted
    assert sql(
        "select submission_id, comment from raw.touchpoints where form_id = 'F-LEG' order by 1"
    ) == [
        ("1", "Thanks! Write to [EMAIL] or call [PHONE]"),
        ("4", "ok"),
        ("7", "My SSN [SSN] was shown,\nplease fix"),
        ("8", "corrected: fast after all"),
    ]


def test_corpus_second_run_changes_nothing(corpus, sql):
    load_all()
    dump = {
        t: sorted(sql(f"select * from raw.{t}"), key=repr)
        for (t,) in sql("select table_name from duckdb_tables() where schema_name = 'raw'")
    }
    again = load_all()
    assert [len(s.files) for s in again] == [0, 0, 0, 0, 0]
    assert [s.files_already_logged for s in again] == [8, 5, 3, 2, 2]
    assert {t: sorted(sql(f"select * from raw.{t}"), key=repr) for t in dump} == dump
