"""Jobs and schedules: the daily load (ingest → dbt → publish) and the quarterly export."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
)

from dagster_project.core.alert_delivery import waiting
from dagster_project.core.export_state import has_responses
from dagster_project.core.fiscal import quarter_label
from dagster_project.core.settings import SettingsError, alert_delivery, get_settings
from dagster_project.core.warehouse import WarehouseLockedError
from dagster_project.defs.assets.alerts import alert_deliveries
from dagster_project.defs.assets.dbt import ENGINE_TAG
from dagster_project.defs.assets.export import omb_quarterly_export
from dagster_project.defs.assets.publish import PUBLISH_KEY
from dagster_project.defs.partitions import fiscal_quarter_partitions, partition_key_to_fiscal

# Everything but the export: the export is partitioned by fiscal quarter and has its own
# schedule; the daily load never waits on it.
daily_load_job = define_asset_job(
    "daily_load",
    selection=AssetSelection.all() - AssetSelection.assets(omb_quarterly_export),
    description="Load new landing files, dbt build (models and tests), publish the snapshot.",
)

# The same ingest and dbt assets with dbt on the `spark` target (README "Running on
# Spark"): no publish, alert delivery or export, which read the DuckDB marts.
spark_build_job = define_asset_job(
    "spark_build",
    selection=AssetSelection.all()
    - AssetSelection.assets(omb_quarterly_export, alert_deliveries)
    - AssetSelection.keys(PUBLISH_KEY),
    tags={ENGINE_TAG: "spark"},
    description="Load new landing files, stage raw as Parquet, dbt build on Spark with "
    "every data and unit test.",
)

ingest_job = define_asset_job(
    "ingest_only",
    selection=AssetSelection.groups("ingest"),
    description="Load new landing files into raw.* and stop.",
)

# The delivery step of the daily load runs after a publish; a run that publishes nothing
# skips it, so deliveries that failed (or waited) are retried by this job on its own.
alert_delivery_job = define_asset_job(
    "deliver_alerts",
    selection=AssetSelection.assets(alert_deliveries),
    description="Send the published alerts not yet delivered (new, or failed before).",
)

omb_export_job = define_asset_job(
    "omb_quarterly_export",
    selection=AssetSelection.assets(omb_quarterly_export),
    partitions_def=fiscal_quarter_partitions,
    description="Write the OMB quarterly CX data collection for one fiscal quarter.",
)

daily_load_schedule = ScheduleDefinition(
    name="daily_load_schedule",
    job=daily_load_job,
    cron_schedule="0 6 * * *",
    execution_timezone="America/New_York",
    description="Every morning at 06:00 Eastern: ingest → dbt build → publish.",
)


# A new fiscal quarter starts on 1 Jan/Apr/Jul/Oct; export the quarter just ended two
# weeks later, once late deliveries for it have arrived.
@schedule(
    name="quarterly_export_schedule",
    job=omb_export_job,
    cron_schedule="0 7 15 1,4,7,10 *",
    execution_timezone="America/New_York",
    description="On the 15th after each fiscal quarter ends: the OMB export of that quarter.",
)
def quarterly_export_schedule(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    # The last complete quarter as of the tick (not of "now": a late tick stays right).
    key = fiscal_quarter_partitions.get_partition_keys(
        current_time=context.scheduled_execution_time
    )[-1]
    period = partition_key_to_fiscal(key)
    try:
        found = has_responses(get_settings(), *period)
    except Exception as exc:  # noqa: BLE001 - a locked or missing warehouse: try the run
        context.log.warning(f"could not read which quarters have responses: {exc}")
        return RunRequest(run_key=key, partition_key=key)
    if not found:
        # No responses in that quarter: nothing to submit, and not a failure.
        return SkipReason(f"no responses in {quarter_label(*period)}: no OMB export to write")
    return RunRequest(run_key=key, partition_key=key)


@schedule(
    name="alert_retry_schedule",
    job=alert_delivery_job,
    cron_schedule="30 * * * *",
    execution_timezone="America/New_York",
    description="Every hour: deliver the alerts that wait (a delivery that failed, or a "
    "destination configured since the last publish); skips when none waits.",
)
def alert_retry_schedule(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    try:
        if not alert_delivery().configured:
            return SkipReason("no alert destination configured")
        count = waiting(get_settings(), wait_seconds=0)
    except SettingsError as exc:
        return SkipReason(f"alert delivery is misconfigured: {exc}")
    except WarehouseLockedError:
        return SkipReason("the warehouse is busy with a running load; looking again next hour")
    if not count:
        return SkipReason("every published alert has been delivered")
    return RunRequest(tags={"cx/alert_deliveries_waiting": str(count)})
