"""The ingest library: landing-zone discovery, the per-source parsers (`sources/`) and the
set-based loader that writes `raw.*`. Plain Python; the Dagster assets in `defs/` call it."""
