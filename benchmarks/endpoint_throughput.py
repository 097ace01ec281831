"""Throughput of the local endpoint with model ``instant`` and no simulation, plus its startup time.

    .venv/bin/python benchmarks/endpoint_throughput.py [--seconds 5] [--rounds 3] [--connections 32]

The server runs in its own process (``running_endpoint``); this script is the separate load-generating process:
a minimal HTTP/1.1 keep-alive client on raw uvloop sockets (httpx or the openai SDK would cap out far below the
server). Its own ceiling is measured against a trivial server that answers a canned response, so the figure
shows whether the generator or the endpoint is the bottleneck. CPU of both processes is sampled with psutil.
Prints medians over rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import time
import urllib.request

import psutil
import uvloop

from semtel_core.endpoint.testing import free_port, running_endpoint
from semtel_core.prompts.delimiters import render_conversation_block

_DESCRIPTION = "What is it about?\n- coding: programs\n- math: maths\n- creative_writing: stories"
_SCHEMA = {
    "type": "object",
    "properties": {
        "topic": {
            "type": "string",
            "enum": ["coding", "math", "creative_writing"],
            "description": _DESCRIPTION,
        },
        "satisfaction": {"type": "string", "enum": ["satisfied", "neutral", "dissatisfied"]},
    },
    "required": ["topic", "satisfaction"],
    "additionalProperties": False,
}


def _request_bytes(port: int) -> bytes:
    block = render_conversation_block(
        "c-1",
        [
            ("user", "How do I sort a dict by value in Python?"),
            ("assistant", "Use sorted(d.items(), key=...)."),
        ],
    )
    body = json.dumps(
        {
            "model": "instant",
            "messages": [{"role": "system", "content": "Classify."}, {"role": "user", "content": block}],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "c", "strict": True, "schema": _SCHEMA},
            },
            "max_tokens": 50,
        }
    ).encode()
    head = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer bench\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _connection(port: int, request: bytes, stop_at: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < stop_at:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head[:200].decode(errors="replace"))
            length = int(head.lower().split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
            await reader.readexactly(length)
            counts[0] += 1
    finally:
        writer.close()


async def _load(port: int, connections: int, seconds: float) -> float:
    request = _request_bytes(port)
    counts = [0]
    warmup = time.monotonic() + 1.0
    await asyncio.gather(*(_connection(port, request, warmup, [0]) for _ in range(connections)))
    started = time.monotonic()
    await asyncio.gather(*(_connection(port, request, started + seconds, counts) for _ in range(connections)))
    return counts[0] / (time.monotonic() - started)


def _measure(port: int, pid: int, connections: int, seconds: float) -> tuple[float, float, float]:
    server, me = psutil.Process(pid), psutil.Process()
    server.cpu_percent(None)
    me.cpu_percent(None)
    rate = uvloop.run(_load(port, connections, seconds))
    return rate, server.cpu_percent(None), me.cpu_percent(None)


class _Canned(asyncio.Protocol):
    """Answers every request with a fixed 200: the load generator's own ceiling."""

    BODY = json.dumps({"id": "x", "choices": [{"message": {"content": '{"topic": "coding"}'}}]}).encode()
    RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(BODY),
        BODY,
    )

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, rest = self.buffer.split(b"\r\n\r\n", 1)
            length = int(head.lower().split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
            if len(rest) < length:
                return
            self.buffer = rest[length:]
            self.transport.write(self.RESPONSE)  # type: ignore[attr-defined]


def _canned_server(port: int) -> None:
    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_Canned, "127.0.0.1", port)
        await server.serve_forever()

    uvloop.run(main())


def _startup_seconds() -> tuple[float, float]:
    """Seconds until /v1/models answers, and until the sentence model is loaded (preload on)."""
    started = time.monotonic()
    with running_endpoint() as url:
        answering = time.monotonic() - started
        while True:
            with urllib.request.urlopen(f"{url}/_stats") as response:
                if json.load(response)["encoder_ready"]:
                    return answering, time.monotonic() - started
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    port = free_port()
    canned = multiprocessing.Process(target=_canned_server, args=(port,), daemon=True)
    canned.start()
    time.sleep(0.5)
    assert canned.pid is not None
    ceiling = [_measure(port, canned.pid, args.connections, args.seconds) for _ in range(args.rounds)]
    canned.terminate()
    canned.join()

    with running_endpoint("--lazy-load") as url:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        pid = next(
            c.pid
            for c in psutil.net_connections("tcp")
            if c.laddr and c.laddr.port == port and c.status == "LISTEN"
        )
        endpoint = [_measure(port, pid, args.connections, args.seconds) for _ in range(args.rounds)]

    startups = [_startup_seconds() for _ in range(args.rounds)]

    def median(rows: list[tuple[float, ...]], i: int) -> float:
        return statistics.median(r[i] for r in rows)

    print(
        f"cores: {psutil.cpu_count()}  connections: {args.connections}  rounds: {args.rounds} x {args.seconds:.0f}s"
    )
    print(
        f"load generator ceiling (canned server): {median(ceiling, 0):,.0f} req/s  (generator CPU {median(ceiling, 2):.0f}%)"
    )
    print(
        f"endpoint, model instant, no simulation: {median(endpoint, 0):,.0f} req/s "
        f"(server CPU {median(endpoint, 1):.0f}%, generator CPU {median(endpoint, 2):.0f}%)  "
        f"rounds: {', '.join(f'{r[0]:,.0f}' for r in endpoint)}"
    )
    print(
        f"startup: answering after {median(startups, 0):.2f}s, sentence model loaded after {median(startups, 1):.2f}s"
    )


if __name__ == "__main__":
    main()
