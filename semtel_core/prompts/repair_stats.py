"""Repair counters by kind and repair / invalid rates per classifier."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from semtel_core.prompts.results import NormalizedField


@dataclass(frozen=True)
class ClassifierRates:
    total: int
    ok: int
    repaired: int
    invalid: int

    @property
    def repair_rate(self) -> float:
        return self.repaired / self.total if self.total else 0.0

    @property
    def invalid_rate(self) -> float:
        return self.invalid / self.total if self.total else 0.0


@dataclass
class RepairStats:
    """Accumulates outcomes; merge per-partition stats with :meth:`merge`."""

    status: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    repair_kinds: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    invalid_reasons: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, result: NormalizedField) -> None:
        self.status[result.classifier][result.status] += 1
        self.repair_kinds[result.classifier].update(result.repairs)
        if result.status == "invalid":
            self.invalid_reasons[result.classifier][result.reason or "unknown"] += 1

    def add_all(self, results: Iterable[NormalizedField]) -> None:
        for result in results:
            self.add(result)

    def merge(self, other: RepairStats) -> None:
        for mine, theirs in (
            (self.status, other.status),
            (self.repair_kinds, other.repair_kinds),
            (self.invalid_reasons, other.invalid_reasons),
        ):
            for classifier, counts in theirs.items():
                mine[classifier].update(counts)

    def rates(self) -> dict[str, ClassifierRates]:
        out = {}
        for classifier, counts in sorted(self.status.items()):
            out[classifier] = ClassifierRates(
                total=sum(counts.values()),
                ok=counts["ok"],
                repaired=counts["repaired"],
                invalid=counts["invalid"],
            )
        return out

    def repair_counts(self) -> Counter[str]:
        """Repairs by kind over all classifiers."""
        total: Counter[str] = Counter()
        for counts in self.repair_kinds.values():
            total.update(counts)
        return total

    def as_dict(self) -> dict[str, Any]:
        """Plain data for logs, XCom and reports."""
        return {
            classifier: {
                "total": r.total,
                "ok": r.ok,
                "repaired": r.repaired,
                "invalid": r.invalid,
                "repair_rate": round(r.repair_rate, 6),
                "invalid_rate": round(r.invalid_rate, 6),
                "repair_kinds": dict(self.repair_kinds[classifier]),
                "invalid_reasons": dict(self.invalid_reasons[classifier]),
            }
            for classifier, r in self.rates().items()
        }
