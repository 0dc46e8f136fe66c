"""dbt Python models on a local SparkSession (dbt-spark's `session` method).

dbt-spark submits a Python model only to Databricks (`all_purpose_cluster`,
`job_cluster`); with `method: session` it has nowhere to send it. The SparkSession is
in this process, so this adds a `session` submission method that runs the model's
compiled code here, against that session: `dbt.ref()` is a Spark DataFrame, the model
returns a pandas or Spark DataFrame, and dbt-spark's own epilogue writes it as a
Parquet table. One model needs it: int_score_cells_protected (complementary
suppression's linear programs, HiGHS), which then runs the same code on both engines.

`enable()` must run in the process that runs dbt before the build: the pipeline's dbt
step and the Spark tests do. By hand: `python -m dagster_project.core.spark_python
build --target spark` (dbt's own CLI, in-process, with the method enabled).
"""

from __future__ import annotations

import sys
from typing import Any

SUBMISSION_METHOD = "session"


class SessionPythonJobHelper:
    """Runs a compiled dbt Python model in this process's SparkSession."""

    def __init__(self, parsed_model: dict, credentials: Any) -> None:
        self.parsed_model = parsed_model

    def submit(self, compiled_code: str) -> None:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.getOrCreate()
        path = self.parsed_model.get("original_file_path", "<dbt python model>")
        exec(compile(compiled_code, path, "exec"), {"spark": spark, "__name__": "__dbt_model__"})


def enable() -> None:
    """Teach dbt-spark the `session` submission method and make it the default on a
    `method: session` target. Idempotent; nothing when dbt-spark is not installed."""
    import warnings

    # pyspark 4.3 warns at every session start that it is not tested with pandas 3; the
    # one model that hands pandas frames to Spark is checked by the parity test
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    try:
        from dbt.adapters.spark.impl import SparkAdapter
    except ImportError:
        return
    if getattr(SparkAdapter, "_cx_session_python", False):
        return
    helpers = SparkAdapter.python_submission_helpers.fget
    default = SparkAdapter.default_python_submission_method.fget

    def python_submission_helpers(self):
        return {**helpers(self), SUBMISSION_METHOD: SessionPythonJobHelper}

    def default_python_submission_method(self):
        if str(getattr(self.config.credentials, "method", "")) == SUBMISSION_METHOD:
            return SUBMISSION_METHOD
        return default(self)

    SparkAdapter.python_submission_helpers = property(python_submission_helpers)
    SparkAdapter.default_python_submission_method = property(default_python_submission_method)
    SparkAdapter._cx_session_python = True


# dbt's options that say which project, profile and target a command runs on
_WHERE = ("--project-dir", "--profiles-dir", "--target", "-t", "--target-path", "--log-path")


def main(argv: list[str]) -> int:
    """`dbt <argv>` in this process with the session method; on a Spark target the raw
    Parquet is declared first (the `register_raw_sources` operation)."""
    from dbt.cli.main import dbtRunner

    enable()
    runner = dbtRunner()
    where = [arg for i, arg in enumerate(argv[1:]) if arg in _WHERE or argv[i] in _WHERE]
    target = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a in ("--target", "-t")), "")
    declare = target.startswith("spark") and argv[:1] != ["run-operation"]
    if declare and not runner.invoke(["run-operation", "register_raw_sources", *where]).success:
        return 1
    result = runner.invoke(argv)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
