"""The Dagster definitions: assets, asset checks, resources, jobs, schedules, sensors and
the fiscal-quarter partitions (`dagster_project.definitions` puts them together)."""
