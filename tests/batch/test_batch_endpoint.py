"""The batch path against the local endpoint's Batch API: lifecycle, out-of-order output, expiry with partial
results, error-file rows, file splitting, cancel, and exactly-once submission after a simulated crash."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import openai
import orjson
import pyarrow as pa
import pytest
from batch_helpers import endpoint_settings, reset_stats, sample_partition, stats

from semtel_core.batch import apoll, cancel, collect, poll, submit, wait
from semtel_core.batch.state import BatchPart, BatchRunState, load_state
from semtel_core.batch.submission import request_ids
from semtel_core.classify.partition import classify_partition
from semtel_core.endpoint.testing import FAST_BATCHES, running_endpoint
from semtel_core.errors import BatchError
from semtel_core.schema.results import RESULT_SCHEMA, ClassificationResult

pytestmark = [pytest.mark.integration]
PRICES = {"instant": {"input_per_mtok": 2.0, "output_per_mtok": 8.0, "batch_discount": 0.5}}


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with running_endpoint(*FAST_BATCHES) as base_url:
        yield base_url


def _labels(table: pa.Table) -> dict[tuple[str, str], str | None]:
    return {(r["conversation_id"], r["classifier"]): r["label"] for r in table.to_pylist()}


def test_complete_lifecycle_matches_online_labels_and_prices_batch_at_half(url: str, tmp_path: Path) -> None:
    settings = endpoint_settings(url, prices=PRICES)
    partition = sample_partition(24, duplicates=4)
    reset_stats(url)
    state = wait(submit(partition, str(tmp_path / "run"), settings), settings, interval_s=0.05)
    assert state.summary_status() == "completed" and state.request_counts().completed == 24
    table, summary = collect(state, settings)
    assert stats(url)["totals"]["attempts"] == 0  # nothing went online
    assert stats(url)["batches_created"] == 1
    assert table.schema == RESULT_SCHEMA and table.num_rows == 28 * 2
    for row in table.to_pylist():
        ClassificationResult.model_validate(row)  # the shape of every online row
        assert row["strategy"] == "batch" and row["status"] == "ok" and row["model"] == "instant"
    # Output lines come back out of input order; mapping by custom_id still puts each answer on its row.
    part = state.parts[0]
    downloaded = (tmp_path / "run" / "downloads" / f"{part.output_file_id}.jsonl").read_bytes()
    out_order = [orjson.loads(line)["custom_id"] for line in downloaded.splitlines()]
    assert sorted(out_order) == sorted(request_ids(part)) and out_order != request_ids(part)
    online = classify_partition(
        partition, ["topic", "satisfaction"], settings, run_id="online", checkpoint_dir=str(tmp_path / "ck")
    ).results
    assert _labels(table) == _labels(online)  # the instant model answers the same prompt the same way
    batch, online_cost = summary.cost["batch"], summary.cost["online"]
    assert online_cost.rows == 0 and batch.rows == 56
    full_price = (batch.prompt_tokens * 2.0 + batch.completion_tokens * 8.0) / 1e6
    assert batch.cost_usd == pytest.approx(full_price * 0.5)
    assert load_state(str(tmp_path / "run")).status == "collected"  # type: ignore[union-attr]


def test_expired_batch_keeps_partial_results_and_the_rest_completes_online(tmp_path: Path) -> None:
    with running_endpoint(*FAST_BATCHES, "--batch-expire-after", "0.4") as url:
        settings = endpoint_settings(url, prices=PRICES)
        state = wait(submit(sample_partition(20), str(tmp_path), settings), settings, interval_s=0.05)
        assert state.summary_status() == "expired"
        assert (state.request_counts().completed, state.request_counts().failed) == (8, 12)
        table, summary = collect(state, settings)
        assert summary.online_by_reason == {"batch_expired": 12} and summary.answered == 8
        strategies = pa.compute.value_counts(table["strategy"]).to_pylist()
        assert {s["values"]: s["counts"] for s in strategies} == {"batch": 16, "multi": 24}
        assert stats(url)["totals"]["attempts"] == 12  # one online multi-task call per expired request
        assert summary.cost["online"].rows == 24 and summary.cost["online"].cost_usd > 0
        assert summary.cost["online"].prompt_tokens == stats(url)["totals"]["prompt_tokens"]
        # Collecting again pays nothing more: downloads are kept and the fallback resumes from its checkpoint.
        again, _ = collect(state, settings)
        assert _labels(again) == _labels(table) and stats(url)["totals"]["attempts"] == 12


def test_error_file_rows_go_online(tmp_path: Path) -> None:
    with running_endpoint(*FAST_BATCHES, "--batch-fail-share", "0.3", "--seed", "7") as url:
        settings = endpoint_settings(url, batch={"request_style": "single"})
        state = wait(submit(sample_partition(15), str(tmp_path), settings), settings, interval_s=0.05)
        failed = state.request_counts().failed
        assert state.summary_status() == "completed" and 0 < failed < 30
        table, summary = collect(state, settings)
        assert summary.online_by_reason == {"http_500": failed}
        assert stats(url)["totals"]["attempts"] == failed  # single style: one classifier per failed request
        assert table.num_rows == 30 and set(table["status"].to_pylist()) == {"ok"}
        by_strategy = pa.compute.value_counts(table["strategy"]).to_pylist()
        assert {s["values"]: s["counts"] for s in by_strategy} == {"batch": 30 - failed, "multi": failed}


def test_requests_are_split_into_files_within_limits(url: str, tmp_path: Path) -> None:
    settings = endpoint_settings(url, batch={"max_requests_per_file": 7})
    reset_stats(url)
    state = wait(submit(sample_partition(17), str(tmp_path), settings), settings, interval_s=0.05)
    assert [p.requests for p in state.parts] == [7, 7, 3] and stats(url)["batches_created"] == 3
    table, summary = collect(state, settings)
    assert summary.answered == 17 and table.num_rows == 34


class _Crash(BaseException):
    """A worker dying between creating the batch and writing its id."""


def _crash(state: BatchRunState, part: BatchPart) -> None:
    raise _Crash


def test_retried_submit_after_a_crash_reattaches_instead_of_paying_twice(url: str, tmp_path: Path) -> None:
    settings = endpoint_settings(url)
    partition = sample_partition(10)
    reset_stats(url)
    with pytest.raises(_Crash):
        submit(partition, str(tmp_path), settings, on_created=_crash)
    crashed = load_state(str(tmp_path))
    assert crashed is not None and crashed.parts[0].input_file_id and crashed.parts[0].batch_id is None
    retried = submit(partition, str(tmp_path), settings)  # found by its fingerprint metadata
    assert retried.parts[0].reattached and retried.parts[0].batch_id is not None
    again = submit(partition, str(tmp_path), settings)  # the id is in the state: nothing to look up
    assert again.parts[0].batch_id == retried.parts[0].batch_id
    assert stats(url)["batches_created"] == 1
    with pytest.raises(BatchError, match="another submission"):
        submit(sample_partition(11), str(tmp_path), settings)
    table, _ = collect(wait(again, settings, interval_s=0.05), settings)
    assert table.num_rows == 20


def test_cancel_keeps_finished_results_and_the_rest_goes_online(tmp_path: Path) -> None:
    with running_endpoint(
        "--lazy-load", "--batch-time-scale", "0.001", "--batch-request-seconds", "500"
    ) as url:
        settings = endpoint_settings(url)
        state = submit(sample_partition(30), str(tmp_path), settings)
        while (state := poll(state, settings)).request_counts().completed < 4:
            pass
        state = wait(cancel(state, settings), settings, interval_s=0.05)
        assert state.summary_status() == "cancelled"
        table, summary = collect(state, settings)
        assert set(summary.online_by_reason) == {"batch_cancelled"} and summary.answered >= 4
        assert table.num_rows == 60


async def test_async_poll_in_a_running_loop(url: str, tmp_path: Path) -> None:
    settings = endpoint_settings(url)
    state = await asyncio.to_thread(submit, sample_partition(5), str(tmp_path), settings)
    while not state.finished:
        state = await apoll(state, settings)
        await asyncio.sleep(0.05)
    assert state.status == "finished" and state.request_counts().completed == 5
    assert BatchRunState.model_validate_json(state.model_dump_json()) == state  # what a trigger serializes


def test_collect_refuses_a_running_batch(tmp_path: Path) -> None:
    with running_endpoint(
        "--lazy-load", "--batch-time-scale", "1", "--batch-validating-seconds", "60"
    ) as url:
        settings = endpoint_settings(url)
        state = submit(sample_partition(3), str(tmp_path), settings)
        with pytest.raises(BatchError, match="still"):
            collect(poll(state, settings), settings)
        cancelled = cancel(state, settings)
        remote = openai.OpenAI(base_url=url, api_key="k").batches.retrieve(state.parts[0].batch_id or "")
        assert cancelled.parts[0].status == remote.status == "cancelling"
