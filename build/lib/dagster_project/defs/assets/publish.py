"""The publish asset: after the marts are built and tested, switch the dashboard over."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    DagsterEventType,
    MaterializeResult,
    MetadataValue,
    asset,
)

from dagster_project.core.build_state import build_fingerprint, table_versions
from dagster_project.core.publish import CheckResult, publish_snapshot
from dagster_project.defs.resources import LOCK_KEY, WAREHOUSE_KEY

PUBLISH_KEY = AssetKey(["published", "dashboard_snapshot"])


def _run_checks(context: AssetExecutionContext) -> list[CheckResult]:
    """Every asset check evaluated so far in this run (ingest checks and dbt tests)."""
    records = context.instance.all_logs(
        context.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    )
    results = []
    for record in records:
        evaluation = record.dagster_event.event_specific_data
        results.append(
            CheckResult(
                check_name=evaluation.check_name,
                asset=evaluation.asset_key.to_user_string(),
                passed=evaluation.passed,
                severity=evaluation.severity.value,
                description=evaluation.description or "",
            )
        )
    return results


# dbt builds marts/dim_build last, after every other mart and its tests passed: a run
# that built nothing, or failed any of them, skips the publish.
BUILD_KEY = AssetKey(["marts", "dim_build"])


def build_publish_asset():
    @asset(
        key=PUBLISH_KEY,
        group_name="publish",
        deps=[BUILD_KEY],
        required_resource_keys={LOCK_KEY, WAREHOUSE_KEY},
        description="A consistent read-only copy of the marts under $CX_DATA_DIR/published/, "
        "switched atomically; the only thing the dashboard opens.",
        kinds={"duckdb"},
    )
    def dashboard_snapshot(context: AssetExecutionContext) -> MaterializeResult:
        return publish(context)

    return dashboard_snapshot


def publish(context: AssetExecutionContext) -> MaterializeResult:
    settings = context.resources.warehouse.settings()
    checks = _run_checks(context)
    snapshot = publish_snapshot(
        settings,
        run_id=context.run_id,
        checks=checks,
        versions=table_versions(settings),
        build_fingerprint=build_fingerprint(settings),
    )
    failed = [c for c in checks if c.failed]
    warned = [c for c in checks if c.warned]
    kinds = {k: sum(1 for h in snapshot.how.values() if h == k) for k in ("kept", "rebuilt")}
    context.log.info(
        f"published {snapshot.path.name}: {len(snapshot.tables)} tables "
        f"({kinds['rebuilt']} rebuilt by this build, {kinds['kept']} as published before), "
        f"{sum(snapshot.tables.values()):,} rows; {len(checks)} checks, {len(failed)} failed, "
        f"{len(warned)} warnings"
    )
    return MaterializeResult(
        metadata={
            "version": snapshot.version,
            "path": MetadataValue.path(str(snapshot.path)),
            "tables": MetadataValue.json(snapshot.tables),
            "tables_published": MetadataValue.json(snapshot.how),
            "checks_run": len(checks),
            "checks_failed": len(failed),
            "checks_warned": len(warned),
        }
    )
