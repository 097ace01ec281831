"""The provider Batch API path: build a partition's requests, submit exactly once, poll, collect, cancel.

::

    state = submit(conversations, state_dir, settings)      # BatchRunState, JSON-serializable; re-attaches
    state = poll(state, settings)                           # or: await apoll(state, settings) in a trigger
    table, summary = collect(state, settings)               # RESULT_SCHEMA rows; failed items done online
    cancel(state, settings)

Names are loaded on first use, so importing this package does not import the openai SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from semtel_core.lazy_exports import lazy_getattr

if TYPE_CHECKING:
    from semtel_core.batch.collection import CollectSummary, CostLine, collect
    from semtel_core.batch.lifecycle import apoll, cancel, poll, wait
    from semtel_core.batch.run import run_batch
    from semtel_core.batch.state import BatchPart, BatchRunState, load_state, require_state
    from semtel_core.batch.submission import submit

_HOMES = {
    "CollectSummary": "collection",
    "CostLine": "collection",
    "collect": "collection",
    "apoll": "lifecycle",
    "cancel": "lifecycle",
    "poll": "lifecycle",
    "wait": "lifecycle",
    "run_batch": "run",
    "BatchPart": "state",
    "BatchRunState": "state",
    "load_state": "state",
    "require_state": "state",
    "submit": "submission",
}
__all__ = [
    "BatchPart",
    "BatchRunState",
    "CollectSummary",
    "CostLine",
    "apoll",
    "cancel",
    "collect",
    "load_state",
    "poll",
    "require_state",
    "run_batch",
    "submit",
    "wait",
]


__getattr__ = lazy_getattr(__name__, _HOMES)
