"""A real warehouse for the export tests: the core dbt fixture plus scenario.py's rows,
then `dbt build` of the OMB views and everything upstream, on a DuckDB file in tmp."""

import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.core.settings import DBT_PROJECT_DIR

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dbt"))
from dbt_runner import dbt_cli  # noqa: E402

# The core marts the OMB views read; without them the views cannot be built.
CORE_MARTS = (
    "fct_response",
    "fct_transaction_feedback",
    "agg_quarterly_service_scores",
    "agg_response_rates",
    "dim_service",
    "dim_channel",
    "dim_driver",
)


def run_dbt(args: list[str], data_dir: Path) -> None:
    # A subprocess (dbt_cli), not dbtRunner: tests/conftest.py puts tests/ on sys.path,
    # where tests/dbt/ (a package) would shadow the dbt package inside this process.
    done = dbt_cli(data_dir, args, target=data_dir / "dbt_target", logs=data_dir / "dbt_logs")
    assert done.returncode == 0, f"dbt {' '.join(args)} failed:\n{done.stdout[-4000:]}"


ENV = {"CX_ID_SALT": "export-test-salt", "CX_DUCKDB_MEMORY_LIMIT": "1GB"}


@pytest.fixture(scope="session")
def built_export_warehouse(tmp_path_factory):
    """The warehouse and marts files, built once per test session (the dbt build takes
    half a minute); each module gets its own copy."""
    marts = DBT_PROJECT_DIR / "models" / "marts"
    missing = [m for m in CORE_MARTS if not list(marts.rglob(f"{m}.sql"))]
    if missing:
        pytest.skip(f"core dbt marts not written yet: {', '.join(missing)}")
    from export_scenario import build_export_fixture

    data = tmp_path_factory.mktemp("cx_export_build")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CX_DATA_DIR", str(data))
        for name, value in ENV.items():
            mp.setenv(name, value)
        con = duckdb.connect(str(data / "warehouse.duckdb"))
        try:
            build_export_fixture(con)
        finally:
            con.close()
        # Every seed first, and only tests whose parents are all built (cautious):
        # relationship tests of the selected nodes read models outside this graph.
        run_dbt(["seed"], data)
        run_dbt(
            ["build", "--select", "+path:models/marts/omb", "--indirect-selection", "cautious"],
            data,
        )
    return data


@pytest.fixture(scope="module")
def data_dir(built_export_warehouse, tmp_path_factory):
    """A data folder of this module's own: the built databases copied, nothing else."""
    data = tmp_path_factory.mktemp("cx_data")
    for database in built_export_warehouse.glob("*.duckdb"):
        shutil.copy(database, data / database.name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CX_DATA_DIR", str(data))
        for name, value in ENV.items():
            mp.setenv(name, value)
        yield data
