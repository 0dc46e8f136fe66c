"""Relationships: trust by tenure and by agencies dealt with, new vs returning, anonymity."""

from __future__ import annotations

import pandas as pd

from app.queries.common import MIN_N, Scope, conditions
from app.queries.engine import run

_TENURE = """
    case when tenure_quarters = 0 then '0: first quarter'
         when tenure_quarters = 1 then '1 quarter'
         when tenure_quarters <= 3 then '2–3 quarters'
         when tenure_quarters <= 7 then '4–7 quarters'
         else '8+ quarters' end
"""
_AGENCIES = """
    case when n_agencies_to_date <= 1 then '1 agency'
         when n_agencies_to_date = 2 then '2 agencies'
         else '3+ agencies' end
"""
_NEW = "case when is_new_customer then 'New this quarter' else 'Returning' end"
# grouping -> (label, sort key): the buckets are fixed so that quarters compare.
GROUPINGS = {
    "tenure": (_TENURE, "min(tenure_quarters)"),
    "agencies": (_AGENCIES, "min(n_agencies_to_date)"),
    "new_vs_returning": (_NEW, "min(case when is_new_customer then 0 else 1 end)"),
}


def trust_by(scope: Scope, grouping: str) -> pd.DataFrame:
    """Customers and their trust answers this quarter, by a fixed grouping."""
    label_sql, sort_sql = GROUPINGS[grouping]  # KeyError outside the allow-list
    return run(
        f"""
        select {label_sql} as customer_group,
               count(*) as n_customers,
               cast(sum(trust_n) as bigint) as trust_n,
               case when sum(trust_n) >= {MIN_N}
                    then cast(sum(trust_positive) as bigint) end as trust_positive,
               case when sum(trust_n) >= {MIN_N}
                    then 100.0 * sum(trust_positive) / sum(trust_n) end as trust_score
        from marts.fct_relationship
        where fiscal_year = ? and fiscal_quarter = ?
        group by 1
        order by {sort_sql}, customer_group
        """,
        (scope.fiscal_year, scope.fiscal_quarter),
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
