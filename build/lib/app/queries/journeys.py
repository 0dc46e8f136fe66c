"""Journey maps: stages in order, funnel, dwell, stage scores, feelings, pain point."""

from __future__ import annotations

import pandas as pd

from app.queries.common import MIN_N, Scope
from app.queries.engine import run


def journey_stages(scope: Scope, journey_id: str) -> pd.DataFrame:
    """One row per stage of the journey, in order, for the quarter (stages nobody
    reached this quarter still appear, with no volume)."""
    return run(
        """
        select st.stage_order, st.stage_label, st.stage_key,
               coalesce(a.n_entered, 0) as n_entered, a.n_completed, a.n_abandoned,
               a.n_open, a.drop_off_rate, a.median_dwell_days, a.n_answers,
               a.is_suppressed,
               case when not a.is_suppressed then a.score end as score,
               case when not a.is_suppressed then a.ci_low end as ci_low,
               case when not a.is_suppressed then a.ci_high end as ci_high,
               a.mean_sentiment, coalesce(a.is_pain_point, false) as is_pain_point
        from marts.dim_journey_stage st
        left join marts.agg_journey_stage_quarterly a
          on a.journey_id = st.journey_id and a.stage_key = st.stage_key
         and a.fiscal_year = ? and a.fiscal_quarter = ?
        where st.journey_id = ?
        order by st.stage_order
        """,
        (scope.fiscal_year, scope.fiscal_quarter, journey_id),
    )


def journey_summary(scope: Scope, journey_id: str) -> pd.DataFrame:
    """Journeys started in the quarter: how many completed, dropped out, still open."""
    return run(
        f"""
        select count(*) as n_started,
               count(*) filter (where is_completed) as n_completed,
               count(*) filter (where dropped_at_stage is not null) as n_dropped,
               count(*) filter (where is_open) as n_open,
               median(duration_days) filter (where is_completed) as median_days_to_complete,
               sum(n_answers) as n_answers,
               case when sum(n_answers) >= {MIN_N} then sum(n_positive) end as n_positive,
               case when sum(n_answers) >= {MIN_N}
                    then 100.0 * sum(n_positive) / sum(n_answers) end as score
        from marts.fct_journey
        where journey_id = ? and fiscal_year = ? and fiscal_quarter = ?
        """,
        (journey_id, scope.fiscal_year, scope.fiscal_quarter),
    )


def journey_activity(scope: Scope) -> pd.DataFrame:
    """Every journey with the cases that entered its first stage this quarter, busiest
    first (the page's default is the first)."""
    return run(
        """
        select st.journey_id, any_value(st.journey_name) as journey_name,
               coalesce(sum(a.n_entered) filter (where st.stage_order = 1), 0) as n_entered
        from marts.dim_journey_stage st
        left join marts.agg_journey_stage_quarterly a
          on a.journey_id = st.journey_id and a.stage_key = st.stage_key
         and a.fiscal_year = ? and a.fiscal_quarter = ?
        group by st.journey_id
        order by n_entered desc, journey_name
        """,
        (scope.fiscal_year, scope.fiscal_quarter),
    )
