"""Deferrable wait for a partition's provider batches.

The trigger runs in the triggerer's event loop: it polls with ``semtel_core.batch.apoll`` (the async openai
client) and does no blocking I/O there; settings and the API key are resolved once in a worker thread. It yields
one event when every batch of the run has ended (whatever the terminal status), when polling fails, or when the
wait's deadline (epoch seconds, counted from the first submission) passes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

if TYPE_CHECKING:
    from semtel_core.batch.state import BatchRunState
    from semtel_core.config import Settings

logger = logging.getLogger(__name__)


def _prepare(state: dict[str, Any], params: dict[str, Any]) -> tuple[BatchRunState, Settings, str]:
    """Blocking part, run in a thread: settings (a YAML file), the key (maybe an Airflow connection), and the
    first import of the batch module (openai, ~0.6 s), which would otherwise stall the triggerer's loop."""
    import semtel_core.batch.lifecycle  # noqa: F401 - imported here for its cost, used in run()
    from semtel_airflow.hooks import connection_key_resolver
    from semtel_core.batch.provider import batch_endpoint
    from semtel_core.batch.state import BatchRunState
    from semtel_core.pipeline.params import RunParams

    run_state = BatchRunState.model_validate(state)
    settings = RunParams.parse(params).settings()
    key = connection_key_resolver(batch_endpoint(settings, run_state.endpoint))
    return run_state, settings, key.get_secret_value()


class SemtelBatchTrigger(BaseTrigger):
    """Poll the batches of ``state`` (``BatchRunState`` as JSON) every ``poll_interval_s`` until all have ended.

    Event payloads: ``{"status": <summary status>, "state": <JSON>}`` once finished, where the summary status is a
    terminal one (completed, failed, expired, cancelled) or ``in_progress`` when the parts ended differently;
    ``{"status": "error", "message": ..., "state": <last JSON>}`` when polling raised;
    ``{"status": "timeout", "batch_ids": [...], "state": <last JSON>}`` when ``deadline`` passed first."""

    def __init__(
        self,
        state: dict[str, Any],
        params: dict[str, Any],
        poll_interval_s: float = 30.0,
        deadline: float | None = None,
    ) -> None:
        super().__init__()
        self.state = state
        self.params = params
        self.poll_interval_s = poll_interval_s
        self.deadline = deadline

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "state": self.state,
                "params": self.params,
                "poll_interval_s": self.poll_interval_s,
                "deadline": self.deadline,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        last = self.state
        try:
            state, settings, key = await asyncio.to_thread(_prepare, self.state, self.params)
            from semtel_core.batch.lifecycle import apoll  # already loaded by _prepare: no blocking import

            while True:
                state = await apoll(state, settings, key_resolver=lambda _ep: key)
                last = state.model_dump(mode="json")
                if state.finished:
                    yield TriggerEvent({"status": state.summary_status(), "state": last})
                    return
                if self.deadline is not None and time.time() >= self.deadline:
                    ids = [p.batch_id for p in state.parts if p.batch_id]
                    yield TriggerEvent({"status": "timeout", "batch_ids": ids, "state": last})
                    return
                counts = state.request_counts()
                logger.info(
                    "batch run %s: %s, %d/%d done",
                    state.run_id,
                    state.summary_status(),
                    counts.completed,
                    counts.total,
                )
                wait = self.poll_interval_s
                if self.deadline is not None:
                    wait = max(0.0, min(wait, self.deadline - time.time()))
                await asyncio.sleep(wait)
        except Exception as exc:
            # Reported to the task, which fails with it: a trigger must not die silently.
            yield TriggerEvent({"status": "error", "message": f"{type(exc).__name__}: {exc}", "state": last})

    async def on_kill(self) -> None:
        """The user killed the deferred task: cancel the remote batches (in a thread: the cancel is blocking)."""
        from semtel_core.batch.lifecycle import cancel

        state, settings, key = await asyncio.to_thread(_prepare, self.state, self.params)
        await asyncio.to_thread(cancel, state, settings, key_resolver=lambda _ep: key)
