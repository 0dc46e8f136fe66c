"""`cxwh pipeline` re-parses dbt only when a dbt file changed since the last parse."""

from __future__ import annotations

import os
import shutil

from dagster_dbt import DbtProject

from dagster_project.defs.assets import dbt as dbt_assets


def test_a_model_newer_than_the_manifest_makes_it_stale_and_a_parse_fixes_it(tmp_path, monkeypatch):
    # A copy of the project, so the manifest every other test reads is never rewritten
    # under it (tests run in parallel).
    copy = tmp_path / "dbt"
    shutil.copytree(dbt_assets.dbt_project.project_dir, copy, ignore=shutil.ignore_patterns("logs"))
    project = DbtProject(project_dir=copy, profiles_dir=copy)
    monkeypatch.setattr(dbt_assets, "dbt_project", project)
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path / "data"))

    dbt_assets.prepare_manifest()
    assert not dbt_assets._manifest_is_stale()
    model = next((copy / "models" / "marts").rglob("*.sql"))
    older = model.stat().st_mtime - 60
    os.utime(project.manifest_path, (older, older))  # as if the model changed since
    assert dbt_assets._manifest_is_stale()
    dbt_assets.prepare_manifest()
    assert not dbt_assets._manifest_is_stale()
