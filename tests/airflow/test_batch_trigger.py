"""The deferrable batch operator and its trigger against the local endpoint's Batch API, per shard: serialize
round-trip, one event per terminal status (completed, expired, failed, cancelled), a shard of several partitions,
execute -> defer, execute_complete, and cancel on kill (operator and trigger)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from airflow.sdk.exceptions import AirflowException, TaskDeferred
from airflow.triggers.base import TriggerEvent
from weekly_config import write_config

from semtel_airflow.operators import SemtelBatchOperator
from semtel_airflow.triggers import SemtelBatchTrigger
from semtel_core.batch.state import require_state
from semtel_core.endpoint.testing import FAST_BATCHES, running_endpoint
from semtel_core.pipeline.batch_step import batch_state_dir, collect_shard, submit_shard
from semtel_core.pipeline.plan import plan_week
from semtel_core.pipeline.shards import shard_partitions
from semtel_core.pipeline.weekly import extract_week
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration, pytest.mark.slow]
WEEK_START = datetime(2026, 10, 12, tzinfo=UTC)


def _descriptor(tmp_path: Path, base_url: str, **extra: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The week's first batch shard and the run's params, against ``base_url``."""
    params = {
        "config_path": write_config(tmp_path / "semtel.yaml", base_url),
        "batch_classifiers": ["topic", "satisfaction"],
        "poll_interval_s": 0.05,
        "output_root": str(tmp_path / "out"),
        "sources": [str(CONVERSATIONS_PATH)],
        **extra,
    }
    extract_week(WEEK_START, params)
    return plan_week(WEEK_START, params)["batch"][0], params


def _state(event: TriggerEvent, partition: int = 0) -> dict[str, Any]:
    return require_state(event.payload["state_dirs"][partition]).model_dump(mode="json")


async def _first_event(trigger: SemtelBatchTrigger) -> TriggerEvent:
    async def first() -> TriggerEvent:
        async for event in trigger.run():
            return event
        raise AssertionError("the trigger ended without an event")

    return await asyncio.wait_for(first(), timeout=30)


def _trigger_for(tmp_path: Path, base_url: str) -> tuple[SemtelBatchTrigger, dict[str, Any]]:
    descriptor, params = _descriptor(tmp_path, base_url)
    submitted = submit_shard(descriptor, params, run_id="trigger-test")
    return SemtelBatchTrigger(
        state_dirs=submitted["state_dirs"], params=params, poll_interval_s=0.05
    ), descriptor


def test_serialize_round_trips() -> None:
    trigger = SemtelBatchTrigger(
        state_dirs=["/w/batch/part=00000"], params={"model": "m"}, poll_interval_s=7.5
    )
    classpath, kwargs = trigger.serialize()
    assert classpath == "semtel_airflow.triggers.SemtelBatchTrigger"
    module, name = classpath.rsplit(".", 1)
    rebuilt = getattr(__import__(module, fromlist=[name]), name)(**kwargs)
    assert rebuilt.serialize() == (classpath, kwargs)
    assert kwargs == {
        "state_dirs": ["/w/batch/part=00000"],
        "params": {"model": "m"},
        "poll_interval_s": 7.5,
        "deadline": None,
    }


def test_trigger_completed(endpoint_url: str, tmp_path: Path) -> None:
    trigger, _ = _trigger_for(tmp_path, endpoint_url)
    event = asyncio.run(_first_event(trigger))
    assert event.payload["status"] == "completed"
    parts = _state(event)["parts"]  # the trigger saved what it saw: a retry need not wait again
    assert all(p["status"] == "completed" and p["output_file_id"] for p in parts)


def test_a_shard_of_several_partitions_is_submitted_waited_for_and_collected(
    endpoint_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEMTEL_CLASSIFY__MAX_SHARDS", "1")  # every partition in one shard
    shard, params = _descriptor(tmp_path, endpoint_url, partition_tokens=4000)
    partitions = shard_partitions(shard)
    assert len(partitions) > 1
    op = SemtelBatchOperator(task_id="batch_wait", descriptor=shard, params_dict=params, run_label="shard")
    with pytest.raises(TaskDeferred) as deferred:
        op.execute({"params": params})  # type: ignore[arg-type]
    trigger = deferred.value.trigger
    assert isinstance(trigger, SemtelBatchTrigger)
    assert trigger.state_dirs == [batch_state_dir(d) for d in partitions]
    event = asyncio.run(_first_event(trigger))
    assert event.payload["status"] == "completed"
    submitted = op.execute_complete({"params": params}, event.payload)  # type: ignore[arg-type]
    summary = collect_shard(submitted, params)
    assert summary["partitions"] == len(partitions) and summary["rows"] > 0


def test_wait_is_bounded_and_fails_naming_the_batches(endpoint_url: str, tmp_path: Path) -> None:
    """Past its deadline the trigger stops waiting; the task fails with the batch ids (no silent 24 h+ stall)."""
    from semtel_core.errors import BatchError

    descriptor, params = _descriptor(tmp_path, endpoint_url)
    op = SemtelBatchOperator(
        task_id="batch_wait",
        descriptor=descriptor,
        params_dict=params,
        run_label="timeout-test",
        max_wait=timedelta(seconds=0),
    )
    with pytest.raises(TaskDeferred) as deferred:
        op.execute({"params": params})  # type: ignore[arg-type]
    trigger = deferred.value.trigger
    assert isinstance(trigger, SemtelBatchTrigger) and trigger.deadline is not None
    event = asyncio.run(_first_event(trigger))
    if event.payload["status"] != "timeout":  # the local endpoint finished first: nothing was left waiting
        assert event.payload["status"] == "completed"
        return
    ids = event.payload["batch_ids"]
    assert ids and ids == [p["batch_id"] for p in _state(event)["parts"]]
    with pytest.raises(BatchError, match=ids[0]):
        op.execute_complete({"params": params}, event.payload)  # type: ignore[arg-type]


def test_trigger_cancelled_and_operator_on_kill(endpoint_url: str, tmp_path: Path) -> None:
    descriptor, params = _descriptor(tmp_path, endpoint_url)
    op = SemtelBatchOperator(
        task_id="batch_wait", descriptor=descriptor, params_dict=params, run_label="kill-test"
    )
    with pytest.raises(TaskDeferred) as deferred:
        op.execute({"params": params})  # type: ignore[arg-type]
    op.on_kill()  # the remote batch is asked to cancel
    trigger = deferred.value.trigger
    assert isinstance(trigger, SemtelBatchTrigger) and trigger.poll_interval_s == 0.05
    event = asyncio.run(_first_event(trigger))
    assert event.payload["status"] == "cancelled"
    batch_id = _state(event)["parts"][0]["batch_id"]
    assert (
        httpx2.get(f"{endpoint_url}/batches/{batch_id}", headers={"Authorization": "Bearer x"}).json()[
            "status"
        ]
        == "cancelled"
    )
    assert (Path(batch_state_dir(shard_partitions(descriptor)[0])) / "state.json").exists()


def test_trigger_on_kill_cancels_remote_batch(endpoint_url: str, tmp_path: Path) -> None:
    trigger, _ = _trigger_for(tmp_path, endpoint_url)
    asyncio.run(trigger.on_kill())
    event = asyncio.run(_first_event(trigger))
    assert event.payload["status"] == "cancelled"


def test_trigger_expired(tmp_path: Path) -> None:
    with running_endpoint(*FAST_BATCHES, "--batch-expire-after", "0.4") as url:
        trigger, _ = _trigger_for(tmp_path, url)
        event = asyncio.run(_first_event(trigger))
    assert event.payload["status"] == "expired"
    counts = _state(event)["parts"][0]["request_counts"]
    assert 0 < counts["completed"] < counts["total"]


def test_trigger_failed_validation(tmp_path: Path) -> None:
    with running_endpoint(*FAST_BATCHES, "--max-batch-requests", "3") as url:
        trigger, _ = _trigger_for(tmp_path, url)
        event = asyncio.run(_first_event(trigger))
    assert event.payload["status"] == "failed"


def test_trigger_reports_polling_errors(tmp_path: Path) -> None:
    """The endpoint is gone while waiting: one error event naming the state directories, not a dead trigger."""
    with running_endpoint(*FAST_BATCHES) as url:
        trigger, _ = _trigger_for(tmp_path, url)
    event = asyncio.run(_first_event(trigger))
    assert event.payload["status"] == "error" and "Connection" in event.payload["message"]
    assert event.payload["state_dirs"] == trigger.state_dirs


def test_execute_complete_for_each_status() -> None:
    dirs = ["/w/batch/part=00000"]
    shard = {"shard": 0}
    op = SemtelBatchOperator(task_id="t", descriptor=shard, params_dict={})
    strict = SemtelBatchOperator(task_id="s", descriptor=shard, params_dict={}, online_fallback=False)
    ctx: Any = {}
    for status in ("completed", "failed", "expired", "cancelled", "in_progress"):
        submitted = op.execute_complete(ctx, {"status": status, "state_dirs": dirs})
        assert submitted == {"shard": shard, "state_dirs": dirs, "status": status}
    assert strict.execute_complete(ctx, {"status": "completed", "state_dirs": dirs})["state_dirs"] == dirs
    for status in ("failed", "expired", "cancelled"):
        with pytest.raises(AirflowException, match=status):
            strict.execute_complete(ctx, {"status": status, "state_dirs": dirs})
    with pytest.raises(AirflowException, match="boom"):
        op.execute_complete(ctx, {"status": "error", "message": "boom", "state_dirs": dirs})
