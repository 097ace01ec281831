"""Training embedding classifiers on gold labels (TnT-LLM's recipe: LLM labels distilled into light models).

Features (embedding, text signals, hashed n-grams: :mod:`features`) are computed once for every conversation
that has any gold label and shared by all classifiers. Per classifier: a stratified held-out split; on the
training part only, the feature blocks it reads and its decision rule (:mod:`selection`, by cross-validated
macro-F1); a scikit-learn pipeline (:class:`~semtel_core.evaluate.features.BlockFeatures`, then a linear SVM,
logistic regression or small MLP) wrapped in ``CalibratedClassifierCV`` (Platt scaling by default) so that the
chosen label's probability can drive the cascade; metrics on the held-out part. The saved model is the one the metrics
describe (trained on the training part); the held-out part is used for nothing else.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from semtel_core.errors import ConfigError
from semtel_core.evaluate.artefact import (
    BundleManifest,
    ClassifierCard,
    EmbeddingBundle,
    TrainOptions,
    decision_weights,
)
from semtel_core.evaluate.embedders import Embedder, EmbeddingSpec
from semtel_core.evaluate.features import BlockFeatures, FeatureMatrix, feature_columns, featurize
from semtel_core.evaluate.gold import GoldLabels
from semtel_core.evaluate.metrics import held_out_metrics
from semtel_core.evaluate.selection import FeatureSet, select
from semtel_core.schema.conversation import Conversation

log = logging.getLogger(__name__)


def _estimator(options: TrainOptions, spec: EmbeddingSpec, feature_set: FeatureSet) -> Any:
    """The calibrated pipeline (block features, then the model) reading ``feature_set``."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    weight = "balanced" if options.class_weight == "balanced" else None
    if options.estimator == "mlp":
        # MLPClassifier has no class weights; calibration still corrects its over-confidence.
        base: Any = MLPClassifier(
            hidden_layer_sizes=(128,),
            alpha=1e-3,
            max_iter=400,
            early_stopping=True,
            random_state=options.seed,
        )
    elif options.estimator == "logistic":
        base = LogisticRegression(C=options.regularization_c, class_weight=weight, max_iter=2000)
    else:
        base = LinearSVC(C=options.regularization_c, class_weight=weight, random_state=options.seed)
    n_signals, n_lexical = feature_columns(spec)
    blocks = BlockFeatures(
        n_signals=n_signals,
        n_lexical=n_lexical,
        embedding_weight=options.embedding_weight,
        signals_weight=options.signals_weight if "signals" in feature_set else 0.0,
        lexical_weight=options.lexical_weight if "lexical" in feature_set else 0.0,
        min_df=options.min_df,
    )
    pipeline = Pipeline([("features", blocks), ("model", base)])
    return CalibratedClassifierCV(pipeline, method=options.calibration, cv=options.calibration_folds)


def _candidates(options: TrainOptions, spec: EmbeddingSpec) -> tuple[FeatureSet, ...]:
    """The option's feature sets that the recipe computes (no signals or lexical block: not a candidate)."""
    n_signals, n_lexical = feature_columns(spec)
    usable = tuple(
        s
        for s in options.feature_sets
        if ("signals" not in s or n_signals) and ("lexical" not in s or n_lexical)
    )
    return usable or ("embedding",)


def data_hash(conversations: Sequence[Conversation], gold: GoldLabels) -> str:
    """Hash of (classifier, content hash, label) over every gold pair that has a conversation, order-free."""
    by_id = {c.conversation_id: c.content_hash for c in conversations}
    items = sorted(
        f"{name}\x1f{by_id[cid]}\x1f{label}"
        for name, labels in gold.items()
        for cid, label in labels.items()
        if cid in by_id
    )
    h = hashlib.blake2b(digest_size=16)
    for item in items:
        h.update(item.encode("utf-8") + b"\x1e")
    return h.hexdigest()


def held_out_split(
    name: str, labels: Sequence[str], options: TrainOptions
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], dict[str, int]]:
    """Positions of the training and held-out rows (stratified, ``options.seed``), and the labels left out for
    having fewer than ``min_label_examples`` gold examples (label -> count)."""
    from sklearn.model_selection import train_test_split

    counts = Counter(labels)
    dropped = {label: n for label, n in counts.items() if n < options.min_label_examples}
    keep = [i for i, label in enumerate(labels) if label not in dropped]
    y = np.asarray([labels[i] for i in keep])
    if len(set(y)) < 2:
        raise ConfigError(
            f"classifier {name!r}: fewer than two labels with {options.min_label_examples}+ gold examples "
            f"({dict(counts)})",
            field="gold",
        )
    train, test = train_test_split(
        np.asarray(keep), test_size=options.test_size, random_state=options.seed, stratify=y
    )
    return np.asarray(train, dtype=np.int64), np.asarray(test, dtype=np.int64), dropped


def _train_one(
    name: str, labels: list[str], features: FeatureMatrix, spec: EmbeddingSpec, options: TrainOptions
) -> tuple[Any, ClassifierCard]:
    train, test, dropped = held_out_split(name, labels, options)
    y_train = np.asarray([labels[i] for i in train])
    chosen = select(
        lambda feature_set: _estimator(options, spec, feature_set),
        _candidates(options, spec),
        features[train],
        y_train,
        folds=options.selection_folds,
        seed=options.seed,
        decide_by_prior=options.decision == "prior_cv",
    )
    alpha = chosen.alpha
    model = _estimator(options, spec, chosen.feature_set)
    model.fit(features[train], y_train)
    prior = {c: float(np.mean(y_train == c)) for c in sorted({str(c) for c in y_train})}
    fitted = [str(c) for c in model.classes_]
    card = ClassifierCard(
        name=name,
        labels=fitted,
        n_train=len(train),
        n_test=len(test),
        dropped_labels=dropped,
        metrics=held_out_metrics(
            [labels[i] for i in test],
            model.predict_proba(features[test]),
            fitted,
            list(y_train),
            decision_weights(prior, fitted, alpha),
        ),
        feature_set=chosen.feature_set,
        prior=prior,
        decision_alpha=alpha,
        selection_cv_macro_f1=chosen.cv_macro_f1,
    )
    metrics = card.metrics
    log.info(
        "%s: held-out accuracy %.3f, macro-F1 %.3f (majority baseline %.3f / %.3f), kappa %.3f, n_test %d, "
        "features %s, decision alpha %g",
        name,
        metrics.accuracy,
        metrics.macro_f1,
        metrics.majority_accuracy,
        metrics.majority_macro_f1,
        metrics.kappa,
        metrics.n_test,
        chosen.feature_set,
        alpha,
    )
    return model, card


def _version(spec: EmbeddingSpec, options: TrainOptions, digest: str, sklearn_version: str) -> str:
    key = "|".join([spec.model_dump_json(), options.model_dump_json(), digest, sklearn_version])
    return hashlib.blake2b(key.encode("utf-8"), digest_size=6).hexdigest()


def train_bundle(
    conversations: Sequence[Conversation],
    gold: GoldLabels,
    spec: EmbeddingSpec,
    embedder: Embedder,
    options: TrainOptions | None = None,
    classifiers: Sequence[str] | None = None,
) -> EmbeddingBundle:
    """Featurize every gold-labelled conversation once, then train and evaluate one model per classifier."""
    import sklearn

    options = options or TrainOptions()
    names = list(classifiers) if classifiers else sorted(gold)
    missing = [n for n in names if n not in gold]
    if missing:
        raise ConfigError(
            f"no gold labels for classifier(s) {missing}; gold has {sorted(gold)}", field="gold"
        )
    wanted = {cid for n in names for cid in gold[n]}
    chosen = [c for c in conversations if c.conversation_id in wanted]
    if len(chosen) < len(wanted):
        log.warning("%d gold-labelled conversations are not in the input", len(wanted) - len(chosen))
    features = featurize(chosen, spec, embedder)
    row = {c.conversation_id: i for i, c in enumerate(chosen)}
    models: dict[str, Any] = {}
    cards: dict[str, ClassifierCard] = {}
    for name in names:
        ids = [cid for cid in gold[name] if cid in row]
        labels = [gold[name][cid] for cid in ids]
        models[name], cards[name] = _train_one(name, labels, features[[row[c] for c in ids]], spec, options)
    digest = data_hash(chosen, {n: gold[n] for n in names})
    manifest = BundleManifest(
        version=_version(spec, options, digest, sklearn.__version__),
        created_at=datetime.now(UTC),
        embedding=spec,
        options=options,
        data_hash=digest,
        conversations=len(chosen),
        sklearn_version=sklearn.__version__,
        classifiers=cards,
    )
    return EmbeddingBundle(manifest, models)
