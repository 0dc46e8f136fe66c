"""The one Definitions object: what `dagster dev` shows and `cxwh pipeline` runs.

Loaded lazily (`@definitions`): importing this module does nothing; the dbt manifest is
read (and parsed first, only when a dbt file changed) when Dagster asks for the
definitions.
"""

from __future__ import annotations

from dagster import AssetSpec, Definitions, definitions, in_process_executor

from dagster_project.defs.assets.alerts import alert_deliveries
from dagster_project.defs.assets.dbt import build_dbt_assets
from dagster_project.defs.assets.export import omb_quarterly_export
from dagster_project.defs.assets.ingest import ingest_assets
from dagster_project.defs.assets.publish import build_publish_asset
from dagster_project.defs.resources import all_resources
from dagster_project.defs.schedules import (
    alert_delivery_job,
    alert_retry_schedule,
    daily_load_job,
    daily_load_schedule,
    ingest_job,
    omb_export_job,
    quarterly_export_schedule,
    spark_build_job,
)
from dagster_project.defs.sensors import landing_zone_sensor


@definitions
def defs() -> Definitions:
    dbt_assets = build_dbt_assets()
    # Every ingest asset also appends to the load log and the quarantine; declaring them
    # shows that lineage (dbt's data-quality marts read them).
    ingest_bookkeeping = [
        AssetSpec(
            ["raw", table],
            deps=ingest_assets,
            group_name="ingest",
            description=f"raw.{table}: written by every ingest asset, one transaction per batch.",
            kinds={"duckdb"},
        )
        for table in ("load_log", "quarantine")
    ]
    return Definitions(
        assets=[
            *ingest_assets,
            *ingest_bookkeeping,
            dbt_assets,
            build_publish_asset(),
            alert_deliveries,
            omb_quarterly_export,
        ],
        jobs=[daily_load_job, ingest_job, omb_export_job, alert_delivery_job, spark_build_job],
        schedules=[daily_load_schedule, quarterly_export_schedule, alert_retry_schedule],
        sensors=[landing_zone_sensor],
        resources=all_resources(),
        # DuckDB allows one writer per file: steps run one after another in one process.
        executor=in_process_executor,
    )
