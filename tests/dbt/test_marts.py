"""The marts of one real dbt build on the hand-made fixture (fixture.py), checked
against numbers worked out by hand from the fixture rows, not by the models' SQL.

Wilson bounds below were computed by hand from
    (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n),  z = 1.96,
and p-values from the pooled two-proportion z-test with the exact normal tail
(math.erfc), so the SQL's own approximation of the tail is checked too.
"""

from __future__ import annotations

import math

import pytest
from fixture import CUSTOMER_C1
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def one(con, sql, *params):
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def score_row(con, service, fy, q, channel, driver):
    return one(
        con,
        """
        select n, n_positive, score, mean_likert, ci_low, ci_high, suppression_reason,
               prev_n, prev_score, score_change, p_value, is_change_significant
        from marts.agg_quarterly_service_scores
        where service_id = ? and fiscal_year = ? and fiscal_quarter = ? and channel = ?
          and driver = ?""",
        service,
        fy,
        q,
        channel,
        driver,
    )


def test_build_passes_every_test(built_warehouse):
    run = built_warehouse.run
    failing = {k: v for k, v in run.statuses.items() if v not in ("success", "pass")}
    assert failing == {}
    unit_tests = [k for k in run.statuses if k.startswith("unit_test.")]
    assert len(unit_tests) >= 10
    assert any(k.startswith("test.cx_warehouse.assert_every_raw_answer") for k in run.statuses)
    print(
        f"dbt build: {run.count('success')} built, {run.count('pass')} tests passed "
        f"in {run.seconds:.1f}s"
    )


def test_one_row_per_response_and_later_delivery_wins(marts):
    # 26 legacy + 5 current-form submissions, R1..R4 (R3 re-delivered), 3 calls.
    assert one(marts, "select count(*) from marts.fct_response") == (38,)
    assert marts.execute("""
        select source, count(*) from marts.fct_response group by source order by source
    """).fetchall() == [("agency_api", 4), ("contact_center", 3), ("touchpoints", 31)]
    # R3's second file (b.jsonl) replaced the first: no comment, satisfaction 4, trust down.
    assert one(
        marts,
        """select comment, n_answers, _source_file from marts.fct_response
                         where source_record_id = 'R3'""",
    ) == (None, 2, "agency_api/b.jsonl")
    assert marts.execute("""
        select driver, answer_value, is_positive, is_negative
        from marts.fct_transaction_feedback f join marts.fct_response r using (response_key)
        where r.source_record_id = 'R3' order by driver""").fetchall() == [
        ("satisfaction", 4, True, False),
        ("trust", 0, False, True),
    ]


def test_response_key_is_md5_of_source_and_record_id(marts):
    import hashlib

    expected = hashlib.md5(b"touchpoints:F-V2:1").hexdigest()
    assert one(
        marts, "select source_record_id from marts.fct_response where response_key = ?", expected
    ) == ("F-V2:1",)


def test_fiscal_period_from_the_utc_date(marts):
    # 2024-09-30 23:30 UTC -> FY2024 Q4; 20:30 in New York that day = 00:30 UTC on
    # 1 Oct -> FY2025 Q1 (the build ran with TZ=America/New_York).
    assert one(
        marts,
        """select fiscal_year, fiscal_quarter from marts.fct_response
                         where source_record_id = 'F-V2:3'""",
    ) == (2024, 4)
    assert one(
        marts,
        """select fiscal_year, fiscal_quarter from marts.fct_response
                         where source_record_id = 'R1'""",
    ) == (2025, 1)
    assert marts.execute("""
        select quarter_label, cast(quarter_start as varchar), cast(quarter_end as varchar)
        from marts.dim_fiscal_quarter order by fiscal_year, fiscal_quarter""").fetchall() == [
        ("FY2024 Q4", "2024-07-01", "2024-09-30"),
        ("FY2025 Q1", "2024-10-01", "2024-12-31"),
        ("FY2025 Q2", "2025-01-01", "2025-03-31"),
        ("FY2025 Q3", "2025-04-01", "2025-06-30"),
    ]


def test_answers_per_source_and_exclusions(marts):
    # touchpoints: 24 + 24 + 2 legacy, current form 4 + 3 + 2 + 2 + 1 = 62;
    # agency_api: R1 3 (ease n/a dropped), R2 2, R3 2, R4 2 = 9;
    # contact_center: CALL-1 4 (Q3 skipped), CALL-2 1, CALL-3 4 (raw 9) = 9.
    assert marts.execute("""select _source, count(*) from marts.fct_transaction_feedback
                            group by 1 order by 1""").fetchall() == [
        ("agency_api", 9),
        ("contact_center", 9),
        ("touchpoints", 62),
    ]
    rows = marts.execute("""
        select r.source_record_id, f.driver from marts.fct_transaction_feedback f
        join marts.fct_response r using (response_key)
        where (r.source_record_id = 'R1' and f.driver = 'ease')
           or (r.source_record_id = 'CALL-3' and f.driver = 'ease')
           or (r.source_record_id = 'CALL-1' and f.driver = 'efficiency')""").fetchall()
    assert rows == []  # N/A and skipped are no answers


def test_current_form_scales(marts):
    got = marts.execute("""
        select r.source_record_id, f.driver, f.scale, f.answer_value, f.is_positive,
               f.is_negative
        from marts.fct_transaction_feedback f join marts.fct_response r using (response_key)
        where r.touchpoint in ('touchpoints/F-V2', 'touchpoints/F-RADIO')
        order by 1, 2""").fetchall()
    assert got == [
        ("F-RADIO:1", "humanity", "indicator", 1, True, False),
        ("F-RADIO:1", "trust", "likert5", 4, True, False),
        ("F-RADIO:2", "trust", "likert5", 3, False, False),  # 3 is neither
        ("F-V2:1", "ease", "indicator", 1, True, False),
        ("F-V2:1", "efficiency", "indicator", 1, True, False),
        ("F-V2:1", "transparency", "indicator", 0, False, True),
        ("F-V2:1", "trust", "thumbs", 1, True, False),
        ("F-V2:2", "ease", "indicator", 0, False, True),
        ("F-V2:2", "other", "indicator", 0, False, True),
        ("F-V2:2", "trust", "thumbs", 0, False, True),
        ("F-V2:3", "effectiveness", "indicator", 1, True, False),
        ("F-V2:3", "trust", "thumbs", 1, True, False),
    ]


def test_response_context(marts):
    assert one(
        marts,
        """
        select service_id, agency_code, channel, touchpoint, survey_type, case_id,
               journey_id, journey_stage_key, customer_key, is_anonymous, n_answers
        from marts.fct_response where source_record_id = 'R1'""",
    ) == (
        "fsa-fafsa",
        "ED",
        "web",
        "agency_api",
        "thumbs_up_down",
        "CASE-1",
        "student-aid",
        "submit-fafsa",
        CUSTOMER_C1,
        False,
        3,
    )
    # A stage of the service's journey links; an unknown stage does not.
    assert one(
        marts,
        """select journey_id, journey_stage_key from marts.fct_response
                         where source_record_id = 'F-V2:3'""",
    ) == ("tax-filing", "file")
    assert one(
        marts,
        """select journey_id, journey_stage_key, survey_type
                         from marts.fct_response where source_record_id = 'F-RADIO:1'""",
    ) == (None, None, "likert_scale")
    assert one(
        marts,
        """select touchpoint, channel, is_anonymous from marts.fct_response
                         where source_record_id = 'CALL-1'""",
    ) == ("contact_center/VA-BENEFITS", "phone", True)
    # One customer, two agencies (ED and TREAS).
    assert one(
        marts,
        """select count(*), count(distinct agency_code) from marts.fct_response
                         where customer_key = ?""",
        CUSTOMER_C1,
    ) == (2, 2)


@pytest.mark.parametrize("record_id", ["F-V2:1", "F-V2:2", "R1", "R4", "CALL-1"])
def test_comment_sentiment_agrees_with_vader(marts, record_id):
    comment, sentiment = one(
        marts,
        """select comment, comment_sentiment
                                       from marts.fct_response where source_record_id = ?""",
        record_id,
    )
    vader = SentimentIntensityAnalyzer().polarity_scores(comment)["compound"]
    assert -1 <= sentiment <= 1
    assert math.copysign(1, sentiment) == math.copysign(1, vader)
    assert abs(sentiment - vader) < 0.1, (comment, sentiment, vader)


def test_no_comment_no_sentiment(marts):
    assert one(
        marts,
        """select count(*) from marts.fct_response
                         where comment is null and comment_sentiment is not null""",
    ) == (0,)
    assert one(
        marts, "select comment_sentiment from marts.fct_response where source_record_id = 'R3'"
    ) == (None,)


def test_scored_cell_and_significant_change(marts):
    # dos-passport web satisfaction: Q2 3/12 positive; Q3 11/12, Likert mean 51/12.
    # Wilson 11/12: 64.6114 .. 98.5135. z = (11/12 - 3/12) / sqrt(14/24 * 10/24 * 2/12)
    # = 3.3124, p = 0.000925. Its values are kept; it is complementary-suppressed in Q3
    # (test_all_channel_row_and_suppressed_cell says why).
    got = score_row(marts, "dos-passport", 2025, 3, "web", "satisfaction")
    assert got == (
        12,
        11,
        91.6667,
        4.25,
        64.6114,
        98.5135,
        "complementary",
        12,
        25.0,
        66.6667,
        0.000925,
        True,
    )
    p = math.erfc(abs(11 / 12 - 3 / 12) / math.sqrt(14 / 24 * 10 / 24 * (2 / 12)) / math.sqrt(2))
    assert got[10] == round(p, 6)
    # The quarter before: 3/12, Likert mean 31/12, Wilson 8.894 .. 53.231, no predecessor.
    assert score_row(marts, "dos-passport", 2025, 2, "web", "satisfaction") == (
        12,
        3,
        25.0,
        2.5833,
        8.894,
        53.231,
        None,
        None,
        None,
        None,
        None,
        False,
    )


def test_all_channel_row_and_suppressed_cell(marts):
    # Q3 adds two mobile answers (5 and 3): mobile n = 2 is suppressed; 'all' is
    # 12/14, mean (51 + 8) / 14, Wilson 60.0581 .. 95.9907, p vs 3/12 = 0.001785.
    # Showing web 11/12 beside 'all' 12/14 would give mobile away (12 - 11 = 1
    # positive), so web, the only other channel, is complementary-suppressed: the
    # dashboard shows 'all' with the two channels as n only.
    assert score_row(marts, "dos-passport", 2025, 3, "mobile", "satisfaction") == (
        2,
        1,
        50.0,
        4.0,
        9.4529,
        90.5471,
        "primary",
        None,
        None,
        None,
        None,
        False,
    )
    assert score_row(marts, "dos-passport", 2025, 3, "all", "satisfaction") == (
        14,
        12,
        85.7143,
        4.2143,
        60.0581,
        95.9907,
        None,
        12,
        25.0,
        60.7143,
        0.001785,
        True,
    )


def test_change_not_significant(marts):
    # ease on the web: 6/12 -> 7/12 (Likert mean 40/12), z = 0.409, p = 0.682046.
    assert score_row(marts, "dos-passport", 2025, 3, "web", "ease") == (
        12,
        7,
        58.3333,
        3.3333,
        31.9507,
        80.6743,
        None,
        12,
        50.0,
        8.3333,
        0.682046,
        False,
    )


def test_trust_across_scales(marts):
    # irs-refund-status FY2025 Q2 trust: thumbs up, thumbs down (web); radio 4 and 3
    # (mobile). All channels: 2/4 positive, Likert mean over the radio answers (4+3)/2.
    assert score_row(marts, "irs-refund-status", 2025, 2, "all", "trust")[:4] == (4, 2, 50.0, 3.5)
    assert score_row(marts, "irs-refund-status", 2025, 2, "web", "trust")[:4] == (2, 1, 50.0, None)


def test_response_rates(marts):
    got = marts.execute("""
        select fiscal_quarter, channel, n_responses, volume_offered_survey, response_rate
        from marts.agg_response_rates where service_id = 'dos-passport'
        order by fiscal_quarter, channel""").fetchall()
    assert got == [
        (2, "all", 12, 24, 0.5),
        (2, "web", 12, 24, 0.5),
        (3, "all", 14, 120, 14 / 120),
        (3, "mobile", 2, 0, None),
        (3, "web", 12, 120, 0.1),
    ]
    # no volumes reported (R3, R4 in Q2): responses counted, rate NULL
    assert one(
        marts,
        """select n_responses, response_rate from marts.agg_response_rates
                         where service_id = 'fsa-fafsa' and fiscal_quarter = 2
                           and channel = 'all'""",
    ) == (2, None)
