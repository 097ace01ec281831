"""DAG integrity: every DAG file imports with no errors, no connection lookups and no heavy imports at parse time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
DAG_FILES = sorted((REPO / "dags").glob("*.py"))
HEAVY = ("pyspark", "great_expectations", "openai", "polars", "torch", "pandas", "sentence_transformers")

# Parse every DAG file in a fresh interpreter (so modules imported by earlier tests do not hide a heavy import),
# with connection lookups made to fail loudly, and report what got imported.
_PROBE = """
import json, sys
HEAVY = sys.argv[2].split(",")
from airflow.sdk import BaseHook
from airflow.dag_processing.dagbag import DagBag

def _no_connections(*a, **k):
    raise AssertionError(f"connection lookup at parse time: {a}")
BaseHook.get_connection = classmethod(_no_connections)
bag = DagBag(dag_folder=sys.argv[1])
print(json.dumps({
    "errors": {k: str(v) for k, v in bag.import_errors.items()},
    "dags": sorted(bag.dag_ids),
    "heavy": sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY)),
}))
"""


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_parses_cleanly(dag_file: Path, tmp_path: Path) -> None:
    import json

    env = {
        "AIRFLOW_HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
    }
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(dag_file), ",".join(HEAVY)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["errors"] == {}
    assert report["dags"], "no DAG defined"
    assert report["heavy"] == [], f"heavy modules imported at parse time: {report['heavy']}"
