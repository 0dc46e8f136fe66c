"""The journey, relationship and action-plan marts on a real dbt build.

One `dbt build` per module on a temporary DuckDB warehouse: the core helper's raw
fixture (tests/dbt/fixture.py, FY2024 Q4 .. FY2025 Q3) plus the journeys scenario
below, all in FY2026 so that the two never share a quarter. Every expected number is
worked out by hand next to the rows that produce it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from dagster_project.core.warehouse import open_warehouse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dbt"))
from dbt_runner import dbt_cli  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DBT_DIR = REPO / "dbt"

# tests/dbt has no __init__.py on purpose (a `dbt` package would shadow dbt-core):
# load the shared fixture builder from its file.
_spec = importlib.util.spec_from_file_location("cx_dbt_fixture", REPO / "tests/dbt/fixture.py")
fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fx)

CUSTOMER_K = hashlib.sha256(b"salt:journeys-customer-k").hexdigest()


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# ---------------------------------------------------------------------------------------
# Cases (raw.case_events)
# ---------------------------------------------------------------------------------------
def _events(case_id, journey_id, customer_key, stages):
    rows = []
    for stage_key, entered, exit_event, exited in stages:
        rows.append(
            {
                "case_id": case_id,
                "journey_id": journey_id,
                "customer_key": customer_key,
                "stage_key": stage_key,
                "event": "entered",
                "event_at": ts(entered),
            }
        )
        if exit_event:
            rows.append(
                {
                    "case_id": case_id,
                    "journey_id": journey_id,
                    "customer_key": customer_key,
                    "stage_key": stage_key,
                    "event": exit_event,
                    "event_at": ts(exited),
                }
            )
    return rows


CASE_EVENTS = [
    # J-AID-1 completes all five student-aid stages (FY2026 Q1):
    # dwell 1.0, 3.5, 30.0, 2.0, 24.5 days; 2025-10-01 10:00 -> 2025-12-01 10:00 = 61 days.
    *_events(
        "J-AID-1",
        "student-aid",
        CUSTOMER_K,
        [
            ("create-account", "2025-10-01 10:00", "completed", "2025-10-02 10:00"),
            ("submit-fafsa", "2025-10-02 10:00", "completed", "2025-10-05 22:00"),
            ("receive-aid-offer", "2025-10-05 22:00", "completed", "2025-11-04 22:00"),
            ("accept-aid", "2025-11-04 22:00", "completed", "2025-11-06 22:00"),
            ("disbursement", "2025-11-06 22:00", "completed", "2025-12-01 10:00"),
        ],
    ),
    # J-DIS-1 (no customer on the case) is abandoned at medical-exam (FY2026 Q2):
    # 2026-01-05 00:00 -> 2026-02-19 12:00 = 45.5 days; medical-exam dwell 30.5 days.
    *_events(
        "J-DIS-1",
        "disability-claim",
        None,
        [
            ("file-claim", "2026-01-05 00:00", "completed", "2026-01-06 00:00"),
            ("gather-evidence", "2026-01-06 00:00", "completed", "2026-01-20 00:00"),
            ("medical-exam", "2026-01-20 00:00", "abandoned", "2026-02-19 12:00"),
        ],
    ),
    # J-TAX-1 is still open in `file` after completing `prepare` in 2 days (FY2026 Q2).
    *_events(
        "J-TAX-1",
        "tax-filing",
        CUSTOMER_K,
        [
            ("prepare", "2026-02-01 09:00", "completed", "2026-02-03 09:00"),
            ("file", "2026-02-03 09:00", None, None),
        ],
    ),
]

# ---------------------------------------------------------------------------------------
# Agency API responses: linked by case_id + stage, and customer K's relationship
# ---------------------------------------------------------------------------------------
AGENCY_API = [
    # FY2026 Q1, customer K, ED. A1: 3 answers, 2 positive (ease 2 is negative).
    {
        "response_id": "J-A1",
        "service_id": "fsa-fafsa",
        "channel": "web",
        "submitted_at": ts("2025-10-03 12:00"),
        "customer_key": CUSTOMER_K,
        "case_id": "J-AID-1",
        "stage": "submit-fafsa",
        "answers": [
            ("satisfaction", "likert5", "5"),
            ("trust", "thumbs", "up"),
            ("ease", "likert5", "2"),
        ],
    },
    # A2: 3 answers, 0 positive; the only comment of the case.
    {
        "response_id": "J-A2",
        "service_id": "fsa-fafsa",
        "channel": "mobile",
        "submitted_at": ts("2025-11-05 12:00"),
        "customer_key": CUSTOMER_K,
        "case_id": "J-AID-1",
        "stage": "accept-aid",
        "answers": [
            ("ease", "likert5", "1"),
            ("efficiency", "likert5", "2"),
            ("trust", "thumbs", "down"),
        ],
        "comment": "The offer letter was confusing and slow",
    },
    # A3: linked by case only (no stage): counts for the journey, for no stage.
    {
        "response_id": "J-A3",
        "service_id": "fsa-fafsa",
        "channel": "web",
        "submitted_at": ts("2025-12-02 12:00"),
        "customer_key": CUSTOMER_K,
        "case_id": "J-AID-1",
        "answers": [("satisfaction", "likert5", "4")],
    },
    # J-DIS-1, anonymous: A5 at gather-evidence 2/2, A4 at medical-exam 0/2.
    {
        "response_id": "J-A5",
        "service_id": "va-disability-claim",
        "channel": "web",
        "submitted_at": ts("2026-01-07 12:00"),
        "case_id": "J-DIS-1",
        "stage": "gather-evidence",
        "answers": [("trust", "thumbs", "up"), ("effectiveness", "likert5", "4")],
    },
    {
        "response_id": "J-A4",
        "service_id": "va-disability-claim",
        "channel": "phone",
        "submitted_at": ts("2026-01-21 12:00"),
        "case_id": "J-DIS-1",
        "stage": "medical-exam",
        "answers": [("ease", "likert5", "1"), ("transparency", "likert5", "3")],
    },
    # FY2026 Q2, customer K, TREAS: J-TAX-1 at prepare, 2/2.
    {
        "response_id": "J-A6",
        "service_id": "irs-file-return",
        "channel": "web",
        "submitted_at": ts("2026-02-02 12:00"),
        "customer_key": CUSTOMER_K,
        "case_id": "J-TAX-1",
        "stage": "prepare",
        "answers": [("trust", "thumbs", "up"), ("satisfaction", "likert5", "5")],
    },
    # FY2026 Q3: nothing from K (the gap). FY2026 Q4: K again, TREAS then ED, by phone/web.
    {
        "response_id": "J-A7",
        "service_id": "irs-refund-status",
        "channel": "phone",
        "submitted_at": ts("2026-08-15 12:00"),
        "customer_key": CUSTOMER_K,
        "answers": [("trust", "thumbs", "down")],
    },
    {
        "response_id": "J-A8",
        "service_id": "fsa-loan-repayment",
        "channel": "web",
        "submitted_at": ts("2026-08-20 12:00"),
        "customer_key": CUSTOMER_K,
        "answers": [("trust", "likert5", "5")],
    },
    # Action plan AP-VA-02 (va-disability-claim, effectiveness, starts 2025-10-01 =
    # FY2026 Q1): before = FY2025 Q3 + Q4 -> A9 only (0/1); A10 (FY2025 Q2) is too
    # early; since = FY2026 Q1 on -> A5's effectiveness 4 (1/1).
    {
        "response_id": "J-A9",
        "service_id": "va-disability-claim",
        "channel": "web",
        "submitted_at": ts("2025-05-10 12:00"),
        "answers": [("effectiveness", "likert5", "2")],
    },
    {
        "response_id": "J-A10",
        "service_id": "va-disability-claim",
        "channel": "web",
        "submitted_at": ts("2025-03-15 12:00"),
        "answers": [("effectiveness", "likert5", "5")],
    },
]

# Anonymous Touchpoints (current A-11 form) at the `file` stage of irs-refund-status,
# whose journey is tax-filing, FY2026 Q2. Answers: trust thumb + ticked indicators.
TOUCHPOINTS_AT_FILE = [
    ("0", "ease", "transparency"),  # 3 answers, 1 positive
    ("1", "ease,efficiency", "transparency"),  # 4 answers, 3 positive
    ("0", None, "ease,efficiency"),  # 3 answers, 0 positive
    ("1", "effectiveness", None),  # 2 answers, 2 positive
]  # 12 answers, 6 positive: score 50, not suppressed (n >= 10)


def touchpoints_rows():
    return [
        {
            "submission_id": f"j{i}",
            "form_id": "F-JOURNEY",
            "form_kind": "a11_v2",
            "service_id": "irs-refund-status",
            "channel": "web",
            "stage": "file",
            "created_at": ts(f"2026-02-1{i} 12:00"),
            "answer_01": int(trust),
            "answer_02": went_well,
            "answer_03": went_badly,
        }
        for i, (trust, went_well, went_badly) in enumerate(TOUCHPOINTS_AT_FILE)
    ]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """Build the fixture + scenario, run `dbt build` once, return a read-only connection."""
    data_dir = tmp_path_factory.mktemp("journeys")
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    fx.build_fixture(con)
    fx.insert_case_events(con, CASE_EVENTS, source_file="case_events/journeys.csv")
    fx.insert_agency_api(con, AGENCY_API, source_file="agency_api/journeys.jsonl")
    fx.insert_touchpoints(con, touchpoints_rows(), source_file="touchpoints/journeys.csv")
    # The loaders' log and quarantine for case-event files (data-quality marts).
    con.executemany(
        """
        insert into raw.load_log (load_id, _source, _source_file, _file_sha256, file_bytes,
            _delivered_at, started_at, finished_at, rows_read, rows_loaded, rows_quarantined,
            answers_quarantined, rows_replaced, status, message)
        values (?, 'case_events', ?, ?, 2048, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)""",
        [
            [
                9001,
                "case_events/journeys.csv",
                "sha-1",
                ts("2026-02-01 07:00"),
                ts("2026-02-01 08:00"),
                ts("2026-02-01 08:01:30"),
                24,
                21,
                3,
                "loaded",
                None,
            ],
            [
                9002,
                "case_events/again.csv",
                "sha-1",
                ts("2026-03-01 07:00"),
                ts("2026-03-01 08:00:00"),
                ts("2026-03-01 08:00:01.5"),
                0,
                0,
                0,
                "duplicate",
                "same content as case_events/journeys.csv",
            ],
        ],
    )
    con.executemany(
        """
        insert into raw.quarantine (_source, _source_file, _file_sha256, _row_number,
            _loaded_at, record_id, level, field, raw_text, reason)
        values ('case_events', ?, 'sha', ?, ?, null, 'record', null, 'x', ?)""",
        [
            ["case_events/journeys.csv", 7, ts("2026-02-01 08:00"), "missing event_at"],
            ["case_events/journeys.csv", 9, ts("2026-02-01 08:00"), "unknown event 'paused'"],
            ["case_events/later.csv", 2, ts("2026-03-01 08:00"), "unknown event 'paused'"],
        ],
    )
    con.close()

    # A subprocess, not dbtRunner: dbt-duckdb keeps its connection open in-process,
    # and the test then could not open the file read-only.
    completed = dbt_cli(data_dir, ["build"])
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    con = open_warehouse(data_dir)
    yield con
    con.close()


def rows(con, sql, *params):
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def one(con, sql, *params):
    result = rows(con, sql, *params)
    assert len(result) == 1, result
    return result[0]


# ---------------------------------------------------------------------------------------
# fct_journey
# ---------------------------------------------------------------------------------------
def test_completed_student_aid_case(warehouse):
    j = one(warehouse, "select * from marts.fct_journey where case_id = 'J-AID-1'")
    assert (j["is_completed"], j["is_open"], j["dropped_at_stage"]) == (True, False, None)
    assert j["journey_id"] == "student-aid" and j["customer_key"] == CUSTOMER_K
    assert j["started_at"] == ts("2025-10-01 10:00")
    assert j["ended_at"] == ts("2025-12-01 10:00")
    assert j["duration_days"] == 61.0
    assert (j["fiscal_year"], j["fiscal_quarter"]) == (2026, 1)
    assert (j["furthest_stage"], j["furthest_stage_order"], j["n_stages_reached"]) == (
        "disbursement",
        5,
        5,
    )
    # A1 + A2 + A3 (A3 has no stage): 3 + 3 + 1 answers, 2 + 0 + 1 positive;
    # touchpoints agency_api/web and agency_api/mobile.
    assert (j["n_responses"], j["n_touchpoints"], j["n_answers"], j["n_positive"]) == (3, 2, 7, 3)
    assert j["journey_score"] == pytest.approx(100 * 3 / 7, abs=1e-9)
    # submit-fafsa 2/3, accept-aid 0/3.
    assert j["pain_point_stage"] == "accept-aid"


def test_case_abandoned_at_medical_exam(warehouse):
    j = one(warehouse, "select * from marts.fct_journey where case_id = 'J-DIS-1'")
    assert (j["is_completed"], j["is_open"], j["dropped_at_stage"]) == (
        False,
        False,
        "medical-exam",
    )
    assert j["customer_key"] is None
    assert j["ended_at"] == ts("2026-02-19 12:00")
    assert j["duration_days"] == 45.5
    assert (j["furthest_stage"], j["n_stages_reached"]) == ("medical-exam", 3)
    assert (j["n_responses"], j["n_touchpoints"], j["n_answers"], j["n_positive"]) == (2, 2, 4, 2)
    assert j["journey_score"] == 50.0
    assert j["pain_point_stage"] == "medical-exam"  # 0/2 against gather-evidence 2/2


def test_open_tax_filing_case(warehouse):
    j = one(warehouse, "select * from marts.fct_journey where case_id = 'J-TAX-1'")
    assert (j["is_completed"], j["is_open"], j["dropped_at_stage"]) == (False, True, None)
    assert (j["ended_at"], j["duration_days"]) == (None, None)
    assert (j["furthest_stage"], j["furthest_stage_order"], j["n_stages_reached"]) == ("file", 2, 2)
    assert (j["n_responses"], j["n_answers"], j["n_positive"], j["journey_score"]) == (
        1,
        2,
        2,
        100.0,
    )
    assert j["pain_point_stage"] == "prepare"
    assert (j["fiscal_year"], j["fiscal_quarter"]) == (2026, 2)


def test_every_case_once(warehouse):
    cases = [
        r["case_id"]
        for r in rows(warehouse, "select case_id from marts.fct_journey order by case_id")
    ]
    assert cases == ["J-AID-1", "J-DIS-1", "J-TAX-1"]


# ---------------------------------------------------------------------------------------
# fct_journey_stage
# ---------------------------------------------------------------------------------------
def test_stage_rows_dwell_and_feedback(warehouse):
    stages = rows(
        warehouse,
        """
        select case_id, stage_key, stage_order, stage_outcome, dwell_days, n_responses,
               n_answers, n_positive, score, mean_sentiment
        from marts.fct_journey_stage order by case_id, stage_order""",
    )
    got = [
        (
            s["case_id"],
            s["stage_key"],
            s["stage_outcome"],
            s["dwell_days"],
            s["n_answers"],
            s["n_positive"],
        )
        for s in stages
    ]
    assert got == [
        ("J-AID-1", "create-account", "completed", 1.0, 0, 0),
        ("J-AID-1", "submit-fafsa", "completed", 3.5, 3, 2),
        ("J-AID-1", "receive-aid-offer", "completed", 30.0, 0, 0),
        ("J-AID-1", "accept-aid", "completed", 2.0, 3, 0),
        ("J-AID-1", "disbursement", "completed", 24.5, 0, 0),
        ("J-DIS-1", "file-claim", "completed", 1.0, 0, 0),
        ("J-DIS-1", "gather-evidence", "completed", 14.0, 2, 2),
        ("J-DIS-1", "medical-exam", "abandoned", 30.5, 2, 0),
        ("J-TAX-1", "prepare", "completed", 2.0, 2, 2),
        ("J-TAX-1", "file", "open", None, 0, 0),
    ]
    by_stage = {(s["case_id"], s["stage_key"]): s for s in stages}
    assert by_stage[("J-AID-1", "submit-fafsa")]["score"] == pytest.approx(200 / 3, abs=1e-9)
    assert by_stage[("J-AID-1", "accept-aid")]["score"] == 0.0
    assert by_stage[("J-AID-1", "create-account")]["score"] is None
    # The feelings line: A2's comment is the only one at accept-aid; no comment, no sentiment.
    a2 = one(
        warehouse,
        """select comment_sentiment from marts.fct_response
                           where source_record_id = 'J-A2'""",
    )["comment_sentiment"]
    assert a2 is not None and a2 < 0
    assert by_stage[("J-AID-1", "accept-aid")]["mean_sentiment"] == pytest.approx(a2)
    assert by_stage[("J-AID-1", "submit-fafsa")]["mean_sentiment"] is None


# ---------------------------------------------------------------------------------------
# agg_journey_stage_quarterly (the journey map)
# ---------------------------------------------------------------------------------------
def wilson(k, n, z=1.96):
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half) / (1 + z * z / n), 100 * (centre + half) / (1 + z * z / n)


def test_journey_map_tax_filing_with_anonymous_feedback(warehouse):
    cells = {
        r["stage_key"]: r
        for r in rows(
            warehouse,
            """
        select * from marts.agg_journey_stage_quarterly
        where journey_id = 'tax-filing' and fiscal_year = 2026 and fiscal_quarter = 2""",
        )
    }
    assert set(cells) == {"prepare", "file"}
    prepare, file = cells["prepare"], cells["file"]
    assert (prepare["n_entered"], prepare["n_completed"], prepare["n_open"]) == (1, 1, 0)
    assert (prepare["drop_off_rate"], prepare["median_dwell_days"]) == (0.0, 2.0)
    assert (prepare["n_answers"], prepare["n_positive"], prepare["score"]) == (2, 2, 100.0)
    assert prepare["is_suppressed"] is True and prepare["is_pain_point"] is False
    # `file`: J-TAX-1 still open there; answers are the 4 anonymous Touchpoints forms.
    assert (file["n_entered"], file["n_open"], file["median_dwell_days"]) == (1, 1, None)
    assert (file["n_answers"], file["n_positive"], file["score"]) == (12, 6, 50.0)
    low, high = wilson(6, 12)
    assert file["ci_low"] == pytest.approx(low, abs=1e-9)
    assert file["ci_high"] == pytest.approx(high, abs=1e-9)
    assert file["is_suppressed"] is False and file["is_pain_point"] is True


def test_journey_map_drop_off_at_medical_exam(warehouse):
    cells = {
        r["stage_key"]: r
        for r in rows(
            warehouse,
            """
        select * from marts.agg_journey_stage_quarterly
        where journey_id = 'disability-claim' and fiscal_year = 2026""",
        )
    }
    assert set(cells) == {"file-claim", "gather-evidence", "medical-exam"}
    exam = cells["medical-exam"]
    assert (exam["fiscal_quarter"], exam["n_entered"], exam["n_abandoned"]) == (2, 1, 1)
    assert (exam["drop_off_rate"], exam["median_dwell_days"]) == (1.0, 30.5)
    assert cells["gather-evidence"]["drop_off_rate"] == 0.0
    assert not any(c["is_pain_point"] for c in cells.values())  # all suppressed (n < 10)


# ---------------------------------------------------------------------------------------
# fct_relationship
# ---------------------------------------------------------------------------------------
def test_relationship_of_a_customer_seen_by_two_agencies(warehouse):
    quarters = rows(
        warehouse,
        """
        select * from marts.fct_relationship where customer_key = ?
        order by fiscal_year, fiscal_quarter""",
        CUSTOMER_K,
    )
    assert [(q["fiscal_year"], q["fiscal_quarter"]) for q in quarters] == [
        (2026, 1),
        (2026, 2),
        (2026, 4),
    ]  # no row for the gap quarter Q3
    q1, q2, q4 = quarters
    first_seen = ts("2025-10-03 12:00")
    assert {q["first_seen_at"] for q in quarters} == {first_seen}
    assert [q["is_new_customer"] for q in quarters] == [True, False, False]
    # 2025-10-03 -> 2025-12-31 = 89 days; -> 2026-03-31 = 179; -> 2026-09-30 = 362.
    assert (
        [q["tenure_days"] for q in quarters]
        == [
            (date(2025, 12, 31) - date(2025, 10, 3)).days,
            (date(2026, 3, 31) - date(2025, 10, 3)).days,
            (date(2026, 9, 30) - date(2025, 10, 3)).days,
        ]
        == [89, 179, 362]
    )
    assert [q["tenure_quarters"] for q in quarters] == [0, 1, 3]  # elapsed, gap included
    assert [q["n_interactions"] for q in quarters] == [3, 1, 2]
    assert [q["n_interactions_to_date"] for q in quarters] == [3, 4, 6]
    # fsa-fafsa; + irs-file-return; + irs-refund-status, fsa-loan-repayment.
    assert [q["n_services_to_date"] for q in quarters] == [1, 2, 4]
    assert [q["n_agencies_to_date"] for q in quarters] == [1, 2, 2]  # ED, then TREAS
    assert [q["channels_used"] for q in quarters] == [
        "mobile,web",
        "mobile,web",
        "mobile,phone,web",
    ]
    # trust: Q1 up+down, Q2 up, Q4 down + likert 5.
    assert [(q["trust_n"], q["trust_positive"], q["trust_score"]) for q in quarters] == [
        (2, 1, 50.0),
        (1, 1, 100.0),
        (2, 1, 50.0),
    ]
    assert [(q["trust_n_to_date"], q["trust_positive_to_date"]) for q in quarters] == [
        (2, 1),
        (3, 2),
        (5, 3),
    ]
    assert q2["trust_score_to_date"] == pytest.approx(200 / 3, abs=1e-9)
    assert q4["trust_score_to_date"] == 60.0
    # Q4's previous quarter with activity is Q2 (Q3 had none).
    assert (q1["prev_trust_score"], q1["trust_change"]) == (None, None)
    assert (q2["prev_trust_score"], q2["trust_change"]) == (50.0, 50.0)
    assert (q4["prev_trust_score"], q4["trust_change"]) == (100.0, -50.0)


def test_anonymous_responses_stay_out_of_the_relationship(warehouse):
    n_identified = one(
        warehouse,
        """select count(*) as n from marts.fct_response
                                     where customer_key is not null""",
    )["n"]
    n_in_relationship = one(
        warehouse,
        """select sum(n_interactions) as n
                                          from marts.fct_relationship""",
    )["n"]
    assert n_in_relationship == n_identified
    assert (
        one(
            warehouse,
            """select count(*) as n from marts.fct_relationship
                             where customer_key is null""",
        )["n"]
        == 0
    )


# ---------------------------------------------------------------------------------------
# Action plans, maturity, benchmarks
# ---------------------------------------------------------------------------------------
def test_action_plan_before_and_since(warehouse):
    ap = one(
        warehouse,
        """select * from marts.agg_action_plan_progress
                           where initiative_id = 'AP-VA-02'""",
    )
    assert (ap["service_id"], ap["target_driver"], ap["start_date"]) == (
        "va-disability-claim",
        "effectiveness",
        date(2025, 10, 1),
    )
    assert (ap["n_before"], ap["score_before"]) == (1, 0.0)  # A9 (A10 is too early)
    assert (ap["n_since"], ap["score_since"]) == (1, 100.0)  # A5
    assert ap["score_change"] == 100.0
    # pooled p = 1/2, se = sqrt(0.25 * 2) = 0.707, z = 1.414: p = 0.157, not significant
    assert ap["p_value"] == pytest.approx(math.erfc(math.sqrt(2) / math.sqrt(2)), abs=1e-6)
    assert ap["is_change_significant"] is False
    assert (ap["milestones_total"], ap["milestones_done"]) == (2, 1)
    assert (ap["next_milestone"], ap["next_milestone_due"]) == (
        "Publish the claim journey map each quarter",
        date(2026, 6, 30),
    )


def test_reference_marts_match_their_seeds(warehouse):
    def n(table):
        return one(warehouse, f"select count(*) as n from marts.{table}")["n"]

    def csv_rows(seed):
        return len((DBT_DIR / "seeds" / f"{seed}.csv").read_text().strip().splitlines()) - 1

    assert n("agg_action_plan_progress") == csv_rows("action_plans")
    assert n("fct_action_plan_milestones") == csv_rows("action_plan_milestones")
    assert n("dim_cx_maturity") == csv_rows("cx_maturity_assessment")
    assert n("dim_benchmark") == csv_rows("benchmark_scores")
    last = rows(
        warehouse,
        """select journey_id, stage_key from marts.dim_journey_stage
                              where is_last_stage order by journey_id""",
    )
    assert [(r["journey_id"], r["stage_key"]) for r in last] == [
        ("disability-claim", "first-payment"),
        ("student-aid", "disbursement"),
        ("tax-filing", "refund-issued"),
    ]
    # ED measurement: 3 (target 4) in FY2024 -> 4 (target 4) in FY2025.
    ed = one(
        warehouse,
        """select level, target_level, gap_to_target, level_change
                           from marts.dim_cx_maturity where agency_code = 'ED'
                           and fiscal_year = 2025 and domain = 'measurement'""",
    )
    assert ed == {"level": 4, "target_level": 4, "gap_to_target": 0, "level_change": 1}


def test_data_quality_marts(warehouse):
    loads = rows(
        warehouse,
        """select * from marts.fct_file_loads
                               where source = 'case_events' order by load_id""",
    )
    assert [
        (
            r["load_id"],
            r["status"],
            r["rows_read"],
            r["rows_loaded"],
            r["rows_quarantined"],
            r["load_seconds"],
        )
        for r in loads
    ] == [("9001", "loaded", 24, 21, 3, 90.0), ("9002", "duplicate", 0, 0, 0, 1.5)]
    reasons = rows(
        warehouse,
        """select * from marts.agg_quarantine_reasons
                                 where source = 'case_events' order by reason""",
    )
    assert [
        (r["level"], r["reason"], r["n_rows"], r["n_files"], r["last_loaded_at"]) for r in reasons
    ] == [
        ("record", "missing event_at", 1, 1, ts("2026-02-01 08:00")),
        ("record", "unknown event 'paused'", 2, 2, ts("2026-03-01 08:00")),
    ]
