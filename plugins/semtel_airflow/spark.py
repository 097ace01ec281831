"""``SparkSubmitOperator`` that runs out of the box on the worker's own Python and PySpark.

- Master ``local[*]`` when its Spark connection is not defined (the provider's hook would fall back to ``yarn``);
  the cluster when the deployment defines it (``AIRFLOW_CONN_SEMTEL_SPARK=spark://spark-master:7077`` in
  docker-compose).
- The driver and executors use the worker's interpreter (``PYSPARK_PYTHON``), which has ``semtel_core``.
- ``spark-submit`` is found next to that interpreter (PySpark installs it into the virtualenv's ``bin``) when
  it is not on ``PATH``, as when a virtualenv's commands are run without activating it.

- ``weekly_job=True``: the connection id comes from ``weekly.spark_conn_id`` of the run's settings, and the
  application's arguments are the run's week and parameters (``semtel_core.pipeline.spark_step``).

All of it is decided at run time on the worker, never at parse time.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from airflow.exceptions import AirflowNotFoundException
from airflow.providers.apache.spark.hooks.spark_submit import SparkSubmitHook
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

DEFAULT_MASTER = "local[*]"


class SemtelSparkSubmitOperator(SparkSubmitOperator):
    """``SparkSubmitOperator`` that submits to ``default_master`` when ``conn_id`` names no connection."""

    def __init__(
        self, *, default_master: str = DEFAULT_MASTER, weekly_job: bool = False, **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.default_master = default_master
        self.weekly_job = weekly_job

    def _weekly_arguments(self, context: Any) -> None:
        import json

        from semtel_airflow.timetable import week_of_context
        from semtel_core.pipeline.params import RunParams

        params = {k: context["params"][k] for k in context["params"]}
        self._conn_id = RunParams.parse(params).settings().weekly.spark_conn_id
        week = week_of_context(context)
        self.application_args = [
            "--week-start",
            week.start.isoformat(),
            "--params",
            json.dumps(params),
            "--run-id",
            context["run_id"],
        ]

    def execute(self, context: Any) -> Any:
        if self.weekly_job:
            self._weekly_arguments(context)
        env = {"PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
        binary = self._spark_binary or "spark-submit"
        beside = Path(sys.executable).parent
        if shutil.which(binary) is None and (beside / binary).exists():
            env["PATH"] = f"{beside}{os.pathsep}{os.environ.get('PATH', '')}"
        self.env_vars = {**env, **(self.env_vars or {})}
        return super().execute(context)

    def _get_hook(self) -> SparkSubmitHook:
        hook = super()._get_hook()
        try:
            hook.get_connection(self._conn_id)
        except AirflowNotFoundException:
            self.log.info("no connection %r: Spark master %s", self._conn_id, self.default_master)
            # The provider resolved its yarn fallback in the hook's constructor; these are the fields it
            # derives from the master (checked against the provider pinned in constraints.txt by
            # tests/airflow/test_spark_operator.py).
            hook._connection["master"] = self.default_master
            hook._is_yarn = hook._is_yarn_cluster_mode = hook._is_kubernetes = False
            hook._should_track_driver_status = hook._resolve_should_track_driver_status()
        return hook
