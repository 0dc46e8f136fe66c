"""Agency API JSON Lines: answers, thumbs encodings, customer keys, bad lines."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from dagster_project.ingest.loader import load_source

SALT = "test-salt"  # as set by the data_dir fixture


def line(**fields) -> str:
    base = {
        "response_id": "r1",
        "service_id": "ssa-retirement",
        "channel": "web",
        "submitted_at": "2025-03-09T10:00:00-04:00",
        "customer": {"id": "CUST-1", "email": "jane@example.com"},
        "case_id": None,
        "stage": None,
        "answers": [],
        "comment": None,
    }
    base.update(fields)
    return json.dumps(base, ensure_ascii=False) + "\n"


def test_values_answers_and_customer_key(land, sql):
    answers = [
        {"driver": "trust", "scale": "thumbs", "value": "👍"},
        {"driver": "Satisfaction", "scale": "likert5", "value": 4},
        {"driver": "ease", "scale": "thumbs", "value": " Down "},
        {"driver": "efficiency", "scale": "thumbs", "value": "yes"},
        {"driver": "employee", "scale": "likert5", "value": None},
        {"driver": "humanity", "scale": "likert5", "value": "n/a"},
    ]
    land(
        "agency_api",
        "a.jsonl",
        line(answers=answers, case_id="CASE-9", stage="file-claim", comment="mail a@b.gov")
        + line(response_id="r2", customer=None, submitted_at="2025-12-01T08:00:00Z",
               answers=[{"driver": "trust", "scale": "thumbs", "value": 0}]),
    )  # fmt: skip
    [result] = load_source("agency_api").files
    assert (result.rows_read, result.rows_loaded, result.answers_quarantined) == (2, 2, 0)
    rows = sql(
        "select response_id, service_id, channel, submitted_at, customer_key, case_id, stage,"
        " answers, comment from raw.agency_api order by 1"
    )
    key = hashlib.sha256((SALT + "CUST-1").encode()).hexdigest()
    assert rows == [
        ("r1", "ssa-retirement", "web", datetime(2025, 3, 9, 14, 0, tzinfo=UTC), key, "CASE-9",
         "file-claim",
         [{"driver": "trust", "scale": "thumbs", "value": "👍"},
          {"driver": "satisfaction", "scale": "likert5", "value": "4"},
          {"driver": "ease", "scale": "thumbs", "value": "down"},
          {"driver": "efficiency", "scale": "thumbs", "value": "yes"}],
         "mail [EMAIL]"),
        ("r2", "ssa-retirement", "web", datetime(2025, 12, 1, 8, 0, tzinfo=UTC), None, None, None,
         [{"driver": "trust", "scale": "thumbs", "value": "0"}], None),
    ]  # fmt: skip


def test_answer_level_and_record_level_defects(land, sql):
    answers = [
        {"driver": "trust", "scale": "likert5", "value": 6},
        {"driver": "ease", "scale": "likert5", "value": "maybe"},
        {"driver": "speed", "scale": "likert5", "value": 3},
        {"driver": "other", "scale": "likert5", "value": 3},
        {"driver": "ease", "scale": "stars", "value": 3},
        {"driver": "effectiveness", "scale": "likert5", "value": 5},
        {"driver": "effectiveness", "scale": "likert5", "value": 1},
    ]
    truncated = line(response_id="r3")[:60] + "\n"
    land(
        "agency_api",
        "b.jsonl",
        line(answers=answers)
        + truncated
        + "\n"
        + line(response_id="")
        + line(response_id="r5", submitted_at="2025-03-09 10:00:00")
        + line(response_id="r6", service_id="foo")
        + '["not", "an", "object"]\n',
    )
    [result] = load_source("agency_api").files
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 1, 5)
    assert result.answers_quarantined == 6
    assert sql("select answers from raw.agency_api") == [
        ([{"driver": "effectiveness", "scale": "likert5", "value": "5"}],)
    ]
    assert sql("select _row_number, level, field, reason from raw.quarantine order by 1, 3") == [
        (1, "answer", "ease", "answer out of range: 'maybe' for likert5"),
        (1, "answer", "ease", "unknown scale 'stars'"),
        (1, "answer", "effectiveness", "duplicate answer for driver 'effectiveness'"),
        (1, "answer", "other", "driver 'other' is not asked on the likert5 scale"),
        (1, "answer", "speed", "unknown driver key 'speed'"),
        (1, "answer", "trust", "answer out of range: '6' for likert5"),
        (2, "record", None, "truncated or invalid JSON"),
        (4, "record", None, "missing id"),
        (5, "record", None, "unparseable timestamp '2025-03-09 10:00:00'"),
        (6, "record", None, "unknown service_id 'foo'"),
        (7, "record", None, "not a JSON object"),
    ]
    # the customer object (id and e-mail) is cut out of quarantined raw text
    [(raw,)] = sql("select raw_text from raw.quarantine where _row_number = 4")
    assert '"customer": "[REMOVED]"' in raw and "CUST-1" not in raw and "jane" not in raw
    [(raw,)] = sql("select raw_text from raw.quarantine where _row_number = 2")
    assert raw == truncated.strip()


def test_truncated_customer_object_is_removed(land, sql):
    cut = '{"response_id": "r9", "customer": {"id": "CUST-77", "em'
    land("agency_api", "c.jsonl", cut + "\n")
    load_source("agency_api")
    assert sql("select raw_text, reason from raw.quarantine") == [
        ('{"response_id": "r9", "customer": "[REMOVED]"', "truncated or invalid JSON")
    ]
