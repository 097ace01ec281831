"""No docker engine here: the compose file is validated statically."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = [pytest.mark.unit]

REPO = Path(__file__).resolve().parents[2]
AIRFLOW_ROLES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_every_component_is_there(compose: dict[str, Any]) -> None:
    services = set(compose["services"])
    assert (
        AIRFLOW_ROLES
        | {"postgres", "redis", "airflow-init", "spark-master", "spark-worker", "semtel-endpoint"}
        <= services
    )


def test_every_airflow_process_shares_the_rate_budget_in_compose_redis(compose: dict[str, Any]) -> None:
    for name in AIRFLOW_ROLES:
        svc = compose["services"][name]
        assert svc["environment"]["SEMTEL_CLIENT__SHARED_BUDGET_URL"] == "redis://redis:6379/0"
        assert svc["depends_on"]["redis"]["condition"] == "service_healthy"


def test_images_are_pinned(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        image = svc.get("image", "")
        assert re.fullmatch(r"[\w./-]+:[\w.-]+", image), f"{name}: image {image!r} is not pinned to a tag"
        assert not image.endswith(":latest"), name
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r"^FROM apache/airflow:3\.3\.\d+-python3\.11$", dockerfile, re.M)


def test_long_running_services_have_healthchecks(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        if name == "airflow-init":
            continue
        check = svc.get("healthcheck", {})
        assert check.get("test"), f"{name} has no healthcheck"


def test_airflow_runs_the_celery_executor_on_postgres_and_redis_with_mounted_code(
    compose: dict[str, Any],
) -> None:
    budget_db = compose["x-airflow-common"]["environment"]["SEMTEL_CLIENT__SHARED_BUDGET_URL"].rsplit("/", 1)[
        1
    ]
    for name in AIRFLOW_ROLES:
        svc = compose["services"][name]
        env = svc["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")
        broker = env["AIRFLOW__CELERY__BROKER_URL"]
        assert broker.startswith("redis://redis:6379/") and broker.rsplit("/", 1)[1] != budget_db, broker
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://")
        mounts = {v.split(":")[1] for v in svc["volumes"]}
        assert {"/opt/airflow/dags", "/opt/airflow/plugins", "/opt/airflow/prompts"} <= mounts
        assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert svc["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
    for folder in ("dags", "plugins", "prompts"):
        assert (REPO / folder).is_dir()


def test_env_example_defines_every_variable_compose_uses(compose: dict[str, Any]) -> None:
    text = (REPO / "docker-compose.yaml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{(\w+)\}", text))  # $${X} is escaped for the container shell
    example = (REPO / ".env.example").read_text()
    defined = set(re.findall(r"^(\w+)=", example, re.M))
    assert used <= defined, used - defined


def test_named_volumes_are_declared(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes", {}))
    for name, svc in compose["services"].items():
        for vol in svc.get("volumes", []):
            src = vol.split(":")[0]
            if not src.startswith((".", "/")):
                assert src in declared, f"{name} uses undeclared volume {src}"


def test_deployment_settings_are_typed_settings_and_the_endpoint_is_the_connection(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every SEMTEL_* variable of the deployment is a field of semtel's settings (one home), and the endpoint
    named there is the AIRFLOW_CONN_SEMTEL_DEFAULT connection (its URL and model reach the settings)."""
    from semtel_core.config import load_settings

    env = compose["x-airflow-common"]["environment"]
    monkeypatch.delenv("SEMTEL_CONFIG", raising=False)
    for name, value in env.items():
        if name.startswith(("SEMTEL_", "AIRFLOW_CONN_")):
            monkeypatch.setenv(name, str(value))
    settings = load_settings()
    (endpoint,) = settings.endpoints
    assert (endpoint.base_url, endpoint.model) == ("http://semtel-endpoint:8765/v1", "local-zeroshot")
    assert settings.weekly.sources == ["/opt/semtel/data/input"]
    assert settings.weekly.output_root == "/opt/semtel/data/output"


def test_tasks_run_on_separate_celery_worker_services(compose: dict[str, Any]) -> None:
    worker = compose["services"]["airflow-worker"]
    assert worker["command"] == ["airflow", "celery", "worker"]
    assert worker["deploy"]["replicas"] >= 2
    assert "inspect ping" in " ".join(worker["healthcheck"]["test"])
    assert "redis-data" in {v.split(":")[0] for v in compose["services"]["redis"]["volumes"]}
    # The image installs the Celery provider: it is in the airflow extra the Dockerfile installs.
    setup = (REPO / "setup.cfg").read_text()
    assert "apache-airflow-providers-celery" in setup and "[airflow," in (REPO / "Dockerfile").read_text()
