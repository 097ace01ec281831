"""Progress of the long steps of training and scoring (embedding, selection, fitting), for whoever listens.

The library reports through :func:`report`; a command that wants bars or log lines installs a listener with
:func:`listening` for the duration of the work (a context variable, so nothing is threaded through every
signature and nothing is reported when nobody listens).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

Listener = Callable[[str, int, int], None]  # (step, done, total)

_listener: ContextVar[Listener | None] = ContextVar("semtel_progress", default=None)


def report(step: str, done: int, total: int) -> None:
    listener = _listener.get()
    if listener is not None:
        listener(step, done, total)


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
