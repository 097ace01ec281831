"""Make the UI's Test button work for ``semtel_llm`` connections on Airflow 3.3.2.

The connections list sends ``port: Number(connection.port)``, i.e. ``0`` for a connection without a port, and
the api-server's same-destination guard compares ``0`` with the stored ``NULL``, decides the test targets another
host and answers 400 before any hook runs (apache/airflow#73298, fixed after 3.3.2 by treating 0 as blank).
This root middleware does the same normalisation, for semtel's connection type only: ``port`` 0 -> null on
``POST /api/v2/connections/test``. Nothing else is touched; with a fixed Airflow it is a no-op.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from semtel_airflow.provider_info import CONN_TYPE

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
TEST_PATH = "/api/v2/connections/test"


def normalised(body: bytes) -> bytes | None:
    """The request body with ``port`` 0 as null for a semtel connection; None when nothing changes."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("conn_type") != CONN_TYPE or data.get("port") != 0:
        return None
    return json.dumps({**data, "port": None}).encode()


class PortlessConnectionTestFix:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope.get("type") != "http"
            or scope.get("method") != "POST"
            or not scope["path"].endswith(TEST_PATH)
        ):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        body = normalised(body) or body
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
        scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
