"""Submit a partition to the Batch API exactly once.

Order of durable steps, each followed by an atomic state write: request files and the state with its
fingerprint; per file the uploaded file id; then the batch id. A retried submit (task retry, worker crash)
with the same input finds the state and re-attaches: a part with a batch id is left alone; a part with a file
id but no batch id (crash between create and the state write) is looked up among the key's batches by its
``semtel_fingerprint`` metadata and input file before a new batch is created; a part without a file id was
never created (create needs the file id, which is written first).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import fsspec
import openai
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from semtel_core import storage
from semtel_core.batch.provider import (
    apply_batch,
    batch_endpoint,
    find_by_fingerprint,
    lists_batches,
    missing_batch_api,
    request_model,
    sync_client,
)
from semtel_core.batch.requests import BATCH_URL, build_requests, split_files
from semtel_core.batch.state import (
    BatchPart,
    BatchRunState,
    load_state,
    part_fingerprint,
    run_fingerprint,
    save_state,
    sha256,
)
from semtel_core.config import Settings
from semtel_core.errors import BatchError
from semtel_core.llm.sdk import KeyResolver, default_key_resolver

logger = logging.getLogger(__name__)
PARTITION_FILE = "partition.parquet"
TRUNCATION_FILE = "truncation.json"
OnCreated = Callable[[BatchRunState, BatchPart], None]


def request_file(state_dir: str, index: int) -> str:
    return storage.join(state_dir, f"requests-{index:05d}.jsonl")


@dataclass
class _Plan:
    state: BatchRunState
    files: list[bytes]
    truncation: dict[str, str]


def _plan(
    conversations: pa.Table, state_dir: str, settings: Settings, names: Sequence[str], run_id: str
) -> _Plan:
    """The state a fresh submission would start from, and its files (nothing written yet)."""
    endpoint = batch_endpoint(settings)
    model = request_model(endpoint)
    built = build_requests(conversations, names, settings, model)
    files = split_files(built.lines, settings.batch.max_requests_per_file, settings.batch.max_file_bytes)
    parts = [
        BatchPart(
            index=i,
            path=request_file(state_dir, i),
            requests=data.count(b"\n"),
            bytes=len(data),
            fingerprint=part_fingerprint(sha256(data), model, endpoint.base_url),
        )
        for i, data in enumerate(files)
    ]
    state = BatchRunState(
        run_id=run_id,
        state_dir=state_dir,
        fingerprint=run_fingerprint([p.fingerprint for p in parts]),
        endpoint=endpoint.name,
        base_url=endpoint.base_url,
        model=model,
        classifiers=list(names),
        request_style=settings.batch.request_style,
        conversations=conversations.num_rows,
        parts=parts,
    )
    return _Plan(state, files, built.truncation)


def _write_inputs(plan: _Plan, conversations: pa.Table) -> None:
    """Request files, the partition and the truncation records, then the state that refers to them."""
    for part, data in zip(plan.state.parts, plan.files, strict=True):
        with storage.atomic_open(part.path) as fh:
            fh.write(data)
    with storage.atomic_open(storage.join(plan.state.state_dir, PARTITION_FILE)) as fh:
        pq.write_table(conversations, fh, compression="zstd")
    storage.write_json(storage.join(plan.state.state_dir, TRUNCATION_FILE), plan.truncation)
    save_state(plan.state)  # the fingerprint is durable before any batch exists


def _read(path: str) -> bytes:
    fs, p = fsspec.core.url_to_fs(path)
    with fs.open(p, "rb") as fh:
        data: bytes = fh.read()
    return data


def _create(
    client: openai.OpenAI,
    state: BatchRunState,
    part: BatchPart,
    settings: Settings,
    on_created: OnCreated | None,
) -> None:
    if part.input_file_id is not None:
        # The state was written before the upload, so the batch cannot be older (an hour of clock skew allowed).
        not_before = state.created_at - 3600
        found = find_by_fingerprint(client, part.fingerprint, settings.batch.list_page_size, not_before)
        if found is not None and found.input_file_id == part.input_file_id:
            logger.info("batch part %d: re-attached to %s (found by fingerprint)", part.index, found.id)
            apply_batch(part, found)
            part.reattached = True
            save_state(state)
            return
    else:
        data = _read(part.path)
        uploaded = client.files.create(
            file=(f"semtel-{state.run_id}-{part.index:05d}.jsonl", data), purpose="batch"
        )
        part.input_file_id = uploaded.id
        save_state(state)
    batch = client.batches.create(
        input_file_id=part.input_file_id,
        endpoint=BATCH_URL,
        completion_window=settings.batch.completion_window,  # type: ignore[arg-type]
        metadata={
            "semtel_fingerprint": part.fingerprint,
            "semtel_run_id": state.run_id,
            "semtel_part": str(part.index),
        },
    )
    if on_created is not None:
        on_created(state, part)
    apply_batch(part, batch)
    save_state(state)
    logger.info("batch part %d: created %s (%d requests)", part.index, batch.id, part.requests)


def submit(
    conversations: pa.Table,
    state_dir: str,
    settings: Settings,
    *,
    classifiers: Sequence[str] | None = None,
    run_id: str | None = None,
    key_resolver: KeyResolver = default_key_resolver,
    on_created: OnCreated | None = None,
) -> BatchRunState:
    """Create the batches of a partition (CONVERSATION_SCHEMA rows), or re-attach to those already created.

    ``on_created(state, part)`` runs after a batch is created and before its id is written: the seam where a
    crash is simulated in tests. Raises :class:`BatchError` when ``state_dir`` holds a different submission.
    """
    names = list(classifiers or settings.classifiers)
    if settings.batch.fallback_strategy == "batch":
        raise BatchError(
            "batch.fallback_strategy must be an online strategy", field="batch.fallback_strategy"
        )
    plan = _plan(conversations, state_dir, settings, names, run_id or uuid.uuid4().hex[:16])
    fresh = plan.state
    state = load_state(state_dir)
    if state is None:
        state = fresh
        _write_inputs(plan, conversations)
    elif state.fingerprint != fresh.fingerprint:
        raise BatchError(
            f"{state_dir} holds another submission (fingerprint {state.fingerprint[:12]}, this input "
            f"{fresh.fingerprint[:12]}); use another state directory, or cancel and remove it",
            state_dir=state_dir,
            fingerprint=state.fingerprint,
        )
    else:
        logger.info("batch run %s: state found, re-attaching", state.run_id)
    if any(p.batch_id is None for p in state.parts):
        endpoint = batch_endpoint(settings, state.endpoint)
        with sync_client(endpoint, key_resolver) as client:
            for part in state.parts:
                if part.batch_id is None:
                    try:
                        _create(client, state, part, settings, on_created)
                    except openai.APIStatusError as exc:
                        gap = missing_batch_api(endpoint, exc)
                        if gap is None or lists_batches(client):
                            raise  # a 404 of one thing (a deleted input file, say), not of the whole API
                        raise BatchError(
                            f"{gap}; classify these classifiers online instead (semtel classify, or leave them "
                            "out of the weekly run's batch classifiers)",
                            endpoint=endpoint.name,
                        ) from None
    if state.status == "submitting":
        state.status = "submitted"
        save_state(state)
    return state


def request_ids(part: BatchPart) -> list[str]:
    """The custom ids of a part's request file, in file order."""
    return [orjson.loads(line)["custom_id"] for line in _read(part.path).splitlines() if line]
