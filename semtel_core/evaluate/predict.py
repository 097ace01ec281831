"""Classifying with a trained bundle: result rows of strategy ``embedding``, and the cascade split.

Each conversation is featurized once (as the bundle was trained: embedding, signals, hashed n-grams) and every
classifier of the bundle reads the same features. A row's label follows the classifier's decision rule and its
``confidence`` is that label's calibrated probability; the cascade keeps rows at or above a threshold and sends
the others to the LLM path, counting what went where.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from semtel_core.config import EndpointSettings
from semtel_core.evaluate.artefact import EmbeddingBundle
from semtel_core.evaluate.embedders import Embedder, build_embedder
from semtel_core.evaluate.features import featurize
from semtel_core.schema.conversation import Conversation
from semtel_core.schema.results import ClassificationResult

CHUNK = 512  # conversations featurized at a time: hashed n-gram rows of a whole partition would not fit


def predict_probabilities(
    bundle: EmbeddingBundle,
    conversations: Sequence[Conversation],
    classifiers: Sequence[str],
    embedder: Embedder,
    chunk: int = CHUNK,
) -> dict[str, npt.NDArray[np.float64]]:
    """Per classifier, the calibrated probabilities of every conversation in order (columns: the bundle's
    labels). Each chunk of conversations is featurized once and read by every classifier."""
    spec = bundle.manifest.embedding
    parts: dict[str, list[npt.NDArray[np.float64]]] = {name: [] for name in classifiers}
    for start in range(0, len(conversations), chunk):
        features = featurize(conversations[start : start + chunk], spec, embedder)
        for name in classifiers:
            parts[name].append(bundle.predict_proba(name, features))
    return {
        name: np.concatenate(found) if found else np.empty((0, len(bundle.labels(name))))
        for name, found in parts.items()
    }


def predict_labels(
    bundle: EmbeddingBundle,
    conversations: Sequence[Conversation],
    classifiers: Sequence[str],
    embedder: Embedder,
    chunk: int = CHUNK,
) -> dict[str, list[tuple[str, float]]]:
    """Per classifier, (label, its calibrated probability) of every conversation in order."""
    picks: dict[str, list[tuple[str, float]]] = {}
    for name, probabilities in predict_probabilities(
        bundle, conversations, classifiers, embedder, chunk
    ).items():
        labels, confidence = bundle.choose(name, probabilities)
        picks[name] = [(label, float(c)) for label, c in zip(labels, confidence, strict=True)]
    return picks


def classify_with_bundle(
    bundle: EmbeddingBundle,
    conversations: Sequence[Conversation],
    *,
    run_id: str,
    classifiers: Sequence[str] | None = None,
    embedder: Embedder | None = None,
    endpoint: EndpointSettings | None = None,
) -> list[ClassificationResult]:
    """One ``ok`` row per (conversation, classifier) with label and confidence; ``latency_ms`` is the
    per-conversation share of the embedding + prediction time of the whole call."""
    spec = bundle.manifest.embedding
    embedder = embedder or build_embedder(spec, endpoint)
    names = list(classifiers) if classifiers else bundle.classifiers
    started = time.perf_counter()
    picks = predict_labels(bundle, conversations, names, embedder)
    per_conversation_ms = (time.perf_counter() - started) * 1000 / max(len(conversations), 1)
    now = datetime.now(UTC)
    return [
        ClassificationResult(
            run_id=run_id,
            conversation_id=conv.conversation_id,
            content_hash=conv.content_hash,
            classifier=name,
            classifier_version=bundle.classifier_version,
            label=picks[name][i][0],
            status="ok",
            strategy="embedding",
            model=f"{spec.model}+{bundle.manifest.options.estimator}",
            endpoint=spec.provider,
            confidence=picks[name][i][1],
            latency_ms=per_conversation_ms,
            created_at=now,
        )
        for i, conv in enumerate(conversations)
        for name in names
    ]


@dataclass
class CascadeSplit:
    """Rows kept from the embedding path, and (conversation_id, classifier) pairs sent to the LLM path."""

    threshold: float
    kept: list[ClassificationResult] = field(default_factory=list)
    to_llm: list[tuple[str, str]] = field(default_factory=list)

    def shares(self) -> dict[str, dict[str, float]]:
        """Per classifier: share of rows kept by the embedding path and share sent to the LLM."""
        counts: dict[str, list[int]] = {}
        for row in self.kept:
            counts.setdefault(row.classifier, [0, 0])[0] += 1
        for _, name in self.to_llm:
            counts.setdefault(name, [0, 0])[1] += 1
        return {
            name: {"embedding": kept / (kept + sent), "llm": sent / (kept + sent)}
            for name, (kept, sent) in sorted(counts.items())
        }


def cascade_split(rows: Sequence[ClassificationResult], threshold: float) -> CascadeSplit:
    """Keep rows whose top probability is at least ``threshold``; the rest go to the LLM path."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"cascade threshold must be in [0, 1], got {threshold}")
    split = CascadeSplit(threshold=threshold)
    for row in rows:
        if row.confidence is not None and row.confidence >= threshold:
            split.kept.append(row)
        else:
            split.to_llm.append((row.conversation_id, row.classifier))
    return split
