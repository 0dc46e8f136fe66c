"""The alert-delivery asset: after each publish, send the new alerts once
(`dagster_project/core/alert_delivery.py`, docs/alerts.md)."""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
)

from dagster_project.core.alert_delivery import deliver
from dagster_project.core.settings import alert_delivery
from dagster_project.defs.assets.publish import PUBLISH_KEY
from dagster_project.defs.resources import LOCK_KEY, WAREHOUSE_KEY

DELIVERIES_KEY = AssetKey(["alerts", "deliveries"])
DELIVERED_CHECK = "alerts_delivered"
NOT_CONFIGURED = (
    "no destination configured (CX_ALERT_WEBHOOK_URL, or CX_SMTP_HOST with "
    "CX_ALERT_EMAIL_TO): alerts are on the dashboard only"
)


@asset(
    key=DELIVERIES_KEY,
    group_name="publish",
    deps=[PUBLISH_KEY],
    required_resource_keys={LOCK_KEY, WAREHOUSE_KEY},
    check_specs=[
        AssetCheckSpec(
            DELIVERED_CHECK,
            asset=DELIVERIES_KEY,
            description="Every new alert reached every configured destination (webhook, "
            "e-mail). Warns, naming the failures: they are tried again on the next run.",
        )
    ],
    description="raw.alert_deliveries: each new alert of the published snapshot sent once "
    "as a JSON POST to CX_ALERT_WEBHOOK_URL and in one e-mail per run to "
    "CX_ALERT_EMAIL_TO; failures are retried on the next run.",
    kinds={"duckdb"},
)
def alert_deliveries(context: AssetExecutionContext) -> MaterializeResult:
    cfg = alert_delivery()
    if not cfg.configured:
        context.log.info(NOT_CONFIGURED)
        return MaterializeResult(
            metadata={"destinations": 0, "note": NOT_CONFIGURED},
            check_results=[AssetCheckResult(passed=True, description=NOT_CONFIGURED)],
        )
    settings = context.resources.warehouse.settings()
    with context.resources.warehouse.connect() as con:
        outcomes = deliver(settings, cfg, con, log=context.log.info)
    delivered = sum(len(o.delivered) for o in outcomes)
    failed = [o for o in outcomes if o.failed]
    summary = "; ".join(o.describe() for o in outcomes)
    return MaterializeResult(
        metadata={
            "destinations": len(outcomes),
            "delivered": delivered,
            "failed": sum(len(o.failed) for o in outcomes),
            "outcomes": MetadataValue.json(
                {
                    f"{o.destination.channel} {o.destination.label}": {
                        "delivered": len(o.delivered),
                        "failed": o.failed,
                    }
                    for o in outcomes
                }
            ),  # fmt: skip
        },
        check_results=[
            AssetCheckResult(
                passed=not failed,
                severity=AssetCheckSeverity.WARN,
                description=summary if failed else f"{delivered} new alert deliveries; {summary}",
            )
        ],
    )
