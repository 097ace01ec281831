"""A versioned bundle of embedding classifiers: one embedding spec shared by one calibrated model per classifier.

Layout (``<root>/<version>/``)::

    manifest.json        version, embedding spec, training-data hash, scikit-learn version, per-classifier card
    <classifier>.joblib  the fitted scikit-learn estimator (CalibratedClassifierCV)

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
from pydantic import BaseModel, ConfigDict

from semtel_core.errors import InputFileError
from semtel_core.evaluate.embedders import EmbeddingSpec
from semtel_core.evaluate.metrics import HeldOutMetrics

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class TrainOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    estimator: Literal["logistic", "mlp"] = "logistic"
    regularization_c: float = 4.0  # LogisticRegression's C: embeddings are few and dense, little shrinkage
    class_weight: Literal["balanced", "none"] = "balanced"
    calibration: Literal["sigmoid", "isotonic"] = "sigmoid"
    calibration_folds: int = 3
    test_size: float = 0.2
    seed: int = 0
    min_label_examples: int = 8  # rarer labels cannot be split and calibrated; they are dropped and reported


class ClassifierCard(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    labels: list[str]
    n_train: int
    n_test: int
    dropped_labels: dict[str, int]  # label -> gold examples, too rare to learn
    metrics: HeldOutMetrics


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

    def predict_proba(self, classifier: str, vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """Calibrated probabilities, columns in :meth:`labels` order."""
        return np.asarray(self.models[classifier].predict_proba(vectors), dtype=np.float64)

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
            manifest = BundleManifest.model_validate(
                json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            )
        except (OSError, ValueError) as exc:
            raise InputFileError(
                f"{folder} is not an embedding-classifier bundle: {exc}", path=str(folder)
            ) from None
        if manifest.format_version != FORMAT_VERSION:
            raise InputFileError(
                f"{folder}: bundle format {manifest.format_version}, this semtel reads {FORMAT_VERSION}",
                path=str(folder),
            )
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
