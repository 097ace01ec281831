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


def _named(found, names: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    """``found`` with its first topics named and described as an LLM would have."""
    topics = [
        t.model_copy(update={"name": n, "description": d, "named_by": "llm"})
        for t, (n, d) in zip(found.summary.topics, names, strict=False)
    ] + found.summary.topics[len(names) :]
    return type(found)(found.summary.model_copy(update={"topics": topics}), found.topic_of, found.centroids)


def test_llm_names_and_descriptions_become_labels_and_definitions(found) -> None:  # type: ignore[no-untyped-def]
    named = _named(
        found,
        [
            ("Tax filing questions", "Users ask how to file and deduct on their income tax return."),
            ("Налоги", "Вопросы о налогах."),  # no valid label in another script: the terms name it
        ],
    )
    definitions = propose(named, "llm_topics")
    second = found.summary.topics[1]
    assert (
        definitions.labels["tax_filing_questions"]
        == "Users ask how to file and deduct on their income tax return."
    )
    terms_label = "_".join(second.terms[:2])
    assert definitions.labels[terms_label] == f"conversations about {', '.join(second.terms)}"
    assert list(definitions.labels)[-1] == "other"


def test_a_merged_llm_label_keeps_both_descriptions_and_the_larger_name(found) -> None:  # type: ignore[no-untyped-def]
    topics = found.summary.topics
    named = _named(
        found,
        [
            ("Python errors", "Fixing Python exceptions."),
            ("Python packaging", "Building and installing packages."),
        ],
    )
    twin = dict(named.centroids)
    twin[topics[1].id] = twin[topics[0].id]
    merged = propose(type(named)(named.summary, named.topic_of, twin), "merged")
    assert merged.labels["python_errors"] == "Fixing Python exceptions. Building and installing packages."
    assert "python_packaging" not in merged.labels


def test_an_llm_name_is_cut_at_a_word_and_never_other(found) -> None:  # type: ignore[no-untyped-def]
    long_name = "Questions about preparing the annual household budget and saving plans for families"
    named = _named(found, [(long_name, "Budgets."), ("Other", "Anything else.")])
    labels = list(propose(named, "cut").labels)
    assert labels[0] == "questions_about_preparing_the_annual"
    assert labels.count("other") == 1 and "Anything else." not in propose(named, "cut").labels.values()
