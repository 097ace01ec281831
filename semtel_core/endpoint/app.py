"""The ASGI application: routing, lifespan (model preload, stats logging, batch runners), error mapping."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from pathlib import Path

from semtel_core.endpoint.batches import BatchManager
from semtel_core.endpoint.chat import ChatEngine
from semtel_core.endpoint.chat_route import ChatRoute
from semtel_core.endpoint.embeddings import create_embeddings
from semtel_core.endpoint.encoder import ENCODERS, MINILM, SentenceEncoder
from semtel_core.endpoint.files import FileStore, upload_file
from semtel_core.endpoint.http import (
    DroppedConnection,
    Headers,
    HttpError,
    Receive,
    Scope,
    Send,
    api_key_of,
    header,
    new_request_id,
    parse_json,
    read_body,
    send_bytes,
    send_json,
)
from semtel_core.endpoint.models import CHAT_MODELS, EMBEDDING_MODELS, ZeroShotModel
from semtel_core.endpoint.options import EndpointOptions
from semtel_core.endpoint.stats import Stats

log = logging.getLogger(__name__)

CHAT_PATH = "/v1/chat/completions"
EMBEDDINGS_PATH = "/v1/embeddings"
_METERED = frozenset({CHAT_PATH, EMBEDDINGS_PATH})
_CREATED = int(time.time())

Handler = Callable[[Scope, Receive, Send, str, Headers, list[str]], Awaitable[None]]


class EndpointApp:
    def __init__(self, options: EndpointOptions, data_dir: Path) -> None:
        self.options = options
        self.stats = Stats()
        self.encoders = {model: SentenceEncoder(model) for model in ENCODERS}
        self.encoder = self.encoders[MINILM]  # local-zeroshot's too
        self.engine = ChatEngine(ZeroShotModel(self.encoder))
        self.chat = ChatRoute(options, self.stats, self.engine)
        self.files = FileStore(data_dir, options.batch.max_file_bytes)
        self.batches = BatchManager(options.batch, self.files, self.engine, self.stats, options.seed)
        self._tasks: list[asyncio.Task[None]] = []
        self._routes: dict[tuple[str, str], Handler] = {
            ("POST", "chat/completions"): self._chat,
            ("POST", "embeddings"): self._embeddings,
            ("GET", "models"): self._models,
            ("GET", "_stats"): self._stats,
            ("DELETE", "_stats"): self._reset_stats,
            ("POST", "files"): self._upload,
            ("GET", "files/*"): self._file,
            ("GET", "files/*/content"): self._file_content,
            ("POST", "batches"): self._create_batch,
            ("GET", "batches"): self._list_batches,
            ("GET", "batches/*"): self._batch,
            ("POST", "batches/*/cancel"): self._cancel_batch,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    def _route(self, method: str, path: str) -> tuple[Handler, list[str]]:
        parts = path.rstrip("/").split("/")
        if parts[:2] != ["", "v1"] or len(parts) < 3:
            raise HttpError(404, f"Unknown path {path}", code="not_found")
        rest = parts[2:]
        handler = self._routes.get((method, "/".join(rest)))
        if handler is not None:
            return handler, []
        pattern = "/".join([rest[0], "*", *rest[2:]]) if len(rest) >= 2 else ""
        handler = self._routes.get((method, pattern))
        if handler is None:
            raise HttpError(404, f"Unknown route {method} {path}", code="not_found")
        return handler, [rest[1]]

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers: Headers = [(b"x-request-id", new_request_id().encode())]
        api_key = api_key_of(scope)
        metered = scope["path"] in _METERED
        # Several processes on one key: an ``x-client-name`` header gets its own counters (benchmarks, tests).
        client = (header(scope, b"x-client-name") or b"").decode("latin-1")[:64] if metered else ""
        if metered:
            self.stats.key(api_key).attempts += 1
            self.stats.count_client(client, "attempts")
        try:
            handler, params = self._route(scope["method"], scope["path"])
            await handler(scope, receive, send, api_key, headers, params)
        except HttpError as exc:
            if metered:
                self.stats.record_status(api_key, exc.status)
                self.stats.count_client(client, "rate_limited" if exc.status == 429 else "errors")
            await send_json(send, exc.status, exc.body(), headers + exc.headers)
        except (DroppedConnection, ConnectionResetError):
            raise
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if metered:
                self.stats.record_status(api_key, 500)
            await send_json(send, 500, HttpError(500, "internal error", kind="server_error").body(), headers)

    async def _chat(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, _: list[str]
    ) -> None:
        await self.chat(receive, send, key, headers)

    async def _embeddings(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, _: list[str]
    ) -> None:
        body = parse_json(await read_body(receive, 32 * 1024 * 1024))
        payload = await create_embeddings(
            body, self.encoders, lambda tokens: self.chat.admit(key, tokens, headers)
        )
        stats = self.stats.key(key)
        stats.successes += 1
        stats.prompt_tokens += payload["usage"]["prompt_tokens"]
        await send_json(send, 200, payload, headers)

    async def _models(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, _: list[str]
    ) -> None:
        models = [
            {"id": m, "object": "model", "created": _CREATED, "owned_by": "semtel"}
            for m in (*CHAT_MODELS, *EMBEDDING_MODELS)
        ]
        await send_json(send, 200, {"object": "list", "data": models}, headers)

    async def _stats(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, _: list[str]
    ) -> None:
        snapshot = self.stats.snapshot()
        snapshot["encoder_ready"] = self.encoder.ready
        snapshot["encoder_load_s"] = self.encoder.load_seconds
        await send_json(send, 200, snapshot, headers)

    async def _reset_stats(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, _: list[str]
    ) -> None:
        self.stats.reset()
        await send_json(send, 200, {"reset": True}, headers)

    async def _upload(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, _: list[str]
    ) -> None:
        stored = await upload_file(scope, receive, self.files)
        await send_json(send, 200, stored.as_object(), headers)

    async def _file(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, p: list[str]
    ) -> None:
        await send_json(send, 200, self.files.get(p[0]).as_object(), headers)

    async def _file_content(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, p: list[str]
    ) -> None:
        content = await asyncio.to_thread(self.files.read, p[0])
        await send_bytes(send, 200, content, headers, b"application/octet-stream")

    async def _create_batch(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, _: list[str]
    ) -> None:
        body = parse_json(await read_body(receive, 1024 * 1024))
        await send_json(send, 200, self.batches.create(body), headers)

    async def _list_batches(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, _: list[str]
    ) -> None:
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode())
        after = query.get("after", [None])[0]
        try:
            limit = int(query.get("limit", ["20"])[0])
        except ValueError:
            raise HttpError(400, "'limit' must be an integer", code="invalid_limit") from None
        await send_json(send, 200, self.batches.list_page(after, limit), headers)

    async def _batch(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, p: list[str]
    ) -> None:
        await send_json(send, 200, self.batches.get(p[0]), headers)

    async def _cancel_batch(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, p: list[str]
    ) -> None:
        await send_json(send, 200, self.batches.cancel(p[0]), headers)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self._stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _start(self) -> None:
        if self.options.preload:
            self.encoder.start_background_load()
        self._tasks.append(asyncio.create_task(self._log_stats_forever()))

    async def _stop(self) -> None:
        await self.batches.shutdown()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        log.info("endpoint stopped; totals: %s", self.stats.totals().as_dict())

    async def _log_stats_forever(self) -> None:
        interval = self.options.stats_interval_s
        previous = self.stats.totals()
        while True:
            await asyncio.sleep(interval)
            log.info(self.stats.summary_line(interval, previous))
            previous = self.stats.totals()
