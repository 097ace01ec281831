"""Discovery on real prompts (arena-hard, ``../shared/data``): its topics follow the gold subcategories (coding,
math, creative writing) although it never sees them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from semtel_core.config import Settings
from semtel_core.evaluate.loading import read_conversations
from semtel_core.topics.discover import discover

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_arena_hard_topics_follow_the_gold_subcategories(shared_data: Path) -> None:
    import json

    path = shared_data / "arena_hard_v2_prompts.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    gold = {row["conversation_id"]: row["labels"]["subcategory"] for row in rows}
    found = discover(read_conversations([str(path)]), Settings())
    by_topic: dict[str, Counter[str]] = {}
    for cid, topic in found.topic_of.items():
        if topic is not None:
            by_topic.setdefault(topic, Counter())[gold[cid]] += 1
    shown = sum(sum(c.values()) for c in by_topic.values())
    purity = sum(c.most_common(1)[0][1] for c in by_topic.values()) / shown
    print(f"arena-hard: {len(by_topic)} topics, purity {purity:.3f}, shown {shown} of {len(gold)}")
    assert shown >= 0.9 * len(gold) and len(by_topic) >= 3
    assert purity >= 0.6
    dominant = {c.most_common(1)[0][0] for c in by_topic.values()}
    assert dominant == {"coding", "math", "creative_writing"}
