"""The pipeline lock as a Dagster resource, so daemon-launched runs take it too."""

import contextlib
import os

from dagster import ConfigurableResource, InitResourceContext

from dagster_project.lock import pipeline_lock

LOCK_KEY = "pipeline_lock"


class PipelineLockResource(ConfigurableResource):
    """Holds the data directory's pipeline lock (`dagster_project.lock`) for a whole run.

    Every asset that reads or writes the warehouse requires it, so a run the Dagster
    daemon starts (schedule, sensor) waits for a running `cxwh pipeline` instead of
    colliding with it, and fails naming the holder if it waits longer than
    `CX_PIPELINE_LOCK_WAIT_SECONDS` (default an hour). Within `cxwh pipeline`, which
    already holds the lock, taking it again is free."""

    wait_seconds: float = float(os.environ.get("CX_PIPELINE_LOCK_WAIT_SECONDS", "3600"))

    @contextlib.contextmanager
    def yield_for_execution(self, context: InitResourceContext):
        with pipeline_lock(wait_seconds=self.wait_seconds, command=f"Dagster run {context.run_id}"):
            yield self
