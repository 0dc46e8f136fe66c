"""What a build selects after the dbt project changed: an incremental model whose
columns changed is rebuilt in full (its existing rows cannot take the new shape)."""

from __future__ import annotations

import json
from pathlib import Path

from dagster_project.core.build_state import BuildPlan, incremental_models_reshaped


def _manifest(path: Path, models: dict[str, tuple[str, list[tuple[str, str]]]]) -> Path:
    nodes = {
        f"model.cx.{name}": {
            "name": name,
            "resource_type": "model",
            "config": {"materialized": materialized},
            "columns": {c: {"name": c, "data_type": t} for c, t in columns},
        }
        for name, (materialized, columns) in models.items()
    }
    path.write_text(json.dumps({"nodes": nodes}))
    return path


def test_an_incremental_model_with_new_columns_is_named(tmp_path):
    before = _manifest(tmp_path / "before.json", {
        "fct_response": ("incremental", [("response_key", "varchar")]),
        "fct_journey": ("incremental", [("case_id", "varchar")]),
        "agg_scores": ("table", [("n", "bigint")]),
    })  # fmt: skip
    after = _manifest(tmp_path / "after.json", {
        "fct_response": ("incremental", [("response_key", "varchar"), ("is_suspect", "boolean")]),
        "fct_journey": ("incremental", [("case_id", "varchar")]),
        "agg_scores": ("table", [("n", "bigint"), ("score", "double")]),  # a table: rebuilt anyway
        "fct_new": ("incremental", [("k", "varchar")]),  # new: nothing to reshape
    })  # fmt: skip
    assert incremental_models_reshaped(before, after) == ["fct_response"]
    assert incremental_models_reshaped(before, before) == []
    # a type change counts too; an unreadable earlier manifest names nothing
    retyped = _manifest(tmp_path / "retyped.json", {
        "fct_response": ("incremental", [("response_key", "integer")]),
    })  # fmt: skip
    assert incremental_models_reshaped(before, retyped) == ["fct_response"]
    assert incremental_models_reshaped(tmp_path / "missing.json", after) == []


def test_a_full_refresh_plan_passes_the_flag_to_dbt(tmp_path):
    plan = BuildPlan(("state:modified+",), ("dbt code changed",), {}, tmp_path, True)
    assert plan.dbt_args() == [
        "--select", "state:modified+", "--state", str(tmp_path), "--full-refresh",
    ]  # fmt: skip
    assert "--full-refresh" not in BuildPlan(("state:modified+",), (), {}, tmp_path).dbt_args()
