"""A sensor that starts the daily load as soon as new files land."""

from __future__ import annotations

import hashlib

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from dagster_project.core.settings import SOURCES
from dagster_project.core.warehouse import WarehouseLockedError
from dagster_project.defs.resources import WarehouseResource
from dagster_project.defs.schedules import daily_load_job
from dagster_project.ingest.loader import pending_files


@sensor(
    name="landing_zone_sensor",
    job=daily_load_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Every minute: if any landing file is not yet in raw.load_log, run the daily load.",
)
def landing_zone_sensor(context: SensorEvaluationContext, warehouse: WarehouseResource):
    settings = warehouse.settings()
    try:
        pending = {source: pending_files(source, settings) for source in SOURCES}
    except WarehouseLockedError:
        # A load is writing right now; the next tick sees what it did not take.
        return SkipReason("the warehouse is busy with a running load; looking again next tick")
    files = sorted(str(p) for paths in pending.values() for p in paths)
    if not files:
        return SkipReason(f"no new files under {settings.landing_dir}")
    # The same set of pending files asks for one run only, however often we look.
    run_key = hashlib.sha256("\n".join(files).encode()).hexdigest()[:16]
    summary = ", ".join(f"{s}: {len(p)}" for s, p in pending.items() if p)
    context.log.info(f"new landing files ({summary})")
    return RunRequest(run_key=run_key, tags={"cx/new_files": str(len(files))})
