"""The strategy seam and the batched strategy's id handling (fake only at the HTTP boundary)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx2
import openai
import pytest
from classify_helpers import conversation
from pydantic import SecretStr

from semtel_core.classify.context import StrategyContext
from semtel_core.classify.llm_strategies import BatchedStrategy, MultiStrategy
from semtel_core.classify.rows import HashRow
from semtel_core.classify.strategies import WorkItem, get_strategy, group_by_strategy, register_strategy
from semtel_core.config import EndpointSettings, Settings, load_settings
from semtel_core.errors import ConfigError
from semtel_core.llm.client import LLMClient
from semtel_core.prompts import ClassifierRegistry, OutputNormalizer, PromptRenderer
from semtel_core.prompts.delimiters import extract_conversation_blocks

pytestmark = [pytest.mark.unit]


class _EchoStrategy:
    name = "echo"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def run(self, items: Sequence[WorkItem], ctx: StrategyContext) -> None:
        return None


def test_unknown_strategy_is_a_config_error_naming_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown strategy 'embedding'.*batched"):
        get_strategy("embedding", load_settings())


def test_strategies_plug_in_by_registration_or_by_settings() -> None:
    register_strategy("echo-registered", _EchoStrategy)
    assert isinstance(get_strategy("echo-registered", load_settings()), _EchoStrategy)
    settings = load_settings(classify={"strategy_plugins": {"echo": f"{__name__}:_EchoStrategy"}})
    assert get_strategy("echo", settings).name == "echo"
    broken = load_settings(classify={"strategy_plugins": {"echo": "no.such.module:X"}})
    with pytest.raises(ConfigError, match="cannot load"):
        get_strategy("echo", broken)


def test_classifiers_are_grouped_by_their_strategy() -> None:
    settings = load_settings(classify={"strategy": "multi", "strategies": {"topic": "single"}})
    groups = group_by_strategy(["user_expertise", "topic", "satisfaction"], settings, default="batched")
    assert groups == {"batched": ("user_expertise", "satisfaction"), "single": ("topic",)}


def _items(n: int) -> list[WorkItem]:
    convs = [conversation(f"c{i:02d}", f"question number {i}") for i in range(n)]
    return [WorkItem(c.content_hash, c, ("topic",)) for c in convs]


def test_batched_order_is_shuffled_with_the_seed() -> None:
    items = _items(30)

    def order(seed: int) -> list[str]:
        strategy = BatchedStrategy(load_settings(classify={"batch_size": 7, "shuffle_seed": seed}))
        batches = list(strategy._batches(items))
        assert [len(b) for b in batches] == [7, 7, 7, 7, 2]
        return [i.content_hash for b in batches for i in b]

    assert order(1) == order(1)
    assert order(1) != order(2)
    assert order(1) != sorted(order(1))
    assert sorted(order(1)) == sorted(i.content_hash for i in items)


def _labels(schema: dict[str, Any]) -> dict[str, Any]:
    return {name: prop["enum"][0] for name, prop in schema["properties"].items() if "enum" in prop}


def _answer(body: dict[str, Any]) -> str:
    """Valid labels; a batched answer drops the first id, adds an unknown id and repeats the last id."""
    schema = body["response_format"]["json_schema"]["schema"]
    if "results" not in schema["properties"]:
        return json.dumps(_labels(schema))
    item_schema = schema["properties"]["results"]["items"]
    ids = [b.conversation_id for b in extract_conversation_blocks(body["messages"][-1]["content"])]
    answered = [*ids[1:], "not-asked", ids[-1]]
    return json.dumps({"results": [{"conversation_id": i, **_labels(item_schema)} for i in answered]})


def _server(request: httpx2.Request) -> httpx2.Response:
    content = _answer(json.loads(request.content))
    completion = {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "instant",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 11, "total_tokens": 111},
    }
    return httpx2.Response(200, json=completion)


def _sdk(endpoint: EndpointSettings, key: SecretStr | str) -> openai.AsyncOpenAI:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(_server))
    return openai.AsyncOpenAI(base_url=endpoint.base_url, api_key="k", max_retries=0, http_client=http)


async def _run(
    strategy: Any, items: list[WorkItem], settings: Settings
) -> tuple[list[HashRow], StrategyContext]:
    registry = ClassifierRegistry()
    rows: list[HashRow] = []
    async with LLMClient(settings.endpoints, settings.client, sdk_factory=_sdk) as client:
        ctx = StrategyContext(
            settings=settings,
            registry=registry,
            renderer=PromptRenderer(registry),
            normalizer=OutputNormalizer(registry),
            client=client,
            run_id="run-1",
            emit=rows.extend,
        )
        await strategy.run(items, ctx)
    return rows, ctx


async def test_batched_reruns_only_missing_ids_singly_and_reports_extra_and_duplicates() -> None:
    settings = load_settings(endpoints=[{"name": "e", "model": "instant"}], classify={"batch_size": 4})
    items = [WorkItem(i.content_hash, i.conversation, ("topic", "satisfaction")) for i in _items(4)]
    rows, ctx = await _run(BatchedStrategy(settings), items, settings)
    assert sorted((r["content_hash"], r["classifier"]) for r in rows) == sorted(
        (i.content_hash, c) for i in items for c in ("topic", "satisfaction")
    )
    assert {r["status"] for r in rows} == {"ok"}
    counters = ctx.counters.as_dict()
    assert counters == {"calls": 2, "missing_ids": 1, "extra_ids": 1, "duplicate_ids": 1, "reruns": 1}
    assert sum(r["prompt_tokens"] for r in rows) == 2 * 100  # each call's usage, split over its rows
    assert sum(r["completion_tokens"] for r in rows) == 2 * 11


async def test_multi_asks_each_conversation_once_for_its_missing_classifiers() -> None:
    settings = load_settings(endpoints=[{"name": "e", "model": "instant"}])
    items = _items(3)
    items[0] = WorkItem(
        items[0].content_hash, items[0].conversation, ("topic", "satisfaction", "knowledge_work")
    )
    rows, ctx = await _run(MultiStrategy(settings), items, settings)
    assert ctx.counters.calls == 3
    assert len(rows) == 5
    assert {r["strategy"] for r in rows} == {"multi"}
    first = [r for r in rows if r["content_hash"] == items[0].content_hash]
    assert sum(r["prompt_tokens"] for r in first) == 100 and {r["latency_ms"] for r in first}.__len__() == 1
