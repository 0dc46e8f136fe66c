"""The Dagster ingest assets and their checks, materialised for real (in process)."""

from __future__ import annotations

import time

import duckdb
from dagster import AssetKey, materialize

from dagster_project.defs.assets.ingest import ingest_assets
from dagster_project.defs.resources import all_resources

RESOURCES = all_resources()

TP = (
    "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
    "answer_01,answer_02,answer_03,answer_04\n"
    "1,F,a11_v2,fsa-fafsa,web,2025-01-15T10:00:00Z,/,UA,,1,ease,,\n"
    "2,F,a11_v2,fsa-fafsa,web,2025-01-15T10:00:00Z,/,UA,,7,,,\n"
    "3,F,a11_v2,nope,web,2025-01-15T10:00:00Z,/,UA,,1,,,\n"
)
CC = "CallID;CallStart;Queue;CallerNumber;Q1;Q2;Q3;Q4;Q5;AgentNote\nC1;03/08/2025 10:00;FSA-HELP;1;5;4;3;2;1;ok\n"


def _evaluations(result) -> dict[tuple[str, str], tuple[bool, str]]:
    return {
        (e.asset_key.path[-1], e.check_name): (e.passed, e.severity.value)
        for e in result.get_asset_check_evaluations()
    }


def test_materialize_ingest_assets_and_checks(land, data_dir, monkeypatch):
    now = int(time.time()) - 3600  # delivered an hour ago: fresh
    land("touchpoints", "tp.csv", TP, order=now - 1_750_000_000)
    land("contact_center", "cc.csv", CC, order=now - 1_750_000_000)
    result = materialize(ingest_assets, resources=RESOURCES)
    assert result.success
    (md,) = [
        m.metadata
        for m in result.asset_materializations_for_node("raw")  # one step loads every source
        if m.asset_key == AssetKey(["raw", "touchpoints"])
    ]
    assert (md["files"].value, md["rows_read"].value, md["rows_loaded"].value) == (1, 3, 2)
    assert (md["rows_quarantined"].value, md["answers_quarantined"].value) == (1, 1)
    assert md["dagster/row_count"].value == 2
    assert [r.data["file"] for r in md["file_loads"].value.records] == ["touchpoints/tp.csv"]

    checks = _evaluations(result)
    assert len(checks) == 20
    assert checks[("touchpoints", "rows_accounted_for")] == (True, "ERROR")
    assert checks[("touchpoints", "unique_record_keys")] == (True, "ERROR")
    assert checks[("touchpoints", "fresh_delivery")] == (True, "WARN")
    assert checks[("contact_center", "fresh_delivery")] == (True, "WARN")
    # nothing delivered for agency_api: warns, but the run still succeeds
    assert checks[("agency_api", "fresh_delivery")] == (False, "WARN")
    assert all(passed for (_, name), (passed, _) in checks.items() if name != "fresh_delivery")

    # corrupt load_log and duplicate a record by hand: the checks must notice
    with duckdb.connect(str(data_dir / "warehouse.duckdb")) as con:
        con.execute(
            "update raw.load_log set rows_loaded = rows_loaded - 1 where _source = 'touchpoints'"
        )
        con.execute("insert into raw.contact_center select * from raw.contact_center")
    again = materialize(ingest_assets, resources=RESOURCES)
    assert again.success  # ERROR-severity checks report, they do not block
    checks = _evaluations(again)
    assert checks[("touchpoints", "rows_accounted_for")] == (False, "ERROR")
    assert checks[("contact_center", "unique_record_keys")] == (False, "ERROR")
    assert checks[("contact_center", "rows_accounted_for")] == (True, "ERROR")


def test_stale_delivery_warns(land, monkeypatch):
    land("touchpoints", "old.csv", TP, order=0)  # mid-2025
    monkeypatch.setenv("CX_FRESHNESS_HOURS", "1")
    result = materialize(ingest_assets, resources=RESOURCES)
    assert result.success
    assert _evaluations(result)[("touchpoints", "fresh_delivery")] == (False, "WARN")


def test_a_failed_file_warns_and_the_rest_loads(land, sql, monkeypatch):
    from dagster_project.ingest.sources import writer

    land("touchpoints", "good.csv", TP, order=1)
    land("touchpoints", "bad.csv", TP.replace("F,", "G,"), order=2)
    real = writer.replace_and_insert

    def fail_on_bad(con, spec, loaded_at, counts):
        files = [r[0] for r in con.execute("select _source_file from _files").fetchall()]
        if any(f.endswith("bad.csv") for f in files):
            raise RuntimeError("boom")
        return real(con, spec, loaded_at, counts)

    monkeypatch.setattr(writer, "replace_and_insert", fail_on_bad)
    result = materialize(ingest_assets, resources=RESOURCES, raise_on_error=False)
    assert result.success  # a bad file never stops the run
    checks = _evaluations(result)
    assert checks[("touchpoints", "no_rejected_or_failed_files")] == (False, "WARN")
    assert checks[("agency_api", "no_rejected_or_failed_files")] == (True, "WARN")
    [evaluation] = [
        e for e in result.get_asset_check_evaluations()
        if e.check_name == "no_rejected_or_failed_files" and not e.passed
    ]  # fmt: skip
    assert evaluation.description == "touchpoints/bad.csv failed: RuntimeError: boom"
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert AssetKey(["raw", "touchpoints"]) in materialized
    assert sql("select _source_file, status from raw.load_log order by load_id") == [
        ("touchpoints/good.csv", "loaded"),
        ("touchpoints/bad.csv", "failed"),
    ]


def test_selecting_one_source_loads_only_that_source(land, sql):
    land("touchpoints", "tp.csv", TP, order=1)
    land("contact_center", "cc.csv", CC, order=2)
    result = materialize(
        ingest_assets, resources=RESOURCES, selection=[AssetKey(["raw", "contact_center"])]
    )
    assert result.success
    assert [m.asset_key for m in result.asset_materializations_for_node("raw")] == [
        AssetKey(["raw", "contact_center"])
    ]
    assert {source for source, _ in _evaluations(result)} == {"contact_center"}
    assert len(_evaluations(result)) == 4
    assert sql("select _source, status from raw.load_log") == [("contact_center", "loaded")]
