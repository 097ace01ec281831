"""Topic discovery on constructed conversations whose families are known: the families come back as topics and
parents, and nothing of a cluster under the privacy threshold, and no e-mail address, is ever shown."""

from __future__ import annotations

from collections import Counter
from functools import cache

import numpy as np
import pytest
from topic_data import constructed

from semtel_core.config import Settings, TopicsSettings
from semtel_core.topics.clustering import Clustering, candidate_ks, split_oversized
from semtel_core.topics.discover import Discovered, discover
from semtel_core.topics.terms import distinctive_terms

pytestmark = [pytest.mark.unit]

SIZES = {"tax": 40, "python": 40, "garden": 40, "zeppelin": 4}


@cache
def _run(users: bool = False) -> tuple[Discovered, dict[str, str]]:
    data = constructed(SIZES, users=users)
    return discover(data.conversations, Settings()), data.family


def test_each_topic_and_each_parent_is_one_family() -> None:
    found, family = _run()
    summary = found.summary
    assert summary.topics
    total = summary.shown_conversations + summary.withheld_conversations + summary.outliers
    assert total == sum(SIZES.values())
    families_of_topic: dict[str, Counter[str]] = {}
    for cid, topic in found.topic_of.items():
        if topic is not None:
            families_of_topic.setdefault(topic, Counter())[family[cid]] += 1
    for topic in summary.topics:
        counts = families_of_topic[topic.id]
        assert sum(counts.values()) == topic.conversations
        assert counts.most_common(1)[0][1] / topic.conversations >= 0.9, (topic.name, counts)
    parent_families = {
        parent.id: {families_of_topic[t].most_common(1)[0][0] for t in parent.topics}
        for parent in summary.parents
    }
    assert sorted(f for fs in parent_families.values() for f in fs) == ["garden", "python", "tax"], (
        parent_families
    )
    names = " ".join(t.name for t in summary.topics)
    assert "tax" in names and "python" in names and ("garden" in names or "soil" in names or "plant" in names)


def test_a_small_cluster_and_personal_text_are_never_shown() -> None:
    found, _ = _run()
    shown = found.summary.model_dump_json()
    for word in ("zeppelin", "gondola", "propeller", "grandfather", "example.org", "person", "@"):
        assert word not in shown.lower(), word
    assert all(found.topic_of[f"zeppelin-{i:03d}"] is None for i in range(4))
    assert found.summary.withheld_conversations + found.summary.outliers >= 4
    assert all(t.conversations >= found.summary.min_conversations for t in found.summary.topics)


def test_with_user_ids_a_cluster_needs_enough_distinct_users() -> None:
    data = constructed({"tax": 40, "python": 40, "garden": 40}, users=True)
    # garden: 40 conversations from 3 people only
    for c in data.conversations:
        if c.conversation_id.startswith("garden"):
            c.metadata.extra["user_id"] = f"g{int(c.conversation_id[-3:]) % 3}"
    found = discover(data.conversations, Settings())
    shown = found.summary.model_dump_json().lower()
    assert all(
        found.topic_of[c.conversation_id] is None
        for c in data.conversations
        if c.conversation_id.startswith("garden")
    )
    assert "garden" not in shown and "soil" not in shown
    assert all(t.users is not None and t.users >= 10 for t in found.summary.topics)


def test_terms_need_enough_conversations_and_skip_placeholders() -> None:
    texts = (
        ["file my tax return <EMAIL> tax"] * 12 + ["python KeyError in my dict"] * 12 + ["tax zeppelin"] * 3
    )
    labels = [0] * 12 + [1] * 12 + [1] * 3
    terms = distinctive_terms(texts, labels, min_conversations=10, top=5)
    assert "tax" in terms[0] and "python" in terms[1]
    flat = {t for ts in terms.values() for t in ts}
    assert not any("zeppelin" in t or "email" in t or "elided" in t or "tokens" in t for t in flat)
    assert distinctive_terms(texts[:3], [0, 0, 0], min_conversations=10) == {0: []}


def test_candidate_numbers_of_clusters() -> None:
    assert candidate_ks(1000, 10, 40) == [2, 3, 4, 6, 8, 11, 16, 23, 32, 40]
    assert candidate_ks(1000, 10, 500)[-1] == 50  # an average cluster holds twice the threshold
    assert candidate_ks(39, 10, 40) == [] and candidate_ks(40, 10, 40) == [2]


def test_settings_reject_a_threshold_under_two() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 2"):
        TopicsSettings(min_conversations=1)


def _groups(sizes: list[int], seed: int = 0) -> np.ndarray:
    """Tight groups of unit vectors around orthogonal directions, ``sizes[i]`` rows in group i."""
    rng = np.random.default_rng(seed)
    rows = [np.eye(8)[i] + 0.05 * rng.standard_normal((n, 8)) for i, n in enumerate(sizes)]
    return np.vstack(rows)


def test_an_oversized_cluster_is_split_while_both_halves_can_be_shown() -> None:
    x = _groups([30, 30, 20])
    merged = np.array([0] * 60 + [1] * 20)  # two of the groups in one cluster: 75 % of the rows
    given = Clustering(merged, np.zeros((2, 8)), 0.5, {2: 0.5})
    split = split_oversized(x, given, max_share=0.5, min_size=10)
    assert len(np.unique(split.labels)) == 3
    assert {frozenset(np.flatnonzero(split.labels == c)) for c in range(3)} == {
        frozenset(range(30)),
        frozenset(range(30, 60)),
        frozenset(range(60, 80)),
    }
    assert split.centroids.shape == (3, 8)
    assert np.allclose(np.linalg.norm(split.centroids, axis=1), 1)
    # halves under the privacy threshold could not be shown: the cluster stays whole; share 1 never splits
    assert split_oversized(x, given, max_share=0.5, min_size=31) is given
    assert split_oversized(x, given, max_share=1.0, min_size=10) is given


def test_discover_splits_topics_above_the_share_and_keeps_each_within_one_family() -> None:
    data = constructed(SIZES)
    whole, _ = _run()
    assert max(t.share for t in whole.summary.topics) > 0.25  # each family is about a third
    settings = Settings(topics=TopicsSettings(max_topic_share=0.25))
    found = discover(data.conversations, settings)
    assert max(t.share for t in found.summary.topics) <= 0.25
    assert len(found.summary.topics) > len(whole.summary.topics)
    members: dict[str, Counter[str]] = {}
    for cid, topic in found.topic_of.items():
        if topic is not None:
            members.setdefault(topic, Counter())[data.family[cid]] += 1
    assert all(len(families) == 1 for families in members.values())
