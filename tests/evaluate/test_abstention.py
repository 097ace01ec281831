"""The ``unknown`` decision on constructed conversations with a known unknown class: three kinds of request are
trained, a fourth arrives only in the test file and must come out as unknown, with the floor fitted on the
training part's cross-validation only."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from semtel_core.evaluate.abstention import abstention_floor
from semtel_core.evaluate.artefact import TrainOptions
from semtel_core.evaluate.embedders import EmbeddingSpec, InProcessEmbedder
from semtel_core.evaluate.gold import GoldLabels
from semtel_core.evaluate.loading import read_conversations
from semtel_core.evaluate.predict import predict_probabilities
from semtel_core.evaluate.train import FixedSplit, train_bundle
from semtel_core.schema.conversation import Conversation

pytestmark = [pytest.mark.unit, pytest.mark.slow]

KINDS = {
    "cooking": (
        ["How long should I bake {x}", "What temperature do I roast {x} at", "Can I freeze leftover {x}"],
        ["chicken thighs", "a sourdough loaf", "banana bread", "salmon fillets", "lasagna", "brownies"],
    ),
    "car_repair": (
        [
            "My car makes a grinding noise when {x}",
            "Why does my engine stall when {x}",
            "The brakes squeal when {x}",
        ],
        [
            "I turn left",
            "it is cold outside",
            "I accelerate uphill",
            "I park",
            "the AC is on",
            "I brake hard",
        ],
    ),
    "taxes": (
        [
            "Can I deduct {x} on my tax return",
            "How do I report {x} to the tax office",
            "Is {x} taxable income",
        ],
        [
            "home office costs",
            "a freelance payment",
            "crypto gains",
            "a rental income",
            "a gift from my aunt",
            "student loan interest",
        ],
    ),
    "astronomy": (  # never in training: the unknown class
        [
            "How far away is {x}",
            "What would I see through a telescope looking at {x}",
            "When can I observe {x}",
        ],
        [
            "the Andromeda galaxy",
            "Jupiter's moons",
            "the Orion nebula",
            "a solar eclipse",
            "Saturn's rings",
            "the Pleiades cluster",
        ],
    ),
}
TRAINED = ("cooking", "car_repair", "taxes")
SPEC = EmbeddingSpec(view="user", max_tokens=64, signals="none", lexical=None)


def _conversations(tmp_path: Path) -> tuple[list[Conversation], dict[str, str]]:
    rows, kind_of = [], {}
    for kind, (templates, fillers) in KINDS.items():
        for n, (template, filler) in enumerate(itertools.product(templates, fillers)):
            for variant, tail in enumerate(("?", ", please?")):
                cid = f"{kind}-{n}-{variant}"
                kind_of[cid] = kind
                text = template.format(x=filler) + tail
                rows.append({"conversation_id": cid, "messages": [{"role": "user", "content": text}]})
    path = tmp_path / "conversations.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return read_conversations([str(path)]), kind_of


def _split(kind_of: dict[str, str], test_kinds: tuple[str, ...]) -> tuple[GoldLabels, GoldLabels]:
    """Every third conversation of a trained kind is a test row; test_kinds decides what else is tested."""
    train: dict[str, str] = {}
    test: dict[str, str] = {}
    for i, (cid, kind) in enumerate(sorted(kind_of.items())):
        if kind in TRAINED and i % 3:
            train[cid] = kind
        elif kind in test_kinds:
            test[cid] = kind
    return {"request": train}, {"request": test}


@pytest.fixture(scope="module")
def embedder() -> InProcessEmbedder:
    return InProcessEmbedder()


def test_an_unknown_class_is_abstained_on_and_the_floor_never_sees_the_test_rows(
    tmp_path: Path, embedder: InProcessEmbedder
) -> None:
    conversations, kind_of = _conversations(tmp_path)
    options = TrainOptions(
        feature_sets=("embedding",), decision="argmax", abstain_cost=0.02, selection_folds=3
    )
    train, test = _split(kind_of, (*TRAINED, "astronomy"))
    bundle = train_bundle(conversations, train, SPEC, embedder, options, test=FixedSplit(conversations, test))
    card = bundle.manifest.classifiers["request"]
    assert card.labels == sorted(TRAINED) and card.unknown_below is not None and card.unknown_below > 0
    scores = card.metrics.abstention
    assert scores is not None and scores.out_of_scope_rows == 36
    assert scores.recall is not None and scores.recall >= 0.5
    assert scores.in_scope_accuracy >= scores.in_scope_accuracy_without - 0.05
    # the same training rows with another test file (no unknown rows at all): the same floor
    _, in_scope_only = _split(kind_of, TRAINED)
    again = train_bundle(
        conversations, train, SPEC, embedder, options, test=FixedSplit(conversations, in_scope_only)
    )
    # (equal up to float noise: the texts are embedded in other batches, and a batch's shape moves the last bits)
    assert again.manifest.classifiers["request"].unknown_below == pytest.approx(card.unknown_below, rel=1e-6)
    assert again.manifest.classifiers["request"].metrics.abstention.recall is None  # type: ignore[union-attr]
    # the bundle holds back the label of the astronomy questions at prediction time
    astronomy = [c for c in conversations if kind_of[c.conversation_id] == "astronomy"]
    probabilities = predict_probabilities(bundle, astronomy, ["request"], embedder)["request"]
    _, confidence = bundle.choose("request", probabilities)
    assert bundle.abstains("request", confidence).mean() == pytest.approx(scores.recall, abs=0.05)
    # without abstain_cost nothing is held back
    plain = train_bundle(
        conversations,
        train,
        SPEC,
        embedder,
        options.model_copy(update={"abstain_cost": 0.0}),
        test=FixedSplit(conversations, test),
    )
    assert plain.manifest.classifiers["request"].unknown_below is None
    assert not plain.abstains("request", confidence).any()


def test_the_floor_costs_at_most_its_share_of_correct_answers() -> None:
    rng = np.random.default_rng(0)
    p = rng.dirichlet([1, 1, 1], size=400)
    labels = ["a", "b", "c"]
    gold = [labels[i] if rng.random() < 0.8 else labels[(i + 1) % 3] for i in p.argmax(1)]
    for cost in (0.0, 0.01, 0.05, 0.2):
        floor = abstention_floor(p, gold, labels, None, cost)
        chosen = p.argmax(1)
        correct = np.asarray([labels[c] == g for c, g in zip(chosen, gold, strict=True)])
        below = p.max(1) < floor
        assert (correct & below).sum() <= cost * len(gold)
        # one step higher would cost more: the next correct confidence above the floor is not free
        higher = p.max(1)[correct & ~below].min()
        assert (correct & (p.max(1) <= higher)).sum() > cost * len(gold)
