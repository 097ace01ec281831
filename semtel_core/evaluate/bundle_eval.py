"""Scoring a saved bundle on another labelled file (``semtel embed eval``): the training card's metrics, on new gold.

Every classifier of the bundle that the gold labels is scored by the bundle's own decision rule. The majority
baseline answers the card's: the label most common in the training part the card's figures come from.
"""

from __future__ import annotations

from collections.abc import Sequence

from semtel_core.errors import ConfigError
from semtel_core.evaluate.artefact import EmbeddingBundle
from semtel_core.evaluate.embedders import Embedder
from semtel_core.evaluate.gold import GoldLabels
from semtel_core.evaluate.metrics import HeldOutMetrics, held_out_metrics
from semtel_core.evaluate.predict import predict_probabilities
from semtel_core.schema.conversation import Conversation


def scored_classifiers(
    bundle: EmbeddingBundle, gold: GoldLabels, classifiers: Sequence[str] | None
) -> list[str]:
    """The classifiers to score: those asked for (each must be in the bundle and the gold), else every one of
    the bundle's that the gold labels."""
    if classifiers:
        unknown = [n for n in classifiers if n not in bundle.classifiers]
        if unknown:
            raise ConfigError(
                f"bundle {bundle.manifest.version} has no classifier(s) {unknown}; it has {bundle.classifiers}",
                field="classifier",
            )
        unlabelled = [n for n in classifiers if not gold.get(n)]
        if unlabelled:
            raise ConfigError(f"the gold has no labels for {unlabelled}", field="gold")
        return list(classifiers)
    names = [n for n in bundle.classifiers if gold.get(n)]
    if not names:
        raise ConfigError(
            f"the gold labels none of the bundle's classifiers {bundle.classifiers}; it has {sorted(gold)}",
            field="gold",
        )
    return names


def evaluate_bundle(
    bundle: EmbeddingBundle,
    conversations: Sequence[Conversation],
    gold: GoldLabels,
    embedder: Embedder,
    classifiers: Sequence[str] | None = None,
) -> tuple[dict[str, HeldOutMetrics], int]:
    """Metrics per classifier on the gold-labelled conversations, and how many gold-labelled conversations are
    not in ``conversations`` (not scored)."""
    names = scored_classifiers(bundle, gold, classifiers)
    wanted = {cid for n in names for cid in gold[n]}
    chosen = [c for c in conversations if c.conversation_id in wanted]
    position = {c.conversation_id: i for i, c in enumerate(chosen)}
    probabilities = predict_probabilities(bundle, chosen, names, embedder)
    metrics = {}
    for name in names:
        ids = [cid for cid in gold[name] if cid in position]
        if not ids:
            raise ConfigError(f"no conversation labelled for {name!r} is in the input", field="input")
        card = bundle.manifest.classifiers[name]
        metrics[name] = held_out_metrics(
            [gold[name][cid] for cid in ids],
            probabilities[name][[position[cid] for cid in ids]],
            bundle.labels(name),
            [card.metrics.majority_label],  # the card's baseline: its training part's most common label
            card.decision_weights(),
            floor=card.unknown_below,
        )
    return metrics, len(wanted) - len(chosen)
