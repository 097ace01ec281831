"""A versioned bundle of embedding classifiers: one embedding spec shared by one calibrated model per classifier.

Layout (``<root>/<version>/``)::

    manifest.json        version, feature recipe (EmbeddingSpec), options, training-data hash, scikit-learn
                         version, per-classifier card (held-out metrics, decision rule)
    <classifier>.joblib  the fitted scikit-learn estimator (CalibratedClassifierCV over BlockFeatures + model)

Prediction (:meth:`EmbeddingBundle.predict`) applies each card's decision rule to the calibrated probabilities:
the label is the argmax of ``p x weight`` with ``weight = training prior ** -alpha`` (alpha 0: plain argmax;
alpha 1: every label judged against its base rate), and its confidence is the calibrated probability of that
label. Format 1 bundles (embedding only, argmax) still load.

``version`` is a hash of everything that determines the models (training data, embedding spec, options), so
training twice on the same gold gives the same folder, replaced atomically (written beside it, then renamed).
joblib files are pickles: load bundles only from storage you trust, like any model file.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import joblib
import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

from semtel_core.errors import InputFileError
from semtel_core.evaluate.embedders import EmbeddingSpec
from semtel_core.evaluate.metrics import HeldOutMetrics, decide
from semtel_core.evaluate.selection import FEATURE_SETS, FeatureSet

# Not imported from .features (which loads scikit-learn): a dense array or a scipy CSR matrix.
FeatureMatrix = Any

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
# 3: cards record the abstention floor (unknown_below), what the saved model was fitted on, and the options
# abstain_cost; format 2 bundles read with those unset. A reader checks the number before the fields, so a newer
# bundle is refused with its format named, not with a field it does not know.
FORMAT_VERSION = 3
READABLE_FORMATS = (1, 2, 3)


class TrainOptions(BaseModel):
    """How each classifier is fitted; defaults chosen by cross-validation on training data (docs/evaluate.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    estimator: Literal["linear_svm", "logistic", "mlp"] = "linear_svm"
    regularization_c: float = 0.5  # C of LinearSVC / LogisticRegression
    class_weight: Literal["balanced", "none"] = "balanced"
    embedding_weight: float = Field(default=0.5, gt=0, description="scale of the embedding block")
    signals_weight: float = Field(default=0.5, gt=0, description="norm of the standardised signals block")
    lexical_weight: float = Field(default=1.0, gt=0, description="scale of the TF-IDF n-gram block")
    min_df: int = Field(default=2, ge=1, description="n-grams kept: seen in at least this many training rows")
    feature_sets: tuple[FeatureSet, ...] = Field(
        default=FEATURE_SETS, min_length=1, description="candidates; each classifier picks one by CV"
    )
    decision: Literal["argmax", "prior_cv"] = Field(
        default="prior_cv",
        description="prior_cv: alpha of the prior-weighted argmax chosen by macro-F1 in CV on the training part",
    )
    selection_folds: int = Field(default=5, ge=2)
    calibration: Literal["sigmoid", "isotonic"] = "sigmoid"
    calibration_folds: int = 3
    test_size: float = 0.2
    seed: int = 0
    min_label_examples: int = 8  # rarer labels cannot be split and calibrated; they are dropped and reported
    abstain_cost: float = Field(
        default=0.0,
        ge=0.0,
        le=0.5,
        description="the 'unknown' decision: at most this share of validation rows answered correctly may fall "
        "below the floor (semtel_core.evaluate.abstention); 0: always answer",
    )


class ClassifierCard(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    labels: list[str]
    n_train: int
    n_test: int
    dropped_labels: dict[str, int]  # label -> gold examples, too rare to learn
    metrics: HeldOutMetrics
    feature_set: FeatureSet = "embedding"  # the blocks this classifier reads, chosen by CV on training data
    prior: dict[str, float] = Field(default_factory=dict)  # label shares in the training part
    decision_alpha: float = 0.0  # label = argmax(p * prior ** -alpha); 0: argmax
    selection_cv_macro_f1: dict[str, dict[str, float]] = Field(
        default_factory=dict
    )  # feature set -> alpha -> macro-F1 of the training part's out-of-fold predictions
    # where ``metrics`` come from: a stratified split of the gold, or a test file given at training
    evaluated_on: Literal["held-out split", "test file"] = "held-out split"
    # what the saved model was fitted on: the training part (the model ``metrics`` describe), or every row
    # (``--refit-all``: the same feature set and decision rule refitted on training and test rows together)
    fitted_on: Literal["training part", "all rows"] = "training part"
    n_fitted: int | None = None  # rows the saved model was fitted on (None: bundles before it was recorded)
    # the ``unknown`` decision: a chosen label whose calibrated probability is below this is not given (None: none)
    unknown_below: float | None = None

    def decision_weights(self) -> npt.NDArray[np.float64]:
        """Per label, in :attr:`labels` order, the factor its calibrated probability is multiplied by."""
        return decision_weights(self.prior, self.labels, self.decision_alpha)


def decision_weights(prior: dict[str, float], labels: list[str], alpha: float) -> npt.NDArray[np.float64]:
    """``prior ** -alpha`` per label (all ones for alpha 0 or no recorded prior)."""
    if not alpha or not prior:
        return np.ones(len(labels))
    return np.asarray([prior[label] for label in labels], dtype=np.float64) ** -alpha


class BundleManifest(BaseModel):
    model_config = ConfigDict(frozen=True)

    format_version: int = FORMAT_VERSION
    version: str
    created_at: datetime
    embedding: EmbeddingSpec
    options: TrainOptions
    data_hash: str
    conversations: int
    sklearn_version: str
    classifiers: dict[str, ClassifierCard]

    @model_validator(mode="before")
    @classmethod
    def _format_1_was_embedding_only(cls, data: Any) -> Any:
        """Format 1 manifests predate signals and lexical features: their models read the embedding alone."""
        if (
            isinstance(data, dict)
            and data.get("format_version") == 1
            and isinstance(data.get("embedding"), dict)
        ):
            data = {**data, "embedding": {"signals": "none", "lexical": None, **data["embedding"]}}
        return data


class EmbeddingBundle:
    """Trained classifiers sharing one embedding; :meth:`predict_proba` takes that embedding's vectors."""

    def __init__(self, manifest: BundleManifest, models: dict[str, Any], path: Path | None = None) -> None:
        self.manifest = manifest
        self.models = models
        self.path = path

    @property
    def classifiers(self) -> list[str]:
        return sorted(self.models)

    @property
    def classifier_version(self) -> str:
        """What result rows from this bundle carry in ``classifier_version``."""
        return f"emb-{self.manifest.version}"

    def labels(self, classifier: str) -> list[str]:
        return [str(x) for x in self.models[classifier].classes_]

    def predict_proba(self, classifier: str, features: FeatureMatrix) -> npt.NDArray[np.float64]:
        """Calibrated probabilities, columns in :meth:`labels` order (``features``: :func:`featurize`)."""
        return np.asarray(self.models[classifier].predict_proba(features), dtype=np.float64)

    def predict(self, classifier: str, features: FeatureMatrix) -> tuple[list[str], npt.NDArray[np.float64]]:
        """Labels by the classifier's decision rule, and the calibrated probability of each label chosen."""
        return self.choose(classifier, self.predict_proba(classifier, features))

    def choose(
        self, classifier: str, probabilities: npt.NDArray[np.float64]
    ) -> tuple[list[str], npt.NDArray[np.float64]]:
        """The decision rule applied to :meth:`predict_proba`'s output: labels and their probabilities."""
        chosen = decide(probabilities, self.manifest.classifiers[classifier].decision_weights())
        labels = self.labels(classifier)
        confidence = probabilities[np.arange(len(chosen)), chosen]
        return [labels[i] for i in chosen], confidence

    def abstains(self, classifier: str, confidence: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Per row, whether the classifier's ``unknown`` decision holds its label back (never without a floor)."""
        floor = self.manifest.classifiers[classifier].unknown_below
        return np.asarray(confidence < floor if floor else np.zeros(len(confidence), dtype=bool), dtype=bool)

    def save(self, root: str | Path) -> Path:
        target = Path(root) / self.manifest.version
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{self.manifest.version}-", dir=target.parent))
        try:
            for name, model in self.models.items():
                joblib.dump(model, staging / f"{name}.joblib")
            (staging / MANIFEST).write_text(self.manifest.model_dump_json(indent=2), encoding="utf-8")
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging, target)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        self.path = target
        log.info("saved embedding classifiers %s to %s", self.classifiers, target)
        return target

    @classmethod
    def load(cls, path: str | Path) -> EmbeddingBundle:
        folder = Path(path)
        try:
            raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputFileError(
                f"{folder} is not an embedding-classifier bundle: {exc}", path=str(folder)
            ) from None
        found = raw.get("format_version") if isinstance(raw, dict) else None
        if found not in READABLE_FORMATS:
            raise InputFileError(
                f"{folder}: bundle format {found}, this semtel reads {READABLE_FORMATS} (a newer semtel wrote it?)",
                path=str(folder),
            )
        try:
            manifest = BundleManifest.model_validate(raw)
        except ValueError as exc:
            raise InputFileError(
                f"{folder} is not an embedding-classifier bundle: {exc}", path=str(folder)
            ) from None
        _warn_on_sklearn_mismatch(manifest, folder)
        models = {name: joblib.load(folder / f"{name}.joblib") for name in manifest.classifiers}
        return cls(manifest, models, folder)


def _warn_on_sklearn_mismatch(manifest: BundleManifest, folder: Path) -> None:
    import sklearn

    if manifest.sklearn_version != sklearn.__version__:
        log.warning(
            "%s was trained with scikit-learn %s, this is %s: retrain if predictions look wrong",
            folder,
            manifest.sklearn_version,
            sklearn.__version__,
        )
