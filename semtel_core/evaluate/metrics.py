"""Held-out metrics of a trained classifier against its gold labels, next to the majority-class baseline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    f1_score,
    log_loss,
    precision_recall_fscore_support,
)
from sklearn.metrics import confusion_matrix as sk_confusion_matrix


class LabelScores(BaseModel):
    model_config = ConfigDict(frozen=True)

    precision: float
    recall: float
    f1: float
    support: int


class HeldOutMetrics(BaseModel):
    model_config = ConfigDict(frozen=True)

    n_test: int
    accuracy: float
    macro_f1: float
    kappa: float
    log_loss: float
    ece: float  # expected calibration error of the chosen label's probability, 10 equal-width bins
    majority_label: str
    majority_accuracy: float
    majority_macro_f1: float
    per_label: dict[str, LabelScores]
    confusion: list[list[int]]  # rows: gold, columns: predicted, in ``labels`` order


def expected_calibration_error(correct: npt.NDArray[np.bool_], confidence: npt.NDArray[np.float64]) -> float:
    """Σ over bins of (share of rows in bin) x |accuracy - mean confidence| (Guo et al. 2017)."""
    bins = np.minimum((confidence * 10).astype(int), 9)
    total = 0.0
    for b in np.unique(bins):
        in_bin = bins == b
        total += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(total)


def decide(
    probabilities: npt.NDArray[np.float64], weights: npt.NDArray[np.float64] | None = None
) -> npt.NDArray[np.intp]:
    """Column of the label chosen per row: argmax of the probabilities, each label's column times its weight."""
    scores = probabilities if weights is None else probabilities * weights
    return np.asarray(scores.argmax(axis=1), dtype=np.intp)


def held_out_metrics(
    gold: Sequence[str],
    probabilities: npt.NDArray[np.float64],
    labels: Sequence[str],
    train_labels: Sequence[str],
    weights: npt.NDArray[np.float64] | None = None,
) -> HeldOutMetrics:
    """Metrics of the predictions of :func:`decide`; ECE is of the chosen label's probability. The baseline
    always answers the most common *training* label."""
    label_list = list(labels)
    chosen = decide(probabilities, weights)
    predicted = [label_list[i] for i in chosen]
    majority = Counter(train_labels).most_common(1)[0][0]
    baseline = [majority] * len(gold)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=label_list, zero_division=0
    )
    top = probabilities[np.arange(len(chosen)), chosen]
    correct = np.asarray([p == g for p, g in zip(predicted, gold, strict=True)])
    return HeldOutMetrics(
        n_test=len(gold),
        accuracy=float(accuracy_score(gold, predicted)),
        macro_f1=float(f1_score(gold, predicted, labels=label_list, average="macro", zero_division=0)),
        kappa=float(cohen_kappa_score(gold, predicted)) if len(set(gold) | set(predicted)) > 1 else 1.0,
        log_loss=float(log_loss(gold, probabilities, labels=label_list)),
        ece=expected_calibration_error(correct, top.astype(np.float64)),
        majority_label=majority,
        majority_accuracy=float(accuracy_score(gold, baseline)),
        majority_macro_f1=float(
            f1_score(gold, baseline, labels=label_list, average="macro", zero_division=0)
        ),
        per_label={
            label: LabelScores(
                precision=float(precision[i]),
                recall=float(recall[i]),
                f1=float(f1[i]),
                support=int(support[i]),
            )
            for i, label in enumerate(label_list)
        },
        confusion=sk_confusion_matrix(gold, predicted, labels=label_list).tolist(),
    )
