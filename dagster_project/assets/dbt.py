"""The dbt project as Dagster assets: every seed and model an asset, every dbt test a check.

Keys follow the warehouse: a model in schema `marts` is `marts/<model>`, a source table
`raw.touchpoints` is `raw/touchpoints` (the ingest asset that writes it), a seed is
`seeds/<seed>`. Groups follow the dbt folders (staging, intermediate, marts, seeds).
"""

import contextlib
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from tqdm import tqdm

from dagster_project.settings import DBT_PROJECT_DIR, get_settings

# The dbt installed beside this interpreter, so `.venv/bin/cxwh` works without an activated
# venv. dagster-dbt's manifest preparer looks `dbt` up on PATH, so put our bin dir first.
_VENV_BIN = Path(sys.executable).parent
if (_VENV_BIN / "dbt").exists() and str(_VENV_BIN) not in os.environ["PATH"].split(os.pathsep):
    os.environ["PATH"] = f"{_VENV_BIN}{os.pathsep}{os.environ['PATH']}"
DBT_EXECUTABLE = shutil.which("dbt") or "dbt"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _manifest_is_stale() -> bool:
    """True when any file dbt parses is newer than the manifest (or there is none)."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    project = Path(dbt_project.project_dir)
    sources = [project / "dbt_project.yml", project / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests", "snapshots", "analyses"):
        sources.extend(p for p in (project / folder).rglob("*") if p.is_file())
    return any(p.exists() and p.stat().st_mtime > built for p in sources)


def prepare_manifest(force: bool = False) -> None:
    """Parse the dbt project into target/manifest.json (the asset graph is read from it).

    `dagster dev` re-parses on every load; `cxwh pipeline` re-parses whenever a dbt file
    changed since the last parse, so a changed model never runs from a stale manifest
    and an unchanged project does not pay for a parse on every run.
    """
    if force or dbt_project.preparer.using_dagster_dev() or _manifest_is_stale():
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


prepare_manifest()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    # dbt unit tests check the SQL's logic, not the data: they run in CI (tests/dbt),
    # not in every production build.
    exclude="resource_type:unit_test",
    dagster_dbt_translator=WarehouseTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def warehouse_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build` (seeds, models and their tests) for the selected part of the graph."""
    invocation = dbt.cli(["build"], context=context)
    if os.environ.get("CX_PROGRESS") != "1":  # `dagster dev`: dbt's lines in the run's logs
        yield from invocation.stream()
        return
    # `cxwh pipeline`: one progress bar on the terminal, dbt's own lines in a log file.
    log_path = get_settings().data_dir / "logs" / f"dbt-{context.run_id}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    total = len(context.selected_asset_keys) + len(context.selected_asset_check_keys)
    with (
        log_path.open("w") as log,
        contextlib.redirect_stdout(log),
        tqdm(total=total, desc="dbt build", unit="node", file=sys.stderr) as bar,
    ):
        for event in invocation.stream():
            bar.update(1)
            yield event
    context.log.info(f"dbt's log: {log_path}")
