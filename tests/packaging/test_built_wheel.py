"""The built wheel, not the checkout: a fresh virtualenv with only the wheel of semtel installed (its
dependencies are reused from the test environment's site-packages through a ``.pth`` path entry, which does not
activate the checkout's editable install), run from a folder outside the repository.

- ``semtel classify`` on the bundled sample finds the shipped classifiers (prompts are package data) and
  classifies against the local endpoint, also when the endpoint is an Airflow connection of type ``semtel_llm``;
- ``airflow providers list`` shows the ``semtel`` provider and ``airflow plugins`` its plugin (the timetable);
- ``semtel airflow install-dags`` places the shipped DAGs, which parse with no import error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from semtel_core.endpoint.testing import running_endpoint

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, (
        f"{args} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return proc.stdout


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(REPO),
        ],
        cwd=work,
        env=dict(os.environ),
    )
    (wheel,) = dist.glob("semtel-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=work, env=dict(os.environ))
    python = venv / "bin" / "python"
    purelib = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work, {}
        ).strip()
    )
    (purelib / "semtel_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(purelib), str(wheel)],
        cwd=work,
        env=dict(os.environ),
    )
    # pip --target writes no console scripts: run the modules with the venv's interpreter.
    env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(work),
        "HF_HUB_OFFLINE": "1",
        "AIRFLOW_HOME": str(work / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(work / "no-plugins"),
    }
    where = _run(
        [str(python), "-c", "import semtel_core, semtel_airflow; print(semtel_core.__file__)"], work, env
    )
    assert where.startswith(str(purelib)), where  # the wheel's code, not the checkout's
    yield python, env


def test_semtel_classify_from_the_wheel_finds_its_classifiers(
    wheel_venv: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    python, env = wheel_venv
    with running_endpoint() as base_url:
        direct = tmp_path / "direct.yaml"
        direct.write_text(json.dumps({"endpoints": [{"name": "local", "base_url": base_url}]}))
        by_connection = tmp_path / "conn.yaml"
        by_connection.write_text(
            json.dumps({"endpoints": [{"name": "main", "airflow_conn_id": "semtel_llm"}]})
        )
        conn = {
            "conn_type": "semtel_llm",
            "host": base_url,
            "password": "k",
            "extra": {"model": "local-zeroshot"},
        }
        conn_env = {**env, "AIRFLOW_CONN_SEMTEL_LLM": json.dumps(conn)}
        sample = _run(
            [str(python), "-c", "from semtel_core.sample_data import CONVERSATIONS_PATH as p; print(p)"],
            tmp_path,
            env,
        ).strip()
        for name, config, run_env in (("direct", direct, env), ("connection", by_connection, conn_env)):
            out = tmp_path / name
            _run(
                [
                    str(python),
                    "-m",
                    "semtel_core.cli.app",
                    "classify",
                    "-i",
                    sample,
                    "-o",
                    str(out),
                    "--classifiers",
                    "topic",
                    "--strategy",
                    "single",
                    "-c",
                    str(config),
                ],
                tmp_path,
                run_env,
            )
            table = pq.read_table(out / "results")
            statuses = set(table.column("status").to_pylist())
            assert table.num_rows >= 282 and statuses <= {"ok", "repaired"}, (name, statuses)


def test_the_wheel_is_an_airflow_provider_with_its_plugin_and_dags(
    wheel_venv: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    python, env = wheel_venv
    providers = _run([str(python), "-m", "airflow", "providers", "list", "-o", "json"], tmp_path, env)
    (_semtel,) = [p for p in json.loads(providers) if p["package_name"] == "semtel"]
    plugins = json.loads(_run([str(python), "-m", "airflow", "plugins", "-o", "json"], tmp_path, env))
    (plugin,) = [p for p in plugins if p["name"] == "semtel"]
    assert plugin["timetables"] == ["semtel_airflow.timetable.SemtelWeeklyTimetable"], plugin
    dags = tmp_path / "dags"
    _run([str(python), "-m", "semtel_core.cli.app", "airflow", "install-dags", str(dags)], tmp_path, env)
    assert sorted(p.name for p in dags.iterdir()) == ["semantic_telemetry_weekly.py", "semtel_model_eval.py"]
    probe = (
        "from airflow.dag_processing.dagbag import DagBag; import sys; b = DagBag(dag_folder=sys.argv[1]); "
        "assert not b.import_errors, b.import_errors; print(sorted(b.dags))"
    )
    parsed = _run([str(python), "-c", probe, str(dags)], tmp_path, env)
    assert "semantic_telemetry_weekly" in parsed and "semtel_model_eval" in parsed
