"""The Dagster resources: the warehouse every asset, check and sensor opens, and the
pipeline lock.

`WarehouseResource` (resource key `warehouse`) is the one way Dagster code reaches the
warehouse. The libraries it hands its `Settings` to (loader, publish, export) open the
warehouse with `warehouse.connect_warehouse` from those same `Settings`.
"""

from __future__ import annotations

import contextlib
import dataclasses

import duckdb
from dagster import ConfigurableResource, InitResourceContext

from dagster_project.core.lock import pipeline_lock
from dagster_project.core.settings import Settings, get_settings
from dagster_project.core.warehouse import connect_warehouse

WAREHOUSE_KEY = "warehouse"
LOCK_KEY = "pipeline_lock"


class WarehouseResource(ConfigurableResource):
    """The warehouse as Dagster resource `warehouse`: the environment's `Settings`
    (`get_settings()`), with the memory limit and lock wait overridable in run config.

    `settings()` is what an asset hands to the loader, publish and export; `connect()`
    opens the warehouse (marts attached, UTC, bounded memory) for the asset itself."""

    memory_limit: str | None = None  # default: CX_DUCKDB_MEMORY_LIMIT, else 4GB
    lock_wait_seconds: float | None = None  # default: CX_DUCKDB_LOCK_WAIT_SECONDS, else 300

    def settings(self) -> Settings:
        settings = get_settings()
        overrides = {}
        if self.memory_limit:
            overrides["duckdb_memory_limit"] = self.memory_limit
        if self.lock_wait_seconds is not None:
            overrides["duckdb_lock_wait_seconds"] = self.lock_wait_seconds
        return dataclasses.replace(settings, **overrides) if overrides else settings

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        return connect_warehouse(self.settings(), read_only=read_only)


class PipelineLockResource(ConfigurableResource):
    """Holds the data directory's pipeline lock (`dagster_project.core.lock`) for a whole run.

    Every asset that reads or writes the warehouse requires it, so a run the Dagster
    daemon starts (schedule, sensor) waits for a running `cxwh pipeline` instead of
    colliding with it, and fails naming the holder if it waits longer than
    `CX_PIPELINE_LOCK_WAIT_SECONDS` (default an hour; `wait_seconds` in run config
    overrides it). Within `cxwh pipeline`, which already holds the lock, taking it again
    is free."""

    wait_seconds: float | None = None

    @contextlib.contextmanager
    def yield_for_execution(self, context: InitResourceContext):
        wait = self.wait_seconds
        if wait is None:
            wait = get_settings().pipeline_lock_wait_seconds
        with pipeline_lock(wait_seconds=wait, command=f"Dagster run {context.run_id}"):
            yield self


def all_resources() -> dict[str, ConfigurableResource]:
    """The resources every job of the project runs with (Definitions, tests)."""
    return {LOCK_KEY: PipelineLockResource(), WAREHOUSE_KEY: WarehouseResource()}
