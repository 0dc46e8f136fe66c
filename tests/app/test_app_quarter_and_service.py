"""Quarter at a glance and Service detail show the marts' numbers, with n, and hide
suppressed scores."""

from __future__ import annotations

import math

import pytest
from cx_snapshot import RESPONSES, SCORES, suppression
from expected import (
    fafsa_answers,
    metric_text,
    pooled,
    responses,
    score_text,
    significant,
    trust_difference,
)  # fmt: skip
from helpers import (
    all_cells,
    decode,
    figures,
    frame,
    metrics,
    open_page,
    score_metrics,
    texts,
)  # fmt: skip

pytestmark = pytest.mark.usefixtures("snapshot")


def test_glance_headline_numbers_pool_every_service():
    at = open_page("quarter_at_a_glance")
    shown = metrics(at)
    n_resp, n_offered_resp, offered = responses(2026, 1)
    assert shown["Responses"][0] == f"{n_resp:,}" == "79"
    assert shown["Response rate"][0] == f"{100 * n_offered_resp / offered:.1f}%" == "13.4%"
    scored = score_metrics(at)
    for driver in ("trust", "satisfaction"):
        n, pos = pooled(driver, 2026, 1)
        pn, ppos = pooled(driver, 2025, 4)
        value, n_line, delta = scored[f"{driver.title()} (% positive)"]
        assert (value, n_line) == metric_text(pos, n)  # the score, its n right under it
        verdict = "significant" if significant(pos, n, ppos, pn) else "not significant"
        assert delta == f"{100 * pos / n - 100 * ppos / pn:+.1f} pts ({verdict})"
    assert scored["Trust (% positive)"] == ("79.1", "n = 67 answers", "+22.0 pts (significant)")
    # FAFSA 75.0 >= education 70 (2025, not the older 65); SSA's 5 of 7 suppressed, and
    # IRS's 18 of 20 withheld: with FAFSA's 30/40 beside the pooled 53/67 it would give
    # SSA's away (53 - 30 - 18 = 5). The pooled headline stays: IRS and SSA together are
    # 23 of 27, and SSA can be anything from 3 to 7.
    assert shown["Meeting trust benchmark"][0] == "1 of 1"
    assert at.query_params["fy"] == "2026" and at.query_params["q"] == "1"


def test_glance_tables_show_n_and_hide_suppressed_scores():
    at = open_page("quarter_at_a_glance")
    by_service = frame(at, "Trust change").set_index("Service")
    for svc, fy, fq, ch, drv, n, pos, pn, ppos, _p, sig in SCORES:
        if (fy, fq, ch) != (2026, 1, "all") or drv == "ease":
            continue
        name = {"fsa-fafsa": "Complete the FAFSA form",
                "irs-refund-status": "Check the status of a refund",
                "ssa-retirement": "Apply for retirement benefits"}[svc]  # fmt: skip
        withheld = suppression().get(("service", svc, fy, fq, ch, drv)) == "complementary"
        assert by_service.loc[name, drv.title()] == score_text(pos, n, withheld)
        if pn is not None and n >= 10 and not withheld:
            change = 100 * pos / n - 100 * ppos / pn
            verdict = "significant" if sig else "not significant"
            assert by_service.loc[name, f"{drv.title()} change"] == f"{change:+.1f} pts ({verdict})"
    heat = frame(at, "Ease").set_index("Service")
    assert heat.loc["Apply for retirement benefits", "Trust"] == "suppressed (n=7)"
    assert heat.loc["Check the status of a refund", "Ease"] == "suppressed (n=9)"
    assert heat.loc["Complete the FAFSA form", "Ease"] == "50.0 (n=38)"
    # The suppressed scores (5/7 = 71.4, 6/9 = 66.7) appear nowhere, not even unrounded.
    cells = " ".join(all_cells(at))
    assert "71.4" not in cells and "66.6" not in cells and "66.7" not in cells
    heatmap = next(f for f in figures(at) if f["data"][0]["type"] == "heatmap")["data"][0]
    row = heatmap["y"].index("Apply for retirement benefits")
    col = heatmap["x"].index("Trust")
    assert decode(heatmap["z"])[row][col] is None
    assert heatmap["text"][row][col] == "suppressed (n=7)"


def test_glance_filters_come_from_the_url():
    at = open_page("quarter_at_a_glance", agency="TREAS")
    shown = metrics(at)
    assert shown["Responses"][0] == "22"
    # One service, IRS, whose 18 of 20 is withheld (it would give SSA's 5 of 7 away
    # through the all-services total): so is the agency's pooled score, which is the
    # same 18 of 20, and its change.
    assert suppression()[("agency", "TREAS", 2026, 1, "all", "trust")] == "complementary"
    assert score_metrics(at)["Trust (% positive)"] == (*metric_text(18, 20, withheld=True), "")
    assert at.query_params["agency"] == "TREAS"
    at = open_page("quarter_at_a_glance", channel="web")
    n, pos = pooled("trust", 2026, 1, channel="web")
    withheld = ("all_services", "all", 2026, 1, "web", "trust") in suppression()
    assert score_metrics(at)["Trust (% positive)"] == (*metric_text(pos, n, withheld), "")
    assert metrics(at)["Responses"][0] == str(responses(2026, 1, channel="web")[0])


def test_glance_quarter_without_data_says_so():
    at = open_page("quarter_at_a_glance", fy="2026", q="2")
    assert "No feedback for FY2026 Q2" in texts(at)
    assert not at.metric


def test_service_detail_scores_distribution_and_reach():
    at = open_page("service_detail", service="fsa-fafsa")
    shown = score_metrics(at)
    for _svc, fy, fq, ch, drv, n, pos, *_ in (r for r in SCORES if r[0] == "fsa-fafsa"):
        if (fy, fq, ch) == (2026, 1, "all"):
            assert shown[drv.title()][:2] == metric_text(pos, n)
    answers = fafsa_answers()
    dist = frame(at, "answer").set_index(["driver_label", "answer"]).n_answers
    # Labels from dim_answer_value: Likert 5 reads "strongly agree".
    assert (
        dist["Trust", "strongly agree"] == sum(1 for _k, v, _p in answers["trust"] if v == 5) == 3
    )
    # Ease has fewer than 10 answers: its split would give its suppressed score away.
    assert len(answers["ease"]) < 10
    assert "Ease" not in dist.index.get_level_values("driver_label")
    reach = frame(at, "n_answered").set_index("driver_label")
    assert reach.loc["Satisfaction", "n_answered"] == len(answers["satisfaction"]) == 10
    assert (reach.n_responses == len(RESPONSES)).all()
    trend = frame(at, "quarter_label")
    fy25 = trend[(trend.quarter_label == "FY2025 Q4") & (trend.driver_label == "Trust")]
    assert fy25.score.iloc[0] == pytest.approx(60.0) and fy25.n.iloc[0] == 50
    channels = frame(at, "satisfaction").set_index("channel")
    # FAFSA web trust 20/25 is withheld: through agency ED's and all services' web
    # totals it would give IRS's withheld web trust away (see cx_snapshot.suppression).
    assert suppression()[("service", "fsa-fafsa", 2026, 1, "web", "trust")] == "complementary"
    assert channels.loc["Website", "trust"] == "withheld (n=25)"
    assert channels.loc["Website", "satisfaction"] == "84.0 (n=25)"
    assert channels.loc["Phone", "response_rate"] == "17.0%"


def test_key_drivers_match_an_independent_computation():
    at = open_page("service_detail", service="fsa-fafsa")
    kda = frame(at, "difference").set_index("driver_label")
    n, diff, low, high = trust_difference("satisfaction")
    assert kda.loc["Satisfaction", "n"] == n == 10
    assert kda.loc["Satisfaction", "difference"] == pytest.approx(round(diff, 3), abs=1e-3)
    assert kda.loc["Satisfaction", "diff_ci_low"] == pytest.approx(round(low, 3), abs=1e-3)
    assert kda.loc["Satisfaction", "diff_ci_high"] == pytest.approx(round(high, 3), abs=1e-3)
    # Ease was answered alongside trust by 8 responses: counts only, no association.
    n_ease = trust_difference("ease")[0]
    assert kda.loc["Ease", "n"] == n_ease == 8
    assert math.isnan(kda.loc["Ease", "difference"])
    assert kda.loc["Ease", "why_suppressed"] == "a group of fewer than 10 responses"


def test_comments_filter_by_sentiment_and_driver():
    at = open_page("service_detail", service="fsa-fafsa")
    with_comment = [r for r in RESPONSES if r[6]]
    assert len(frame(at, "comment")) == len(with_comment)
    at.selectbox(key="comment_sentiment").set_value("negative").run()
    assert sorted(frame(at, "comment").comment) == sorted(
        r[6] for r in with_comment if r[7] < -0.05
    )
    at.selectbox(key="comment_sentiment").set_value("all")
    at.selectbox(key="comment_driver").set_value("ease").run()
    by_ease = sorted(frame(at, "comment").comment)
    assert by_ease == sorted(r[6] for r in with_comment if r[4] is not None)
    assert 0 < len(by_ease) < len(with_comment)  # r06 commented without answering ease


def test_comment_themes_by_share_with_their_change_and_suppression():
    """IRS refunds: "wait" on 16 of 40 comments (40 %), up from 10 of 50 (20 %),
    significant and emerging; FAFSA has 5 comments this quarter: no shares shown."""
    at = open_page("service_detail", service="irs-refund-status")
    themes = frame(at, "share_change").set_index("theme_label")
    wait = themes.loc["Wait and processing time"]
    assert (wait.n_comments, wait.n_commented) == (16, 40)
    assert wait.share == pytest.approx(40.0) and wait.share_change == pytest.approx(20.0)
    assert bool(wait.is_emerging) and bool(wait.is_change_significant)
    phone = themes.loc["Phone hold and call-backs"]
    assert phone.share == pytest.approx(10.0) and not phone.is_emerging
    assert list(themes.index)[0] == "Wait and processing time"  # most written about first
    fafsa = open_page("service_detail", service="fsa-fafsa")
    assert "Fewer than 10 comments this quarter (5): themes are not shown." in texts(fafsa)


def test_glance_lists_the_themes_that_rose():
    at = open_page("quarter_at_a_glance")
    rising = frame(at, "theme_label")
    assert list(zip(rising.service_name, rising.theme_label, strict=True)) == [
        ("Check the status of a refund", "Wait and processing time")
    ]
    assert rising.share_change.tolist() == ["+20.0 pts"]
