"""The feature recipe of embedding classifiers: text signals, hashed n-grams, per-classifier blocks, the
prior-weighted decision rule and the cross-validated choice of both (small constructed data, no encoder)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from scipy import sparse

from semtel_core.evaluate.artefact import BundleManifest, ClassifierCard
from semtel_core.evaluate.embedders import EmbeddingSpec, LexicalSpec
from semtel_core.evaluate.features import (
    BlockFeatures,
    assemble,
    feature_columns,
    lexical_counts,
    lexical_text,
    signal_matrix,
)
from semtel_core.evaluate.metrics import decide, held_out_metrics
from semtel_core.evaluate.selection import select
from semtel_core.evaluate.signals import SIGNAL_NAMES, conversation_signals
from semtel_core.schema.conversation import Conversation, Message

pytestmark = [pytest.mark.unit]

SMALL = LexicalSpec(n_features=2**12, max_chars=1000)


def _conversation(cid: str, *turns: tuple[str, str]) -> Conversation:
    return Conversation(
        conversation_id=cid,
        messages=tuple(Message(role=r, content=t) for r, t in turns),  # type: ignore[arg-type]
    )


CODE = _conversation("code", ("user", "def f(x):\n    return x + 1;\n```\nconsole.log(f(2));\n```"))
MATH = _conversation("math", ("user", "Solve $x^2 + 3x = 10$ and prove that \\frac{1}{2} ≤ x."))
PROSE = _conversation("prose", ("user", "写一首关于秋天的诗"))
DIALOGUE = _conversation(
    "dialogue",
    ("user", "I need a taxi."),
    ("assistant", "Sorry, unfortunately there is no taxi available."),
    ("user", "No, that is wrong. Thanks anyway."),
)


def _signal(conversation: Conversation, name: str) -> float:
    return conversation_signals(conversation)[SIGNAL_NAMES.index(name)]


def test_signals_tell_code_math_script_and_friction_apart() -> None:
    assert len(conversation_signals(CODE)) == len(SIGNAL_NAMES)
    assert _signal(CODE, "code_words") > 0 == _signal(MATH, "code_words")
    assert _signal(CODE, "semicolon_lines") > 0 == _signal(MATH, "semicolon_lines")
    assert _signal(MATH, "math_words") > 0 == _signal(CODE, "math_words")
    assert _signal(CODE, "code_fences") > 0 == _signal(MATH, "code_fences")
    assert _signal(MATH, "latex") > 0 == _signal(CODE, "latex")
    assert _signal(MATH, "math_symbols") > 0 and _signal(MATH, "equations") > 0
    assert _signal(PROSE, "cjk_share") > 0.9 and _signal(PROSE, "ascii_share") < 0.1
    assert _signal(DIALOGUE, "assistant_apologies") > 0 and _signal(DIALOGUE, "user_corrections") > 0
    assert _signal(DIALOGUE, "ends_with_thanks") == 1.0 and _signal(CODE, "ends_with_thanks") == 0.0


def test_hashed_ngrams_are_stateless_and_duplicates_share_one_row() -> None:
    alone = lexical_counts([MATH], "all", SMALL)
    among = lexical_counts([CODE, MATH, PROSE, MATH], "all", SMALL)
    assert alone.shape == (1, SMALL.n_features)
    assert (among[1] != alone[0]).nnz == 0  # the same text gets the same columns whatever else is hashed
    assert (among[3] != among[1]).nnz == 0 and (among[0] != among[1]).nnz > 0


def test_lexical_text_keeps_both_ends_of_a_long_conversation() -> None:
    long = _conversation("long", ("user", "START " + "x" * 5000), ("assistant", "y" * 5000 + " END"))
    text = lexical_text(long, "all", 1000)
    assert len(text) <= 1001 and text.startswith("user: START") and text.endswith("END")
    assert lexical_text(DIALOGUE, "user", 1000) == "I need a taxi.\nNo, that is wrong. Thanks anyway."


def test_feature_matrix_layout_and_block_features() -> None:
    spec = EmbeddingSpec(lexical=SMALL)
    n_signals, n_lexical = feature_columns(spec)
    conversations = [CODE, MATH, PROSE, DIALOGUE]
    vectors = np.eye(4, 8, dtype=np.float32)
    x = assemble(vectors, signal_matrix(conversations), lexical_counts(conversations, "all", SMALL))
    assert sparse.issparse(x) and x.shape == (4, 8 + n_signals + n_lexical)
    assert np.allclose(x[:, :8].toarray(), vectors)

    every = BlockFeatures(n_signals, n_lexical, embedding_weight=0.5, min_df=1).fit(x)
    out = every.transform(x)
    assert np.allclose(out[:, :8].toarray(), vectors * 0.5)
    assert out.shape[1] == 8 + n_signals + len(every.columns_)
    assert np.allclose(sparse.linalg.norm(out[:, 8 + n_signals :], axis=1), 1.0)  # TF-IDF rows, unit norm
    embedding_only = BlockFeatures(n_signals, n_lexical, signals_weight=0, lexical_weight=0).fit(x)
    assert np.allclose(embedding_only.transform(x), vectors)
    rare = BlockFeatures(n_signals, n_lexical, min_df=2).fit(x)
    assert 0 < len(rare.columns_) < len(every.columns_)  # n-grams of one training row only are dropped
    dense_only = BlockFeatures().fit(vectors)  # a format-1 style matrix: the embedding alone
    assert np.allclose(dense_only.transform(vectors), vectors)


def test_prior_weighted_decision_and_its_metrics() -> None:
    probabilities = np.asarray([[0.7, 0.3], [0.75, 0.25], [0.9, 0.1]])
    assert decide(probabilities).tolist() == [0, 0, 0]
    weights = np.asarray([0.8, 0.2]) ** -1.0  # alpha 1: each label against its training share
    assert decide(probabilities, weights).tolist() == [1, 1, 0]
    metrics = held_out_metrics(["b", "b", "a"], probabilities, ["a", "b"], ["a"] * 8 + ["b"] * 2, weights)
    assert metrics.accuracy == 1.0 and metrics.majority_accuracy == pytest.approx(1 / 3)
    assert metrics.ece == pytest.approx((0.7 + 0.75 + 0.1) / 3)  # of the chosen label's probability


def _make_estimator(feature_set: str) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    blocks = BlockFeatures(
        n_signals=2, n_lexical=0, signals_weight=1.0 if "signals" in feature_set else 0.0, lexical_weight=0
    )
    return CalibratedClassifierCV(Pipeline([("f", blocks), ("m", LinearSVC(class_weight="balanced"))]), cv=3)


def test_selection_picks_the_informative_block_and_a_prior_weight_for_a_rare_label() -> None:
    rng = np.random.default_rng(0)
    y = np.asarray(["rare"] * 30 + ["common"] * 170)
    noise = rng.normal(size=(200, 4))
    signal = np.where(y == "rare", 1.2, 0.0)[:, None] + rng.normal(size=(200, 2))
    x = np.hstack([noise, signal])  # 4 uninformative "embedding" columns, then 2 informative "signals"
    chosen = select(
        _make_estimator, ("embedding", "embedding+signals"), x, y, folds=3, seed=0, decide_by_prior=True
    )
    assert chosen.feature_set == "embedding+signals"
    scores = chosen.cv_macro_f1
    assert set(scores) == {"embedding", "embedding+signals"} and len(scores["embedding"]) > 1
    assert max(scores["embedding+signals"].values()) > max(scores["embedding"].values())
    assert (
        chosen.alpha > 0
        and scores["embedding+signals"][f"{chosen.alpha:g}"] > scores["embedding+signals"]["0"]
    )
    balanced = select(_make_estimator, ("embedding",), x[:60], y[:60][::-1], folds=3, seed=0)
    assert balanced.alpha == 0.0 and balanced.cv_macro_f1 == {}  # one set, no prior search: nothing to fit


def test_format_1_manifests_read_as_embedding_only_with_argmax(tmp_path: Any) -> None:
    metrics = held_out_metrics(["a", "b"], np.asarray([[0.9, 0.1], [0.2, 0.8]]), ["a", "b"], ["a", "b"])
    card = ClassifierCard(
        name="t", labels=["a", "b"], n_train=2, n_test=2, dropped_labels={}, metrics=metrics
    ).model_dump(mode="json")
    for key in ("feature_set", "prior", "decision_alpha", "selection_cv_macro_f1"):
        card.pop(key)
    old = {
        "format_version": 1,
        "version": "abc",
        "created_at": "2026-01-01T00:00:00Z",
        "embedding": {"model": "local-minilm", "provider": "in_process", "view": "all", "max_tokens": 224},
        "options": {"estimator": "logistic", "regularization_c": 4.0},
        "data_hash": "d",
        "conversations": 2,
        "sklearn_version": "1.0",
        "classifiers": {"t": card},
    }
    manifest = BundleManifest.model_validate(json.loads(json.dumps(old)))
    assert manifest.embedding.lexical is None and manifest.embedding.signals == "none"
    assert feature_columns(manifest.embedding) == (0, 0)
    assert manifest.classifiers["t"].decision_weights().tolist() == [1.0, 1.0]
