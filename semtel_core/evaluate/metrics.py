"""Held-out metrics of a trained classifier against its gold labels, next to the majority-class baseline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    f1_score,
    log_loss,
    precision_recall_fscore_support,
    recall_score,
)
from sklearn.metrics import confusion_matrix as sk_confusion_matrix


class LabelScores(BaseModel):
    model_config = ConfigDict(frozen=True)

    precision: float
    recall: float
    f1: float
    support: int


class AbstentionScores(BaseModel):
    """What the floor did on scored rows. Out-of-scope rows are those whose gold label the model never learnt."""

    model_config = ConfigDict(frozen=True)

    floor: float
    abstained_share: float
    in_scope_rows: int
    in_scope_accuracy: float  # abstaining counts as wrong
    in_scope_accuracy_without: float  # the same rows, every one answered
    out_of_scope_rows: int
    recall: float | None  # share of out-of-scope rows abstained on (None: no such row)
    precision: float | None  # share of abstained rows that are out of scope (None: none abstained)


def abstention_scores(
    in_scope: npt.NDArray[np.bool_],
    right: npt.NDArray[np.bool_],
    confidence: npt.NDArray[np.float64],
    floor: float,
) -> AbstentionScores:
    """Per scored row: whether the model knows its gold label, whether it answered it, the chosen label's
    probability."""
    abstain = confidence < floor
    n_in, n_out = int(in_scope.sum()), int((~in_scope).sum())
    return AbstentionScores(
        floor=floor,
        abstained_share=float(abstain.mean()) if len(abstain) else 0.0,
        in_scope_rows=n_in,
        in_scope_accuracy=float((right & ~abstain)[in_scope].mean()) if n_in else 0.0,
        in_scope_accuracy_without=float(right[in_scope].mean()) if n_in else 0.0,
        out_of_scope_rows=n_out,
        recall=float(abstain[~in_scope].mean()) if n_out else None,
        precision=float((~in_scope)[abstain].mean()) if abstain.any() else None,
    )


class HeldOutMetrics(BaseModel):
    model_config = ConfigDict(frozen=True)

    n_test: int
    accuracy: float
    macro_f1: float
    # unweighted average recall: the mean recall over the labels the gold has (labels the model cannot produce
    # count with recall 0); None in bundles trained before it was recorded
    uar: float | None = None
    kappa: float
    log_loss: float | None  # over the rows whose gold label the model knows (None: no such row)
    ece: float  # expected calibration error of the chosen label's probability, 10 equal-width bins
    majority_label: str
    majority_accuracy: float
    majority_macro_f1: float
    per_label: dict[str, LabelScores]
    confusion: list[list[int]]  # rows: gold, columns: predicted, in ``labels`` order
    # gold labels of a given test file that the model was not trained on (label -> rows): always wrong
    unseen_labels: dict[str, int] = Field(default_factory=dict)
    abstention: AbstentionScores | None = None  # with the classifier's ``unknown`` floor, when it has one

    def top_errors(self, labels: Sequence[str], n: int = 3) -> list[tuple[str, str, int]]:
        """The ``n`` most frequent (gold, predicted, rows) confusions; ``labels`` is the card's label order."""
        pairs = [
            (labels[g], labels[p], count)
            for g, row in enumerate(self.confusion)
            for p, count in enumerate(row)
            if g != p and count
        ]
        return sorted(pairs, key=lambda t: (-t[2], t[0], t[1]))[:n]


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
    floor: float | None = None,
) -> HeldOutMetrics:
    """Metrics of the predictions of :func:`decide`; ECE is of the chosen label's probability. The baseline
    always answers the most common *training* label. A gold label outside ``labels`` (a test file's label the
    model never learnt) counts as an error and is listed in ``unseen_labels``."""
    label_list = list(labels)
    chosen = decide(probabilities, weights)
    predicted = [label_list[i] for i in chosen]
    majority = Counter(train_labels).most_common(1)[0][0]
    baseline = [majority] * len(gold)
    known = set(label_list)
    unseen = Counter(g for g in gold if g not in known)
    seen_rows = np.asarray([g in known for g in gold], dtype=bool)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=label_list, zero_division=0
    )
    top = probabilities[np.arange(len(chosen)), chosen]
    correct = np.asarray([p == g for p, g in zip(predicted, gold, strict=True)])
    return HeldOutMetrics(
        n_test=len(gold),
        accuracy=float(accuracy_score(gold, predicted)),
        macro_f1=float(f1_score(gold, predicted, labels=label_list, average="macro", zero_division=0)),
        uar=float(recall_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)),
        kappa=float(cohen_kappa_score(gold, predicted)) if len(set(gold) | set(predicted)) > 1 else 1.0,
        log_loss=(
            float(log_loss([g for g in gold if g in known], probabilities[seen_rows], labels=label_list))
            if seen_rows.any()
            else None
        ),
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
        unseen_labels=dict(sorted(unseen.items())),
        abstention=(abstention_scores(seen_rows, correct, top.astype(np.float64), floor) if floor else None),
    )
