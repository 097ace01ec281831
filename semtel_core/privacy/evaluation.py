"""Entity-level precision and recall of a scrubber on a labelled corpus.

A corpus is JSON Lines: ``{"id", "category", "text", "entities": [{"type", "text"}]}``, where each entity's
``text`` is the exact substring that must be replaced. A prediction counts as a true positive only when
both its type and its exact extent match a labelled entity; a span that is too short or too long is one
false positive *and* one false negative, as in CoNLL-style NER scoring.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from semtel_core.errors import InputFileError
from semtel_core.privacy.scrubber import Scrubber

OVERALL = "overall"


@dataclass(frozen=True)
class LabelledCase:
    case_id: str
    category: str
    text: str
    entities: tuple[tuple[str, str], ...]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass(frozen=True)
class CaseError:
    """One disagreement: ``kind`` is ``"fp"`` (scrubbed, not labelled) or ``"fn"`` (labelled, missed)."""

    case_id: str
    kind: str
    entity: str
    text: str


@dataclass
class EvalReport:
    scores: dict[str, Score] = field(default_factory=dict)
    errors: list[CaseError] = field(default_factory=list)
    cases: int = 0
    chars: int = 0

    @property
    def overall(self) -> Score:
        return self.scores.get(OVERALL, Score())


def load_corpus(path: str | Path) -> list[LabelledCase]:
    """Read a labelled corpus, checking that every labelled entity occurs in its text."""
    cases = []
    path = Path(path)
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            case = LabelledCase(
                case_id=row["id"],
                category=row["category"],
                text=row["text"],
                entities=tuple((e["type"], e["text"]) for e in row["entities"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InputFileError(
                f"{path}:{line_number}: bad corpus row: {exc}", path=str(path), line=line_number
            ) from None
        missing = [text for _, text in case.entities if text not in case.text]
        if missing:
            raise InputFileError(
                f"{path}:{line_number}: labelled text not found in case {case.case_id}: {missing}",
                path=str(path),
                line=line_number,
            )
        cases.append(case)
    return cases


def evaluate(scrubber: Scrubber, cases: Iterable[LabelledCase]) -> EvalReport:
    report = EvalReport()
    for case in cases:
        result = scrubber.scrub(case.text)
        predicted = Counter((s.entity, case.text[s.start : s.end]) for s in result.spans)
        _score_case(report, case, predicted)
        report.cases += 1
        report.chars += len(case.text)
    return report


def _score_case(report: EvalReport, case: LabelledCase, predicted: Counter[tuple[str, str]]) -> None:
    expected = Counter(case.entities)
    overall = report.scores.setdefault(OVERALL, Score())
    for key in expected | predicted:
        entity, text = key
        score = report.scores.setdefault(entity, Score())
        tp = min(expected[key], predicted[key])
        fp, fn = predicted[key] - tp, expected[key] - tp
        for target in (score, overall):
            target.tp += tp
            target.fp += fp
            target.fn += fn
        report.errors.extend(CaseError(case.case_id, "fp", entity, text) for _ in range(fp))
        report.errors.extend(CaseError(case.case_id, "fn", entity, text) for _ in range(fn))


def format_table(report: EvalReport) -> str:
    """A Markdown table: one row per entity type, then the overall row."""
    lines = ["| entity | TP | FP | FN | precision | recall |", "|---|---:|---:|---:|---:|---:|"]
    names = [*sorted(name for name in report.scores if name != OVERALL), OVERALL]
    for name in names:
        s = report.scores.get(name, Score())
        lines.append(f"| {name} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.3f} | {s.recall:.3f} |")
    return "\n".join(lines)
