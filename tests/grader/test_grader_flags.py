"""Flagging rules, the seeded audit sample and the flip-rate report: pure logic on real row and call types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pytest

from semtel_core.config import GraderSettings
from semtel_core.grader.flags import audit_draw, flag_reasons, flag_rows
from semtel_core.grader.report import build_report
from semtel_core.llm.types import CallResult, Usage
from semtel_core.schema.results import RESULT_SCHEMA, ClassificationResult

pytestmark = [pytest.mark.unit]
NO_AUDIT = GraderSettings(audit_rate=0.0)


def _row(cid: str = "c1", **fields: Any) -> dict[str, Any]:
    base = {
        "run_id": "r",
        "conversation_id": cid,
        "content_hash": f"h-{cid}",
        "classifier": "topic",
        "classifier_version": "v",
        "label": "coding",
        "status": "ok",
        "strategy": "multi",
        "created_at": datetime.now(UTC),
    }
    return ClassificationResult.model_validate({**base, **fields}).model_dump()


def test_audit_draw_is_seeded_uniform_and_order_free() -> None:
    draws = [audit_draw(7, f"c{i}", "topic") for i in range(20_000)]
    assert draws == [audit_draw(7, f"c{i}", "topic") for i in range(20_000)]
    assert min(draws) >= 0.0 and max(draws) < 1.0
    assert abs(sum(d < 0.1 for d in draws) - 2_000) < 200
    assert draws[:50] != [audit_draw(8, f"c{i}", "topic") for i in range(50)]


def test_repaired_and_invalid_rows_are_flagged_error_rows_never() -> None:
    assert flag_reasons(_row(status="repaired"), NO_AUDIT) == ["repaired"]
    assert flag_reasons(_row(status="invalid", label=None), NO_AUDIT) == ["invalid"]
    assert flag_reasons(_row(status="error", label=None), GraderSettings(audit_rate=1.0)) == []
    assert flag_reasons(_row(), NO_AUDIT) == []
    off = GraderSettings(audit_rate=0.0, flag_repaired=False, flag_invalid=False)
    assert (
        flag_reasons(_row(status="repaired"), off) == [] and flag_reasons(_row(status="invalid"), off) == []
    )
    assert flag_reasons(_row(), GraderSettings(audit_rate=1.0)) == ["audit"]


def test_disagreement_counts_only_for_shared_calls_and_other_signals() -> None:
    signals = pa.Table.from_pylist(
        [
            _row("c1", strategy="embedding", label="math"),
            _row("c2", strategy="embedding", label="coding"),
            _row("c3", strategy="multi", label="math"),  # the same strategy is not another signal
            _row("c4", strategy="embedding", label=None, status="invalid"),
        ],
        schema=RESULT_SCHEMA,
    )
    rows = [
        _row("c1"),
        _row("c2"),
        _row("c3"),
        _row("c4"),
        _row("c1", strategy="single"),
        _row("c1", strategy="batch"),
    ]
    reasons = flag_rows(rows, NO_AUDIT, signals)
    assert reasons == [["disagreement"], [], [], [], [], ["disagreement"]]


def _call(prompt: int, completion: int, cost: float, ok: bool = True) -> CallResult:
    return CallResult(
        status="ok" if ok else "error", request_id="x", usage=Usage(prompt, completion), cost_usd=cost
    )


def test_report_counts_flip_rates_per_classifier_and_strategy() -> None:
    rows = [
        _row("a", grader_verdict="incorrect", label_before_grader="math", flipped=True),
        _row("b", grader_verdict="correct", label_before_grader="coding", flipped=False),
        _row("c"),
        _row("d", strategy="batch", grader_verdict="incorrect", label_before_grader="x", flipped=True),
        _row("e", strategy="batch"),  # flagged but unjudged
    ]
    reasons = [["repaired"], ["audit"], [], ["invalid", "audit"], ["audit"]]
    report = build_report(
        rows, reasons, [_call(10, 2, 0.5), _call(5, 0, 0.0, ok=False)], [_call(7, 1, 0.25)], 0
    )
    assert (report.rows, report.flagged, report.judged, report.unjudged) == (5, 4, 3, 1)
    assert report.flagged_by_reason == {"audit": 3, "invalid": 1, "repaired": 1}
    assert report.flip_rate_table() == {"topic": {"batch": 1.0, "multi": 0.5}}
    assert report.flip_rate == pytest.approx(2 / 3)
    assert (report.grader_cost.calls, report.grader_cost.errors, report.grader_cost.prompt_tokens) == (
        2,
        1,
        15,
    )
    assert report.reclassify_cost.cost_usd == 0.25
    assert report.as_dict()["flip_rates"][0]["flip_rate"] == 1.0
