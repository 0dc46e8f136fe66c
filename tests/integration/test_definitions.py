"""The Dagster definitions load, and their shape is pinned: a rename is a visible change."""

from __future__ import annotations

from dagster import AssetKey, build_sensor_context, instance_for_test

from dagster_project.definitions import defs as load_definitions
from dagster_project.defs.resources import WAREHOUSE_KEY, WarehouseResource

WAREHOUSE = {WAREHOUSE_KEY: WarehouseResource()}

defs = load_definitions()


def _keys():
    graph = defs.resolve_asset_graph()
    return {key.to_user_string() for key in graph.get_all_asset_keys()}


def test_every_layer_is_in_the_asset_graph():
    keys = _keys()
    for source in ("touchpoints", "agency_api", "contact_center", "case_events", "service_volumes"):
        assert f"raw/{source}" in keys
    for mart in (
        "fct_response",
        "fct_transaction_feedback",
        "fct_journey",
        "fct_journey_stage",
        "fct_relationship",
        "dim_service",
        "dim_driver",
        "dim_channel",
        "dim_fiscal_quarter",
        "dim_journey_stage",
        "agg_quarterly_service_scores",
        "agg_response_rates",
    ):
        assert f"marts/{mart}" in keys
    assert "seeds/services" in keys
    assert "published/dashboard_snapshot" in keys
    assert "published/omb_export" in keys


def test_lineage_runs_one_way_from_landing_to_dashboard():
    graph = defs.resolve_asset_graph()
    upstream = graph.get(AssetKey(["marts", "fct_transaction_feedback"])).parent_keys
    ancestors = set(upstream)
    frontier = list(upstream)
    while frontier:
        node = frontier.pop()
        for parent in graph.get(node).parent_keys:
            if parent not in ancestors:
                ancestors.add(parent)
                frontier.append(parent)
    assert {AssetKey(["raw", "touchpoints"]), AssetKey(["raw", "agency_api"])} <= ancestors
    publish_parents = graph.get(AssetKey(["published", "dashboard_snapshot"])).parent_keys
    # publish waits on marts/dim_build, which dbt builds after every other mart
    assert publish_parents == {AssetKey(["marts", "dim_build"])}
    build_parents = graph.get(AssetKey(["marts", "dim_build"])).parent_keys
    marts = {k for k in graph.get_all_asset_keys() if k.path[0] == "marts"}
    assert build_parents == marts - {AssetKey(["marts", "dim_build"])}


def test_dbt_tests_and_ingest_checks_are_asset_checks():
    graph = defs.resolve_asset_graph()
    checks = graph.asset_check_keys
    by_asset: dict[str, int] = {}
    for check in checks:
        by_asset[check.asset_key.to_user_string()] = (
            by_asset.get(check.asset_key.to_user_string(), 0) + 1
        )
    assert by_asset.get("raw/touchpoints", 0) >= 3  # rows accounted, unique ids, freshness
    # a model's column rules are one dbt test (data_rules); reconciliations are others
    names = {
        c.name for c in checks if c.asset_key == AssetKey(["marts", "fct_transaction_feedback"])
    }
    assert {
        "fct_transaction_feedback_rules",
        "assert_every_raw_answer_in_fct_transaction_feedback",
    } <= names


def test_jobs_schedules_and_sensor():
    assert {j.name for j in defs.resolve_all_job_defs()} >= {
        "daily_load",
        "ingest_only",
        "omb_quarterly_export",
    }
    schedules = {s.name: s for s in defs.schedules}
    assert schedules["daily_load_schedule"].cron_schedule == "0 6 * * *"
    assert schedules["quarterly_export_schedule"].job_name == "omb_quarterly_export"
    assert [s.name for s in defs.sensors] == ["landing_zone_sensor"]


def test_landing_sensor_asks_for_a_run_only_when_files_are_new(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    sensor = defs.resolve_sensor_def("landing_zone_sensor")
    with instance_for_test() as instance:
        assert (
            sensor(build_sensor_context(instance=instance, resources=WAREHOUSE)).__class__.__name__
            == "SkipReason"
        )
        landing = tmp_path / "landing" / "service_volumes"
        landing.mkdir(parents=True)
        (landing / "v.csv").write_text(
            "service_id,fiscal_year,fiscal_quarter,channel,volume_of_customers,volume_offered_survey\n"
            "dos-passport,2026,1,web,100,50\n"
        )
        request = sensor(build_sensor_context(instance=instance, resources=WAREHOUSE))
        assert request.__class__.__name__ == "RunRequest"
        again = sensor(build_sensor_context(instance=instance, resources=WAREHOUSE))
        assert again.run_key == request.run_key  # same pending set, same run key


def test_quarterly_export_schedule_targets_the_quarter_just_ended():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dagster import build_schedule_context

    schedule = defs.resolve_schedule_def("quarterly_export_schedule")
    tick = datetime(2026, 1, 15, 7, 0, tzinfo=ZoneInfo("America/New_York"))
    with instance_for_test() as instance:
        request = schedule.evaluate_tick(
            build_schedule_context(
                instance=instance,
                scheduled_execution_time=tick,
                repository_def=defs.get_repository_def(),
            )
        ).run_requests[0]
    assert request.partition_key == "2025-10-01"  # FY2026 Q1 (Oct–Dec 2025)


def test_the_jobs_pick_their_engine_and_steps():
    """daily_load ends with the publish and the alert delivery; spark_build is the same
    ingest and dbt assets on the spark target (run tag), without what reads DuckDB's
    marts; deliver_alerts is the delivery alone."""
    from dagster_project.defs.assets.dbt import ENGINE_TAG

    def selected(name):
        job = defs.resolve_job_def(name)
        return job, {k.to_user_string() for k in job.asset_layer.selected_asset_keys}

    daily, daily_keys = selected("daily_load")
    spark, spark_keys = selected("spark_build")
    _, delivery_keys = selected("deliver_alerts")
    assert {"published/dashboard_snapshot", "alerts/deliveries"} <= daily_keys
    assert "published/omb_export" not in daily_keys
    assert spark_keys == daily_keys - {"published/dashboard_snapshot", "alerts/deliveries"}
    assert spark.tags.get(ENGINE_TAG) == "spark" and ENGINE_TAG not in daily.tags
    assert delivery_keys == {"alerts/deliveries"}


def test_the_spark_engine_says_what_to_install(monkeypatch, capsys):
    import importlib.util

    from dagster_project.cli.main import main

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a)
    )
    assert main(["pipeline", "--engine", "spark"]) == 2
    assert "--engine spark needs dbt-spark and pyspark: pip install -e '.[spark]'" in (
        capsys.readouterr().err
    )
