"""CX Action Plans: initiatives with their target driver before/since, milestones, maturity."""

from __future__ import annotations

import pandas as pd

from app.queries.common import Scope, conditions
from app.queries.engine import run


def initiatives(scope: Scope) -> pd.DataFrame:
    where, params = conditions(scope, period=None, service="p.service_id",
                               agency="p.agency_code")  # fmt: skip
    return run(
        f"""
        select p.initiative_id, p.agency_code, s.service_name, p.title,
               d.driver_label as target_driver, p.owner, p.start_date, p.status,
               p.milestones_done, p.milestones_total, p.next_milestone,
               p.next_milestone_due, p.n_before,
               -- the mart's flags: too few answers, or a suppressed quarter in the window
               case when not p.is_before_suppressed then p.score_before end as score_before,
               p.n_since,
               case when not p.is_since_suppressed then p.score_since end as score_since,
               case when not p.is_before_suppressed and not p.is_since_suppressed
                    then p.score_change end as score_change,
               case when not p.is_before_suppressed and not p.is_since_suppressed
                    then p.is_change_significant end as is_change_significant,
               p.trend_before,
               case when not p.is_before_suppressed and not p.is_since_suppressed
                    then p.expected_change end as expected_change,
               case when not p.is_before_suppressed and not p.is_since_suppressed
                    then p.change_beyond_trend end as change_beyond_trend,
               p.service_id, p.target_driver as driver
        from marts.agg_action_plan_progress p
        left join marts.dim_service s on s.service_id = p.service_id
        left join marts.dim_driver d on d.driver = p.target_driver
        where {where}
        order by p.agency_code, p.start_date, p.initiative_id
        """,
        tuple(params),
    )


def milestones(scope: Scope) -> pd.DataFrame:
    where, params = conditions(scope, period=None)
    return run(
        f"""
        select initiative_id, milestone_order, milestone, due_date, status,
               completed_date, is_done_on_time
        from marts.fct_action_plan_milestones
        where {where}
        order by initiative_id, milestone_order
        """,
        tuple(params),
    )


def cx_maturity(scope: Scope) -> pd.DataFrame:
    where, params = conditions(scope, period=None, service=None, agency="agency_code")
    return run(
        f"""
        select agency_code, fiscal_year, domain, level, target_level, gap_to_target,
               level_change, notes
        from marts.dim_cx_maturity
        where {where}
        order by agency_code, fiscal_year desc, domain
        """,
        tuple(params),
    )


def driver_history(service_id: str, driver: str) -> pd.DataFrame:
    """An initiative's target driver at its service, quarter by quarter (all channels):
    n always, the score only where it is shown."""
    return run(
        """
        select q.fiscal_year, q.fiscal_quarter,
               'FY' || q.fiscal_year || ' Q' || q.fiscal_quarter as quarter_label, q.n,
               case when not q.is_suppressed then q.score end as score
        from marts.agg_quarterly_service_scores q
        where q.service_id = ? and q.driver = ? and q.channel = 'all'
        order by q.fiscal_year, q.fiscal_quarter
        """,
        (service_id, driver),
    )
