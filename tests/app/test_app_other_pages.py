"""Journeys, Relationships, CX Action Plans, Data quality and OMB export pages."""

from __future__ import annotations

import json

import duckdb
import pytest
from cx_snapshot import CUSTOMERS, JOURNEYS, RESPONSES, SCORES, STAGES, rows
from expected import customers, metric_text, score_text
from helpers import all_cells, frame, metrics, open_page, score_metrics, texts

pytestmark = pytest.mark.usefixtures("snapshot")


def test_journey_map_shows_funnel_scores_and_pain_point():
    at = open_page("journeys")
    assert at.selectbox(key="journey").value == "student-aid"  # the busiest journey
    shown = metrics(at)
    assert shown["Journeys started"][0] == str(len(JOURNEYS))
    assert shown["Completed"][0] == str(sum(1 for j in JOURNEYS if j[1]))
    assert shown["Dropped out"][0] == str(sum(1 for j in JOURNEYS if j[2]))
    assert shown["Still open"][0] == str(sum(1 for j in JOURNEYS if j[3]))
    assert score_metrics(at)["Journey score (% positive)"][:2] == metric_text(
        sum(j[6] for j in JOURNEYS), sum(j[5] for j in JOURNEYS)
    )
    table = frame(at, "pain_point").set_index("stage_label")
    assert list(table.index) == [s[2] for s in sorted(STAGES, key=lambda s: s[1])]
    for _k, _o, label, entered, _c, ab, _op, _d, na, npos, _s, pain in STAGES:
        assert table.loc[label, "n_entered"] == entered
        assert table.loc[label, "score"] == score_text(npos, na)
        assert table.loc[label, "drop_off"] == f"{100 * ab / entered:.1f}%"
        assert table.loc[label, "pain_point"] == ("yes" if pain else "")
    assert table.loc["Receive an aid offer", "score"] == "suppressed (n=8)"
    assert "Pain point: Accept aid" in texts(at)


def test_journey_without_activity_in_the_quarter():
    at = open_page("journeys", fy="2025", q="4")
    assert "No journey activity" in texts(at) and "FY2025 Q4" in texts(at)


def test_relationships_trust_by_tenure_agencies_and_anonymity():
    at = open_page("relationships")
    shown = metrics(at)
    assert shown["Identified customers"][0] == str(len(CUSTOMERS))
    assert shown["New this quarter"][0] == str(sum(1 for c in CUSTOMERS if c[1]))
    assert shown["Returning"][0] == str(sum(1 for c in CUSTOMERS if not c[1]))
    anonymous = sum(1 for r in RESPONSES if r[5] is None) + 2  # + the two IRS responses
    assert shown["Anonymous feedback"][0] == f"{100 * anonymous / (len(RESPONSES) + 2):.1f}%"
    tenure = [d.value for d in at.dataframe if "0: first quarter" in set(d.value.customer_group)]
    tenure = tenure[0].set_index("customer_group")
    n, tn, tp = customers(lambda c: c[2] == 0)
    assert (tenure.loc["0: first quarter", "n_customers"], tenure.loc["0: first quarter",
            "trust_n"]) == (n, tn)  # fmt: skip
    assert tenure.loc["0: first quarter", "trust_score"] == pytest.approx(100 * tp / tn)
    n, tn, tp = customers(lambda c: c[2] == 1)
    assert tn < 10 and tenure.loc["1 quarter", "trust_n"] == tn
    assert tenure["trust_score"].isna()["1 quarter"]  # suppressed: n shown, no score
    assert tenure.loc["1 quarter", "why_suppressed"] == "fewer than 10 answers"
    agencies = [d.value for d in at.dataframe if "1 agency" in set(d.value.customer_group)]
    agencies = agencies[0].set_index("customer_group")
    n, tn, tp = customers(lambda c: c[3] == 1)
    assert agencies.loc["1 agency", "trust_score"] == pytest.approx(100 * tp / tn)


def test_relationships_anonymous_share_follows_the_service_filter():
    at = open_page("relationships", service="irs-refund-status")
    assert metrics(at)["Anonymous feedback"][0] == "100.0%"


def test_action_plans_show_before_and_since_with_suppression():
    at = open_page("action_plans")
    plans = {p["initiative_id"]: p for p in rows()["marts.agg_action_plan_progress"]}
    table = frame(at, "next_milestone").set_index("initiative_id")
    for pid, plan in plans.items():
        assert table.loc[pid, "owner"] == plan["owner"]
        assert table.loc[pid, "status"] == plan["status"].replace("_", " ")
        assert table.loc[pid, "milestones"] == (
            f"{plan['milestones_done']} of {plan['milestones_total']}"
        )
    table = frame(at, "since").set_index("initiative_id")
    assert table.loc["AP-ED-01", "target_driver"] == "Trust"
    assert table.loc["AP-ED-01", "before"] == "60.0 (n=50)"
    assert table.loc["AP-ED-01", "since"] == "75.0 (n=40)"
    assert table.loc["AP-ED-01", "change"] == "+15.0 pts (not significant)"
    assert table.loc["AP-ED-01", "beyond"] == "+5.0 pts"  # 10 of the 15 were the trend
    assert table.loc["AP-TREAS-01", "beyond"] == "–"  # withheld windows: no change shown
    history = frame(at, "quarter_label")
    fafsa_trust = {(r[1], r[2]): r for r in SCORES
                   if r[0] == "fsa-fafsa" and r[3] == "all" and r[4] == "trust"}  # fmt: skip
    assert list(history.n) == [fafsa_trust[k][5] for k in sorted(fafsa_trust)]
    assert "of it, the trend before explains +10.0 points" in texts(at)
    assert table.loc["AP-TREAS-01", "since"] == "suppressed (n=9)"
    # 12 answers, but one of its quarters is suppressed: the window would give it away
    assert table.loc["AP-TREAS-01", "before"] == "withheld (n=12)"
    assert table.loc["AP-TREAS-01", "change"] == "–"
    assert metrics(at)["Milestones done"][0] == "1 of 5"
    assert len(frame(at, "milestone_order")) == 2
    assert set(frame(at, "gap_to_target").agency_code) == {"ED", "TREAS"}
    ed = open_page("action_plans", agency="ED")
    assert list(frame(ed, "next_milestone").initiative_id) == ["AP-ED-01"]
    assert list(frame(ed, "gap_to_target").agency_code) == ["ED"]


def test_data_quality_counts_files_quarantine_and_checks():
    at = open_page("data_quality")
    loads = rows()["marts.fct_file_loads"]
    shown = metrics(at)
    assert shown["Files loaded"][0] == str(sum(1 for f in loads if f["status"] == "loaded"))
    assert shown["Rows loaded"][0] == str(sum(f["rows_loaded"] for f in loads))
    assert shown["Rows quarantined"][0] == str(sum(f["rows_quarantined"] for f in loads))
    assert shown["Checks passed"][0] == "1 of 2"
    assert shown["Suspect responses"][0] == "1"  # left out of every score
    assert frame(at, "rule").set_index("rule").loc["url_spam", "n_responses"] == 1
    reasons = frame(at, "reason").set_index("reason")
    assert reasons.loc["unknown queue", "n_rows"] == 5
    assert set(frame(at, "last_delivered_at").source) == {"contact_center", "touchpoints"}
    assert "not_null_fct_response_service_id" in texts(at)
    # a WARN check that did not pass is a warning, not a failure (one wording everywhere)
    assert [w.value for w in at.warning] == [
        "1 warning(s) in the last run: not_null_fct_response_service_id on fct_response"
    ]
    assert not at.error
    assert "run-abc123" in texts(at)


def test_omb_export_preview_and_missing_export_note():
    at = open_page("omb_export")
    preview = frame(at, "answers")
    expected = [r for r in SCORES if (r[1], r[2]) == (2026, 1) and r[3] != "all"]
    assert len(preview) == len(expected)
    assert int(preview.answers.sum()) == sum(r[5] for r in expected)
    # A suppressed cell shows its answers but neither its score nor its positive count
    # (the count would give the score away).
    assert int(preview.positive.sum()) == sum(r[6] for r in expected if r[5] >= 10)
    suppressed = preview[preview.suppressed]
    assert list(suppressed.answers) == [r[5] for r in expected if r[5] < 10] == [9]
    assert suppressed.score.isna().all()
    assert suppressed.positive.isna().all()
    assert "66.666" not in " ".join(all_cells(at))  # 6 of 9: no unrounded score either
    assert "cxwh export --fiscal-year 2026 --quarter 1" in texts(at)
    assert not at.get("download_button")
    assert "1 suspect response (automated or duplicated: 1 url spam) is left out" in texts(at)


def test_omb_export_offers_the_written_files(snapshot):
    folder = snapshot.parent / "exports" / "FY2026-Q1"
    folder.mkdir(parents=True)
    (folder / "cx_collections.csv").write_text("service_id,rating\nfsa-fafsa,\n")
    (folder / "manifest.json").write_text(json.dumps({"files": []}))
    at = open_page("omb_export")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download manifest.json", "Download cx_collections.csv"]


def test_omb_export_shows_its_status_and_every_problem(snapshot):
    folder = snapshot.parent / "exports" / "FY2026-Q1"
    folder.mkdir(parents=True)
    problems = [
        {"severity": "error", "rule": "question_1 is 1-5 on a Likert survey",
         "file": "cx_responses/fsa-fafsa__website.csv", "row": "R9", "detail": "fix it"},
        {"severity": "warning", "rule": "one collection per service × channel × transaction point",
         "file": "cx_collection_details.csv", "row": "fsa-fafsa · website · post_interaction",
         "detail": "two forms"},
    ]  # fmt: skip
    manifest = {"status": "not_ready", "problems": problems, "files": []}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    at = open_page("omb_export")
    [error] = at.error
    assert error.value.startswith("Not ready to upload: 1 errors that Touchpoints or OMB")
    assert "1 warnings" in error.value
    shown = frame(at, "severity")
    assert list(shown.row) == ["R9", "fsa-fafsa · website · post_interaction"]
    assert list(shown.severity) == ["error", "warning"]


def test_alerts_page_lists_this_quarters_alerts_most_severe_first():
    at = open_page("alerts")
    alerts = frame(at, "message")
    quarter = [a for a in rows()["marts.fct_cx_alerts"] if a["fiscal_year"] == 2026]
    assert list(alerts.severity) == ["high", "low"] and len(alerts) == len(quarter)
    assert alerts.message.iloc[0] == "Trust fell from 80.0 to 60.0 (n = 50), a significant drop."
    assert alerts.link.iloc[0] == "/service_detail?fy=2026&q=1&service=fsa-fafsa"
    shown = metrics(at)
    assert (shown["High severity"][0], shown["Low severity"][0]) == ("1", "1")
    glance = open_page("quarter_at_a_glance")
    assert [w.value for w in glance.warning] == [
        "2 alerts this quarter (1 high, 1 low): see the Alerts page."
    ]
    assert "sent" not in alerts  # no destination ever configured: no delivery column


def test_alerts_page_says_where_each_alert_was_sent_and_which_failed(tmp_path):
    # what the pipeline's delivery step writes after publishing (docs/alerts.md)
    published = tmp_path / "published" / "alert_deliveries.parquet"
    duckdb.sql(
        """
        select * from (values
            ('a1', 'email', 'cx@agency.gov', 'delivered', 1, now(), now(), null),
            ('a1', 'webhook', 'https://hooks.example', 'delivered', 2, now(), now(), null),
            ('a2', 'webhook', 'https://hooks.example', 'failed', 1, now(), null, 'HTTP 503')
        ) t(alert_key, channel, destination, status, runs_tried, last_tried_at,
            delivered_at, last_error)
        """
    ).write_parquet(str(published))
    at = open_page("alerts")
    sent = frame(at, "message").set_index("severity").sent
    assert sent["low"] == "email ✓ · webhook ✓"
    assert sent["high"] == "webhook FAILED (HTTP 503), tried again on the next run"
    assert [e.value for e in at.error] == [
        "1 alerts could not be delivered to a destination; the next pipeline run tries "
        "again (the run summary and the `alerts_delivered` check say why)."
    ]
