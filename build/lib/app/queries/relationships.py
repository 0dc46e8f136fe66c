"""Relationships: trust by tenure and by agencies dealt with, new vs returning, anonymity."""

from __future__ import annotations

import pandas as pd

from app.queries.common import Scope, conditions
from app.queries.engine import run

BREAKDOWNS = ("tenure", "agencies", "new_vs_returning")


def trust_by(scope: Scope, grouping: str) -> pd.DataFrame:
    """Customers and their trust answers this quarter by one breakdown
    (marts.agg_relationship_trust_groups): a suppressed group (too few answers, or one
    the other groups and the total would give away) shows its n only."""
    if grouping not in BREAKDOWNS:
        raise KeyError(grouping)
    return run(
        """
        select g.customer_group, g.n_customers, g.trust_n,
               case when not g.is_suppressed then g.trust_positive end as trust_positive,
               case when not g.is_suppressed then g.trust_score end as trust_score,
               g.is_suppressed,
               case g.suppression_reason
                 when 'primary' then 'fewer than ' || r.min_reportable_n || ' answers'
                 when 'complementary' then 'would reveal a suppressed group through the totals'
               end as why_suppressed
        from marts.agg_relationship_trust_groups g
        cross join marts.dim_reporting_rules r
        where g.fiscal_year = ? and g.fiscal_quarter = ? and g.breakdown = ?
        order by g.group_order
        """,
        (scope.fiscal_year, scope.fiscal_quarter, grouping),
    )


def anonymous_share(scope: Scope) -> pd.DataFrame:
    """Responses in scope and how many came without a customer id."""
    where, params = conditions(scope, channel="channel")
    return run(
        f"""
        select count(*) as n_responses,
               count(*) filter (where is_anonymous) as n_anonymous,
               count(*) filter (where is_anonymous) / nullif(count(*), 0) as share_anonymous
        from marts.fct_response
        where {where} and not is_suspect
        """,
        tuple(params),
    )
