"""Per classifier, on its training part only: which feature blocks it reads, and its decision rule.

For every candidate feature set (:data:`FEATURE_SETS`, simplest first) the calibrated model is cross-validated
on the training part (stratified k folds); its out-of-fold probabilities are scored by macro-F1 under each
decision rule ``argmax(p x prior ** -alpha)`` for alpha in :data:`ALPHAS` (alpha 0 is the plain argmax; for
labels balanced within :data:`BALANCED_WITHIN` only alpha 0 is tried). The set with the best macro-F1 wins,
ties going to the simpler set and the smaller alpha. The held-out part is never seen here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from semtel_core.evaluate.features import FeatureMatrix
from semtel_core.evaluate.metrics import decide
from semtel_core.evaluate.progress import report

FeatureSet = Literal["embedding", "embedding+signals", "embedding+signals+lexical"]
FEATURE_SETS: tuple[FeatureSet, ...] = ("embedding", "embedding+signals", "embedding+signals+lexical")
ALPHAS = (0.0, 0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
BALANCED_WITHIN = 1.25  # largest / smallest training share below this: plain argmax


class Selection(BaseModel):
    model_config = ConfigDict(frozen=True)

    feature_set: FeatureSet
    alpha: float
    cv_macro_f1: dict[
        str, dict[str, float]
    ]  # feature set -> alpha -> macro-F1 of the out-of-fold predictions


def _alphas(prior: npt.NDArray[np.float64]) -> tuple[float, ...]:
    return ALPHAS if prior.max() / prior.min() >= BALANCED_WITHIN else (0.0,)


def out_of_fold_probabilities(
    estimator: Any, x: FeatureMatrix, y: npt.NDArray[Any], *, folds: int, seed: int
) -> npt.NDArray[np.float64]:
    """Each training row's probabilities from the model of the folds that did not contain it (stratified)."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return np.asarray(
        cross_val_predict(estimator, x, y, cv=splitter, method="predict_proba"), dtype=np.float64
    )


def select(
    make_estimator: Callable[[FeatureSet], Any],
    candidates: tuple[FeatureSet, ...],
    x: FeatureMatrix,
    y: npt.NDArray[Any],
    *,
    folds: int,
    seed: int,
    decide_by_prior: bool = True,
    progress_name: str = "",
    out_of_fold: dict[str, npt.NDArray[np.float64]] | None = None,
) -> Selection:
    """The feature set and alpha with the best cross-validated macro-F1 on ``(x, y)`` (the training part).
    ``out_of_fold``, when given, receives each candidate's out-of-fold probabilities (columns: sorted labels)."""
    from sklearn.metrics import f1_score

    classes = np.asarray(sorted({str(c) for c in y}))
    prior = np.asarray([np.mean(y == c) for c in classes])
    alphas = _alphas(prior) if decide_by_prior else (0.0,)
    if len(candidates) == 1 and len(alphas) == 1:
        return Selection(feature_set=candidates[0], alpha=0.0, cv_macro_f1={})
    scores: dict[str, dict[str, float]] = {}
    best: tuple[float, FeatureSet, float] | None = None
    for done, feature_set in enumerate(candidates, start=1):
        probabilities = out_of_fold_probabilities(make_estimator(feature_set), x, y, folds=folds, seed=seed)
        if out_of_fold is not None:
            out_of_fold[feature_set] = probabilities
        report(f"selection ({progress_name})", done, len(candidates))
        by_alpha = {
            alpha: float(f1_score(y, classes[decide(probabilities, prior**-alpha)], average="macro"))
            for alpha in alphas
        }
        scores[feature_set] = {f"{a:g}": round(f, 4) for a, f in by_alpha.items()}
        alpha = max(alphas, key=lambda a: (round(by_alpha[a], 9), -a))
        if best is None or round(by_alpha[alpha], 9) > round(best[0], 9):
            best = (by_alpha[alpha], feature_set, alpha)
    assert best is not None
    return Selection(feature_set=best[1], alpha=best[2], cv_macro_f1=scores)
