"""A second `dbt build` after new raw rows: the incremental facts only (re)compute the
responses loaded since the last build, a re-delivered record replaces its rows, and
every count still reconciles (the singular tests run inside the build).
"""

from __future__ import annotations

from dbt_runner import run_dbt, run_dbt_build
from fixture import insert_agency_api, insert_contact_center, insert_touchpoints, utc

from dagster_project.core.warehouse import open_warehouse

LATER = utc("2026-02-01 12:00")


def counts(con):
    return (
        con.execute("select count(*) from marts.fct_response").fetchone()[0],
        con.execute("""select _source, count(*) from marts.fct_transaction_feedback
                       group by 1 order by 1""").fetchall(),
    )


def test_second_build_only_adds_new_and_redelivered_records(built_warehouse):
    con = open_warehouse(built_warehouse.data_dir, read_only=False)
    try:
        # A sentinel in a row of an earlier batch: an incremental build leaves it
        # alone, a full rebuild would overwrite it.
        con.execute("""update marts.fct_response set comment = 'SENTINEL'
                       where source_record_id = 'F-LEGACY:q2-0'""")
        # One new submission (Q3, web, satisfaction 4) ...
        insert_touchpoints(
            con,
            [
                {
                    "submission_id": "q3-new",
                    "form_id": "F-LEGACY",
                    "form_kind": "a11",
                    "service_id": "dos-passport",
                    "channel": "web",
                    "created_at": utc("2025-06-20 10:00"),
                    "satisfaction": 4,
                }
            ],
            source_file="touchpoints/new.csv",
            loaded_at=LATER,
        )
        # ... and two re-deliveries, replaced in raw the way the loader does it:
        # R4 now has one answer (thumbs up); CALL-1 now has no valid answer at all.
        con.execute("delete from raw.agency_api where response_id = 'R4'")
        insert_agency_api(
            con,
            [
                {
                    "response_id": "R4",
                    "service_id": "fsa-fafsa",
                    "channel": "mobile",
                    "submitted_at": utc("2025-02-15 09:00"),
                    "answers": [("satisfaction", "thumbs", "up")],
                    "comment": "It wasn't good",
                }
            ],
            source_file="agency_api/c.jsonl",
            delivered_at=LATER,
            loaded_at=LATER,
        )
        con.execute("delete from raw.contact_center where call_id = 'CALL-1'")
        insert_contact_center(
            con,
            [
                {
                    "call_id": "CALL-1",
                    "call_start": utc("2025-02-03 15:00"),
                    "queue": "VA-BENEFITS",
                    "service_id": "va-disability-claim",
                }
            ],
            source_file="contact_center/again.csv",
            delivered_at=LATER,
            loaded_at=LATER,
        )
    finally:
        con.close()

    run = run_dbt_build(built_warehouse.data_dir)
    assert run.returncode == 0, run.output[-5000:]
    assert {k: v for k, v in run.statuses.items() if v not in ("success", "pass")} == {}

    con = open_warehouse(built_warehouse.data_dir)
    try:
        # 38 + 1 responses; answers: touchpoints 62 + 1, agency_api 9 - 2 + 1,
        # contact_center 9 - 4.
        assert counts(con) == (39, [("agency_api", 8), ("contact_center", 5), ("touchpoints", 63)])
        assert con.execute("""select comment from marts.fct_response
                              where source_record_id = 'F-LEGACY:q2-0'""").fetchone() == (
            "SENTINEL",
        )
        assert con.execute("""
            select f.driver, f.answer_value, f.is_positive from marts.fct_transaction_feedback f
            join marts.fct_response r using (response_key) where r.source_record_id = 'R4'
        """).fetchall() == [("satisfaction", 1, True)]
        assert con.execute("""select n_answers, _source_file from marts.fct_response
                              where source_record_id = 'CALL-1'""").fetchone() == (
            0,
            "contact_center/again.csv",
        )
        # The aggregate follows: web satisfaction in Q3 is now 12 of 13 positive.
        assert con.execute("""
            select n, n_positive from marts.agg_quarterly_service_scores
            where service_id = 'dos-passport' and fiscal_year = 2025 and fiscal_quarter = 3
              and channel = 'web' and driver = 'satisfaction'""").fetchone() == (13, 12)
    finally:
        con.close()


RECONCILIATIONS = [
    "assert_every_raw_response_in_fct_response",
    "assert_every_raw_answer_in_fct_transaction_feedback",
]


def test_reconciliations_after_an_increment_check_its_batch(built_warehouse, tmp_path):
    """After an incremental build the two reconciliations read the batch (and the
    replaced records), not every row; they still catch a batch row that went missing
    and an answer of a replaced version that was left behind. Runs on a copy of the
    warehouse as the incremental build above left it."""
    built_warehouse.copy_current(tmp_path)
    con = open_warehouse(tmp_path, read_only=False)
    try:
        batches = dict(
            con.execute(
                "select model, batch_since from marts_db.intermediate.incremental_batches"
            ).fetchall()
        )
        assert batches["fct_response"] is not None  # the build above was incremental
        # q3-new (in the batch) loses its response row; R4 (replaced in the batch) gets
        # an answer of its earlier version back, loaded before the batch.
        con.execute("delete from marts.fct_response where source_record_id = 'F-LEGACY:q3-new'")
        con.execute("""
            insert into marts.fct_transaction_feedback
            select * replace ('trust' as driver, timestamptz '2020-01-01 00:00+00' as _loaded_at)
            from marts.fct_transaction_feedback
            where response_key = (select response_key from marts.fct_response
                                  where source_record_id = 'R4')""")
    finally:
        con.close()

    run = run_dbt(tmp_path, "test", [*RECONCILIATIONS, "fct_transaction_feedback_rules"])
    failed = {uid.split(".")[2]: n for uid, n in run.failures.items()}
    # fct_response: the missing key, and the totals (39 raw records, 38 rows);
    # fct_transaction_feedback: the stale R4 answer (q3-new's answer is still there),
    # and q3-new's answer, in the batch, has no response left (data_rules'
    # relationships rule: one failing rule).
    assert failed == {
        "assert_every_raw_response_in_fct_response": 2,
        "assert_every_raw_answer_in_fct_transaction_feedback": 1,
        "fct_transaction_feedback_rules": 1,
    }, run.output[-3000:]


OMB_RULES = ["fct_omb_survey_responses_rules", "fct_omb_cx_responses_rules"]


def failed(run) -> list[str]:
    """The tests that failed; a test that could not run fails this test."""
    assert "error" not in run.statuses.values(), run.output[-3000:]
    return sorted(uid.split(".")[2] for uid, n in run.failures.items() if n)


def test_the_omb_views_rules_read_the_latest_batch(built_warehouse, tmp_path):
    """The OMB views declare whose rows they show (meta tests_rows_of: fct_response):
    after an increment their rules read the responses of fct_response's latest batch.
    A response from an earlier batch given a channel with no Touchpoints name breaks
    the views' not-null rule without failing them (it was checked when it loaded; a
    full_tests run still finds it); the same in a batch response fails both."""
    built_warehouse.copy_current(tmp_path)
    views = run_dbt(tmp_path, "run", ["fct_omb_survey_responses", "fct_omb_cx_responses"])
    assert views.returncode == 0, views.output[-3000:]
    with open_warehouse(tmp_path, read_only=False) as con:
        since = con.execute(
            "select batch_since from marts_db.intermediate.incremental_batches "
            "where model = 'fct_response'"
        ).fetchone()[0]
        assert since is not None  # the build above was incremental
        earlier, in_batch = (
            con.execute(
                f"select min(response_key) from marts.fct_response where not is_suspect "
                f"and _loaded_at {op} ?",
                [since],
            ).fetchone()[0]
            for op in ("<=", ">")
        )
        assert earlier and in_batch
        con.execute(
            "update marts.fct_response set channel = 'carrier_pigeon' where response_key = ?",
            [earlier],
        )
    assert failed(run_dbt(tmp_path, "test", OMB_RULES)) == []
    full = run_dbt(tmp_path, "test", [*OMB_RULES, "--vars", "{full_tests: true}"])
    assert failed(full) == sorted(OMB_RULES), full.output[-3000:]
    with open_warehouse(tmp_path, read_only=False) as con:
        con.execute(
            "update marts.fct_response set channel = 'carrier_pigeon' where response_key = ?",
            [in_batch],
        )
    batch = run_dbt(tmp_path, "test", OMB_RULES)
    assert sorted(uid.split(".")[2] for uid in batch.failures) == sorted(OMB_RULES), batch.output[
        -3000:
    ]


CELL_COUNTS = """
    select service_id, fiscal_year, fiscal_quarter, channel, driver, scale, answer_value,
           count(*) as n,
           count(*) filter (where is_positive) as n_positive
    from marts.fct_transaction_feedback group by all order by all"""


def test_a_cell_emptied_by_a_redelivery_keeps_the_cell_counts_cursor(built_warehouse, tmp_path):
    """A re-delivery that leaves a score cell with no answers, alone in its load, must
    not move int_answers_aggregated's cursor back: the next build would take the same
    replaced answers away a second time (a negative count, which its contract rejects,
    so every later build would fail). Three loads onto the first build: a call alone in
    its quarter, the same call again with no valid answer, then an unrelated call."""
    built_warehouse.restore_first_build(tmp_path)
    models = ["fct_transaction_feedback", "int_answers_aggregated"]
    call = {"queue": "VA-BENEFITS", "service_id": "va-disability-claim", "call_id": "CALL-Z",
            "call_start": utc("2023-11-15 15:00")}  # FY2024 Q1: no other answer there  # fmt: skip
    loads = [
        ({**call, "q1": 5, "q2": 4}, utc("2026-02-01 12:00")),
        (call, utc("2026-02-02 12:00")),  # re-delivered: no answer left
        (
            {**call, "call_id": "CALL-Y", "call_start": utc("2025-02-06 15:00"), "q1": 2},
            utc("2026-02-03 12:00"),
        ),  # fmt: skip
    ]
    for number, (row, loaded_at) in enumerate(loads, start=1):
        with open_warehouse(tmp_path, read_only=False) as con:
            con.execute("delete from raw.contact_center where call_id = ?", [row["call_id"]])
            insert_contact_center(con, [row], source_file=f"contact_center/z{number}.csv",
                                  delivered_at=loaded_at, loaded_at=loaded_at)  # fmt: skip
        run = run_dbt(tmp_path, "run", models)
        assert run.returncode == 0, f"load {number}: " + run.output[-3000:]
    with open_warehouse(tmp_path) as con:
        kept = con.execute("""
            select service_id, fiscal_year, fiscal_quarter, channel, driver, scale,
                   answer_value, n, n_positive
            from intermediate.int_answers_aggregated where n > 0 order by all""").fetchall()
        assert kept == con.execute(CELL_COUNTS).fetchall()
        assert con.execute("""select count(*) from marts.fct_transaction_feedback f
                              join marts.fct_response r using (response_key)
                              where r.source_record_id = 'CALL-Z'""").fetchone() == (0,)
        assert con.execute(
            "select max(_loaded_at) from intermediate.int_answers_aggregated"
        ).fetchone() == (utc("2026-02-03 12:00"),)
