from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from semtel_core.errors import PromptError
from semtel_core.prompts import ClassifierRegistry, PromptRenderer, TokenBudget
from semtel_core.prompts.delimiters import extract_conversation_blocks
from semtel_core.prompts.render import estimate_prompt_tokens
from semtel_core.prompts.tokens import count_message_tokens
from semtel_core.schema.conversation import Conversation

pytestmark = [pytest.mark.unit]

ConversationFactory = Callable[..., Conversation]


def _prompt_text(messages: list[dict[str, str]]) -> str:
    return "\n".join(m["content"] for m in messages)


def test_single_prompt(renderer: PromptRenderer, make_conversation: ConversationFactory) -> None:
    prompt = renderer.single(make_conversation("c-1"), "topic")
    assert [m["role"] for m in prompt.messages] == ["system", "user"]
    assert prompt.messages[0]["content"].count("\n- ") == len(renderer.registry.get("topic").labels)
    (block,) = extract_conversation_blocks(prompt.messages[1]["content"])
    assert block.conversation_id == "c1"
    assert block.turns[1] == ("assistant", "Use reversed() or slicing: xs[::-1].")
    fmt = prompt.response_format
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert list(fmt["json_schema"]["schema"]["properties"]) == ["topic"]
    assert prompt.classifier_versions == {"topic": renderer.registry.get("topic").version}
    assert prompt.truncation["c-1"].truncated is False
    assert prompt.request_kwargs() == {"messages": prompt.messages, "response_format": fmt}


def test_multi_task_prompt_asks_every_classifier(
    renderer: PromptRenderer, make_conversation: ConversationFactory
) -> None:
    prompt = renderer.multi_task(make_conversation())
    names = renderer.registry.names
    assert prompt.classifiers == names
    assert list(prompt.response_format["json_schema"]["schema"]["properties"]) == list(names)
    system = prompt.messages[0]["content"]
    for name in names:
        assert f"## {name}" in system
    assert len(extract_conversation_blocks(_prompt_text(prompt.messages))) == 1


def test_batched_prompt_holds_every_conversation_in_order(
    renderer: PromptRenderer, make_conversation: ConversationFactory
) -> None:
    conversations = [make_conversation(f"c-{i}", f"question {i}") for i in range(7)]
    prompt = renderer.batched(conversations, ["topic", "satisfaction"])
    blocks = extract_conversation_blocks(_prompt_text(prompt.messages))
    assert [b.conversation_id for b in blocks] == [f"c{i + 1}" for i in range(7)]  # aliases, in order
    assert prompt.conversation_ids == tuple(f"c-{i}" for i in range(7))
    assert set(prompt.truncation) == set(prompt.conversation_ids)
    item = prompt.response_format["json_schema"]["schema"]["properties"]["results"]["items"]
    assert list(item["properties"]) == ["conversation_id", "topic", "satisfaction"]
    parsed = prompt.output_model.model_validate_json(
        json.dumps({"results": [{"conversation_id": "c-0", "topic": "coding", "satisfaction": "neutral"}]})
    )
    assert parsed.model_dump()["results"][0]["topic"] == "coding"


def test_batched_needs_distinct_ids(renderer: PromptRenderer, make_conversation: ConversationFactory) -> None:
    with pytest.raises(PromptError, match="distinct"):
        renderer.batched([make_conversation("a"), make_conversation("a")])
    with pytest.raises(PromptError, match="distinct"):
        renderer.batched([])


def test_grader_prompt_carries_proposals_as_json(
    renderer: PromptRenderer, make_conversation: ConversationFactory
) -> None:
    prompt = renderer.grader(make_conversation(), {"topic": "coding", "satisfaction": None})
    user = prompt.messages[-1]["content"]
    proposals = user.split("<proposed_labels>", 1)[1].split("</proposed_labels>", 1)[0]
    assert json.loads(proposals) == {"topic": "coding", "satisfaction": None}
    grade = prompt.response_format["json_schema"]["schema"]["properties"]["topic"]
    assert grade["properties"]["verdict"]["enum"] == ["correct", "incorrect"]
    assert "coding" in grade["properties"]["corrected_label"]["enum"]
    with pytest.raises(PromptError, match="not one of"):
        renderer.grader(make_conversation(), {"topic": "astrology"})


def test_estimated_tokens_are_messages_plus_schema(
    renderer: PromptRenderer, make_conversation: ConversationFactory
) -> None:
    prompt = renderer.multi_task(make_conversation())
    assert prompt.estimated_prompt_tokens == estimate_prompt_tokens(prompt.messages, prompt.response_format)
    assert prompt.estimated_prompt_tokens > count_message_tokens(prompt.messages)


def test_prompt_version_changes_with_the_classifiers(
    renderer: PromptRenderer, make_conversation: ConversationFactory
) -> None:
    a = renderer.multi_task(make_conversation(), ["topic"])
    b = renderer.multi_task(make_conversation("c-2"), ["topic"])
    c = renderer.multi_task(make_conversation(), ["topic", "satisfaction"])
    assert a.prompt_version == b.prompt_version != c.prompt_version


def test_budget_is_applied_and_recorded(
    registry: ClassifierRegistry, make_conversation: ConversationFactory
) -> None:
    long_turn = "word " * 3000
    renderer = PromptRenderer(registry, TokenBudget(max_tokens=256, strategy="head_tail"))
    prompt = renderer.batched([make_conversation("long", long_turn), make_conversation("short")], ["topic"])
    assert prompt.truncation["long"].truncated and prompt.truncation["long"].final_tokens <= 256
    assert prompt.truncation["short"].truncated is False
    (long_block, _) = extract_conversation_blocks(_prompt_text(prompt.messages))
    assert "tokens elided" in long_block.text()


def test_template_that_drops_the_conversation_is_refused(
    prompts_copy: Path, make_conversation: ConversationFactory
) -> None:
    template = prompts_copy / "topic.prompty"
    template.write_text(
        template.read_text(encoding="utf-8").replace("{{ conversation }}", ""), encoding="utf-8"
    )
    with pytest.raises(PromptError, match="0 conversation blocks"):
        PromptRenderer(ClassifierRegistry(prompts_copy)).single(make_conversation(), "topic")
