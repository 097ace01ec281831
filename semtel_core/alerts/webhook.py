"""Alert by a generic JSON webhook: one POST of the payload (httpx, already a dependency of the LLM client)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

from semtel_core.alerts.payload import AlertPayload
from semtel_core.errors import AlertDeliveryError

log = logging.getLogger(__name__)


class _RedactUrl(logging.Filter):
    """httpx logs every request's full URL at INFO; the webhook's query and path may be its token."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._secret = str(httpx.URL(url))
        self._shown = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/<redacted>"

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._shown if str(a) == self._secret else a for a in record.args)
        return True


@contextmanager
def _redacted_in_httpx_logs(url: str) -> Iterator[None]:
    redact = _RedactUrl(url)
    httpx_log = logging.getLogger("httpx")
    httpx_log.addFilter(redact)
    try:
        yield
    finally:
        httpx_log.removeFilter(redact)


def post_webhook(payload: AlertPayload, url: str, *, timeout_s: float = 10.0) -> int:
    """POST the payload as JSON; returns the status code, raises :class:`AlertDeliveryError` otherwise.

    The URL may hold a token (as Slack/Teams/PagerDuty URLs do), so only its host is logged or raised:
    httpx's own messages quote the whole URL.
    """
    host = urlsplit(url).hostname
    try:
        with _redacted_in_httpx_logs(url):
            response = httpx.post(
                url, json=payload.to_json(), timeout=timeout_s, headers={"User-Agent": "semtel-alerts"}
            )
    except httpx.HTTPError as exc:
        raise AlertDeliveryError(
            f"webhook at {host} unreachable: {type(exc).__name__}", channel="webhook", host=host
        ) from None
    if not response.is_success:
        raise AlertDeliveryError(
            f"webhook at {host} answered HTTP {response.status_code}",
            channel="webhook",
            host=host,
            status_code=response.status_code,
        )
    log.info("alert posted to webhook host %s: HTTP %d", host, response.status_code)
    return response.status_code
