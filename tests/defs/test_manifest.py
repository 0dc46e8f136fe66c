"""`cxwh pipeline` re-parses dbt only when a dbt file changed since the last parse."""

from __future__ import annotations

import os

from dagster_project.defs.assets.dbt import _manifest_is_stale, dbt_project, prepare_manifest


def test_a_model_newer_than_the_manifest_makes_it_stale_and_a_parse_fixes_it():
    prepare_manifest()
    assert not _manifest_is_stale()
    model = next((dbt_project.project_dir / "models" / "marts").rglob("*.sql"))
    older = model.stat().st_mtime - 60
    os.utime(dbt_project.manifest_path, (older, older))  # as if the model changed since
    assert _manifest_is_stale()
    prepare_manifest()
    assert not _manifest_is_stale()
