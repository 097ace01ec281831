"""The batch steps of a weekly run: submit planned partitions to the provider Batch API, collect, cancel.

Each partition has a fixed state directory ``<week>/batch/part=NNNNN`` holding its ``BatchRunState``: a retried
or rerun submit re-attaches to the batches already created, and a second collect pays nothing. The weekly DAG
works per shard (at most ``classify.max_shards`` of them, see :mod:`semtel_core.pipeline.plan`): its XComs and
the trigger's kwargs carry the shard and its partitions' state directories, never the states themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import fsspec

from semtel_core import storage
from semtel_core.batch.collection import collect
from semtel_core.batch.lifecycle import cancel, poll
from semtel_core.batch.state import BatchRunState, load_state, require_state
from semtel_core.batch.submission import submit
from semtel_core.errors import BatchError
from semtel_core.llm.sdk import KeyResolver, default_key_resolver
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.shards import add_up, read_partition, shard_partitions

logger = logging.getLogger(__name__)
BATCH_DIR = "batch"
RESULTS_FILE = "results.parquet"


def batch_state_dir(descriptor: Mapping[str, Any]) -> str:
    return storage.join(descriptor["week_dir"], BATCH_DIR, f"part={int(descriptor['index']):05d}")


def batch_results_file(descriptor: Mapping[str, Any]) -> str:
    return storage.join(batch_state_dir(descriptor), RESULTS_FILE)


def _remove(state_dir: str) -> None:
    fs, path = fsspec.core.url_to_fs(state_dir)
    fs.rm(path, recursive=True)


def submit_partition(
    descriptor: Mapping[str, Any],
    params: Mapping[str, Any] | RunParams,
    *,
    run_id: str,
    key_resolver: KeyResolver = default_key_resolver,
) -> dict[str, Any]:
    """Create (or re-attach to) the batches of one partition; the state as JSON.

    A re-attached state is refreshed from the provider once (the saved one is as of submission), so a retry or
    rerun whose batches have ended sees them ended and need not wait again.
    A rerun of the week with other choices (classifiers, model, prompts) finds a different submission in the
    state directory: when every batch of it has ended, it is replaced; while one still runs, this refuses."""
    run = RunParams.parse(params)
    settings = run.settings()
    state_dir = batch_state_dir(descriptor)
    reattaching = load_state(state_dir) is not None
    table = read_partition(descriptor["path"])
    classifiers = list(descriptor["classifiers"])
    try:
        state = submit(
            table, state_dir, settings, classifiers=classifiers, run_id=run_id, key_resolver=key_resolver
        )
    except BatchError as exc:
        old = load_state(state_dir)
        if "fingerprint" not in exc.details or old is None or not old.finished:
            raise
        logger.warning(
            "%s: replacing an ended submission made with other choices (%s)", state_dir, old.run_id
        )
        _remove(state_dir)
        state = submit(
            table, state_dir, settings, classifiers=classifiers, run_id=run_id, key_resolver=key_resolver
        )
    if reattaching and not state.finished:
        state = poll(state, settings, key_resolver=key_resolver)
    return state.model_dump(mode="json")


def collect_partition(
    state: Mapping[str, Any] | BatchRunState,
    params: Mapping[str, Any] | RunParams,
    *,
    key_resolver: KeyResolver = default_key_resolver,
) -> dict[str, Any]:
    """Collect an ended run into ``<state dir>/results.parquet``; items the batch did not answer (failed, expired,
    cancelled) are classified online. The collect summary as JSON."""
    run_state = state if isinstance(state, BatchRunState) else BatchRunState.model_validate(dict(state))
    _, summary = collect(run_state, RunParams.parse(params).settings(), key_resolver=key_resolver)
    return summary.model_dump(mode="json")


def cancel_partition(
    state_dir: str, params: Mapping[str, Any] | RunParams, *, key_resolver: KeyResolver = default_key_resolver
) -> str | None:
    """Cancel the partition's batches that have not ended; its summary status after, or None with no state."""
    state = load_state(state_dir)
    if state is None:
        return None
    return cancel(state, RunParams.parse(params).settings(), key_resolver=key_resolver).summary_status()


def submit_shard(
    shard: Mapping[str, Any],
    params: Mapping[str, Any] | RunParams,
    *,
    run_id: str,
    key_resolver: KeyResolver = default_key_resolver,
) -> dict[str, Any]:
    """:func:`submit_partition` for every partition of ``shard``. Returns ``{"shard", "state_dirs", "statuses",
    "created_at"}``: the state directories in partition order, each one's summary status, and the earliest
    submission time (the wait's deadline counts from it, so a retry does not restart the clock)."""
    state_dirs, statuses, created = [], [], []
    for descriptor in shard_partitions(shard):
        state = BatchRunState.model_validate(
            submit_partition(descriptor, params, run_id=run_id, key_resolver=key_resolver)
        )
        state_dirs.append(batch_state_dir(descriptor))
        statuses.append(state.summary_status() if state.finished else "running")
        created.append(state.created_at)
    return {"shard": dict(shard), "state_dirs": state_dirs, "statuses": statuses, "created_at": min(created)}


def collect_shard(
    submitted: Mapping[str, Any],
    params: Mapping[str, Any] | RunParams,
    *,
    key_resolver: KeyResolver = default_key_resolver,
) -> dict[str, Any]:
    """:func:`collect_partition` for every state directory of a :func:`submit_shard` result; the summaries
    added up."""
    summaries = (
        collect_partition(require_state(d), params, key_resolver=key_resolver)
        for d in submitted["state_dirs"]
    )
    return add_up(summaries, shard=int(submitted["shard"]["shard"]), run_id=None, results_path=None)


def cancel_shard(
    shard: Mapping[str, Any],
    params: Mapping[str, Any] | RunParams,
    *,
    key_resolver: KeyResolver = default_key_resolver,
) -> list[str | None]:
    """:func:`cancel_partition` for every partition of ``shard``; their statuses after (None: never submitted)."""
    return [
        cancel_partition(batch_state_dir(d), params, key_resolver=key_resolver)
        for d in shard_partitions(shard)
    ]
