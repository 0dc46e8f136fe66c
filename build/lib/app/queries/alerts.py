"""Alerts: where a service's experience dropped (marts.fct_cx_alerts)."""

from __future__ import annotations

import pandas as pd

from app.queries.common import Scope, conditions
from app.queries.engine import run, run_published_file

SEVERITY_ORDER = "case a.severity when 'high' then 0 when 'medium' then 1 else 2 end"


def open_alerts(scope: Scope) -> pd.DataFrame:
    """The quarter's alerts in scope, most severe first, with the service detail view
    each one links to (its filters in the URL)."""
    where, params = conditions(scope, period="a.", service="a.service_id",
                               agency="s.agency_code")  # fmt: skip
    return run(
        f"""
        select a.alert_key, a.severity, s.service_name, a.rule, a.subject, a.message, a.owner,
               a.observed, a.expected, a.n, a.first_detected_at,
               '/service_detail?fy=' || a.fiscal_year || '&q=' || a.fiscal_quarter
                   || '&service=' || a.service_id as link
        from marts.fct_cx_alerts a
        join marts.dim_service s using (service_id)
        where {where}
        order by {SEVERITY_ORDER}, s.service_name, a.rule, a.subject
        """,
        tuple(params),
    )


def alert_counts(scope: Scope) -> pd.DataFrame:
    """The quarter's alerts in scope by severity (for the glance page)."""
    where, params = conditions(scope, period="a.", service="a.service_id",
                               agency="s.agency_code")  # fmt: skip
    return run(
        f"""
        select a.severity, count(*) as n_alerts
        from marts.fct_cx_alerts a
        join marts.dim_service s using (service_id)
        where {where}
        group by a.severity
        order by min({SEVERITY_ORDER})
        """,
        tuple(params),
    )


def delivery_status() -> pd.DataFrame | None:
    """Where each alert was sent (docs/alerts.md: the pipeline writes
    published/alert_deliveries.parquet after each delivery): one line per alert, e.g.
    `webhook ✓ · email ✓`, or `webhook FAILED (HTTP 500 …)`; None when no destination
    was ever configured."""
    return run_published_file(
        "alert_deliveries.parquet",
        """
        select alert_key,
               string_agg(case status when 'delivered' then channel || ' ✓'
                          else channel || ' FAILED (' || last_error || '), tried again '
                               || 'on the next run' end, ' · ' order by channel) as sent,
               bool_or(status = 'failed') as failed
        from {file}
        group by alert_key
        """,
    )
