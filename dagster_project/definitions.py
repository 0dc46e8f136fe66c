"""The one Definitions object: what `dagster dev` shows and `cxwh pipeline` runs."""

from __future__ import annotations

import os

from dagster import AssetSpec, Definitions, in_process_executor
from dagster_dbt import DbtCliResource

from dagster_project.assets.dbt import DBT_EXECUTABLE, dbt_project, warehouse_dbt_assets
from dagster_project.assets.export import omb_quarterly_export
from dagster_project.assets.ingest import ingest_assets
from dagster_project.assets.publish import dashboard_snapshot
from dagster_project.checks import ingest_checks
from dagster_project.schedules import (
    daily_load_job,
    daily_load_schedule,
    ingest_job,
    omb_export_job,
    quarterly_export_schedule,
)
from dagster_project.sensors import landing_zone_sensor
from dagster_project.settings import get_settings

# dbt runs in a subprocess from the dbt folder: hand it an absolute data directory.
os.environ["CX_DATA_DIR"] = str(get_settings().data_dir)

# Every ingest asset also appends to the load log and the quarantine; declaring them
# shows that lineage (dbt's data-quality marts read them).
ingest_bookkeeping = [
    AssetSpec(
        ["raw", table],
        deps=ingest_assets,
        group_name="ingest",
        description=f"raw.{table}: written by every ingest asset, one transaction per file.",
        kinds={"duckdb"},
    )
    for table in ("load_log", "quarantine")
]

defs = Definitions(
    assets=[
        *ingest_assets,
        *ingest_bookkeeping,
        warehouse_dbt_assets,
        dashboard_snapshot,
        omb_quarterly_export,
    ],
    asset_checks=ingest_checks,
    jobs=[daily_load_job, ingest_job, omb_export_job],
    schedules=[daily_load_schedule, quarterly_export_schedule],
    sensors=[landing_zone_sensor],
    resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)},
    # DuckDB allows one writer per file: steps run one after another in one process.
    executor=in_process_executor,
)
