"""The warehouse's own library, shared by every other folder and free of Dagster: the
settings, opening the warehouse, the pipeline lock, fiscal periods, the seeds' reader,
the dbt build state, the published snapshot and progress reporting."""
