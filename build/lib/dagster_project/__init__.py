"""The federal CX warehouse: Dagster ingestion, dbt transformation, publishing."""
