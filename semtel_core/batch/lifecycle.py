"""Poll, wait for and cancel the batches of a run.

:func:`apoll` is the async core (the async openai client, no file I/O) for a deferrable trigger's ``run()``;
:func:`poll` is its blocking twin for CLI and task bodies, which also writes the refreshed state.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import openai

from semtel_core.batch.provider import apply_batch, async_client, batch_endpoint, sync_client
from semtel_core.batch.state import BatchRunState, save_state
from semtel_core.config import EndpointSettings, Settings
from semtel_core.errors import BatchError
from semtel_core.llm.runner import run_sync
from semtel_core.llm.sdk import KeyResolver, default_key_resolver

logger = logging.getLogger(__name__)
OnUpdate = Callable[[BatchRunState], None]


def _endpoint(state: BatchRunState, settings: Settings) -> EndpointSettings:
    """The endpoint the batches live on; its URL must not have changed since submit."""
    endpoint = batch_endpoint(settings, state.endpoint)
    if endpoint.base_url.rstrip("/") != state.base_url.rstrip("/"):
        raise BatchError(
            f"endpoint {state.endpoint!r} now points at {endpoint.base_url}, but the batches were created "
            f"at {state.base_url}",
            endpoint=state.endpoint,
        )
    return endpoint


def _settle(state: BatchRunState) -> None:
    if state.finished and state.status == "submitted":
        state.status = "finished"


async def apoll(
    state: BatchRunState, settings: Settings, *, key_resolver: KeyResolver = default_key_resolver
) -> BatchRunState:
    """A copy of ``state`` refreshed from the provider (parts already terminal are not asked again)."""
    fresh = state.model_copy(deep=True)
    async with async_client(_endpoint(state, settings), key_resolver) as client:
        for part in fresh.parts:
            if part.batch_id is not None and not part.terminal:
                apply_batch(part, await client.batches.retrieve(part.batch_id))
    _settle(fresh)
    return fresh


def poll(
    state: BatchRunState, settings: Settings, *, key_resolver: KeyResolver = default_key_resolver
) -> BatchRunState:
    """Refresh ``state`` from the provider and write it; ``.finished`` says whether every batch ended."""
    fresh = run_sync(lambda: apoll(state, settings, key_resolver=key_resolver))
    save_state(fresh)
    return fresh


def wait(
    state: BatchRunState,
    settings: Settings,
    *,
    on_update: OnUpdate | None = None,
    interval_s: float | None = None,
    key_resolver: KeyResolver = default_key_resolver,
) -> BatchRunState:
    """Poll every ``interval_s`` (default ``batch.poll_interval_s``) until every batch is terminal."""
    interval = settings.batch.poll_interval_s if interval_s is None else interval_s
    while True:
        state = poll(state, settings, key_resolver=key_resolver)
        if on_update is not None:
            on_update(state)
        if state.finished:
            return state
        time.sleep(interval)


def cancel(
    state: BatchRunState, settings: Settings, *, key_resolver: KeyResolver = default_key_resolver
) -> BatchRunState:
    """Cancel every batch of the run that has not ended; the provider keeps the results done so far."""
    with sync_client(_endpoint(state, settings), key_resolver) as client:
        for part in state.parts:
            if part.batch_id is None or part.terminal:
                continue
            try:
                batch = client.batches.cancel(part.batch_id)
            except openai.BadRequestError:  # it ended meanwhile
                batch = client.batches.retrieve(part.batch_id)
            apply_batch(part, batch)
            logger.warning("batch part %d: cancel requested for %s (%s)", part.index, batch.id, batch.status)
    save_state(state)
    return state
