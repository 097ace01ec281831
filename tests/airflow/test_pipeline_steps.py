"""The weekly steps end to end without Airflow, against the local endpoint: online and batch partitions, grade,
and a rerun of the same week that replaces its results (same rows, no duplicates)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pyarrow.dataset as ds
import pytest
from weekly_config import write_config

from semtel_core.batch.lifecycle import apoll, wait
from semtel_core.batch.state import BatchRunState, require_state
from semtel_core.pipeline.batch_step import collect_shard, submit_partition, submit_shard
from semtel_core.pipeline.classify_step import classify_shard_task
from semtel_core.pipeline.grade_step import grade_week
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.plan import plan_week
from semtel_core.pipeline.shards import shard_partitions
from semtel_core.pipeline.weekly import extract_week
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration, pytest.mark.slow]
WEEK_START = datetime(2026, 10, 12, tzinfo=UTC)


def _run_week(root: str, params: dict[str, Any]) -> dict[str, Any]:
    params = {**params, "output_root": root, "sources": [str(CONVERSATIONS_PATH)]}
    extract_week(WEEK_START, params)
    plan = plan_week(WEEK_START, params)
    for shard in plan["online"]:
        classify_shard_task(shard, params, run_id="test-run")
    for shard in plan["batch"]:
        submitted = submit_shard(shard, params, run_id="test-run")
        for state_dir in submitted["state_dirs"]:
            wait(require_state(state_dir), RunParams.parse(params).settings(), interval_s=0.05)
        collect_shard(submitted, params)
    return grade_week(WEEK_START, params)


def test_week_online_and_batch_then_rerun_replaces(endpoint_url: str, tmp_path: Path) -> None:
    config = write_config(tmp_path / "semtel.yaml", endpoint_url)
    params = {"config_path": config, "batch_classifiers": ["satisfaction"], "partition_tokens": 4000}
    root = str(tmp_path / "out")
    first = _run_week(root, params)
    results_dir = Path(first["results_dir"])
    table = ds.dataset(results_dir, format="parquet").to_table()
    pairs = list(
        zip(table.column("conversation_id").to_pylist(), table.column("classifier").to_pylist(), strict=True)
    )
    assert len(pairs) == len(set(pairs)) == first["rows"] > 0
    by_classifier = {
        (r["classifier"], r["strategy"]) for r in table.select(["classifier", "strategy"]).to_pylist()
    }
    assert {s for c, s in by_classifier if c == "satisfaction"} == {"batch"}
    assert "batch" not in {s for c, s in by_classifier if c == "topic"}
    assert set(table.column("classifier").to_pylist()) == {"topic", "satisfaction"}
    created = httpx2.get(f"{endpoint_url}/_stats").json()["batches_created"]
    files = sorted(p.name for p in results_dir.iterdir())

    second = _run_week(root, params)
    again = ds.dataset(results_dir, format="parquet").to_table()
    assert sorted(p.name for p in results_dir.iterdir()) == files
    assert again.num_rows == table.num_rows == second["rows"]
    key = [("conversation_id", "ascending"), ("classifier", "ascending")]
    assert (
        again.sort_by(key)
        .select(["conversation_id", "classifier", "label"])
        .equals(table.sort_by(key).select(["conversation_id", "classifier", "label"]))
    )
    # The rerun re-attached to the week's batches instead of sending them again.
    assert httpx2.get(f"{endpoint_url}/_stats").json()["batches_created"] == created


def test_a_retry_after_the_trigger_saw_the_end_does_not_wait_again(endpoint_url: str, tmp_path: Path) -> None:
    """A trigger that polled without saving (``apoll``): a retry of the deferred task re-attaches to the state
    saved at submission, and must see that the batches have ended instead of deferring again."""
    config = write_config(tmp_path / "semtel.yaml", endpoint_url, classifiers=["satisfaction"])
    params = {"config_path": config, "batch_classifiers": ["satisfaction"], "partition_tokens": 4000}
    root = str(tmp_path / "out")
    params = {**params, "output_root": root, "sources": [str(CONVERSATIONS_PATH)]}
    extract_week(WEEK_START, params)
    descriptor = shard_partitions(plan_week(WEEK_START, params)["batch"][0])[0]
    settings = RunParams.parse(params).settings()

    async def _as_the_trigger(state: BatchRunState) -> BatchRunState:
        while not state.finished:
            await asyncio.sleep(0.05)
            state = await apoll(state, settings)
        return state

    submitted = BatchRunState.model_validate(submit_partition(descriptor, params, run_id="retry-run"))
    assert not submitted.finished
    assert asyncio.run(_as_the_trigger(submitted)).finished
    retried = BatchRunState.model_validate(submit_partition(descriptor, params, run_id="retry-run"))
    assert retried.finished
    assert [p.batch_id for p in retried.parts] == [p.batch_id for p in submitted.parts]
