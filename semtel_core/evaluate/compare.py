"""A/B comparison of two runs on the same sample: per classifier, every statistic the gate and a reader need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from semtel_core.config import EvaluationSettings
from semtel_core.evaluate.consistency import Consistency, repeat_consistency
from semtel_core.evaluate.results_io import RunLabels
from semtel_core.evaluate.stats import (
    ChiSquare,
    Interval,
    chi_square,
    confusion_matrix,
    distribution,
    encode,
    paired_bootstrap,
)


@dataclass(frozen=True, slots=True)
class Disagreement:
    classifier: str
    conversation_id: str
    label_a: str | None
    label_b: str | None


@dataclass(frozen=True, slots=True)
class ClassifierComparison:
    classifier: str
    conversations: int  # in A or B
    paired: int  # labelled by both: the sample of every paired statistic
    unlabelled_a: float  # share of A's rows without a label (invalid / error)
    unlabelled_b: float
    labels: list[str]
    confusion: list[list[int]]  # rows: A's label, columns: B's label
    distribution_a: dict[str, float]
    distribution_b: dict[str, float]
    agreement: Interval
    kappa: Interval
    jsd: Interval
    chi_square: ChiSquare
    consistency_a: Consistency | None = None
    consistency_b: Consistency | None = None


@dataclass
class Comparison:
    config_a: dict[str, list[str]]
    config_b: dict[str, list[str]]
    classifiers: list[ClassifierComparison] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)


def _unlabelled_share(per_conversation: dict[str, str | None]) -> float:
    if not per_conversation:
        return 0.0
    return sum(v is None for v in per_conversation.values()) / len(per_conversation)


def _consistency(name: str, runs: Sequence[RunLabels], settings: EvaluationSettings) -> Consistency | None:
    """Over the conversations the first run labelled; a conversation missing from a repeat counts as no label."""
    if len(runs) < 2 or name not in runs[0].labels:
        return None
    ids = sorted(runs[0].labels[name])
    labels = [[run.labels.get(name, {}).get(cid) for cid in ids] for run in runs]
    return repeat_consistency(
        labels, resamples=settings.bootstrap_resamples, level=settings.confidence_level, seed=settings.seed
    )


def compare_classifier(
    name: str, a: dict[str, str | None], b: dict[str, str | None], settings: EvaluationSettings
) -> tuple[ClassifierComparison, list[Disagreement]]:
    """Statistics of one classifier; an empty pairing gives NaN estimates (the gate fails them)."""
    ids = sorted(set(a) | set(b))
    paired_ids = [cid for cid in ids if a.get(cid) is not None and b.get(cid) is not None]
    labels, codes_a, codes_b = encode([a[c] or "" for c in paired_ids], [b[c] or "" for c in paired_ids])
    k = len(labels)
    cm = confusion_matrix(codes_a, codes_b, k)
    if paired_ids:
        boot = paired_bootstrap(
            codes_a,
            codes_b,
            k,
            resamples=settings.bootstrap_resamples,
            level=settings.confidence_level,
            seed=settings.seed,
        )
        agreement, kappa, jsd = boot.agreement, boot.kappa, boot.jsd
    else:
        agreement = kappa = jsd = Interval(
            float("nan"), float("nan"), float("nan"), settings.confidence_level
        )
    comparison = ClassifierComparison(
        classifier=name,
        conversations=len(ids),
        paired=len(paired_ids),
        unlabelled_a=_unlabelled_share(a),
        unlabelled_b=_unlabelled_share(b),
        labels=labels,
        confusion=cm.tolist(),
        distribution_a=distribution(cm.sum(axis=1), labels),
        distribution_b=distribution(cm.sum(axis=0), labels),
        agreement=agreement,
        kappa=kappa,
        jsd=jsd,
        chi_square=chi_square(cm),
    )
    disagreements = [
        Disagreement(name, cid, a.get(cid), b.get(cid)) for cid in ids if a.get(cid) != b.get(cid)
    ]
    return comparison, disagreements


def compare_runs(
    a: RunLabels,
    b: RunLabels,
    settings: EvaluationSettings | None = None,
    *,
    repeats_a: Sequence[RunLabels] = (),
    repeats_b: Sequence[RunLabels] = (),
    classifiers: Sequence[str] | None = None,
) -> Comparison:
    """Compare run A with run B per classifier (default: every classifier either run has).

    ``repeats_a``/``repeats_b`` are further runs of the same configuration; with them the repeat-run
    consistency of that side is reported (A and its repeats, B and its repeats).
    """
    settings = settings or EvaluationSettings()
    names = list(classifiers) if classifiers else sorted(set(a.labels) | set(b.labels))
    result = Comparison(config_a=a.config, config_b=b.config)
    for name in names:
        comparison, disagreements = compare_classifier(
            name, a.labels.get(name, {}), b.labels.get(name, {}), settings
        )
        comparison = _with_consistency(comparison, name, [a, *repeats_a], [b, *repeats_b], settings)
        result.classifiers.append(comparison)
        result.disagreements.extend(disagreements)
    return result


def _with_consistency(
    c: ClassifierComparison,
    name: str,
    runs_a: Sequence[RunLabels],
    runs_b: Sequence[RunLabels],
    settings: EvaluationSettings,
) -> ClassifierComparison:
    return replace(
        c,
        consistency_a=_consistency(name, runs_a, settings),
        consistency_b=_consistency(name, runs_b, settings),
    )
