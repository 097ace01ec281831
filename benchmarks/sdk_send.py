"""Client CPU of one chat completion through the openai SDK, by the way it is sent: ``chat.completions.create``
(what a plain SDK user and the rate benchmark's bare anchor call) against the SDK's generic ``post`` with the
JSON body as is (what ``semtel_core.llm.client`` sends through). The transport is the SDK's own mock (no network,
no server), so the figure is the SDK's work alone; the prompts are the rate benchmark's (real conversations, 240
tokens each). Passes alternate (create, post, create, post, ...) and the medians are printed.

    .venv/bin/python benchmarks/sdk_send.py [--requests 2000] [--passes 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx2
import openai

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rate_limit import _load_prompts  # the same prompts as the rate benchmark

_ANSWER = json.dumps(
    {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "coding"}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 240, "completion_tokens": 2, "total_tokens": 242},
    }
).encode()


def _sdk() -> openai.AsyncOpenAI:
    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=_ANSWER, headers={"content-type": "application/json"})

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(answer))
    return openai.AsyncOpenAI(base_url="http://sim/v1", api_key="k", max_retries=0, http_client=http)


async def main(requests: int, passes: int) -> None:
    prompts = _load_prompts(400)
    sdk = _sdk()

    async def create(messages: Any) -> str | None:
        raw = await sdk.chat.completions.with_raw_response.create(
            model="m", messages=messages, max_tokens=8, timeout=5
        )
        return raw.parse().choices[0].message.content

    async def post(messages: Any) -> str | None:
        body = {"model": "m", "messages": messages, "max_tokens": 8}
        response = await sdk.post(
            "/chat/completions", body=body, cast_to=httpx2.Response, options={"timeout": 5}
        )
        content: str | None = response.json()["choices"][0]["message"]["content"]
        return content

    ways: dict[str, Callable[[Any], Awaitable[str | None]]] = {"create": create, "post": post}
    spent: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(passes):
        for name, send in ways.items():
            start = time.process_time()
            for i in range(requests):
                if await send(prompts[i % len(prompts)]) != "coding":
                    raise SystemExit(f"{name}: unexpected answer")
            spent[name].append((time.process_time() - start) / requests * 1e6)
    await sdk.close()
    base = statistics.median(spent["create"])
    for name, values in spent.items():
        median = statistics.median(values)
        print(
            f"{name:7s} {median:6.0f} µs of CPU a request [{min(values):.0f}–{max(values):.0f}], "
            f"{median / base:.2f}x create"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per pass and way")
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.passes))
