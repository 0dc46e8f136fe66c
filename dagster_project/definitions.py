"""The one Definitions object: what `dagster dev` shows and `cxwh pipeline` runs."""

from __future__ import annotations

import os

from dagster import Definitions, in_process_executor
from dagster_dbt import DbtCliResource

from dagster_project.assets.dbt import dbt_project, warehouse_dbt_assets
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

defs = Definitions(
    assets=[*ingest_assets, warehouse_dbt_assets, dashboard_snapshot, omb_quarterly_export],
    asset_checks=ingest_checks,
    jobs=[daily_load_job, ingest_job, omb_export_job],
    schedules=[daily_load_schedule, quarterly_export_schedule],
    sensors=[landing_zone_sensor],
    resources={"dbt": DbtCliResource(project_dir=dbt_project)},
    # DuckDB allows one writer per file: steps run one after another in one process.
    executor=in_process_executor,
)
