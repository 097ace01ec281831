"""Fixtures of the evaluation tests: a builder of result rows, a bundle trained on the bundled sample."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from semtel_core.schema.results import ClassificationResult

RowsBuilder = Callable[..., list[ClassificationResult]]


def _result_rows(
    labels: Iterable[tuple[str, str | None]],
    *,
    classifier: str = "topic",
    run_id: str = "run-a",
    model: str = "model-a",
    status_for_none: str = "invalid",
) -> list[ClassificationResult]:
    """One row per (conversation_id, label); a ``None`` label becomes an invalid (or error) row."""
    return [
        ClassificationResult(
            run_id=run_id,
            conversation_id=cid,
            content_hash=f"h-{cid}",
            classifier=classifier,
            classifier_version="v1",
            label=label,
            status="ok" if label is not None else status_for_none,  # type: ignore[arg-type]
            strategy="single",
            model=model,
            created_at=datetime(2026, 10, 5, tzinfo=UTC),
        )
        for cid, label in labels
    ]


@pytest.fixture
def result_rows() -> RowsBuilder:
    return _result_rows


@pytest.fixture(scope="session")
def sample_bundle_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``topic`` and ``knowledge_work`` trained on the sample's human labels (in-process MiniLM), saved."""
    from semtel_core.evaluate.artefact import TrainOptions
    from semtel_core.evaluate.embedders import EmbeddingSpec, InProcessEmbedder
    from semtel_core.evaluate.gold import load_gold
    from semtel_core.evaluate.loading import read_conversations
    from semtel_core.evaluate.train import train_bundle
    from semtel_core.sample_data import CONVERSATIONS_PATH, EXPECTED_LABELS_PATH

    bundle = train_bundle(
        read_conversations([str(CONVERSATIONS_PATH)]),
        load_gold([EXPECTED_LABELS_PATH]),
        EmbeddingSpec(view="user", max_tokens=128),
        InProcessEmbedder(),
        TrainOptions(),
        ["topic", "knowledge_work"],
    )
    return bundle.save(tmp_path_factory.mktemp("bundles"))
