"""Training embedding classifiers on gold labels (TnT-LLM's recipe: LLM labels distilled into light models).

Features (embedding, text signals, hashed n-grams: :mod:`features`) are computed once for every conversation
that has any gold label and shared by all classifiers. Per classifier: a stratified held-out split; on the
training part only, the feature blocks it reads and its decision rule (:mod:`selection`, by cross-validated
macro-F1); a scikit-learn pipeline (:class:`~semtel_core.evaluate.features.BlockFeatures`, then a linear SVM,
logistic regression or small MLP) wrapped in ``CalibratedClassifierCV`` (Platt scaling by default) so that the
chosen label's probability can drive the cascade; metrics on the held-out part. The saved model is the one the metrics
describe (trained on the training part); the held-out part is used for nothing else.

A fixed split (:class:`FixedSplit`, ``embed train --test-gold``) replaces the stratified one: every gold row of the
training files trains, every row of the test file is scored. ``refit_all`` then fits the chosen feature set and
decision rule again on every row, training and test together, for the saved model; its card still carries the
metrics of the model fitted on the training part only, and says so (``fitted_on``).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from semtel_core.errors import ConfigError
from semtel_core.evaluate.abstention import abstention_floor
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
from semtel_core.evaluate.progress import report
from semtel_core.evaluate.selection import FeatureSet, out_of_fold_probabilities, select
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


@dataclass(frozen=True)
class FixedSplit:
    """A fixed test split: its conversations and their gold labels (``embed train --test-gold``)."""

    conversations: Sequence[Conversation]
    gold: GoldLabels


def learnable(
    name: str, labels: Sequence[str], options: TrainOptions
) -> tuple[npt.NDArray[np.int64], dict[str, int]]:
    """Positions of the rows whose label has at least ``min_label_examples`` gold examples, and the labels left
    out for having fewer (label -> count)."""
    counts = Counter(labels)
    dropped = {label: n for label, n in counts.items() if n < options.min_label_examples}
    keep = [i for i, label in enumerate(labels) if label not in dropped]
    if len({labels[i] for i in keep}) < 2:
        raise ConfigError(
            f"classifier {name!r}: fewer than two labels with {options.min_label_examples}+ gold examples "
            f"({dict(counts)})",
            field="gold",
        )
    return np.asarray(keep, dtype=np.int64), dropped


def held_out_split(
    name: str, labels: Sequence[str], options: TrainOptions
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], dict[str, int]]:
    """Positions of the training and held-out rows (stratified, ``options.seed``) among the :func:`learnable`
    rows, and the labels left out."""
    from sklearn.model_selection import train_test_split

    keep, dropped = learnable(name, labels, options)
    y = np.asarray([labels[i] for i in keep])
    train, test = train_test_split(keep, test_size=options.test_size, random_state=options.seed, stratify=y)
    return np.asarray(train, dtype=np.int64), np.asarray(test, dtype=np.int64), dropped


@dataclass(frozen=True)
class _Rows:
    """One classifier's features and labels, and which positions train and which are scored."""

    x: FeatureMatrix
    labels: list[str]
    train: npt.NDArray[np.int64]
    test: npt.NDArray[np.int64]
    dropped: dict[str, int]
    given_test: bool


def selection_fits(options: TrainOptions, spec: EmbeddingSpec) -> int:
    """Calibrated models the selection fits per classifier (each one fits ``calibration_folds`` models inside):
    every candidate feature set in every fold; none when there is nothing to choose."""
    candidates = _candidates(options, spec)
    if len(candidates) == 1 and options.decision == "argmax":
        return 0
    return len(candidates) * options.selection_folds


def _train_one(
    name: str, rows: _Rows, spec: EmbeddingSpec, options: TrainOptions, refit_all: bool
) -> tuple[Any, ClassifierCard]:
    y_train = np.asarray([rows.labels[i] for i in rows.train])
    out_of_fold: dict[str, npt.NDArray[np.float64]] = {}
    chosen = select(
        lambda feature_set: _estimator(options, spec, feature_set),
        _candidates(options, spec),
        rows.x[rows.train],
        y_train,
        folds=options.selection_folds,
        seed=options.seed,
        decide_by_prior=options.decision == "prior_cv",
        progress_name=name,
        out_of_fold=out_of_fold,
    )
    alpha = chosen.alpha
    model = _estimator(options, spec, chosen.feature_set)
    model.fit(rows.x[rows.train], y_train)
    prior = _prior(y_train)
    fitted = [str(c) for c in model.classes_]
    weights = decision_weights(prior, fitted, alpha)
    floor = None
    if options.abstain_cost > 0:
        validation = out_of_fold.get(chosen.feature_set)
        if validation is None:  # the selection had nothing to choose and ran no cross-validation
            validation = out_of_fold_probabilities(
                _estimator(options, spec, chosen.feature_set),
                rows.x[rows.train],
                y_train,
                folds=options.selection_folds,
                seed=options.seed,
            )
        floor = abstention_floor(validation, list(y_train), fitted, weights, options.abstain_cost)
    metrics = held_out_metrics(
        [rows.labels[i] for i in rows.test],
        model.predict_proba(rows.x[rows.test]),
        fitted,
        list(y_train),
        weights,
        floor=floor,
    )
    n_fitted = len(rows.train)
    if refit_all:
        every, _ = learnable(name, rows.labels, options)
        y_all = np.asarray([rows.labels[i] for i in every])
        model = _estimator(options, spec, chosen.feature_set)
        model.fit(rows.x[every], y_all)
        prior, fitted, n_fitted = _prior(y_all), [str(c) for c in model.classes_], len(every)
    card = ClassifierCard(
        name=name,
        labels=fitted,
        n_train=len(rows.train),
        n_test=len(rows.test),
        dropped_labels=rows.dropped,
        metrics=metrics,
        feature_set=chosen.feature_set,
        prior=prior,
        decision_alpha=alpha,
        selection_cv_macro_f1=chosen.cv_macro_f1,
        evaluated_on="test file" if rows.given_test else "held-out split",
        fitted_on="all rows" if refit_all else "training part",
        n_fitted=n_fitted,
        unknown_below=floor,
    )
    log.info(
        "%s: %s accuracy %.3f, macro-F1 %.3f, UAR %.3f (majority baseline %.3f / %.3f), kappa %.3f, n_test %d, "
        "features %s, decision alpha %g, saved model fitted on %s (%d rows)",
        name,
        card.evaluated_on,
        metrics.accuracy,
        metrics.macro_f1,
        metrics.uar,
        metrics.majority_accuracy,
        metrics.majority_macro_f1,
        metrics.kappa,
        metrics.n_test,
        chosen.feature_set,
        alpha,
        card.fitted_on,
        n_fitted,
    )
    return model, card


def _prior(y: npt.NDArray[Any]) -> dict[str, float]:
    return {c: float(np.mean(y == c)) for c in sorted({str(c) for c in y})}


def _version(
    spec: EmbeddingSpec, options: TrainOptions, digest: str, sklearn_version: str, refit_all: bool
) -> str:
    # abstain_cost 0 (off) is left out of the key: bundles trained before it existed keep their versions
    recipe = options.model_dump_json(exclude={"abstain_cost"} if not options.abstain_cost else None)
    parts = [spec.model_dump_json(), recipe, digest, sklearn_version]
    key = "|".join([*parts, "refit-all"] if refit_all else parts)  # earlier bundles keep their versions
    return hashlib.blake2b(key.encode("utf-8"), digest_size=6).hexdigest()


def _test_ids(test: FixedSplit, names: Sequence[str], gold: GoldLabels) -> set[str]:
    """The test file's labelled conversation ids; refused when they overlap the training gold's (a fixed split
    must not score rows it trained on)."""
    missing = [n for n in names if not test.gold.get(n)]
    if missing:
        raise ConfigError(
            f"the test gold has no labels for classifier(s) {missing}; it has {sorted(test.gold)}",
            field="test_gold",
        )
    ids = {cid for n in names for cid in test.gold[n]}
    overlap = ids & {cid for n in names for cid in gold[n]}
    if overlap:
        raise ConfigError(
            f"{len(overlap)} conversation(s) have gold labels in both the training and the test files "
            f"(e.g. {sorted(overlap)[:3]}): a fixed split must not overlap",
            field="test_gold",
        )
    return ids


def train_bundle(
    conversations: Sequence[Conversation],
    gold: GoldLabels,
    spec: EmbeddingSpec,
    embedder: Embedder,
    options: TrainOptions | None = None,
    classifiers: Sequence[str] | None = None,
    *,
    test: FixedSplit | None = None,
    refit_all: bool = False,
) -> EmbeddingBundle:
    """Featurize every gold-labelled conversation once (the test set's too), then train and evaluate one model
    per classifier: on a stratified held-out split, or on ``test`` when given."""
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
    scored: list[Conversation] = []
    if test is not None:
        test_ids = _test_ids(test, names, gold)
        scored = [c for c in test.conversations if c.conversation_id in test_ids]
        if len(scored) < len(test_ids):
            log.warning(
                "%d test-labelled conversations are not in the test input", len(test_ids) - len(scored)
            )
    features = featurize([*chosen, *scored], spec, embedder)
    row = {c.conversation_id: i for i, c in enumerate(chosen)}
    test_row = {c.conversation_id: len(chosen) + i for i, c in enumerate(scored)}
    models: dict[str, Any] = {}
    cards: dict[str, ClassifierCard] = {}
    for name in names:
        ids = [cid for cid in gold[name] if cid in row]
        labels = [gold[name][cid] for cid in ids]
        if test is None:
            train, held_out, dropped = held_out_split(name, labels, options)
            rows = _Rows(features[[row[c] for c in ids]], labels, train, held_out, dropped, given_test=False)
        else:
            train, dropped = learnable(name, labels, options)
            test_ids_of = [cid for cid in test.gold[name] if cid in test_row]
            positions = [row[c] for c in ids] + [test_row[c] for c in test_ids_of]
            scored_at = np.arange(len(ids), len(positions), dtype=np.int64)
            rows = _Rows(
                features[positions],
                labels + [test.gold[name][c] for c in test_ids_of],
                train,
                scored_at,
                dropped,
                given_test=True,
            )
        models[name], cards[name] = _train_one(name, rows, spec, options, refit_all)
        report("training", len(models), len(names))
    digest = data_hash([*chosen, *scored], _joined(gold, test.gold if test else {}, names))
    manifest = BundleManifest(
        version=_version(spec, options, digest, sklearn.__version__, refit_all),
        created_at=datetime.now(UTC),
        embedding=spec,
        options=options,
        data_hash=digest,
        conversations=len(chosen) + len(scored),
        sklearn_version=sklearn.__version__,
        classifiers=cards,
    )
    return EmbeddingBundle(manifest, models)


def _joined(gold: GoldLabels, test: GoldLabels, names: Sequence[str]) -> GoldLabels:
    """Training and test gold of ``names`` in one mapping, the test pairs marked so that moving a row between the
    two files changes the bundle's version."""
    joined = {n: dict(gold[n]) for n in names}
    for n in names:
        joined[f"test\x1f{n}"] = dict(test.get(n, {}))
    return joined
