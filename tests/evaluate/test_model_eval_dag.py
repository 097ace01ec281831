"""``dags/semtel_model_eval.py`` end to end with ``dag.test()`` (fresh Airflow home and SQLite database, in a
subprocess) against the local endpoint: identical configurations pass, a truncation change fails the task."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
_RUN = """
import json, sys
from airflow.dag_processing.bundles.manager import DagBundlesManager
from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db
DagBundlesManager().sync_bundles_to_db()
bag = DagBag(dag_folder=sys.argv[1])
sync_bag_to_db(bag, "dags-folder", None)  # dag.test() creates its run from the serialized DAG
dag = bag.get_dag("semtel_model_eval")
run = dag.test(run_conf=json.loads(sys.argv[2]))
print("STATE=" + str(run.state))
"""


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    from semtel_core.endpoint.testing import running_endpoint

    home = tmp_path_factory.mktemp("airflow")
    env = {"AIRFLOW_HOME": str(home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    with running_endpoint("--lazy-load") as url:
        yield {**env, "SEMTEL_TEST_ENDPOINT": url}


def _trigger(env: dict[str, str], out: Path, config_b: dict[str, object]) -> str:
    endpoint = [
        {"name": "local", "base_url": env["SEMTEL_TEST_ENDPOINT"], "model": "instant", "api_key": "k"}
    ]
    conf = {
        "output_root": str(out),
        "classifiers": ["topic"],
        "config_a": {"endpoints": endpoint},
        "config_b": {"endpoints": endpoint, **config_b},
    }
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, str(REPO / "dags" / "semtel_model_eval.py"), json.dumps(conf)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "STATE=" in proc.stdout, proc.stderr[-3000:]
    return proc.stdout.rsplit("STATE=", 1)[1].strip()


def test_identical_configurations_succeed(airflow_env: dict[str, str], tmp_path: Path) -> None:
    assert _trigger(airflow_env, tmp_path, {}) == "success"
    (report,) = tmp_path.glob("*/comparison.json")
    assert json.loads(report.read_text())["gate"]["passed"] is True


def test_a_shift_fails_the_task(airflow_env: dict[str, str], tmp_path: Path) -> None:
    shift = {"prompts": {"truncation": "head", "max_conversation_tokens": 64}}
    assert _trigger(airflow_env, tmp_path, shift) == "failed"
    (report,) = tmp_path.glob("*/comparison.json")
    assert json.loads(report.read_text())["gate"]["passed"] is False
