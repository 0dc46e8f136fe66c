"""Contact-center IVR exports: Windows-1252, New York local time, queues, keypad."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dagster_project.ingest.loader import load_source

HEADER = "CallID;CallStart;Queue;CallerNumber;Q1;Q2;Q3;Q4;Q5;AgentNote\r\n"


def cp1252(text: str) -> bytes:
    return text.encode("cp1252")


def test_cp1252_dst_queues_and_keypad(land, sql):
    body = (
        HEADER
        + "C1;03/08/2025 10:00;FSA-HELP;(202) 555-0143;5;4;3;2;1;Caller’s “refund” €20 — café\r\n"
        + "C2;03/10/2025 10:00;irs-refund;202-555-0199;9;9;9;9;9;\r\n"
        + "C3;11/02/2025 01:30;VA-BENEFITS;2025550100;1;;6;0;5;note\r\n"
        + "C4;07/04/2025 23:59;SSA-800;+1 202 555 0101;2;2;2;2;2;x\r\n"
    )
    land("contact_center", "ivr.csv", cp1252(body))
    [result] = load_source("contact_center").files
    assert (result.rows_read, result.rows_loaded, result.answers_quarantined) == (4, 4, 2)
    assert sql(
        "select call_id, call_start, queue, service_id, q1, q2, q3, q4, q5, agent_note"
        " from raw.contact_center order by 1"
    ) == [
        ("C1", datetime(2025, 3, 8, 15, 0, tzinfo=UTC), "FSA-HELP", "fsa-fafsa", 5, 4, 3, 2, 1,
         "Caller’s “refund” €20 — café"),
        ("C2", datetime(2025, 3, 10, 14, 0, tzinfo=UTC), "IRS-REFUND", "irs-refund-status",
         None, None, None, None, None, None),
        ("C3", datetime(2025, 11, 2, 6, 30, tzinfo=UTC), "VA-BENEFITS", "va-disability-claim",
         1, None, None, None, 5, "note"),
        ("C4", datetime(2025, 7, 5, 3, 59, tzinfo=UTC), "SSA-800", "ssa-retirement",
         2, 2, 2, 2, 2, "x"),
    ]  # fmt: skip
    assert sql("select record_id, field, raw_text, reason from raw.quarantine order by 2") == [
        ("C3", "q3", "6", "answer out of range: '6' for likert5"),
        ("C3", "q4", "0", "answer out of range: '0' for likert5"),
    ]


def test_bad_records_and_caller_number_never_stored(land, sql):
    body = (
        HEADER
        + "C1;03/08/2025 10:00;UNKNOWN-Q;555-0143;5;4;3;2;1;hi\r\n"
        + "C2;2025-03-08 10:00;FSA-HELP;555-0144;5;4;3;2;1;hi\r\n"
        + ";03/08/2025 10:00;FSA-HELP;555-0145;5;4;3;2;1;hi\r\n"
        + "C4;03/08/2025 10:00;FSA-HELP;555-0146;5;4\r\n"
    )
    data = cp1252(body) + b"C5;03/08/2025 10:00;FSA-HELP;555-0147;5;4;3;2;1;bad \x81 byte\r\n"
    land("contact_center", "bad.csv", data)
    [result] = load_source("contact_center").files
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 0, 5)
    assert sql("select _row_number, reason, raw_text from raw.quarantine order by 1") == [
        (1, "unknown queue 'UNKNOWN-Q'", "C1;03/08/2025 10:00;UNKNOWN-Q;[CALLER];5;4;3;2;1;hi"),
        (2, "unparseable timestamp '2025-03-08 10:00'",
         "C2;2025-03-08 10:00;FSA-HELP;[CALLER];5;4;3;2;1;hi"),
        (3, "missing id", ";03/08/2025 10:00;FSA-HELP;[CALLER];5;4;3;2;1;hi"),
        (4, "wrong column count: expected 10, got 6", "C4;03/08/2025 10:00;FSA-HELP;[CALLER];5;4"),
        (5, "undecodable text (not Windows-1252)",
         "C5;03/08/2025 10:00;FSA-HELP;[CALLER];5;4;3;2;1;bad \ufffd byte"),
    ]  # fmt: skip


def test_wall_clock_times_the_clock_change_skips_or_repeats(land, sql):
    """New York time on 9 March 2025 jumps from 01:59 EST to 03:00 EDT: 02:00-02:59 do
    not exist. Such a time is read with the offset in force before the change (EST,
    UTC-5), as Python's zoneinfo reads it (fold=0): 02:30 -> 07:30 UTC, the instant a
    clock that missed the change would show. On 2 November 01:00-01:59 happen twice;
    the second, standard-time one (EST) is taken (fold=1). Both load: not quarantined."""
    body = (
        HEADER
        + "G1;03/09/2025 01:59;FSA-HELP;;5;;;;;\r\n"
        + "G2;03/09/2025 02:30;FSA-HELP;;5;;;;;\r\n"
        + "G3;03/09/2025 03:00;FSA-HELP;;5;;;;;\r\n"
        + "G4;11/02/2025 01:30;FSA-HELP;;5;;;;;\r\n"
    )
    land("contact_center", "dst.csv", cp1252(body))
    [result] = load_source("contact_center").files
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 4, 0)
    got = dict(sql("select call_id, call_start from raw.contact_center"))
    new_york = ZoneInfo("America/New_York")
    for call, local in (("G1", datetime(2025, 3, 9, 1, 59)), ("G2", datetime(2025, 3, 9, 2, 30)),
                        ("G3", datetime(2025, 3, 9, 3, 0)),
                        ("G4", datetime(2025, 11, 2, 1, 30, fold=1))):  # fmt: skip
        assert got[call] == local.replace(tzinfo=new_york).astimezone(UTC), call
    assert got["G2"] == datetime(2025, 3, 9, 7, 30, tzinfo=UTC)
    assert got["G3"] == datetime(2025, 3, 9, 7, 0, tzinfo=UTC)  # 03:00 EDT: before G2
    assert got["G4"] == datetime(2025, 11, 2, 6, 30, tzinfo=UTC)
