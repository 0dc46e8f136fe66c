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

from dagster_project.core.export_state import quarters_with_responses
from dagster_project.core.fiscal import quarter_label
from dagster_project.core.settings import get_settings
from dagster_project.defs.assets.export import omb_quarterly_export
from dagster_project.defs.partitions import fiscal_quarter_partitions, partition_key_to_fiscal

# Everything but the export: the export is partitioned by fiscal quarter and has its own
# schedule; the daily load never waits on it.
daily_load_job = define_asset_job(
    "daily_load",
    selection=AssetSelection.all() - AssetSelection.assets(omb_quarterly_export),
    description="Load new landing files, dbt build (models and tests), publish the snapshot.",
)

ingest_job = define_asset_job(
    "ingest_only",
    selection=AssetSelection.groups("ingest"),
    description="Load new landing files into raw.* and stop.",
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
        quarters = quarters_with_responses(get_settings())
    except Exception as exc:  # noqa: BLE001 - a locked or missing warehouse: try the run
        context.log.warning(f"could not read which quarters have responses: {exc}")
        return RunRequest(run_key=key, partition_key=key)
    if period not in quarters:
        # No responses in that quarter: nothing to submit, and not a failure.
        return SkipReason(f"no responses in {quarter_label(*period)}: no OMB export to write")
    return RunRequest(run_key=key, partition_key=key)
