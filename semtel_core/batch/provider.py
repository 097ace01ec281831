"""SDK clients for the Batch API of one endpoint of the pool, and the small calls made through them.

Management calls (upload, create, retrieve, list, cancel, download) are few and idempotent or guarded by the
state file, so the SDK's own retries (``max_retries``) are kept on here, unlike the chat path where
``semtel_core.llm`` runs the only retry loop.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import openai
from openai.types import Batch

from semtel_core.batch.state import BatchPart, RequestCounts
from semtel_core.config import EndpointSettings, Settings
from semtel_core.errors import ConfigError
from semtel_core.llm.sdk import (
    KeyResolver,
    build_sdk_client,
    build_sync_sdk_client,
    default_key_resolver,
    model_name,
)

_MAX_RETRIES = 3
logger = logging.getLogger(__name__)


def batch_endpoint(settings: Settings, name: str | None = None) -> EndpointSettings:
    """The endpoint named ``name`` (default: ``batch.endpoint``, else the pool's first)."""
    wanted = name or settings.batch.endpoint
    if wanted is None:
        return settings.endpoints[0]
    for endpoint in settings.endpoints:
        if endpoint.name == wanted:
            return endpoint
    raise ConfigError(
        f"batch endpoint {wanted!r} is not one of {[e.name for e in settings.endpoints]}",
        field="batch.endpoint",
    )


def request_model(endpoint: EndpointSettings) -> str:
    return model_name(endpoint)


def sync_client(
    endpoint: EndpointSettings, key_resolver: KeyResolver = default_key_resolver
) -> openai.OpenAI:
    return build_sync_sdk_client(
        endpoint, key_resolver(endpoint), max_retries=_MAX_RETRIES, per_deployment=False
    )


def async_client(
    endpoint: EndpointSettings, key_resolver: KeyResolver = default_key_resolver
) -> openai.AsyncOpenAI:
    return build_sdk_client(endpoint, key_resolver(endpoint), max_retries=_MAX_RETRIES, per_deployment=False)


def iter_batches(client: openai.OpenAI, page_size: int) -> Iterator[Batch]:
    """Every batch the key can see, newest first, page by page (the SDK follows the ``after`` cursor)."""
    yield from client.batches.list(limit=page_size)


def find_by_fingerprint(
    client: openai.OpenAI, fingerprint: str, page_size: int, not_before: int
) -> Batch | None:
    """The newest batch created with ``metadata.semtel_fingerprint == fingerprint``, if any. The list is
    newest first, so the walk stops at batches created before ``not_before`` (epoch seconds)."""
    for batch in iter_batches(client, page_size):
        if batch.created_at < not_before:
            return None
        if (batch.metadata or {}).get("semtel_fingerprint") == fingerprint:
            return batch
    return None


_NO_ROUTE = frozenset({404, 405, 501})


def missing_batch_api(endpoint: EndpointSettings, exc: openai.APIStatusError) -> str | None:
    """Why ``exc`` means the server has no Batch API at all (vLLM, Ollama and llama.cpp's server answer its
    routes 404), or ``None`` for any other error."""
    if exc.status_code not in _NO_ROUTE:
        return None
    return (
        f"endpoint {endpoint.name!r} ({endpoint.base_url}) has no Batch API: {exc.request.method} "
        f"{exc.request.url.path} answered {exc.status_code} ({exc.message})"
    )


def lists_batches(client: openai.OpenAI) -> bool:
    """Whether the server answers ``GET /batches`` (False only for the answers of a server without the route)."""
    try:
        client.batches.list(limit=1)
    except openai.APIStatusError as exc:
        if exc.status_code in _NO_ROUTE:
            return False
        raise
    return True


def batch_api_gap(settings: Settings, key_resolver: KeyResolver = default_key_resolver) -> str | None:
    """One listing of the batch endpoint's batches: ``None`` when the server has the Batch API or could not be
    asked (unreachable now: the submit's own retries deal with that), else why it has none. Other errors (a bad
    key, say) propagate: they are not the server's lack of a feature."""
    endpoint = batch_endpoint(settings)
    client = build_sync_sdk_client(endpoint, key_resolver(endpoint), max_retries=1, per_deployment=False)
    with client:
        try:
            client.batches.list(limit=1)
        except openai.APIConnectionError as exc:
            logger.warning(
                "endpoint %r: could not check for a Batch API (%s); keeping the batch path",
                endpoint.name,
                exc,
            )
        except openai.APIStatusError as exc:
            gap = missing_batch_api(endpoint, exc)
            if gap is None:
                raise
            return gap
    return None


def download(client: openai.OpenAI, file_id: str) -> bytes:
    return client.files.content(file_id).content


def apply_batch(part: BatchPart, batch: Batch) -> None:
    """Copy what the provider says about a batch onto its part of the state."""
    part.batch_id = batch.id
    part.input_file_id = batch.input_file_id
    part.status = batch.status
    counts = batch.request_counts
    if counts is not None:
        part.request_counts = RequestCounts(
            total=counts.total, completed=counts.completed, failed=counts.failed
        )
    part.output_file_id = batch.output_file_id
    part.error_file_id = batch.error_file_id
