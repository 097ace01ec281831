"""The run's state: a small JSON file, written atomically, that makes submission exactly-once.

Layout of a run's state directory::

    state.json               BatchRunState (this model)
    partition.parquet        the conversations submitted (collect reads them back)
    requests-NNNNN.jsonl     the request files, byte for byte as uploaded (fingerprinted)
    truncation.json          representative conversation id -> TruncationRecord JSON
    downloads/               output and error files, as downloaded
    _fallback/               checkpoint journals of the online fallback
    results.parquet          collect's rows (RESULT_SCHEMA)

The fingerprint is written before any batch is created and each batch id right after, so a retried submit
finds either the id or, after a crash between the two, the batch itself by its ``semtel_fingerprint`` metadata.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from typing import Literal

import fsspec
import orjson
from pydantic import BaseModel, Field

from semtel_core import storage
from semtel_core.errors import BatchError

STATE_FILE = "state.json"
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
RunStatus = Literal["submitting", "submitted", "finished", "collected"]


class RequestCounts(BaseModel):
    total: int = 0
    completed: int = 0
    failed: int = 0


class BatchPart(BaseModel):
    """One request file and the provider batch made from it."""

    index: int
    path: str
    requests: int
    bytes: int
    fingerprint: str  # of this file + model + endpoint: the batch's metadata, for re-attaching
    input_file_id: str | None = None
    batch_id: str | None = None
    status: str | None = None  # the provider's batch status
    request_counts: RequestCounts = Field(default_factory=RequestCounts)
    output_file_id: str | None = None
    error_file_id: str | None = None
    reattached: bool = False

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


class BatchRunState(BaseModel):
    """JSON-serializable state of one partition's batch run (what an Airflow trigger carries)."""

    run_id: str
    state_dir: str
    fingerprint: str
    endpoint: str
    base_url: str
    model: str
    classifiers: list[str]
    request_style: str
    conversations: int
    parts: list[BatchPart]
    status: RunStatus = "submitting"
    created_at: int = Field(default_factory=lambda: int(time.time()), description="first submit, epoch s")

    @property
    def finished(self) -> bool:
        return all(p.terminal for p in self.parts)

    def request_counts(self) -> RequestCounts:
        return RequestCounts(
            total=sum(p.request_counts.total or p.requests for p in self.parts),
            completed=sum(p.request_counts.completed for p in self.parts),
            failed=sum(p.request_counts.failed for p in self.parts),
        )

    def summary_status(self) -> str:
        """One word for the whole run: the parts' common status, else ``in_progress``."""
        statuses = {p.status or "not_created" for p in self.parts}
        return statuses.pop() if len(statuses) == 1 else "in_progress"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def part_fingerprint(file_sha: str, model: str, base_url: str) -> str:
    return sha256(orjson.dumps(["semtel-batch-1", file_sha, model, base_url.rstrip("/")]))


def run_fingerprint(part_fingerprints: Sequence[str]) -> str:
    return sha256(orjson.dumps(list(part_fingerprints)))


def state_path(state_dir: str) -> str:
    return storage.join(state_dir, STATE_FILE)


def save_state(state: BatchRunState) -> None:
    with storage.atomic_open(state_path(state.state_dir)) as fh:
        fh.write(orjson.dumps(state.model_dump(mode="json"), option=orjson.OPT_INDENT_2))


def load_state(state_dir: str) -> BatchRunState | None:
    fs, path = fsspec.core.url_to_fs(state_path(state_dir))
    if not fs.exists(path):
        return None
    with fs.open(path, "rb") as fh:
        data = fh.read()
    try:
        return BatchRunState.model_validate_json(data)
    except ValueError as exc:
        raise BatchError(f"batch state {path} is unreadable: {exc}", path=path) from None


def require_state(state_dir: str) -> BatchRunState:
    state = load_state(state_dir)
    if state is None:
        raise BatchError(f"no batch state in {state_dir} (run 'semtel batch submit' first)", path=state_dir)
    return state
