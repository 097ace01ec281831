"""A proposed classifier from discovered topics loads as a classifier: near-duplicate topics merged, the count
capped, ``other`` last; an existing classifier is never overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from topic_data import constructed

from semtel_core.config import Settings
from semtel_core.errors import ConfigError
from semtel_core.prompts.registry import ClassifierRegistry, default_prompts_dir
from semtel_core.topics.discover import discover
from semtel_core.topics.taxonomy import propose, write_proposal

pytestmark = [pytest.mark.unit]


@pytest.fixture(scope="module")
def found():  # type: ignore[no-untyped-def]
    return discover(constructed({"tax": 40, "python": 40, "garden": 40}).conversations, Settings())


def test_the_proposal_is_a_classifier_of_the_registry(found, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    prompts = tmp_path / "prompts"
    shutil.copytree(default_prompts_dir(), prompts)
    definitions = propose(found, "user_topics")
    assert list(definitions.labels)[-1] == "other" and len(definitions.labels) >= 3
    path = write_proposal(definitions, prompts, template=prompts / "topic.prompty", conversations=120)
    assert path.read_text().startswith("# Proposed by semtel topics discover from 120 conversations")
    registry = ClassifierRegistry(prompts)
    assert "user_topics" in registry.names
    labels = " ".join(registry.get("user_topics").definitions.labels)
    assert "tax" in labels and "python" in labels
    with pytest.raises(ConfigError, match="exists"):
        write_proposal(definitions, prompts, template=prompts / "topic.prompty", conversations=120)
    with pytest.raises(ConfigError, match="must match"):
        write_proposal(
            definitions.model_copy(update={"name": "Bad-Name"}),
            prompts,
            template=prompts / "topic.prompty",
            conversations=1,
        )


def test_duplicates_merge_and_the_count_is_capped(found) -> None:  # type: ignore[no-untyped-def]
    topics = found.summary.topics
    assert len(topics) >= 3
    capped = propose(found, "capped", max_labels=3)
    assert len(capped.labels) == 3 and list(capped.labels)[-1] == "other"
    # two topics pointing the same way are one label
    twin = dict(found.centroids)
    twin[topics[1].id] = found.centroids[topics[0].id] + 1e-3 * np.ones_like(found.centroids[topics[0].id])
    twin[topics[1].id] /= np.linalg.norm(twin[topics[1].id])
    merged = propose(type(found)(found.summary, found.topic_of, twin), "merged")
    assert len(merged.labels) == len(propose(found, "all").labels) - 1
