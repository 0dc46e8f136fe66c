"""A tiny raw.* warehouse for the dbt tests, as plain functions other tests can reuse.

`create_raw_tables(con)` creates the raw tables with the loader's own DDL; `insert_*` helpers add rows with
lineage filled in; `build_fixture(con)` writes the hand-made scenario that
`test_marts.py` checks by hand. The journeys tests call `build_fixture` and then add
their own `raw.case_events` rows with `insert_case_events`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from dagster_project.ingest.sources import SPECS
from dagster_project.ingest.sources.tables import ensure_tables


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw.* table (empty, idempotent) with the loader's own DDL
    (dagster_project.ingest.sources.tables), so the fixture cannot drift from what the
    loaders write."""
    ensure_tables(con, list(SPECS.values()))


def utc(text: str) -> datetime:
    """'2025-01-15 10:00' (UTC) or an ISO string with an offset -> aware datetime."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


LOADED_AT = utc("2026-01-10 12:00")
# Each fixture file is loaded at its own time, as the loaders do (one _loaded_at per
# load): the incremental test can then tell an untouched earlier batch from a rebuilt one.
LOADED = {
    "touchpoints/legacy.csv": utc("2026-01-05 12:00"),
    "touchpoints/v2.csv": utc("2026-01-06 12:00"),
    "agency_api/a.jsonl": utc("2026-01-07 12:00"),
    "agency_api/b.jsonl": utc("2026-01-08 12:00"),
    "contact_center/calls.csv": utc("2026-01-09 12:00"),
    "service_volumes/volumes.csv": utc("2026-01-09 12:00"),
}


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    source_file: str,
    delivered_at: datetime,
    loaded_at: datetime,
) -> int:
    """Insert rows (dicts of data columns) into raw.<table>, numbering them 1.. and
    filling the lineage; returns how many were inserted."""
    rows = list(rows)
    if not rows:
        return 0
    sha = hashlib.sha256(source_file.encode()).hexdigest()
    columns = list(rows[0].keys())
    lineage = [
        "_source",
        "_source_file",
        "_file_sha256",
        "_row_number",
        "_delivered_at",
        "_loaded_at",
    ]
    placeholders = ", ".join("?" for _ in columns + lineage)
    sql = f"insert into raw.{table} ({', '.join(columns + lineage)}) values ({placeholders})"
    for number, row in enumerate(rows, start=1):
        values = [row[c] for c in columns]
        con.execute(sql, values + [source, source_file, sha, number, delivered_at, loaded_at])
    return len(rows)


def insert_touchpoints(
    con, rows, *, source_file="touchpoints/export.csv", delivered_at=LOADED_AT, loaded_at=LOADED_AT
) -> int:
    """rows: dicts with any raw.touchpoints data columns (others NULL)."""
    columns = [name for name, _ in SPECS["touchpoints"].columns]
    full = [{c: r.get(c) for c in columns} for r in rows]
    return _insert(
        con,
        "touchpoints",
        "touchpoints",
        full,
        source_file=source_file,
        delivered_at=delivered_at,
        loaded_at=loaded_at,
    )


def insert_agency_api(
    con, rows, *, source_file="agency_api/dump.jsonl", delivered_at=LOADED_AT, loaded_at=LOADED_AT
) -> int:
    """rows: dicts; `answers` is a list of (driver, scale, value) tuples."""
    full = []
    for r in rows:
        answers = [{"driver": d, "scale": s, "value": v} for d, s, v in r.get("answers", [])]
        full.append(
            {
                "response_id": r["response_id"],
                "service_id": r["service_id"],
                "channel": r.get("channel", "web"),
                "submitted_at": r["submitted_at"],
                "customer_key": r.get("customer_key"),
                "case_id": r.get("case_id"),
                "stage": r.get("stage"),
                "answers": answers,
                "comment": r.get("comment"),
            }
        )
    return _insert(
        con,
        "agency_api",
        "agency_api",
        full,
        source_file=source_file,
        delivered_at=delivered_at,
        loaded_at=loaded_at,
    )


def insert_contact_center(
    con,
    rows,
    *,
    source_file="contact_center/calls.csv",
    delivered_at=LOADED_AT,
    loaded_at=LOADED_AT,
) -> int:
    columns = [
        "call_id",
        "call_start",
        "queue",
        "service_id",
        "q1",
        "q2",
        "q3",
        "q4",
        "q5",
        "agent_note",
    ]
    full = [{c: r.get(c) for c in columns} for r in rows]
    return _insert(
        con,
        "contact_center",
        "contact_center",
        full,
        source_file=source_file,
        delivered_at=delivered_at,
        loaded_at=loaded_at,
    )


def insert_case_events(
    con, rows, *, source_file="case_events/events.csv", delivered_at=LOADED_AT, loaded_at=LOADED_AT
) -> int:
    """rows: dicts with case_id, journey_id, customer_key, stage_key, event, event_at."""
    columns = ["case_id", "journey_id", "customer_key", "stage_key", "event", "event_at"]
    full = [{c: r.get(c) for c in columns} for r in rows]
    return _insert(
        con,
        "case_events",
        "case_events",
        full,
        source_file=source_file,
        delivered_at=delivered_at,
        loaded_at=loaded_at,
    )


def insert_service_volumes(
    con,
    rows,
    *,
    source_file="service_volumes/volumes.csv",
    delivered_at=LOADED_AT,
    loaded_at=LOADED_AT,
) -> int:
    columns = [
        "service_id",
        "fiscal_year",
        "fiscal_quarter",
        "channel",
        "volume_of_customers",
        "volume_offered_survey",
    ]
    full = [{c: r.get(c) for c in columns} for r in rows]
    return _insert(
        con,
        "service_volumes",
        "service_volumes",
        full,
        source_file=source_file,
        delivered_at=delivered_at,
        loaded_at=loaded_at,
    )


# --------------------------------------------------------------------------------------
# The hand-made scenario (test_marts.py states every expected number next to its rows).
# --------------------------------------------------------------------------------------

# dos-passport, legacy A-11 form, web: two fiscal quarters of 12 submissions each.
PASSPORT_Q2_SATISFACTION = [5, 4, 4, 2, 1, 1, 2, 3, 3, 1, 2, 3]  # 3 positive of 12
PASSPORT_Q2_EASE = [5, 5, 4, 4, 4, 4, 1, 2, 3, 3, 2, 1]  # 6 of 12
PASSPORT_Q3_SATISFACTION = [5, 5, 5, 4, 4, 4, 4, 5, 5, 4, 4, 2]  # 11 of 12
PASSPORT_Q3_EASE = [5, 4, 4, 4, 4, 4, 4, 2, 1, 2, 3, 3]  # 7 of 12
# ... plus two mobile submissions in Q3 (a suppressed cell): satisfaction 5 and 3.
PASSPORT_Q3_MOBILE_SATISFACTION = [5, 3]

CUSTOMER_C1 = hashlib.sha256(b"salt:customer-1").hexdigest()


def passport_rows() -> list[dict[str, Any]]:
    rows = []
    for i, (sat, ease) in enumerate(zip(PASSPORT_Q2_SATISFACTION, PASSPORT_Q2_EASE, strict=True)):
        rows.append(
            {
                "submission_id": f"q2-{i}",
                "form_id": "F-LEGACY",
                "form_kind": "a11",
                "service_id": "dos-passport",
                "channel": "web",
                "created_at": utc("2025-02-01 10:00") + timedelta(days=i),
                "satisfaction": sat,
                "ease": ease,
            }
        )
    for i, (sat, ease) in enumerate(zip(PASSPORT_Q3_SATISFACTION, PASSPORT_Q3_EASE, strict=True)):
        rows.append(
            {
                "submission_id": f"q3-{i}",
                "form_id": "F-LEGACY",
                "form_kind": "a11",
                "service_id": "dos-passport",
                "channel": "web",
                "created_at": utc("2025-05-01 10:00") + timedelta(days=i),
                "satisfaction": sat,
                "ease": ease,
            }
        )
    for i, sat in enumerate(PASSPORT_Q3_MOBILE_SATISFACTION):
        rows.append(
            {
                "submission_id": f"q3m-{i}",
                "form_id": "F-LEGACY",
                "form_kind": "a11",
                "service_id": "dos-passport",
                "channel": "mobile",
                "created_at": utc("2025-06-01 10:00") + timedelta(days=i),
                "satisfaction": sat,
            }
        )
    return rows


def v2_rows() -> list[dict[str, Any]]:
    """irs-refund-status on the current A-11 form (thumbs and radio trust, indicators)."""
    return [
        # Thumbs up trust; went well: ease, efficiency; didn't: transparency.
        {
            "submission_id": "1",
            "form_id": "F-V2",
            "form_kind": "a11_v2",
            "service_id": "irs-refund-status",
            "channel": "web",
            "created_at": utc("2025-02-10 12:00"),
            "answer_01": 1,
            "answer_02": "ease,efficiency",
            "answer_03": "transparency",
            "comment": "The site was easy and fast, great help",
        },
        # Thumbs down trust; didn't go well: ease, other.
        {
            "submission_id": "2",
            "form_id": "F-V2",
            "form_kind": "a11_v2",
            "service_id": "irs-refund-status",
            "channel": "web",
            "created_at": utc("2025-02-11 12:00"),
            "answer_01": 0,
            "answer_03": "ease, other",
            "comment": "Not helpful at all, terrible wait",
        },
        # 30 minutes before FY2025 starts (UTC): FY2024 Q4. Stage of the tax-filing journey.
        {
            "submission_id": "3",
            "form_id": "F-V2",
            "form_kind": "a11_v2",
            "service_id": "irs-refund-status",
            "channel": "web",
            "stage": "file",
            "created_at": utc("2024-09-30 23:30"),
            "answer_01": 1,
            "answer_02": "effectiveness",
        },
        # Radio (1-5) trust 4 = positive; an unknown stage links to no journey.
        {
            "submission_id": "1",
            "form_id": "F-RADIO",
            "form_kind": "a11_v2_radio",
            "service_id": "irs-refund-status",
            "channel": "mobile",
            "stage": "bogus",
            "created_at": utc("2025-03-01 12:00"),
            "answer_01": 4,
            "answer_02": "humanity",
        },
        # Radio trust 3: an answer, neither positive nor negative.
        {
            "submission_id": "2",
            "form_id": "F-RADIO",
            "form_kind": "a11_v2_radio",
            "service_id": "irs-refund-status",
            "channel": "mobile",
            "created_at": utc("2025-03-02 12:00"),
            "answer_01": 3,
        },
    ]


def agency_rows_first_delivery() -> list[dict[str, Any]]:
    return [
        # 20:30 in New York on 30 Sep = 00:30 UTC on 1 Oct: FY2025 Q1.
        {
            "response_id": "R1",
            "service_id": "fsa-fafsa",
            "channel": "web",
            "submitted_at": utc("2024-09-30T20:30:00-04:00"),
            "customer_key": CUSTOMER_C1,
            "case_id": "CASE-1",
            "stage": "submit-fafsa",
            "answers": [
                ("satisfaction", "likert5", "5"),
                ("trust", "thumbs", "up"),
                ("ease", "likert5", "n/a"),
                ("efficiency", "thumbs", "👎"),
            ],
            "comment": "I love it, very good service",
        },
        # The same customer at another agency (TREAS).
        {
            "response_id": "R2",
            "service_id": "irs-file-return",
            "channel": "web",
            "submitted_at": utc("2025-02-20 09:00"),
            "customer_key": CUSTOMER_C1,
            "answers": [("trust", "thumbs", "yes"), ("satisfaction", "likert5", "3")],
        },
        # First version of R3; a later file corrects it.
        {
            "response_id": "R3",
            "service_id": "fsa-fafsa",
            "channel": "web",
            "submitted_at": utc("2025-02-21 09:00"),
            "answers": [("satisfaction", "likert5", "1")],
            "comment": "bad",
        },
        # Anonymous, thumbs encoded as words and digits.
        {
            "response_id": "R4",
            "service_id": "fsa-fafsa",
            "channel": "mobile",
            "submitted_at": utc("2025-02-15 09:00"),
            "answers": [("satisfaction", "thumbs", "down"), ("trust", "thumbs", "0")],
            "comment": "It wasn't good",
        },
    ]


def agency_rows_second_delivery() -> list[dict[str, Any]]:
    return [
        {
            "response_id": "R3",
            "service_id": "fsa-fafsa",
            "channel": "web",
            "submitted_at": utc("2025-02-21 09:00"),
            "answers": [("satisfaction", "likert5", "4"), ("trust", "thumbs", "no")],
            "comment": None,
        },
    ]


def contact_center_rows() -> list[dict[str, Any]]:
    """VA-BENEFITS -> va-disability-claim, phone. 9 = skipped (the loader stores NULL;
    CALL-3 keeps a raw 9 to prove staging treats it as skipped too)."""
    base = {"queue": "VA-BENEFITS", "service_id": "va-disability-claim"}
    return [
        {
            **base,
            "call_id": "CALL-1",
            "call_start": utc("2025-02-03 15:00"),
            "q1": 5,
            "q2": 4,
            "q3": None,
            "q4": 2,
            "q5": 3,
            "agent_note": "Caller was happy",
        },
        {**base, "call_id": "CALL-2", "call_start": utc("2025-02-04 15:00"), "q1": 1},
        {
            **base,
            "call_id": "CALL-3",
            "call_start": utc("2025-02-05 15:00"),
            "q1": 4,
            "q2": 9,
            "q3": 4,
            "q4": 5,
            "q5": 5,
        },
    ]


def service_volume_rows() -> list[dict[str, Any]]:
    return [
        {
            "service_id": "dos-passport",
            "fiscal_year": 2025,
            "fiscal_quarter": 2,
            "channel": "web",
            "volume_of_customers": 300,
            "volume_offered_survey": 24,
        },
        {
            "service_id": "dos-passport",
            "fiscal_year": 2025,
            "fiscal_quarter": 3,
            "channel": "web",
            "volume_of_customers": 1000,
            "volume_offered_survey": 120,
        },
        {
            "service_id": "dos-passport",
            "fiscal_year": 2025,
            "fiscal_quarter": 3,
            "channel": "mobile",
            "volume_of_customers": 50,
            "volume_offered_survey": 0,
        },
    ]


def build_fixture(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables and write the whole scenario."""
    create_raw_tables(con)
    f = "touchpoints/legacy.csv"
    insert_touchpoints(con, passport_rows(), source_file=f, loaded_at=LOADED[f])
    f = "touchpoints/v2.csv"
    insert_touchpoints(con, v2_rows(), source_file=f, loaded_at=LOADED[f])
    f = "agency_api/a.jsonl"
    insert_agency_api(
        con,
        agency_rows_first_delivery(),
        source_file=f,
        delivered_at=utc("2026-01-01 08:00"),
        loaded_at=LOADED[f],
    )
    # R3 re-delivered: replaced in raw the way the loader does it (later delivery wins).
    con.execute("delete from raw.agency_api where response_id = 'R3'")
    f = "agency_api/b.jsonl"
    insert_agency_api(
        con,
        agency_rows_second_delivery(),
        source_file=f,
        delivered_at=utc("2026-01-02 08:00"),
        loaded_at=LOADED[f],
    )
    f = "contact_center/calls.csv"
    insert_contact_center(con, contact_center_rows(), source_file=f, loaded_at=LOADED[f])
    f = "service_volumes/volumes.csv"
    insert_service_volumes(con, service_volume_rows(), source_file=f, loaded_at=LOADED[f])
    con.execute("""
        insert into raw.load_log values
        (1, 'touchpoints', 'touchpoints/legacy.csv', 'abc', 1000,
         '2026-01-01 08:00+00', '2026-01-10 12:00+00', '2026-01-10 12:00+00',
         26, 26, 0, 0, 0, 'loaded', null, 'b1')
    """)
    con.execute("""
        insert into raw.quarantine values
        ('touchpoints', 'touchpoints/legacy.csv', 'abc', 27, '2026-01-10 12:00+00',
         'F-LEGACY:q2-99', 'answer', 'ease', 'ease=6', 'value 6 outside likert5')
    """)


def make_warehouse(data_dir) -> str:
    """Write warehouse.duckdb with the scenario under data_dir; returns its path."""
    path = f"{data_dir}/warehouse.duckdb"
    con = duckdb.connect(path)
    try:
        build_fixture(con)
    finally:
        con.close()
    return path
