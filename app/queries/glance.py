"""Quarter at a glance: volume, response rate, headline scores, drivers, benchmarks."""

from __future__ import annotations

import pandas as pd

from app.queries.common import Scope, conditions
from app.queries.engine import run

# |z| above this is a significant change at 95 % (two-sided two-proportion test).
Z_95 = 1.959964


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
    """Trust and satisfaction over the scope, now and last quarter.

    Over one service this is the mart's own row (its significance verdict included);
    over several the answers are pooled and the change tested with the same
    two-proportion z-test.
    """
    where, params = conditions(scope, period=None, channel="channel", channel_all_row=True)
    prev_fy, prev_fq = scope.previous
    return run(
        f"""
        with scoped as (
            select fiscal_year, fiscal_quarter, service_id, driver, n, n_positive,
                   is_change_significant
            from marts.agg_quarterly_service_scores
            where {where} and driver in ('trust', 'satisfaction')
        ),
        cur as (
            select driver, sum(n) as n, sum(n_positive) as pos,
                   count(distinct service_id) as n_services,
                   bool_or(is_change_significant) as mart_significant
            from scoped where fiscal_year = ? and fiscal_quarter = ? group by driver
        ),
        prev as (
            select driver, sum(n) as n, sum(n_positive) as pos
            from scoped where fiscal_year = ? and fiscal_quarter = ? group by driver
        ),
        joined as (
            select cur.driver, cur.n, cur.pos, cur.n_services, cur.mart_significant,
                   prev.n as prev_n, prev.pos as prev_pos,
                   (cur.pos + prev.pos) / (cur.n + prev.n) as p_pool
            from cur left join prev using (driver)
        )
        select driver, n, case when n >= 10 then pos end as n_positive,
               n < 10 as is_suppressed,
               case when n >= 10 then 100.0 * pos / n end as score,
               prev_n,
               case when prev_n >= 10 then 100.0 * prev_pos / prev_n end as prev_score,
               case when n >= 10 and prev_n >= 10
                    then 100.0 * pos / n - 100.0 * prev_pos / prev_n end as score_change,
               case when n < 10 or coalesce(prev_n, 0) < 10 then null
                    when n_services = 1 then mart_significant
                    when p_pool in (0, 1) then false
                    else abs(pos / n - prev_pos / prev_n)
                         / sqrt(p_pool * (1 - p_pool) * (1.0 / n + 1.0 / prev_n)) > {Z_95}
               end as is_change_significant
        from joined
        order by driver desc
        """,
        (*params, scope.fiscal_year, scope.fiscal_quarter, prev_fy, prev_fq),
    )


def driver_scores(scope: Scope) -> pd.DataFrame:
    """Service × driver scores for the quarter with the sector benchmark beside them.

    Suppressed cells (n < 10) come back with no score, interval or change: the
    dashboard cannot show what it never receives.
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
               q.is_suppressed,
               case when not q.is_suppressed then q.score end as score,
               case when not q.is_suppressed then q.ci_low end as ci_low,
               case when not q.is_suppressed then q.ci_high end as ci_high,
               q.prev_n,
               case when q.prev_n >= 10 then q.prev_score end as prev_score,
               case when not q.is_suppressed and q.prev_n >= 10 then q.score_change end
                   as score_change,
               case when not q.is_suppressed and q.prev_n >= 10 then q.is_change_significant
               end as is_change_significant,
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
