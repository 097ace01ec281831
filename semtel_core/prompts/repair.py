"""Repair a near-miss label to a canonical one, naming every kind of repair it took.

Order: exact; then whitespace, case and punctuation (``" Data-Analysis."`` → ``data_analysis``); then the
classifier's synonyms table; then fuzzy matching with rapidfuzz (``"created"`` → ``"create"``), accepted only
above a threshold, clearly ahead of the runner-up label, and never across a negating prefix: ``unsatisfied`` is
lexically close to ``satisfied`` and means the opposite. Anything else is no label.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from semtel_core.prompts.labels import canonical_form

DEFAULT_FUZZY_THRESHOLD = 85.0
DEFAULT_FUZZY_MARGIN = 5.0
# A negating prefix turns a label into its opposite while keeping it lexically close ("unsatisfied").
_NEGATIONS = ("un", "in", "im", "il", "ir", "dis", "non", "not", "no")


def _negates(a: str, b: str) -> bool:
    """True when one string is the other with a negating prefix (``unsatisfied`` / ``satisfied``)."""
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    prefix = longer[: len(longer) - len(shorter)] if longer.endswith(shorter) else None
    return prefix is not None and prefix.rstrip("_") in _NEGATIONS


def _surface_repairs(value: str) -> tuple[str, tuple[str, ...]]:
    """Canonical form of ``value`` and which surface repairs (whitespace, case, punctuation) that took."""
    kinds: list[str] = []
    stripped = unicodedata.normalize("NFKC", value).strip()
    if stripped != value:
        kinds.append("whitespace")
    lowered = stripped.lower()
    if lowered != stripped:
        kinds.append("case")
    canonical = canonical_form(lowered)
    if canonical != lowered:
        kinds.append("punctuation")
    return canonical, tuple(kinds)


@dataclass(frozen=True)
class LabelRepairer:
    """Maps free text to one of ``labels``; built once per classifier."""

    labels: tuple[str, ...]
    synonyms: Mapping[str, str]
    threshold: float = DEFAULT_FUZZY_THRESHOLD
    margin: float = DEFAULT_FUZZY_MARGIN

    def repair(self, value: str) -> tuple[str | None, tuple[str, ...]]:
        """(label or None, repair kinds); ``()`` means the value was already canonical."""
        if value in self.labels:
            return value, ()
        canonical, kinds = _surface_repairs(value)
        if canonical in self.labels:
            return canonical, kinds
        if canonical in self.synonyms:
            return self.synonyms[canonical], (*kinds, "synonym")
        label = self._fuzzy(canonical)
        if label is not None:
            return label, (*kinds, "fuzzy")
        return None, kinds

    def _fuzzy(self, canonical: str) -> str | None:
        if not canonical:
            return None
        # Synonyms are candidates too; a candidate scores for the label it stands for.
        candidates: dict[str, str] = {label: label for label in self.labels}
        candidates.update(self.synonyms)
        scored = process.extract(canonical, list(candidates), scorer=fuzz.ratio, limit=None)
        best_by_label: dict[str, float] = {}
        for candidate, score, _ in scored:
            label = candidates[candidate]
            best_by_label[label] = max(score, best_by_label.get(label, 0.0))
        ranked = sorted(best_by_label.items(), key=lambda kv: kv[1], reverse=True)
        best_label, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if best < self.threshold or best - runner_up < self.margin:
            return None
        if any(_negates(canonical, c) for c, label in candidates.items() if label == best_label):
            return None
        return best_label


def verdict_repairer(threshold: float, margin: float) -> LabelRepairer:
    """The grader's verdict is a two-label classifier of its own."""
    synonyms: dict[str, str] = {}
    for word in ("yes", "true", "right", "valid", "agree", "accurate", "ok"):
        synonyms[word] = "correct"
    for word in ("no", "false", "wrong", "invalid", "disagree", "inaccurate", "not_correct"):
        synonyms[word] = "incorrect"
    return LabelRepairer(("correct", "incorrect"), synonyms, threshold, margin)
