"""Fixtures of the Airflow and weekly-pipeline tests: the local endpoint with fast batches, and one real Airflow
deployment shared by the tests that drive it (REST and the browser)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from airflow_stack import AirflowStack, StackError, airflow_stack, fresh_database, get_json

from semtel_core.endpoint.testing import FAST_BATCHES, running_endpoint

WEEKLY_DAG = "semantic_telemetry_weekly"


@pytest.fixture(scope="module")
def endpoint_url() -> Iterator[str]:
    with running_endpoint(*FAST_BATCHES) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def airflow_deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowStack]:
    """One real Airflow deployment (scheduler, triggerer, dag-processor, api-server on a fresh PostgreSQL
    database, tasks on a Celery worker as in docker-compose.yaml) shared by every test that needs one: starting it
    costs a minute."""
    home = tmp_path_factory.mktemp("airflow")
    # A run with default params would write relative to the process' folder: keep it in the test's home.
    with (
        fresh_database() as db_url,
        airflow_stack(
            home,
            db_url,
            executor="CeleryExecutor",
            SEMTEL_WEEKLY__OUTPUT_ROOT=str(home / "output"),
            AIRFLOW__CORE__TEST_CONNECTION="Enabled",
        ) as s,
    ):
        s.wait_for("the DAG to be parsed and serialized", lambda: _parsed(s), timeout=120)
        unpaused = s.api.patch(f"/dags/{WEEKLY_DAG}", json={"is_paused": False})
        assert unpaused.status_code == 200 and unpaused.json()["is_paused"] is False, unpaused.text
        yield s


@pytest.fixture
def stack(airflow_deployment: AirflowStack) -> AirflowStack:
    """The shared deployment with no run of the weekly DAG left by an earlier test (their logical dates would
    collide: a backfill skips them and a trigger gets a 409). A run an earlier failed test left going is marked
    failed first: Airflow refuses to delete a running run."""
    runs = get_json(airflow_deployment, f"/dags/{WEEKLY_DAG}/dagRuns", limit=100)["dag_runs"]
    for run in runs:
        path = f"/dags/{WEEKLY_DAG}/dagRuns/{quote(run['dag_run_id'], safe='')}"
        if run["state"] not in ("success", "failed"):
            stopped = airflow_deployment.api.patch(path, json={"state": "failed"})
            assert stopped.status_code == 200, stopped.text
        response = airflow_deployment.api.delete(path)
        assert response.status_code == 204, response.text
    return airflow_deployment


def _parsed(stack: AirflowStack) -> bool | None:
    errors = get_json(stack, "/importErrors")["import_errors"]
    if errors:
        raise StackError(f"DAG import errors: {errors}")
    return True if stack.api.get(f"/dags/{WEEKLY_DAG}").status_code == 200 else None
