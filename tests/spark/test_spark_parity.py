"""The dbt project on Apache Spark gives the warehouse DuckDB gives (README "Running on
Spark").

One generated landing zone is ingested and built on DuckDB (`cxwh pipeline`); its raw
tables are staged as Parquet and the same dbt project is built on Spark (a local
SparkSession, `--target spark`: every seed and model) in ONE subprocess, so one JVM and
one session. The Spark marts are Parquet tables under $CX_DATA_DIR/lake/marts.db/,
read back here with DuckDB (no second session), and compared cell by cell (the
quarterly scores) and key by key (the facts). Any difference fails.

The dbt data tests (66) and unit tests (33) are left out of this build to keep `make
test` within its budget (the data tests alone add ~50 s on two cores): they check the
same data and SQL logic on either engine, and run on Spark in `cxwh pipeline --engine
spark` and in `make bench`'s Spark row at 1M.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dagster_project.cli.main import main
from dagster_project.core.lake import lake_dir, stage_raw_parquet
from dagster_project.core.settings import DBT_PROJECT_DIR, PROJECT_ROOT, get_settings
from dagster_project.core.warehouse import connect_warehouse

pytest.importorskip("pyspark", reason="the Spark tests need `pip install .[spark]`")
pytest.importorskip("dbt.adapters.spark", reason="the Spark tests need `pip install .[spark]`")

pytestmark = pytest.mark.slow

SCORE_KEY = ("service_id", "fiscal_year", "fiscal_quarter", "channel", "driver")
FACT_KEYS = {
    "fct_response": ("response_key",),
    "fct_transaction_feedback": ("response_key", "driver"),
    "fct_journey": ("journey_key",),
    "fct_journey_stage": ("journey_key", "stage_key"),
    "fct_relationship": ("customer_key", "fiscal_year", "fiscal_quarter"),
}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """(DuckDB connection with the DuckDB marts, a function reading a Spark mart)."""
    data = tmp_path_factory.mktemp("cx_spark")
    mp = pytest.MonkeyPatch()
    mp.setenv("CX_DATA_DIR", str(data))
    mp.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    assert main(["generate", "--responses", "2000", "--seed", "23", "--quiet"]) == 0
    assert main(["pipeline"]) == 0
    settings = get_settings()
    stage_raw_parquet(settings)
    env = {
        **os.environ,
        "CX_DATA_DIR": str(data),
        "CX_SPARK_DRIVER_MEMORY": "2g",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable, "-m", "dagster_project.core.spark_python", "build",
            "--target", "spark", "--exclude", "resource_type:unit_test", "resource_type:test",
            "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(data / "dbt_target_spark"), "--log-path", str(data / "logs"),
        ],  # fmt: skip
        env=env, cwd=data, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    print(f"dbt build on Spark: {time.monotonic() - started:.0f} s")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    con = connect_warehouse(settings, read_only=True)

    def spark_table(name: str) -> str:
        path = lake_dir(settings) / "marts.db" / name
        assert any(path.glob("*.parquet")), f"no Parquet table at {path}"
        return f"read_parquet('{path}/*.parquet')"

    yield con, spark_table
    con.close()
    mp.undo()


def _rows(con, sql: str) -> set[tuple]:
    return set(con.execute(sql).fetchall())


def test_quarterly_service_scores_equal_cell_by_cell(both):
    con, spark = both
    columns = ", ".join((*SCORE_KEY, "n", "n_positive", "round(score, 6)", "is_suppressed"))
    duck = _rows(con, f"select {columns} from marts.agg_quarterly_service_scores")
    on_spark = _rows(con, f"select {columns} from {spark('agg_quarterly_service_scores')}")
    assert duck, "the DuckDB build has no scores"
    assert sorted(duck - on_spark)[:10] == [] and sorted(on_spark - duck)[:10] == []


@pytest.mark.parametrize("fact", sorted(FACT_KEYS))
def test_fact_rows_and_keys_equal(both, fact):
    con, spark = both
    key = ", ".join(FACT_KEYS[fact])
    duck = con.execute(f"select {key} from marts.{fact}").fetchall()
    on_spark = con.execute(f"select {key} from {spark(fact)}").fetchall()
    assert len(on_spark) == len(duck)
    assert duck, f"the DuckDB build has no {fact} rows"
    assert sorted(set(duck) ^ set(on_spark))[:10] == []


def test_screening_flags_equal(both):
    con, spark = both
    sql = "select response_key, suspect_rule from {} where is_suspect"
    assert _rows(con, sql.format("marts.fct_response")) == _rows(
        con, sql.format(spark("fct_response"))
    )


def test_spark_tables_in_the_warehouse_dir(both):
    _, spark = both
    assert Path(spark("dim_service").split("'")[1]).parent.is_dir()
