"""Minimal ASGI plumbing for the hot path: read a body, send JSON, send OpenAI-shaped errors.

A raw ASGI app (no framework request objects) keeps the per-request overhead small enough for more than
1,000 requests/s on one core; Starlette is used only for multipart uploads, off the hot path.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]


class HttpError(Exception):
    """An error answered to the client in the provider's shape ``{"error": {...}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        kind: str = "invalid_request_error",
        headers: Headers | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.kind = kind
        self.headers: Headers = headers or []
        self.param = param

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}}


class DroppedConnection(Exception):
    """Raised after the response has started: uvicorn then closes the socket mid-response (a simulated drop)."""


def new_request_id() -> str:
    return f"req_{uuid.uuid4().hex}"


def header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def api_key_of(scope: Scope) -> str:
    auth = header(scope, b"authorization")
    if auth and auth[:7].lower() == b"bearer ":
        return auth[7:].decode("latin-1").strip() or "anonymous"
    return "anonymous"


async def read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionResetError("client disconnected while sending the body")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise HttpError(413, f"request body larger than {limit} bytes", code="request_too_large")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def parse_json(body: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise HttpError(400, f"request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise HttpError(400, "request body must be a JSON object")
    return data


async def send_bytes(
    send: Send, status: int, body: bytes, headers: Headers, content_type: bytes = b"application/json"
) -> None:
    all_headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})


async def send_json(send: Send, status: int, payload: Any, headers: Headers) -> None:
    await send_bytes(send, status, orjson.dumps(payload), headers)
