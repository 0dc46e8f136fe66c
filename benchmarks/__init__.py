"""`make bench`: the warehouse against a bare-DuckDB floor and a pandas baseline.

`python -m benchmarks.run --help` for the options; results go to `benchmarks/results.md`.
"""
