"""The data_rules test (dbt/macros/data_rules.sql) counts every broken rule: here its
unique checks, which group the rows' hashes first and then only the rows whose hash
repeats, by value. Rows written twice into the built marts of the fixture must come
back as failing rows of the right rule and column, with the right count."""

from __future__ import annotations

import pytest
from dbt_runner import dbt_cli

from dagster_project.core.warehouse import open_warehouse

pytestmark = pytest.mark.slow


def test_duplicated_keys_fail_the_rules_that_name_them(built_warehouse, tmp_path):
    built_warehouse.restore_first_build(tmp_path)
    with open_warehouse(tmp_path, read_only=False) as con:
        # one driver twice: its key and its bit repeat
        con.execute(
            "insert into marts.dim_driver select * from marts.dim_driver where driver = 'trust'"
        )
        # two answers twice
        con.execute(
            """
            insert into marts.fct_transaction_feedback
            select * from (
                select * from marts.fct_transaction_feedback
                order by response_key, driver limit 2
            )
            """
        )
    rules = ["dim_driver_rules", "fct_transaction_feedback_rules"]
    proc = dbt_cli(tmp_path, ["test", "--select", *rules, "--store-failures"])
    assert proc.returncode == 1, proc.stdout[-3000:]
    with open_warehouse(tmp_path) as con:
        tables = dict(
            con.execute(
                "select table_name, concat_ws('.', database_name, schema_name, table_name) "
                "from duckdb_tables() where list_contains(?, table_name)",
                [rules],
            ).fetchall()
        )
        found = {
            name: sorted(con.execute(f"select rule, column_name, failing_rows from {t}").fetchall())
            for name, t in tables.items()
        }
    assert found == {
        "dim_driver_rules": [("unique", "driver", 1), ("unique", "driver_bit", 1)],
        "fct_transaction_feedback_rules": [("unique_combination", "response_key, driver", 2)],
    }
