"""The dashboard's data access: the only door from the pages to SQL.

Every query is a named function in `app.queries.*` returning a pandas DataFrame from
the published read-only snapshot, cached per snapshot version. `QUERIES` lists them
with arguments for the latest quarter so a benchmark can time each one:

    from app import data
    for name, query in data.QUERIES.items():
        data.clear_cache(); t = time.perf_counter(); query(); print(name, time.perf_counter() - t)
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from app.queries import (
    action_plans,
    alerts,
    export,
    glance,
    journeys,
    quality,
    reference,
    relationships,
    service,
)
from app.queries.common import ALL, Scope
from app.queries.engine import (
    NoSnapshotError,
    OutdatedSnapshotError,
    Snapshot,
    clear_cache,
    current_snapshot,
)
from app.queries.export import export_check, export_dir, export_files

__all__ = [
    "ALL", "QUERIES", "NoSnapshotError", "OutdatedSnapshotError", "Scope", "Snapshot",
    "action_plans", "alerts",
    "clear_cache", "current_snapshot", "export", "export_check", "export_dir", "export_files",
    "glance", "journeys", "latest_scope", "quality", "reference", "relationships",
    "service",
]  # fmt: skip


def latest_scope() -> Scope | None:
    """The newest quarter holding data, over every agency, service and channel."""
    quarters = reference.data_quarters()
    if quarters.empty:
        return None
    return Scope(int(quarters.fiscal_year.iloc[0]), int(quarters.fiscal_quarter.iloc[0]))


def _busiest(scope: Scope, column: str) -> str | None:
    """The service (or journey) with most responses in the scope: the benchmark's subject."""
    rows = glance.response_by_service(scope)
    services = reference.services()
    if rows.empty:
        return None
    merged = rows.merge(services, on=["service_name", "agency_code"])
    values = merged[column].dropna()
    return values.iloc[0] if len(values) else None


def _on_latest(fn: Callable[[Scope], pd.DataFrame], per: str | None = None):
    def call() -> pd.DataFrame:
        scope = latest_scope()
        if scope is None:
            raise NoSnapshotError("no quarter holds data")
        if per == "service":
            return fn(Scope(scope.fiscal_year, scope.fiscal_quarter,
                            service=_busiest(scope, "service_id")))  # fmt: skip
        if per == "journey":
            return fn(scope, _busiest(scope, "journey_id"))
        return fn(scope)

    return call


QUERIES: dict[str, Callable[[], pd.DataFrame]] = {
    "reference.data_quarters": reference.data_quarters,
    "reference.fiscal_years": reference.fiscal_years,
    "reference.reporting_rules": reference.reporting_rules,
    "reference.services": reference.services,
    "reference.channels": reference.channels,
    "reference.drivers": reference.drivers,
    "reference.journeys": reference.journeys,
    "glance.response_totals": _on_latest(glance.response_totals),
    "glance.response_by_service": _on_latest(glance.response_by_service),
    "glance.headline_scores": _on_latest(glance.headline_scores),
    "glance.driver_scores": _on_latest(glance.driver_scores),
    "service.driver_trend": _on_latest(service.driver_trend, "service"),
    "service.answer_distribution": _on_latest(service.answer_distribution, "service"),
    "service.question_reach": _on_latest(service.question_reach, "service"),
    "service.channel_breakdown": _on_latest(service.channel_breakdown, "service"),
    "service.key_drivers": _on_latest(service.key_drivers, "service"),
    "service.recent_comments": _on_latest(service.recent_comments, "service"),
    "service.recent_comments_on_trust": _on_latest(
        lambda s: service.recent_comments(s, driver="trust"), "service"
    ),
    "service.comment_themes": _on_latest(service.comment_themes, "service"),
    "service.theme_examples": _on_latest(service.theme_examples, "service"),
    "glance.rising_themes": _on_latest(glance.rising_themes),
    "journeys.journey_stages": _on_latest(journeys.journey_stages, "journey"),
    "journeys.journey_summary": _on_latest(journeys.journey_summary, "journey"),
    "journeys.journey_activity": _on_latest(journeys.journey_activity),
    "relationships.trust_by_tenure": _on_latest(lambda s: relationships.trust_by(s, "tenure")),
    "relationships.trust_by_agencies": _on_latest(lambda s: relationships.trust_by(s, "agencies")),
    "relationships.trust_new_vs_returning": _on_latest(
        lambda s: relationships.trust_by(s, "new_vs_returning")
    ),
    "relationships.anonymous_share": _on_latest(relationships.anonymous_share),
    "alerts.open_alerts": _on_latest(alerts.open_alerts),
    "alerts.alert_counts": _on_latest(alerts.alert_counts),
    "action_plans.initiatives": _on_latest(action_plans.initiatives),
    "action_plans.milestones": _on_latest(action_plans.milestones),
    "action_plans.cx_maturity": _on_latest(action_plans.cx_maturity),
    "quality.load_summary": quality.load_summary,
    "quality.recent_file_loads": quality.recent_file_loads,
    "quality.quarantine_reasons": quality.quarantine_reasons,
    "quality.source_freshness": quality.source_freshness,
    "quality.publish_info": quality.publish_info,
    "quality.check_results": quality.check_results,
    "quality.suspect_responses": quality.suspect_responses,
    "export.submission_preview": _on_latest(export.submission_preview),
    "export.suspect_responses": _on_latest(export.suspect_responses),
}
