"""The dbt project as Dagster assets: every seed and model an asset, every dbt test a check.

Keys follow the warehouse: a model in schema `marts` is `marts/<model>`, a source table
`raw.touchpoints` is `raw/touchpoints` (the ingest asset that writes it), a seed is
`seeds/<seed>`. Groups follow the dbt folders (staging, intermediate, marts, seeds).

A run builds only what changed (`dagster_project.core.build_state`): the models downstream
of sources with new loads, and whatever dbt code or seed changed; nothing at all when
nothing did. dbt runs in this process from the manifest `prepare_manifest` parsed
(`dbt_in_process`): no new interpreter, no import and no parse per run.
"""

import contextlib
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Failure, MetadataValue
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject, dbt_assets
from dagster_dbt.asset_utils import (
    get_manifest_and_translator_from_dbt_assets,
    get_updated_cli_invocation_params_for_context,
)

from dagster_project.core.build_state import (
    build_fingerprint,
    manifest_is_stale,
    plan_build,
    record_build,
    record_table_versions,
    state_dir,
)
from dagster_project.core.publish import published_build
from dagster_project.core.settings import DBT_PROJECT_DIR
from dagster_project.core.warehouse import connect_warehouse
from dagster_project.defs.assets.dbt_in_process import DbtRun, asset_events, load_manifest
from dagster_project.defs.resources import LOCK_KEY, WAREHOUSE_KEY

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
PARTIAL_PARSE = "partial_parse.msgpack"
UNIT_TESTS = "resource_type:unit_test"
# The run tag that picks the dbt target: `duckdb` (default) or `spark` (the job
# spark_build, `cxwh pipeline --engine spark`; README "Running on Spark").
ENGINE_TAG = "cx/engine"
SPARK_TARGET_DIR = "target-spark"


@cache
def dbt_executable() -> str:
    """The dbt installed beside this interpreter, so `.venv/bin/cxwh` works without an
    activated venv; else whatever `dbt` is on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def _manifest_is_stale() -> bool:
    """True when any file dbt parses is newer than the manifest (or there is none)."""
    return manifest_is_stale(Path(dbt_project.project_dir), dbt_project.manifest_path)


def prepare_manifest(force: bool = False) -> None:
    """Parse the dbt project into target/manifest.json (the asset graph is read from it).

    `dagster dev` re-parses on every load; `cxwh pipeline` re-parses whenever a dbt file
    changed since the last parse, so a changed model never runs from a stale manifest
    and an unchanged project does not pay for a parse on every run.
    """
    if force or dbt_project.preparer.using_dagster_dev() or _manifest_is_stale():
        bin_dir = str(Path(dbt_executable()).parent)
        if bin_dir not in os.environ["PATH"].split(os.pathsep):
            # dagster-dbt's preparer runs `dbt parse` from PATH
            os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
        dbt_project.preparer.prepare(dbt_project)


class WarehouseTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        kind = dbt_resource_props["resource_type"]
        name = dbt_resource_props["name"]
        if kind == "source":
            return AssetKey(["raw", name])
        if kind == "seed":
            return AssetKey(["seeds", name])
        return AssetKey([dbt_resource_props["schema"], name])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        # fqn = [project, folder, ...subfolders, name]; the first folder is the layer.
        return fqn[1] if len(fqn) > 2 else "marts"


def _is_subset(context: AssetExecutionContext) -> bool:
    return set(context.selected_asset_keys) != set(context.assets_def.keys)


@cache
def build_dbt_assets():
    """The dbt assets, built from the manifest (parsed first when a dbt file changed).

    A function, not a module-level decorator: importing this module parses nothing."""
    prepare_manifest()

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        # dbt unit tests check the SQL's logic, not the data: they run in CI (tests/dbt),
        # not in every production build.
        exclude=UNIT_TESTS,
        dagster_dbt_translator=WarehouseTranslator(
            settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
        ),
        required_resource_keys={LOCK_KEY, WAREHOUSE_KEY},
    )
    def warehouse_dbt_assets(context: AssetExecutionContext):
        """`dbt build` (seeds, models and their tests) of what changed since the last build."""
        yield from build_changed(context)

    return warehouse_dbt_assets


def build_changed(context: AssetExecutionContext):
    """Run `dbt build` on what changed (everything on a first build, nothing when nothing
    changed), stream its events, and remember a build that succeeded in full."""
    settings = context.resources.warehouse.settings()
    # dbt's profile reads the data directory and memory bound from the environment.
    os.environ["CX_DATA_DIR"] = str(settings.data_dir)
    os.environ["CX_DUCKDB_MEMORY_LIMIT"] = settings.duckdb_memory_limit
    manifest_json, translator, project = get_manifest_and_translator_from_dbt_assets(
        [context.assets_def]
    )
    if context.run.tags.get(ENGINE_TAG) == "spark":
        yield from build_on_spark(context, settings, manifest_json, translator, project)
        return
    plan = None
    indirect = None
    if _is_subset(context):  # a hand-picked subset in the UI builds just that
        params = get_updated_cli_invocation_params_for_context(context, manifest_json, translator)
        selection, indirect = list(params.selection_args), params.indirect_selection
    else:
        with connect_warehouse(settings, read_only=True) as con:
            plan = plan_build(con, settings, dbt_project.manifest_path)
        if plan.nothing_to_do and published_build(settings) != build_fingerprint(settings):
            # The last build was never published (its run was killed or failed after
            # dbt): rebuilding the one-row marts.dim_build lets the publish step run.
            plan = replace(plan, select=("dim_build",), reasons=("the last build is unpublished",))
        if plan.nothing_to_do:
            context.log.info("Nothing changed since the last successful build: dbt skipped.")
            return
        context.log.info(
            "dbt builds "
            + ("everything" if plan.select is None else " ".join(plan.select))
            + (f" ({'; '.join(plan.reasons)})" if plan.reasons else "")
        )
        selection = [*plan.dbt_args(), "--exclude", UNIT_TESTS]
    run = DbtRun(
        ["build", *selection],
        project_dir=Path(dbt_project.project_dir),
        target_path=state_dir(settings) / "target",
        log_path=settings.data_dir / "logs" / "dbt",
    )
    manifest = load_manifest(Path(dbt_project.project_dir) / "target" / PARTIAL_PARSE)
    events = asset_events(context, run, manifest, manifest_json, translator, project)
    with _indirect_selection(indirect):
        yield from _with_progress(events)
    record_table_versions(settings, run.built, context.run_id)
    _raise_if_failed(context, run, "dbt build")
    if plan is not None:
        record_build(settings, plan, dbt_project.manifest_path)


def build_on_spark(context: AssetExecutionContext, settings, manifest_json, translator, project):
    """The same dbt assets built on the `spark` target: the raw tables staged as Parquet,
    declared on Spark, then `dbt build` of everything with every data and unit test
    (Spark rebuilds in full; its marts are Parquet tables under $CX_DATA_DIR/lake/)."""
    from dagster_project.core import spark_python
    from dagster_project.core.lake import stage_raw_parquet

    rows = stage_raw_parquet(settings)
    context.log.info(
        "raw tables staged as Parquet: " + ", ".join(f"{t} {n:,}" for t, n in rows.items())
    )
    spark_python.enable()  # the session submission method of the one dbt Python model
    where = {
        "project_dir": Path(dbt_project.project_dir),
        "target_path": state_dir(settings) / SPARK_TARGET_DIR,
        "log_path": settings.data_dir / "logs" / "dbt-spark",
    }
    declare = DbtRun(["run-operation", "register_raw_sources", "--target", "spark"], **where)
    for _ in declare.raw_events(None):
        pass
    if not declare.success:
        raise Failure(description=f"declaring the raw Parquet on Spark failed: {declare.error}")
    # The manifest parsed for DuckDB does not fit Spark (configs read target.type): dbt
    # parses for the spark target itself.
    run = DbtRun(["build", "--target", "spark"], **where)
    yield from _with_progress(asset_events(context, run, None, manifest_json, translator, project))
    _raise_if_failed(context, run, "dbt build on Spark")


def _raise_if_failed(context: AssetExecutionContext, run: DbtRun, what: str) -> None:
    """Point to dbt's log; re-raise an interrupt; fail the step naming the failed nodes."""
    context.log.info(f"dbt's log: {run.log_path / 'dbt.log'}")
    if isinstance(run.error, KeyboardInterrupt | SystemExit):
        raise run.error
    if not run.success:
        shown = "; ".join(run.failures[:10]) or str(run.error or "see dbt's log")
        raise Failure(
            description=f"{what} failed: {shown}",
            metadata={"failures": MetadataValue.json(run.failures), "dbt_log": str(run.log_path)},
        )


@contextlib.contextmanager
def _indirect_selection(value: str | None):
    """DBT_INDIRECT_SELECTION for one invocation (dagster-dbt's subset selection sets it)."""
    old = os.environ.get("DBT_INDIRECT_SELECTION")
    if value:
        os.environ["DBT_INDIRECT_SELECTION"] = value
    try:
        yield
    finally:
        if value:
            if old is None:
                os.environ.pop("DBT_INDIRECT_SELECTION", None)
            else:
                os.environ["DBT_INDIRECT_SELECTION"] = old


def _with_progress(events):
    if os.environ.get("CX_PROGRESS") != "1":  # `dagster dev`: the run's own log view
        yield from events
        return
    from dagster_project.core.progress import progress_bar

    with progress_bar(None, "dbt build", "node") as bar:
        for event in events:
            bar.update(1)
            yield event
