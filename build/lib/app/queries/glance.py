"""Quarter at a glance: volume, response rate, headline scores, drivers, benchmarks."""

from __future__ import annotations

import pandas as pd

from app.queries.common import Scope, conditions
from app.queries.engine import run


def response_totals(scope: Scope) -> pd.DataFrame:
    """One row: responses, surveys offered and the response rate over the scope."""
    where, params = conditions(
        scope, period="r.", service="r.service_id", agency="s.agency_code",
        channel="r.channel", channel_all_row=True,
    )  # fmt: skip
    return run(
        f"""
        select count(*) as n_services,
               coalesce(sum(r.n_responses), 0) as n_responses,
               sum(r.volume_offered_survey) as volume_offered_survey,
               sum(r.n_responses) filter (where r.volume_offered_survey > 0)
                 / nullif(sum(r.volume_offered_survey), 0) as response_rate
        from marts.agg_response_rates r
        join marts.dim_service s using (service_id)
        where {where}
        """,
        tuple(params),
    )


def response_by_service(scope: Scope) -> pd.DataFrame:
    where, params = conditions(
        scope, period="r.", service="r.service_id", agency="s.agency_code",
        channel="r.channel", channel_all_row=True,
    )  # fmt: skip
    return run(
        f"""
        select s.service_name, s.agency_code, r.n_responses, r.volume_of_customers,
               r.volume_offered_survey, r.response_rate
        from marts.agg_response_rates r
        join marts.dim_service s using (service_id)
        where {where}
        order by r.n_responses desc, s.service_name
        """,
        tuple(params),
    )


def headline_scores(scope: Scope) -> pd.DataFrame:
    """Trust and satisfaction over the scope, now and last quarter, with the mart's
    significance verdict: one service's own cell, else the pooled roll-up of the
    agency's or of every service (marts.agg_quarterly_rollup_scores)."""
    if scope.service:
        table, where, params = "agg_quarterly_service_scores", "service_id = ?", [scope.service]
    else:
        table, where = "agg_quarterly_rollup_scores", "rollup_level = ? and rollup_id = ?"
        params = ["agency", scope.agency] if scope.agency else ["all_services", "all"]
    return run(
        f"""
        select driver, n,
               case when not is_suppressed then n_positive end as n_positive,
               is_suppressed, suppression_reason,
               case when not is_suppressed then score end as score,
               prev_n,
               case when not prev_is_suppressed then prev_score end as prev_score,
               case when not is_suppressed and not prev_is_suppressed then score_change
               end as score_change,
               case when not is_suppressed and not prev_is_suppressed
                    then is_change_significant end as is_change_significant
        from marts.{table}
        where {where} and fiscal_year = ? and fiscal_quarter = ? and channel = ?
          and driver in ('trust', 'satisfaction')
        order by driver desc
        """,
        (*params, scope.fiscal_year, scope.fiscal_quarter, scope.channel),
    )


def driver_scores(scope: Scope) -> pd.DataFrame:
    """Service × driver scores for the quarter with the sector benchmark beside them.

    Suppressed cells (fewer than min_reportable_n answers, or complementary: a total
    would give a suppressed cell away) come back with no score, interval or change, and
    a change against a suppressed previous quarter comes back empty: the dashboard
    cannot show what it never receives.
    """
    where, params = conditions(
        scope, period="q.", service="q.service_id", agency="q.agency_code",
        channel="q.channel", channel_all_row=True,
    )  # fmt: skip
    return run(
        f"""
        with benchmark as (
            select benchmark_sector, driver, score
            from marts.dim_benchmark
            qualify row_number() over (
                partition by benchmark_sector, driver order by benchmark_year desc) = 1
        )
        select q.service_id, s.service_name, s.agency_code, s.benchmark_sector,
               q.driver, d.driver_label, d.driver_order, q.n,
               case when not q.is_suppressed then q.n_positive end as n_positive,
               q.is_suppressed, q.suppression_reason,
               case when not q.is_suppressed then q.score end as score,
               case when not q.is_suppressed then q.ci_low end as ci_low,
               case when not q.is_suppressed then q.ci_high end as ci_high,
               q.prev_n,
               case when not q.prev_is_suppressed then q.prev_score end as prev_score,
               case when not q.is_suppressed and not q.prev_is_suppressed then q.score_change
               end as score_change,
               case when not q.is_suppressed and not q.prev_is_suppressed
                    then q.is_change_significant end as is_change_significant,
               b.score as benchmark_score,
               case when not q.is_suppressed and b.score is not null
                    then q.score >= b.score end as meets_benchmark
        from marts.agg_quarterly_service_scores q
        join marts.dim_service s on s.service_id = q.service_id
        join marts.dim_driver d on d.driver = q.driver
        left join benchmark b
          on b.benchmark_sector = s.benchmark_sector and b.driver = q.driver
        where {where}
        order by s.agency_code, s.service_name, d.driver_order
        """,
        tuple(params),
    )


def rising_themes(scope: Scope, limit: int = 5) -> pd.DataFrame:
    """The comment themes whose share rose most this quarter across the services in
    scope: emerging ones (a significant rise on enough comments) first."""
    where, params = conditions(scope, period="a.", service="a.service_id",
                               agency="s.agency_code")  # fmt: skip
    return run(
        f"""
        select s.service_name, t.theme_label, a.n_comments, a.share, a.share_change,
               a.is_emerging
        from marts.agg_comment_themes_quarterly a
        join marts.dim_service s using (service_id)
        join marts.dim_comment_theme t using (theme)
        where {where} and not a.is_suppressed and not a.prev_is_suppressed
          and a.share_change > 0 and a.is_change_significant
        order by a.is_emerging desc, a.share_change desc, s.service_name, t.theme_label
        limit ?
        """,
        (*params, int(limit)),
    )
