"""Dagster assets: ingest (raw.*), dbt models, publish and export."""
