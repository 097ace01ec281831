"""The rendered prompts against the project's own local endpoint, which parses docs/prompt-protocol.md."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from semtel_core.prompts import ClassifierRegistry, OutputNormalizer, PromptRenderer, TokenBudget
from semtel_core.schema.conversation import Conversation

pytestmark = [pytest.mark.integration]


def _arena(shared_data: Path, n: int) -> list[Conversation]:
    with (shared_data / "arena_conversations.jsonl").open(encoding="utf-8") as f:
        rows = [json.loads(line) for _, line in zip(range(n), f, strict=False)]
    return [Conversation(conversation_id=r["conversation_id"], messages=r["messages"]) for r in rows]


def test_instant_model_answers_every_style_and_every_answer_normalizes(
    shared_data: Path, registry: ClassifierRegistry, normalizer: OutputNormalizer
) -> None:
    from semtel_core.endpoint.models import instant_answer

    conversations = _arena(shared_data, 12)
    renderer = PromptRenderer(registry, TokenBudget(max_tokens=512))
    prompts = [renderer.single(conversations[0], "topic"), renderer.multi_task(conversations[1])]
    prompts.append(renderer.batched(conversations[2:], ["topic", "satisfaction", "user_expertise"]))
    for prompt in prompts:
        raw = instant_answer({"response_format": prompt.response_format}, prompt.messages)
        prompt.output_model.model_validate_json(raw)
        out = normalizer.normalize(prompt, raw)
        assert out.missing_ids == () and out.extra_ids == ()
        assert {r.status for r in out.all_results()} == {"ok"}
    proposed: dict[str, str | None] = {"topic": "coding", "satisfaction": None}
    grader = renderer.grader(conversations[0], proposed)
    raw = instant_answer({"response_format": grader.response_format}, grader.messages)
    grades = normalizer.grades(raw, proposed)
    assert all(g.status == "ok" and g.final_label is not None for g in grades.values())


@pytest.fixture(scope="module")
def endpoint_url() -> Iterator[str]:
    from semtel_core.endpoint.testing import running_endpoint

    with running_endpoint() as url:
        yield url


@pytest.mark.slow
def test_zero_shot_model_over_http(
    shared_data: Path, endpoint_url: str, registry: ClassifierRegistry, normalizer: OutputNormalizer
) -> None:
    from openai import OpenAI

    conversations = _arena(shared_data, 6)
    renderer = PromptRenderer(registry, TokenBudget(max_tokens=512))
    with OpenAI(base_url=endpoint_url, api_key="semtel-test", max_retries=0) as client:
        prompt = renderer.batched(conversations, list(registry.names))
        response = client.chat.completions.create(model="local-zeroshot", **prompt.request_kwargs())
        out = normalizer.normalize(prompt, response.choices[0].message.content or "")
        assert out.missing_ids == ()
        assert len(out.all_results()) == len(conversations) * len(registry)
        assert all(r.status == "ok" for r in out.all_results())
        usage = response.usage
        assert usage is not None and usage.prompt_tokens > 0
