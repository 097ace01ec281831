"""Embedding classifiers trained on the bundled sample's human labels: metrics, artefact, gold formats."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from semtel_core.errors import InputFileError
from semtel_core.evaluate.artefact import EmbeddingBundle, TrainOptions
from semtel_core.evaluate.embedders import EmbeddingSpec, InProcessEmbedder
from semtel_core.evaluate.features import featurize
from semtel_core.evaluate.gold import load_gold
from semtel_core.evaluate.loading import read_conversations
from semtel_core.evaluate.predict import cascade_split, classify_with_bundle, predict_labels
from semtel_core.evaluate.train import train_bundle
from semtel_core.sample_data import CONVERSATIONS_PATH, EXPECTED_LABELS_PATH
from semtel_core.schema.conversation import Conversation

pytestmark = [pytest.mark.unit, pytest.mark.slow]

SPEC = EmbeddingSpec(view="user", max_tokens=128)


class _CountingMiniLM(InProcessEmbedder):
    """The real encoder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts = 0

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.texts += len(texts)
        return super().embed(texts)


@pytest.fixture(scope="module")
def conversations() -> list[Conversation]:
    return read_conversations([str(CONVERSATIONS_PATH)])


@pytest.fixture(scope="module")
def embedder() -> _CountingMiniLM:
    return _CountingMiniLM()


@pytest.fixture(scope="module")
def bundle(conversations: list[Conversation], embedder: _CountingMiniLM) -> EmbeddingBundle:
    gold = load_gold([EXPECTED_LABELS_PATH])  # the wide human-label shape
    return train_bundle(conversations, gold, SPEC, embedder, TrainOptions(), ["topic", "knowledge_work"])


def test_embeddings_are_computed_once_for_all_classifiers(
    bundle: EmbeddingBundle, conversations: list[Conversation], embedder: _CountingMiniLM
) -> None:
    unique_texts = len({c.content_hash for c in conversations})
    assert embedder.texts <= unique_texts  # duplicates embedded once, and once for both classifiers
    assert bundle.manifest.conversations == len(conversations)


def test_held_out_metrics_beat_the_majority_baseline(bundle: EmbeddingBundle) -> None:
    topic = bundle.manifest.classifiers["topic"]
    assert topic.n_test >= 50 and len(topic.labels) == 21
    assert topic.metrics.majority_accuracy < 0.15
    assert topic.metrics.accuracy > 0.5  # 21 labels: far above the baseline
    assert topic.metrics.macro_f1 > topic.metrics.majority_macro_f1 + 0.3
    assert topic.metrics.kappa > 0.4
    assert sum(map(sum, topic.metrics.confusion)) == topic.n_test
    assert 0.0 <= topic.metrics.ece <= 0.3


def test_bundle_round_trip_is_versioned_and_predicts_the_same(
    bundle: EmbeddingBundle, conversations: list[Conversation], embedder: _CountingMiniLM, tmp_path: Path
) -> None:
    path = bundle.save(tmp_path)
    assert path.name == bundle.manifest.version and (path / "topic.joblib").is_file()
    manifest = json.loads((path / "manifest.json").read_text())
    assert (
        manifest["embedding"]["model"] == "local-minilm"
        and manifest["data_hash"] == bundle.manifest.data_hash
    )
    assert manifest["format_version"] == 3 and manifest["embedding"]["signals"] == "v1"
    assert manifest["embedding"]["lexical"]["n_features"] == 2**20  # the recipe: hashing stores no vocabulary
    card = manifest["classifiers"]["topic"]
    assert card["feature_set"] in card["selection_cv_macro_f1"]  # chosen among the cross-validated sets
    loaded = EmbeddingBundle.load(path)
    features = featurize(conversations[:20], SPEC, embedder)
    assert np.allclose(loaded.predict_proba("topic", features), bundle.predict_proba("topic", features))
    assert loaded.predict("topic", features)[0] == bundle.predict("topic", features)[0]
    assert bundle.save(tmp_path) == path  # same training data and options: same version, replaced in place
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    # A bundle of a newer format (with an option this semtel does not know) is refused by its format number.
    newer = tmp_path / "newer"
    newer.mkdir()
    (newer / "manifest.json").write_text(
        json.dumps({**manifest, "format_version": 99, "options": {**manifest["options"], "new_knob": 1}})
    )
    with pytest.raises(InputFileError, match=r"bundle format 99, this semtel reads \(1, 2, 3\)"):
        EmbeddingBundle.load(newer)


def test_rows_and_cascade_split(
    bundle: EmbeddingBundle, conversations: list[Conversation], embedder: _CountingMiniLM
) -> None:
    rows = classify_with_bundle(bundle, conversations[:30], run_id="r", embedder=embedder)
    assert len(rows) == 60 and {r.strategy for r in rows} == {"embedding"}
    assert all(r.confidence is not None and 0 < r.confidence <= 1 for r in rows)
    threshold = float(np.median([r.confidence for r in rows if r.confidence is not None]))
    split = cascade_split(rows, threshold)
    assert len(split.kept) + len(split.to_llm) == 60
    assert all(r.confidence is not None and r.confidence >= threshold for r in split.kept)
    shares = split.shares()
    assert set(shares) == {"topic", "knowledge_work"}
    assert all(s["embedding"] + s["llm"] == pytest.approx(1.0) for s in shares.values())
    assert cascade_split(rows, 0.0).to_llm == []
    # Featurized in chunks (a partition's n-gram rows at once would not fit): the same labels and confidences.
    # (Float noise only: the encoder pads each batch to its longest text.)
    whole = predict_labels(bundle, conversations[:30], ["topic"], embedder)["topic"]
    chunked = predict_labels(bundle, conversations[:30], ["topic"], embedder, chunk=7)["topic"]
    assert [label for label, _ in chunked] == [label for label, _ in whole]
    assert np.allclose([c for _, c in chunked], [c for _, c in whole], atol=1e-4)
    assert [r.label for r in rows if r.classifier == "topic"] == [label for label, _ in whole]


def test_gold_from_llm_result_rows_and_long_jsonl(tmp_path: Path) -> None:
    rows = tmp_path / "results.jsonl"
    rows.write_text(
        "\n".join(
            json.dumps({"conversation_id": c, "classifier": "topic", "label": lab, "status": st})
            for c, lab, st in [("a", "coding", "ok"), ("b", "math", "repaired"), ("c", None, "invalid")]
        )
    )
    assert load_gold([rows]) == {"topic": {"a": "coding", "b": "math"}}
    contradicting = tmp_path / "human.jsonl"
    contradicting.write_text(json.dumps({"conversation_id": "a", "labels": {"topic": "writing"}}) + "\n")
    with pytest.raises(InputFileError, match="two gold labels"):
        load_gold([rows, contradicting])
