"""Deferrable wait for the provider batches of a shard's partitions.

The trigger runs in the triggerer's event loop: it polls with ``semtel_core.batch.apoll`` (the async openai
client) and does no blocking I/O there; settings, the API key and the partitions' states (read from and written
back to their state directories) are handled in worker threads. It yields one event when every batch of every
partition has ended (whatever the terminal status), when polling fails, or when the wait's deadline (epoch
seconds, counted from the first submission) passes. Its kwargs hold state directories, not states, so they do
not grow with a partition's batches.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

if TYPE_CHECKING:
    from semtel_core.batch.state import BatchRunState
    from semtel_core.config import Settings

logger = logging.getLogger(__name__)


def _prepare(params: dict[str, Any]) -> tuple[Settings, Callable[[str], str]]:
    """Blocking part, run in a thread: settings (a YAML file), the first import of the batch module (openai,
    ~0.6 s, which would otherwise stall the triggerer's loop), and a key lookup per endpoint (maybe an Airflow
    connection), cached."""
    import semtel_core.batch.lifecycle
    import semtel_core.pipeline.shards  # noqa: F401 - the same
    from semtel_airflow.hooks import connection_key_resolver
    from semtel_core.batch.provider import batch_endpoint
    from semtel_core.pipeline.params import RunParams

    settings = RunParams.parse(params).settings()
    keys: dict[str, str] = {}

    def key_of(endpoint: str) -> str:
        if endpoint not in keys:
            secret = connection_key_resolver(batch_endpoint(settings, endpoint))
            keys[endpoint] = secret if isinstance(secret, str) else secret.get_secret_value()
        return keys[endpoint]

    return settings, key_of


def _load(state_dirs: list[str], settings: Settings, key_of: Callable[[str], str]) -> list[BatchRunState]:
    """The partitions' states (and their endpoints' keys, so no lookup happens on the event loop)."""
    from semtel_core.batch.provider import batch_endpoint
    from semtel_core.batch.state import require_state

    states = [require_state(d) for d in state_dirs]
    for state in states:
        key_of(batch_endpoint(settings, state.endpoint).name)
    return states


def _save(states: list[BatchRunState]) -> None:
    from semtel_core.batch.state import save_state

    for state in states:
        save_state(state)


class SemtelBatchTrigger(BaseTrigger):
    """Poll the batches of the partitions in ``state_dirs`` every ``poll_interval_s`` until all have ended.

    Event payloads: ``{"status": <summary status>, "state_dirs": [...]}`` once finished, where the summary status
    is a terminal one (completed, failed, expired, cancelled) or ``in_progress`` when the parts ended
    differently; ``{"status": "error", "message": ..., "state_dirs": [...]}`` when polling raised;
    ``{"status": "timeout", "batch_ids": [...], "state_dirs": [...]}`` when ``deadline`` passed first."""

    def __init__(
        self,
        state_dirs: list[str],
        params: dict[str, Any],
        poll_interval_s: float = 30.0,
        deadline: float | None = None,
    ) -> None:
        super().__init__()
        self.state_dirs = state_dirs
        self.params = params
        self.poll_interval_s = poll_interval_s
        self.deadline = deadline

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "state_dirs": self.state_dirs,
                "params": self.params,
                "poll_interval_s": self.poll_interval_s,
                "deadline": self.deadline,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        dirs = self.state_dirs
        try:
            settings, key_of = await asyncio.to_thread(_prepare, self.params)
            states = await asyncio.to_thread(_load, dirs, settings, key_of)
            from semtel_core.batch.lifecycle import apoll  # already loaded by _prepare: no blocking import
            from semtel_core.pipeline.shards import shard_status  # loaded by _prepare too

            while True:
                changed = []
                for i, state in enumerate(states):
                    if not state.finished:
                        states[i] = await apoll(state, settings, key_resolver=lambda ep: key_of(ep.name))
                        changed.append(states[i])
                await asyncio.to_thread(_save, changed)
                if all(s.finished for s in states):
                    status = shard_status([s.summary_status() for s in states])
                    yield TriggerEvent({"status": status, "state_dirs": dirs})
                    return
                if self.deadline is not None and time.time() >= self.deadline:
                    ids = [p.batch_id for s in states if not s.finished for p in s.parts if p.batch_id]
                    yield TriggerEvent({"status": "timeout", "batch_ids": ids, "state_dirs": dirs})
                    return
                done = sum(s.request_counts().completed for s in states)
                total = sum(s.request_counts().total for s in states)
                running = sum(not s.finished for s in states)
                logger.info(
                    "batch shard: %d of %d partition(s) still running, %d/%d requests done",
                    running,
                    len(states),
                    done,
                    total,
                )
                wait = self.poll_interval_s
                if self.deadline is not None:
                    wait = max(0.0, min(wait, self.deadline - time.time()))
                await asyncio.sleep(wait)
        except Exception as exc:
            # Reported to the task, which fails with it: a trigger must not die silently.
            yield TriggerEvent(
                {"status": "error", "message": f"{type(exc).__name__}: {exc}", "state_dirs": dirs}
            )

    async def on_kill(self) -> None:
        """The user killed the deferred task: cancel the remote batches (in a thread: the cancel is blocking)."""
        from semtel_core.batch.lifecycle import cancel

        settings, key_of = await asyncio.to_thread(_prepare, self.params)
        states = await asyncio.to_thread(_load, self.state_dirs, settings, key_of)
        for state in states:
            if not state.finished:
                await asyncio.to_thread(cancel, state, settings, key_resolver=lambda ep: key_of(ep.name))
