"""A whole batch run in one blocking call: submit (or re-attach), wait, collect. Killing it cancels the batches.

For the CLI and plain task bodies; an Airflow deferrable operator calls :func:`submit`, defers on
:func:`apoll`, then calls :func:`collect`, and cancels from ``on_kill``.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Iterator, Sequence
from types import FrameType

import pyarrow as pa

from semtel_core.batch.collection import CollectSummary, collect
from semtel_core.batch.lifecycle import OnUpdate, cancel, wait
from semtel_core.batch.state import load_state
from semtel_core.batch.submission import submit
from semtel_core.config import Settings
from semtel_core.llm.sdk import KeyResolver, default_key_resolver

logger = logging.getLogger(__name__)


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that the run unwinds and cancels its batches."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(f"signal {signum}")


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (main thread only; elsewhere a no-op)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def cancel_on_kill(state_dir: str, settings: Settings, key_resolver: KeyResolver) -> None:
    """Cancel what the state file says was created (called while a kill unwinds the run)."""
    state = load_state(state_dir)
    if state is None:
        return
    try:
        cancel(state, settings, key_resolver=key_resolver)
    except Exception:
        logger.exception("batch run %s: cancelling after a kill failed", state.run_id)


def run_batch(
    conversations: pa.Table,
    state_dir: str,
    settings: Settings,
    *,
    classifiers: Sequence[str] | None = None,
    run_id: str | None = None,
    output: str | None = None,
    on_update: OnUpdate | None = None,
    interval_s: float | None = None,
    key_resolver: KeyResolver = default_key_resolver,
) -> tuple[pa.Table, CollectSummary]:
    """Submit, wait and collect; KeyboardInterrupt or SIGTERM cancels the remote batches, then re-raises."""
    try:
        with sigterm_raises():
            state = submit(
                conversations,
                state_dir,
                settings,
                classifiers=classifiers,
                run_id=run_id,
                key_resolver=key_resolver,
            )
            state = wait(
                state, settings, on_update=on_update, interval_s=interval_s, key_resolver=key_resolver
            )
    except KeyboardInterrupt:
        logger.warning("batch run in %s killed: cancelling its batches", state_dir)
        cancel_on_kill(state_dir, settings, key_resolver)
        raise
    return collect(state, settings, output=output, key_resolver=key_resolver)
