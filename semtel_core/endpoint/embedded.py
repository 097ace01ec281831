"""The embedded default: start the local endpoint for a run whose endpoints point at it and find none there.

Users who have not configured a real LLM get the bundled offline endpoint without doing anything; a run pointed at
OpenAI, Azure or a vLLM/Ollama server never starts one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from semtel_core.config import LOCAL_ENDPOINT_URL, Settings
from semtel_core.endpoint.testing import answers, running_endpoint

log = logging.getLogger(__name__)


@contextmanager
def embedded_endpoint(settings: Settings) -> Iterator[Settings]:
    """Yield ``settings``, with the default local endpoint started (on a free port) if it is used and down."""
    local = [e for e in settings.endpoints if e.base_url == LOCAL_ENDPOINT_URL]
    if not local or answers(f"{LOCAL_ENDPOINT_URL}/models"):
        yield settings
        return
    with running_endpoint("--stats-interval", "600") as base_url:
        log.info("started the embedded local endpoint at %s", base_url)
        endpoints = [
            e.model_copy(update={"base_url": base_url}) if e.base_url == LOCAL_ENDPOINT_URL else e
            for e in settings.endpoints
        ]
        yield settings.model_copy(update={"endpoints": endpoints})
