"""The run summary groups Dagster's step times into the pipeline's phases."""

from dagster_project.cli.pipeline import phase_seconds


def test_steps_are_grouped_into_phases():
    steps = {
        "raw__agency_api": 1.5,
        "raw__service_volumes": 2.0,
        "raw__agency_api_fresh_delivery": 0.25,
        "raw__touchpoints_unique_record_keys": 0.5,
        "warehouse_dbt_assets": 10.0,
        "published__dashboard_snapshot": 1.0,
        "alerts__deliveries": 0.5,
    }
    assert phase_seconds(steps) == {
        "ingest": 3.5,
        "ingest checks": 0.75,
        "dbt build + tests": 10.0,
        "publish": 1.0,
        "alert delivery": 0.5,
    }
