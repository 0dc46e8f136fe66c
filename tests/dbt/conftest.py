"""One real `dbt build` of the core models on the hand-made raw fixture per session.

The build runs in a subprocess with TZ=America/New_York, so any model that took the
fiscal period from the session time zone instead of the UTC date would be caught by the
fiscal-boundary assertions.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from dbt_runner import DbtRun, run_dbt_build
from fixture import make_warehouse

from dagster_project.core.warehouse import open_warehouse

DATABASES = ("warehouse.duckdb", "marts_db.duckdb")


def copy_databases(source: Path, target: Path) -> None:
    """The warehouse and marts files of one data directory into another."""
    for name in DATABASES:
        shutil.copy(source / name, target / name)


@dataclass
class BuiltWarehouse:
    data_dir: Path
    first_build: Path  # a copy of the data directory's databases right after the first build
    run: DbtRun

    def restore_first_build(self, target: Path) -> None:
        """The first build's databases into `target`, for a test that changes them."""
        copy_databases(self.first_build, target)

    def copy_current(self, target: Path) -> None:
        """The data directory's databases as the builds so far left them, into `target`."""
        copy_databases(self.data_dir, target)


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> BuiltWarehouse:
    data_dir = tmp_path_factory.mktemp("cx_data")
    make_warehouse(data_dir)
    run = run_dbt_build(data_dir)
    assert run.returncode == 0, run.output[-5000:]
    first_build = data_dir / "first_build"
    first_build.mkdir()
    copy_databases(data_dir, first_build)
    return BuiltWarehouse(data_dir, first_build, run)


@pytest.fixture(scope="session")
def marts(built_warehouse):
    """Read-only connection to the warehouse as the first build left it."""
    con = open_warehouse(built_warehouse.first_build)
    yield con
    con.close()
