"""The shorter re-render of the context-length retry: a cap that halves the conversations, blocks kept intact."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from semtel_core.prompts import ClassifierRegistry, PromptRenderer, TokenBudget
from semtel_core.prompts.delimiters import extract_conversation_blocks
from semtel_core.prompts.shorten import SentPrompt, halving_cap
from semtel_core.schema.conversation import Conversation

pytestmark = [pytest.mark.unit]

ConversationFactory = Callable[..., Conversation]


@pytest.mark.parametrize(
    ("sizes", "cap"),
    [([1000], 500), ([45, 1205], 580), ([100, 100], 50), ([10, 10, 400], 190), ([], 0)],
)
def test_halving_cap_cuts_only_the_longest_and_halves_the_total(sizes: list[int], cap: int) -> None:
    assert halving_cap(sizes) == cap
    assert sum(min(s, cap) for s in sizes) <= sum(sizes) // 2


def test_shorten_rerenders_every_block_under_the_retry_budget(
    registry: ClassifierRegistry, make_conversation: ConversationFactory
) -> None:
    long = make_conversation("long", " ".join(f"word{i}" for i in range(2000)), "Sure.")
    short = make_conversation("short")
    renderer = PromptRenderer(registry, TokenBudget(max_tokens=2048))
    sent = SentPrompt(renderer, lambda r: r.batched([long, short], ["topic", "satisfaction"]))
    first = sent.prompt
    assert sent.truncate is not None

    messages = sent.truncate(first.messages)

    assert sent.prompt is not first and messages == sent.prompt.messages
    assert [b.conversation_id for m in messages for b in extract_conversation_blocks(m["content"])] == [
        "c1",
        "c2",
    ]
    long_record, short_record = sent.prompt.truncation["long"], sent.prompt.truncation["short"]
    assert long_record.limit == short_record.limit < 2048 and long_record.truncated
    assert short_record.final_tokens == first.truncation["short"].final_tokens  # the short one is kept whole
    assert sent.prompt.response_format == first.response_format


def test_truncation_none_means_no_retry_callback(
    registry: ClassifierRegistry, make_conversation: ConversationFactory
) -> None:
    renderer = PromptRenderer(registry, TokenBudget(max_tokens=2048, strategy="none"))
    assert SentPrompt(renderer, lambda r: r.single(make_conversation(), "topic")).truncate is None
