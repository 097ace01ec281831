"""Run a DAG of ``dags/`` end to end with Airflow's own ``dag.test()``, without a scheduler.

This is how the embedded default (``semtel weekly``, the README's main job) and the DAG tests run the weekly DAG
on one machine: a private ``AIRFLOW_HOME`` with a SQLite metadata DB, then ``dag.test()`` per logical date in
one child process (Airflow keeps process-wide ORM and settings state, which must not leak into the caller).
``dag.test()`` runs deferrable operators' triggers in-process, so the batch path runs as it does on a
triggerer. The child prints one JSON line per run; the parent parses them into :class:`DagTestRun`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from semtel_core.errors import WorkflowRunError
from semtel_core.resources import bundled_dir

DAGS_FOLDER = bundled_dir("dags")
# A checkout's plugins folder; an installed semtel registers its plugin through the provider entry point instead.
PLUGINS_FOLDER = DAGS_FOLDER.parent / "plugins"
_RESULT_PREFIX = "SEMTEL_DAG_TEST "


@dataclass(frozen=True)
class DagTestRun:
    """One ``dag.test()`` run: its state, data interval start and every task instance's state."""

    logical_date: str
    state: str
    data_interval_start: str
    # (task_id, map_index, state); map_index is -1 for unmapped tasks.
    task_instances: tuple[tuple[str, int, str], ...]

    def states(self) -> dict[str, set[str]]:
        """task_id -> the set of its instances' states."""
        found: dict[str, set[str]] = {}
        for task_id, _, state in self.task_instances:
            found.setdefault(task_id, set()).add(state)
        return found

    def failed_tasks(self) -> list[str]:
        return sorted({t for t, _, s in self.task_instances if s in ("failed", "upstream_failed")})


def airflow_env(
    home: Path, dags_folder: Path = DAGS_FOLDER, plugins_folder: Path = PLUGINS_FOLDER
) -> dict[str, str]:
    """The environment of a private Airflow installation in ``home`` (SQLite, no examples)."""
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(plugins_folder),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
    }


def migrate(env: Mapping[str, str], timeout_s: float = 300) -> None:
    """``airflow db migrate`` (idempotent: quick when the DB is current)."""
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    if proc.returncode != 0:
        raise WorkflowRunError(
            f"airflow db migrate failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}",
            airflow_home=env["AIRFLOW_HOME"],
        )


def run_dag_tests(
    env: Mapping[str, str],
    dag_id: str,
    logical_dates: Sequence[datetime],
    conf: Mapping[str, Any],
    *,
    log_path: Path | None = None,
    timeout_s: float = 1800,
) -> list[DagTestRun]:
    """``dag.test()`` of ``dag_id`` for each logical date, in order, in one child process.

    The child's output (Airflow's task logs) goes to ``log_path`` when given. Returns every run, failed ones
    included; raises :class:`WorkflowRunError` only when the child itself fails
    (DAG import error, crash, timeout), with the end of its output.
    """
    args = [dag_id, json.dumps(dict(conf)), *(d.isoformat() for d in logical_dates)]
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "semtel_core.pipeline.dag_test", *args],
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        raise WorkflowRunError(
            f"dag.test of {dag_id} took longer than {timeout_s:.0f}s", dag_id=dag_id
        ) from None
    if log_path is not None:
        log_path.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    runs = [
        DagTestRun(
            logical_date=r["logical_date"],
            state=r["state"],
            data_interval_start=r["data_interval_start"],
            task_instances=tuple((t, int(m), s) for t, m, s in r["task_instances"]),
        )
        for r in (
            json.loads(line[len(_RESULT_PREFIX) :])
            for line in proc.stdout.splitlines()
            if line.startswith(_RESULT_PREFIX)
        )
    ]
    if proc.returncode != 0 or len(runs) != len(logical_dates):
        raise WorkflowRunError(
            f"dag.test of {dag_id} exited {proc.returncode} after {len(runs)} of {len(logical_dates)} run(s): "
            f"{proc.stderr.strip()[-3000:]}",
            dag_id=dag_id,
            runs=[r.state for r in runs],
        )
    return runs


def _main(argv: Sequence[str]) -> int:
    """Child process: ``python -m semtel_core.pipeline.dag_test DAG_ID CONF_JSON DATE...``."""
    import pendulum
    from airflow.dag_processing.dagbag import DagBag

    dag_id, conf, *dates = argv
    bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    if bag.import_errors:
        print(json.dumps({str(k): v for k, v in bag.import_errors.items()}), file=sys.stderr)
        return 3
    dag = bag.get_dag(dag_id)
    if dag is None:
        print(f"no DAG {dag_id!r} in {os.environ['AIRFLOW__CORE__DAGS_FOLDER']}", file=sys.stderr)
        return 3
    for date in dates:
        run = dag.test(logical_date=pendulum.parse(date), run_conf=json.loads(conf))
        result = {
            "logical_date": date,
            "state": str(run.state),
            "data_interval_start": run.data_interval_start.isoformat(),
            "task_instances": [[ti.task_id, ti.map_index, str(ti.state)] for ti in run.get_task_instances()],
        }
        print(_RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
