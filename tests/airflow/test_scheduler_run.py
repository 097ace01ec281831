"""The weekly DAG on a real Airflow 3 deployment: scheduler (CeleryExecutor, a Celery worker on the local Redis),
triggerer, dag-processor and api-server as separate processes on a fresh PostgreSQL database (``airflow_stack``),
against the local endpoint.

- A run triggered and watched through the REST API v2 (week of 2026-10-05): every task instance's state, every
  one that ran executed by the Celery worker, and the batch wait done by the triggerer. While the run goes, ``batch_wait`` is seen ``deferred`` on a
  ``SemtelBatchTrigger``; its log (REST) then includes the file the triggerer job writes for that trigger (named
  after the job's id), in which the trigger with the same id starts and fires the batch's completion between the
  task's deferral and its resumption.
- ``airflow backfill create`` over the three following weeks, two runs at a time; then one week backfilled again
  with ``--reprocess-behavior completed``: that week's dataset partition is replaced (new files, same rows), the
  other weeks' files are untouched.

The bundled sample has conversations in exactly four weeks (Mondays 2026-10-05 to 2026-10-26, ~72 each), so each
run here has data; the REST run and the backfill use different weeks and output roots, so the tests are
independent. Airflow 3.3.2 can fail a deferred task whose trigger fires within seconds (apache/airflow#67287); the
DAG gives ``batch_wait`` retries for that, and the triggerer check accepts a resumption in the retry.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from airflow_stack import CELERY_WORKER, REPO, AirflowStack, get_json, wait_backfills_completed
from weekly_config import CLASSIFIERS as CONFIGURED
from weekly_config import write_config

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.xdist_group("airflow_stack")]

DAG_ID = "semantic_telemetry_weekly"
SAMPLE = REPO / "semtel_core" / "sample_data" / "conversations.jsonl"
TRIGGER_CLASS = "semtel_airflow.triggers.SemtelBatchTrigger"
REST_WEEK = date(2026, 10, 5)
BACKFILL_WEEKS = [date(2026, 10, 12), date(2026, 10, 19), date(2026, 10, 26)]
RERUN_WEEK = BACKFILL_WEEKS[1]
CLASSIFIERS = set(CONFIGURED)
MAPPED = {"classify", "batch_wait", "collect", "grade"}
TERMINAL = {"success", "failed"}


def _conf(tmp_path: Path, endpoint_url: str) -> dict[str, Any]:
    return {
        "output_root": str(tmp_path / "out"),
        "config_path": write_config(tmp_path / "semtel.yaml", endpoint_url),
        "batch_classifiers": ["satisfaction"],
        "poll_interval_s": 0.1,
    }


def _at(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat()


def _task_instances(stack: AirflowStack, run_id: str) -> list[dict[str, Any]]:
    tis: list[dict[str, Any]] = get_json(stack, f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", limit=100)[
        "task_instances"
    ]
    return tis


def _states(tis: list[dict[str, Any]]) -> dict[str, str | None]:
    return {f"{t['task_id']}[{t['map_index']}]": t["state"] for t in tis}


# ---------------------------------------------------------------------------------------------------------------
# A run triggered through the REST API


def _watch_run(
    stack: AirflowStack, run_id: str, timeout: float
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Poll the run and its task instances until the run ends; return the run and every ``batch_wait`` instance
    seen deferred (with its trigger)."""
    deferred: list[dict[str, Any]] = []

    def probe() -> dict[str, Any] | None:
        run: dict[str, Any] = get_json(stack, f"/dags/{DAG_ID}/dagRuns/{run_id}")
        tis = _task_instances(stack, run_id)
        deferred.extend(t for t in tis if t["task_id"] == "batch_wait" and t["state"] == "deferred")
        return run if run["state"] in TERMINAL else None

    return stack.wait_for(f"run {run_id} to end", probe, timeout, interval=0.25), deferred


def _log_events(stack: AirflowStack, run_id: str, ti: dict[str, Any]) -> list[dict[str, Any]]:
    """The task instance's structured log events (its own and its trigger's) as served by the REST API."""
    response = stack.api.get(
        f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/{ti['task_id']}/logs/{ti['try_number']}",
        params={"map_index": ti["map_index"], "full_content": True},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    return [e if isinstance(e, dict) else {"event": str(e)} for e in response.json()["content"]]


def _indices(events: list[dict[str, Any]], match: Any) -> list[int]:
    return [i for i, e in enumerate(events) if match(str(e.get("event", "")), e)]


def _assert_waited_on_triggerer(
    stack: AirflowStack, run_id: str, ti: dict[str, Any], deferred: list[dict[str, Any]], triggerer_id: int
) -> None:
    """``ti`` (a batch_wait instance) was seen deferred on our trigger in its first try; that try's log includes
    the file triggerer job ``triggerer_id`` writes for the trigger, where the trigger with the same id started
    and fired the batch's completion after the task deferred; then the task finished: resumed in the same try,
    or (the Airflow 3.3.2 race the DAG's retries absorb) in a retry that re-attached to the ended batches."""
    seen = [
        d for d in deferred if d["map_index"] == ti["map_index"] and d["try_number"] == 1 and d["trigger"]
    ]
    assert seen and {d["trigger"]["classpath"] for d in seen} == {TRIGGER_CLASS}, (ti, deferred)
    trigger = f"batch_wait/{ti['map_index']}/1 (ID {seen[0]['trigger']['id']})"
    events = _log_events(stack, run_id, {**ti, "try_number": 1})
    text = "\n".join(json.dumps(e) for e in events)
    assert _indices(events, lambda n, _: n.endswith(f".log.trigger.{triggerer_id}.log")), text
    paused = _indices(events, lambda n, _: n.startswith("Pausing task as DEFERRED"))
    started = _indices(events, lambda n, _: n.startswith("trigger ") and n.endswith(f"{trigger} starting"))
    fired = _indices(
        events,
        lambda n, e: (
            n == "Trigger fired event"
            and str(e.get("name", "")).endswith(trigger)
            and "'status': 'completed'" in str(e.get("result"))
        ),
    )
    resumed = _indices(events, lambda n, _: n == "::group::Pre Execute")
    assert len(paused) == len(started) == len(fired) == 1 and resumed, text
    # It ran, deferred, then the trigger started and fired.
    assert resumed[0] < paused[0] < started[0] < fired[0], text
    assert ti["state"] == "success", ti
    if ti["try_number"] == 1:
        assert resumed[1:] and fired[0] < resumed[1], text  # resumed in the same try
        return
    retry = _log_events(stack, run_id, ti)
    retry_text = "\n".join(json.dumps(e) for e in retry)
    assert ti["try_number"] == 2 and "re-attaching" in retry_text and "DEFERRED" not in retry_text, retry_text


def test_rest_triggered_run_defers_its_batch_wait_to_the_triggerer(
    stack: AirflowStack, endpoint_url: str, tmp_path: Path
) -> None:
    conf = _conf(tmp_path, endpoint_url)
    end = REST_WEEK + timedelta(days=7)
    body = {
        "logical_date": _at(REST_WEEK),
        "data_interval_start": _at(REST_WEEK),
        "data_interval_end": _at(end),
        "conf": conf,
    }
    created = stack.api.post(f"/dags/{DAG_ID}/dagRuns", json=body)
    assert created.status_code == 200, created.text
    run_id = created.json()["dag_run_id"]

    run, deferred = _watch_run(stack, run_id, timeout=180)
    tis = _task_instances(stack, run_id)
    context = f"run: {run}\ntask instances: {_states(tis)}\n{stack.log_tails()}"
    assert run["state"] == "success", context
    assert (run["run_type"], run["triggered_by"]) == ("manual", "rest_api"), context
    assert run["data_interval_start"].startswith(REST_WEEK.isoformat()), context
    assert run_id.startswith(f"manual__week-{REST_WEEK}__"), run_id  # the timetable names manual runs' weeks
    assert run["note"].startswith(f"semtel: week {REST_WEEK} "), context

    # Every task of the DAG ran (mapped ones once per shard: one per partition while under classify.max_shards) and
    # only the unused Spark branch skipped.
    dag_tasks = {t["task_id"] for t in get_json(stack, f"/dags/{DAG_ID}/tasks")["tasks"]}
    assert {t["task_id"] for t in tis} == dag_tasks, context
    not_success = {k: s for k, s in _states(tis).items() if s != "success"}
    assert not_success == {"classify_spark[-1]": "skipped"}, context
    mapped = {name: sorted(t["map_index"] for t in tis if t["task_id"] == name) for name in MAPPED}
    plan = json.loads((Path(conf["output_root"]) / f"week={REST_WEEK}" / "plan.json").read_text())
    assert mapped["classify"] == list(range(len(plan["online"]))) != [], (mapped, plan)
    assert mapped["batch_wait"] == mapped["collect"] == list(range(len(plan["batch"]))) != [], (mapped, plan)
    assert mapped["grade"] == list(range(plan["partitions"])), (mapped, plan)

    # Every task instance that ran was executed by the Celery worker: it logs each workload it takes, with the
    # task instance's id.
    worker_log = stack.logs[CELERY_WORKER].read_text(encoding="utf-8", errors="replace")
    ran = [t for t in tis if t["state"] == "success"]
    not_on_worker = [
        f"{t['task_id']}[{t['map_index']}]" for t in ran if f"id=UUID('{t['id']}')" not in worker_log
    ]
    assert ran and not not_on_worker, (not_on_worker, worker_log[-3000:])

    # The batch wait happened on the triggerer (the only triggerer job of this deployment).
    triggerers = get_json(stack, "/jobs", job_type="TriggererJob", is_alive=True)["jobs"]
    assert len(triggerers) == 1, triggerers
    waits = [t for t in tis if t["task_id"] == "batch_wait"]
    for ti in waits:
        _assert_waited_on_triggerer(stack, run_id, ti, deferred, triggerers[0]["id"])

    week = Path(conf["output_root"]) / f"week={REST_WEEK}"
    sampled = json.loads((week / "extract" / "extract_summary.json").read_text())["sampled"]
    loaded = _dataset(Path(conf["output_root"]))
    assert loaded.num_rows == sampled * len(CLASSIFIERS) > 0


# ---------------------------------------------------------------------------------------------------------------
# A multi-week backfill, then one week again


def _dataset(root: Path) -> Any:
    return ds.dataset(root / "dataset", format="parquet", partitioning="hive").to_table()


def _files(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under the dataset: relative path -> (inode, mtime_ns)."""
    base = root / "dataset"
    return {
        str(p.relative_to(base)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in base.rglob("*")
        if p.is_file()
    }


def _raw_weeks() -> dict[date, int]:
    """Rows of the bundled sample per week (Monday) of their timestamp, read without semtel's reader."""
    counts: dict[date, int] = {}
    for line in SAMPLE.read_bytes().splitlines():
        try:
            stamp = datetime.fromisoformat(str(json.loads(line)["timestamp"]).replace("Z", "+00:00"))
        except (ValueError, KeyError, TypeError):
            continue
        monday = stamp.date() - timedelta(days=stamp.weekday())
        counts[monday] = counts.get(monday, 0) + 1
    return counts


def _backfill(
    stack: AirflowStack, conf: dict[str, Any], first: date, last: date, *extra: str
) -> dict[str, Any]:
    """``airflow backfill create`` for [first, last] (logical dates); wait until the backfill completes."""
    # one running backfill per DAG: another test's may still be closing
    wait_backfills_completed(stack, DAG_ID)
    before = {b["id"] for b in get_json(stack, "/backfills", dag_id=DAG_ID)["backfills"]}
    stack.cli(
        "backfill",
        "create",
        "--dag-id",
        DAG_ID,
        "--from-date",
        first.isoformat(),
        "--to-date",
        last.isoformat(),
        "--dag-run-conf",
        json.dumps(conf),
        *extra,
    )
    new = [b for b in get_json(stack, "/backfills", dag_id=DAG_ID)["backfills"] if b["id"] not in before]
    assert len(new) == 1, new
    backfill_id = new[0]["id"]

    def completed() -> dict[str, Any] | None:
        backfill: dict[str, Any] = get_json(stack, f"/backfills/{backfill_id}")
        return backfill if backfill["completed_at"] else None

    return stack.wait_for(f"backfill {backfill_id} to complete", completed, timeout=240, interval=1)


def _backfill_runs(stack: AirflowStack) -> dict[date, dict[str, Any]]:
    runs = get_json(stack, f"/dags/{DAG_ID}/dagRuns", run_type="backfill", limit=100)["dag_runs"]
    return {date.fromisoformat(r["data_interval_start"][:10]): r for r in runs}


def _max_concurrent(runs: list[dict[str, Any]]) -> int:
    edges = sorted(
        [(datetime.fromisoformat(r["start_date"]), 1) for r in runs]
        + [(datetime.fromisoformat(r["end_date"]), -1) for r in runs]
    )
    running = peak = 0
    for _, step in edges:  # an end sorts before a start at the same instant
        running += step
        peak = max(peak, running)
    return peak


def _check_weeks(root: Path, weeks: list[date]) -> Any:
    """One working folder and one dataset partition per week; per week and classifier exactly one row per
    extracted conversation, and every extracted conversation timestamped inside its week."""
    assert sorted(p.name for p in root.iterdir()) == ["dataset", *(f"week={w}" for w in weeks)]
    assert sorted(p.name for p in (root / "dataset").iterdir()) == [f"week={w}" for w in weeks]
    table = _dataset(root)
    raw = _raw_weeks()
    seen_ids: set[str] = set()
    for week in weeks:
        extracted = pq.read_table(root / f"week={week}" / "extract" / "conversations.parquet")
        ids = set(extracted.column("conversation_id").to_pylist())
        stamps = extracted.column("timestamp").to_pylist()
        start = datetime(week.year, week.month, week.day, tzinfo=UTC)
        assert all(start <= s.astimezone(UTC) < start + timedelta(days=7) for s in stamps), week
        assert 0 < len(ids) == extracted.num_rows <= raw[week], (week, len(ids), raw)
        assert not ids & seen_ids, f"conversations of {week} also in another week"
        seen_ids |= ids
        rows = table.filter(pc.equal(table["week"], week.isoformat()))
        assert set(rows.column("classifier").to_pylist()) == CLASSIFIERS, week
        for classifier in CLASSIFIERS:
            got = rows.filter(pc.equal(rows["classifier"], classifier)).column("conversation_id").to_pylist()
            assert len(got) == len(set(got)) == len(ids) and set(got) == ids, (week, classifier)
    assert table.num_rows == len(seen_ids) * len(CLASSIFIERS)
    return table


@pytest.mark.timeout(600)  # two backfills with their own deadlines (and the logs in their messages) inside it
def test_backfill_three_weeks_then_rerun_one_replaces_its_partition(
    stack: AirflowStack, endpoint_url: str, tmp_path: Path
) -> None:
    conf = _conf(tmp_path, endpoint_url)
    root = Path(conf["output_root"])
    backfill = _backfill(stack, conf, BACKFILL_WEEKS[0], BACKFILL_WEEKS[-1], "--max-active-runs", "2")
    runs = _backfill_runs(stack)
    context = f"backfill: {backfill}\nruns: {runs}\n{stack.log_tails()}"
    assert sorted(runs) == BACKFILL_WEEKS, context
    for week, run in runs.items():
        states = _states(_task_instances(stack, run["dag_run_id"]))
        assert run["state"] == "success", (week, states, context)
        assert {k: v for k, v in states.items() if v != "success"} == {"classify_spark[-1]": "skipped"}, (
            states
        )
        assert run["conf"] == conf and run["triggered_by"] == "backfill", run
        # Airflow 3.3.2 names new backfill runs itself (backfill__<run_after>); the note says the week.
        assert run["note"].startswith(f"semtel: week {week} "), run
    assert _max_concurrent(list(runs.values())) == 2, context  # weeks overlapped, two at a time at most

    table = _check_weeks(root, BACKFILL_WEEKS)
    before = _files(root)
    rerun_rows = table.filter(pc.equal(table["week"], RERUN_WEEK.isoformat())).num_rows
    week_results = root / f"week={RERUN_WEEK}" / "results"
    result_files = sorted(os.listdir(week_results))

    batches_created = httpx.get(f"{endpoint_url}/_stats").json()["batches_created"]
    _backfill(stack, conf, RERUN_WEEK, RERUN_WEEK, "--reprocess-behavior", "completed")
    again = _backfill_runs(stack)
    run = again[RERUN_WEEK]
    tis = _task_instances(stack, run["dag_run_id"])
    assert run["state"] == "success", (_states(tis), stack.log_tails())
    assert run["dag_run_id"] == runs[RERUN_WEEK]["dag_run_id"]  # the same run, cleared and run again
    assert {t["task_id"]: t["try_number"] for t in tis if t["task_id"] in ("extract", "load")} == {
        "extract": 2,
        "load": 2,
    }, _states(tis)
    # The rerun re-attached to the week's ended batches: nothing sent again, nothing to wait for.
    assert httpx.get(f"{endpoint_url}/_stats").json()["batches_created"] == batches_created
    for ti in (t for t in tis if t["task_id"] == "batch_wait"):
        text = "\n".join(str(e.get("event")) for e in _log_events(stack, run["dag_run_id"], ti))
        assert "re-attaching" in text and "DEFERRED" not in text, text
    assert {w: r["end_date"] for w, r in again.items() if w != RERUN_WEEK} == {
        w: r["end_date"] for w, r in runs.items() if w != RERUN_WEEK
    }

    table = _check_weeks(root, BACKFILL_WEEKS)
    assert table.filter(pc.equal(table["week"], RERUN_WEEK.isoformat())).num_rows == rerun_rows
    after = _files(root)
    assert sorted(after) == sorted(before)  # same partition layout, no second copy, no staging leftovers
    prefix = f"week={RERUN_WEEK}/"
    replaced = {p for p in after if p.startswith(prefix)}
    assert replaced and all(after[p][0] != before[p][0] and after[p][1] > before[p][1] for p in replaced)
    assert {p: v for p, v in after.items() if p not in replaced} == {
        p: v for p, v in before.items() if p not in replaced
    }  # the other weeks were not touched
    assert sorted(os.listdir(week_results)) == result_files
