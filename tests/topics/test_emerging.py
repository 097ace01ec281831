"""Emerging topics on constructed weeks: a family that was never there before is flagged in the first week it
holds enough conversations; stable weeks flag nothing; a family under the privacy threshold is never named."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from topic_data import constructed

from semtel_core.config import Settings
from semtel_core.evaluate.embedders import EmbeddingSpec, InProcessEmbedder, conversation_text
from semtel_core.topics.emerging import EmergingReport, EmergingWeek, TopicMemory, emerging_week

pytestmark = [pytest.mark.unit]

STABLE = {"tax": 30, "python": 30, "garden": 30}
MONDAY = date(2026, 9, 7)


@pytest.fixture(scope="module")
def embedder() -> InProcessEmbedder:
    return InProcessEmbedder()


def _week(memory: TopicMemory, n: int, sizes: dict[str, int], embedder: InProcessEmbedder) -> EmergingWeek:
    data = constructed(sizes, seed=n, email_every=0)
    spec = EmbeddingSpec(view="user")
    texts = [conversation_text(c, spec) for c in data.conversations]
    ids = [c.conversation_id for c in data.conversations]
    found = emerging_week(
        memory, MONDAY + timedelta(weeks=n), texts, ids, embedder.embed(texts), Settings().topics
    )
    assert len(found.members) == len(found.report.emerging)
    for topic, members in zip(found.report.emerging, found.members, strict=True):
        assert len(set(members)) == topic.conversations
    return found


def _memory_after_stable_weeks(
    weeks: int, embedder: InProcessEmbedder
) -> tuple[TopicMemory, list[EmergingReport]]:
    memory = TopicMemory()
    return memory, [_week(memory, n, STABLE, embedder).report for n in range(weeks)]


def test_stable_weeks_flag_nothing(embedder: InProcessEmbedder) -> None:
    memory, reports = _memory_after_stable_weeks(6, embedder)
    assert reports[0].clusters_tested == 0  # the first week only becomes history
    assert all(r.clusters_tested >= 1 for r in reports[1:])
    assert [e.name for r in reports for e in r.emerging] == []
    assert len(memory.weeks) == 6 and len(memory.vectors) == len(memory.week_of) == 6 * 90


def test_a_new_family_is_flagged_the_first_week_it_is_there(embedder: InProcessEmbedder) -> None:
    memory, _ = _memory_after_stable_weeks(4, embedder)
    found = _week(memory, 4, {**STABLE, "knitting": 15}, embedder)
    report = found.report
    assert len(report.emerging) == 1, report
    assert all(m.startswith("knitting-") for m in found.members[0]) and len(found.members[0]) >= 12
    (knitting,) = report.emerging
    assert knitting.conversations >= 12 and knitting.growth >= 2 and knitting.q_value <= 0.05
    assert "knit" in knitting.name or "yarn" in knitting.name
    assert knitting.earlier_counts == [0, 0, 0, 0] and knitting.weeks_seen == 1
    assert knitting.first_seen == MONDAY + timedelta(weeks=4)
    assert report.model_dump_json().count("knitting-") == 0  # ids are not in what is shown
    # a week later, at the same size, it has a history
    again = _week(memory, 5, {**STABLE, "knitting": 15}, embedder).report
    for topic in again.emerging:
        assert topic.earlier_counts[-1] >= 10 and topic.weeks_seen == 2


def test_a_family_under_the_threshold_is_never_named(embedder: InProcessEmbedder) -> None:
    memory, _ = _memory_after_stable_weeks(4, embedder)
    report = _week(memory, 4, {**STABLE, "knitting": 5}, embedder).report
    shown = report.model_dump_json().lower()
    assert report.emerging == [] and "knit" not in shown and "yarn" not in shown


def test_memory_keeps_the_configured_number_of_weeks(embedder: InProcessEmbedder) -> None:
    memory = TopicMemory()
    settings = Settings()
    settings.topics.emerging_weeks = 2
    data = constructed(STABLE, seed=0, email_every=0)
    spec = EmbeddingSpec(view="user")
    texts = [conversation_text(c, spec) for c in data.conversations]
    vectors = embedder.embed(texts)
    for n in range(4):
        emerging_week(
            memory,
            MONDAY + timedelta(weeks=n),
            texts,
            [c.conversation_id for c in data.conversations],
            vectors,
            settings.topics,
        )
    assert memory.weeks == [MONDAY + timedelta(weeks=2), MONDAY + timedelta(weeks=3)]
    assert memory.sizes == [90, 90] and len(memory.vectors) == 180
    assert sorted(set(memory.week_of.tolist())) == [0, 1]
