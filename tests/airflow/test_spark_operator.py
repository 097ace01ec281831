"""The weekly DAG's Spark operator submits to ``local[*]`` without a Spark connection, else to the connection's
master (the provider alone would fall back to ``yarn``)."""

from __future__ import annotations

import pytest

from semtel_airflow.spark import SemtelSparkSubmitOperator

pytestmark = [pytest.mark.unit]


def _command(conn_id: str = "semtel_spark_test") -> list[str]:
    operator = SemtelSparkSubmitOperator(task_id="classify_spark", conn_id=conn_id, application="job.py")
    command: list[str] = operator._get_hook()._build_spark_submit_command("job.py")
    return command


def _master(command: list[str]) -> str:
    return command[command.index("--master") + 1]


def test_without_connection_the_master_is_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_SEMTEL_SPARK_TEST", raising=False)
    assert _master(_command()) == "local[*]"


def test_the_connection_names_the_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_SEMTEL_SPARK_TEST", "spark://spark-master:7077")
    command = _command()
    assert _master(command) == "spark://spark-master:7077"
    assert command[-1] == "job.py"


def test_a_yarn_connection_stays_yarn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_SEMTEL_SPARK_TEST", '{"conn_type": "spark", "host": "yarn"}')
    assert _master(_command()) == "yarn"


def test_the_dag_uses_it() -> None:
    from pathlib import Path

    from airflow.dag_processing.dagbag import DagBag

    dags = Path(__file__).resolve().parents[2] / "dags" / "semantic_telemetry_weekly.py"
    bag = DagBag(dag_folder=str(dags))
    task = bag.dags["semantic_telemetry_weekly"].get_task("classify_spark")
    assert isinstance(task, SemtelSparkSubmitOperator) and task.default_master == "local[*]"
