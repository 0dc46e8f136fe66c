"""How the export behaves around other runs: a locked warehouse, re-runs, a failure
half-way, and the partitioned Dagster asset."""

import json
import subprocess
import sys

import duckdb
import pytest
from dagster import materialize

import dagster_project.defs.assets.export as export
from dagster_project.defs.assets.export import ExportError, omb_quarterly_export, write_export
from dagster_project.defs.resources import all_resources

FOLDER = "FY2025-Q2"


def exports(data_dir):
    return data_dir / "published" / "exports"


def checksums(folder):
    return {
        f["path"]: f["sha256"] for f in json.loads((folder / "manifest.json").read_text())["files"]
    }


def test_rerun_replaces_the_folder_and_leaves_nothing_beside_it(data_dir):
    first = write_export(fiscal_year=2025, fiscal_quarter=2)
    (first / "stale.csv").write_text("from an older export\n")
    (first / "cx_responses" / "gone__web__x__y.csv").write_text("old\n")
    second = write_export(fiscal_year=2025, fiscal_quarter=2)
    assert second == first == exports(data_dir) / FOLDER
    assert not (second / "stale.csv").exists()
    assert not (second / "cx_responses" / "gone__web__x__y.csv").exists()
    # Same warehouse, same bytes: the files are written in a fixed order.
    assert checksums(second) == checksums(first)
    # No partial or set-aside copies remain next to it.
    assert sorted(p.name for p in exports(data_dir).iterdir() if FOLDER in p.name) == [FOLDER]


def test_a_failure_half_way_keeps_the_previous_export(data_dir, monkeypatch):
    before = write_export(fiscal_year=2025, fiscal_quarter=2)
    expected = checksums(before)

    def broken(path):
        raise OSError("disk full")

    monkeypatch.setattr(export, "_sha256", broken)
    with pytest.raises(OSError, match="disk full"):
        write_export(fiscal_year=2025, fiscal_quarter=2)
    assert checksums(before) == expected
    assert sorted(p.name for p in exports(data_dir).iterdir() if FOLDER in p.name) == [FOLDER]


def test_a_warehouse_locked_by_a_pipeline_fails_with_a_clear_message(data_dir):
    holder = subprocess.Popen(
        [
            sys.executable, "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('locked', flush=True); "
            "sys.stdin.read()",
            str(data_dir / "warehouse.duckdb"),
        ],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(ExportError, match="locked by a running pipeline.*retry"):
            write_export(fiscal_year=2025, fiscal_quarter=1)
    finally:
        holder.communicate("")
    assert not (exports(data_dir) / "FY2025-Q1").exists()


def test_a_warehouse_open_for_writing_in_this_process_fails_the_same_way(data_dir):
    writer = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    try:
        with pytest.raises(ExportError, match="locked by a running pipeline"):
            write_export(fiscal_year=2025, fiscal_quarter=2)
    finally:
        writer.close()


def test_the_asset_exports_the_quarter_of_its_partition(data_dir):
    # 2025-01-01 starts FY2025 Q2.
    result = materialize(
        [omb_quarterly_export],
        partition_key="2025-01-01",
        resources=all_resources(),
    )
    assert result.success
    [mat] = result.asset_materializations_for_node("published__omb_export")
    meta = {k: v.value for k, v in mat.metadata.items()}
    assert meta["fiscal_quarter"] == "FY2025 Q2"
    assert meta["path"] == str(exports(data_dir) / FOLDER)
    assert meta["files"] == 13
    assert meta["responses"] == 35
    assert meta["sha256"] == checksums(exports(data_dir) / FOLDER)
    assert meta["rows"]["cx_collection_details.csv"] == 9


def _export_with(monkeypatch, problems, *flags):
    from dagster_project.cli.main import main
    from dagster_project.defs.assets import export_validation

    monkeypatch.setattr(export_validation, "validate", lambda *args: problems)
    return main(["export", "--fiscal-year", "2025", "--quarter", "2", *flags])


@pytest.mark.parametrize(
    ("severity", "flags", "code", "status"),
    [("error", [], 1, "not_ready"), ("error", ["--allow-warnings"], 1, "not_ready"),
     ("warning", [], 1, "review"), ("warning", ["--allow-warnings"], 0, "review"),
     (None, [], 0, "ready")],
)  # fmt: skip
def test_cxwh_export_exits_non_zero_unless_ready_and_lists_the_problems(
    data_dir, monkeypatch, capsys, severity, flags, code, status
):
    from dagster_project.defs.assets.export_validation import Problem

    problems = [] if severity is None else [
        Problem(severity, "a rule", "cx_collection_details.csv", "svc · web", "what to do")
    ]  # fmt: skip
    assert _export_with(monkeypatch, problems, *flags) == code
    manifest = json.loads((exports(data_dir) / FOLDER / "manifest.json").read_text())
    assert manifest["status"] == status
    assert [p["row"] for p in manifest["problems"]] == [p.row for p in problems]
    printed = capsys.readouterr()
    if problems:
        assert "cx_collection_details.csv [svc · web] a rule: what to do" in printed.out
    if code:
        assert "the export is written but" in printed.err
