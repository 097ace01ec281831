"""Grade a partition's result rows: flag, judge, re-classify what is wrong, record verdicts and flips.

Rows that are not flagged come back exactly as they went in. A flagged row records ``grader_verdict``,
``label_before_grader`` and ``flipped``; when judged wrong, its label, status, reason, raw output, model and
endpoint become those of the single-task re-classification. Its token and cost fields stay those of the
original call: the re-check's own cost is in the report (``grader_cost``, ``reclassify_cost``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from semtel_core import storage
from semtel_core.classify.partition import conversations_from_arrow
from semtel_core.config import Settings
from semtel_core.errors import ReconciliationError
from semtel_core.grader.flags import FlagReason, flag_rows
from semtel_core.grader.recheck import Judgement, Rechecker, ReviewUnit, recheck
from semtel_core.grader.report import GradeReport, build_report
from semtel_core.llm.runner import run_sync
from semtel_core.schema.conversation import Conversation
from semtel_core.schema.results import RESULT_SCHEMA, with_changes

Row = dict[str, Any]


def review_units(
    rows: Sequence[Mapping[str, Any]], reasons: Sequence[Sequence[FlagReason]], conversations: pa.Table
) -> list[ReviewUnit]:
    """One unit per flagged content: identical conversations are judged once, for all of their rows."""
    by_id: dict[str, Conversation] = {c.conversation_id: c for c in conversations_from_arrow(conversations)}
    units: dict[str, ReviewUnit] = {}
    for row, why in zip(rows, reasons, strict=True):
        if not why:
            continue
        unit = units.get(row["content_hash"])
        if unit is None:
            conversation = by_id.get(row["conversation_id"])
            if conversation is None:
                raise ReconciliationError(
                    f"grader: result row for conversation {row['conversation_id']!r} has no conversation",
                    conversation_id=row["conversation_id"],
                )
            unit = units[row["content_hash"]] = ReviewUnit(row["content_hash"], conversation, {})
        unit.proposals.setdefault(row["classifier"], row["label"])
    return list(units.values())


def _judged_row(row: Mapping[str, Any], judgement: Judgement) -> Row:
    graded = with_changes(
        row, grader_verdict=judgement.verdict, label_before_grader=row["label"], flipped=False
    )
    relabel, call = judgement.relabel, judgement.relabel_call
    if judgement.verdict != "incorrect" or call is None:
        return graded
    if relabel is None or relabel.label is None:
        why = call.reason if relabel is None else relabel.reason
        return with_changes(graded, reason=f"grader: incorrect; re-classification failed: {why}")
    return with_changes(
        graded,
        label=relabel.label,
        status=relabel.status,
        reason="repairs: " + ",".join(relabel.repairs) if relabel.status == "repaired" else None,
        raw_output=None if relabel.status == "ok" else relabel.raw_output,
        model=call.model,
        endpoint=call.endpoint,
        flipped=relabel.label != row["label"],
    )


def apply_judgements(
    rows: Sequence[Mapping[str, Any]], reasons: Sequence[Sequence[FlagReason]], checker: Rechecker
) -> tuple[list[Row], int]:
    """Rows with the grader's outcome on the flagged ones; also the count of failed re-classifications."""
    out: list[Row] = []
    failed = 0
    for row, why in zip(rows, reasons, strict=True):
        judgement = checker.judgements.get((row["content_hash"], row["classifier"]))
        if not why or judgement is None or judgement.verdict is None:
            out.append(dict(row))
            continue
        out.append(_judged_row(row, judgement))
        failed += judgement.relabel_failed
    return out, failed


def grade_partition(
    results: pa.Table, conversations: pa.Table, settings: Settings, *, signals: pa.Table | None = None
) -> tuple[pa.Table, GradeReport]:
    """Re-check the flagged rows of ``results`` (RESULT_SCHEMA) against ``conversations`` (the partition)."""
    rows = results.to_pylist()
    reasons = flag_rows(rows, settings.grader, signals)
    units = review_units(rows, reasons, conversations)
    checker = run_sync(lambda: recheck(settings, units))
    graded, failed = apply_judgements(rows, reasons, checker)
    report = build_report(graded, reasons, checker.calls.grader, checker.calls.reclassify, failed)
    return pa.Table.from_pylist(graded, schema=RESULT_SCHEMA), report


def grade_files(
    results_path: str,
    conversations: pa.Table,
    output: str,
    settings: Settings,
    *,
    signals_path: str | None = None,
    report_path: str | None = None,
) -> GradeReport:
    """:func:`grade_partition` from and to Parquet files (written atomically); the report as JSON."""
    signals = pq.read_table(signals_path) if signals_path else None
    table, report = grade_partition(pq.read_table(results_path), conversations, settings, signals=signals)
    with storage.atomic_open(output) as fh:
        pq.write_table(table, fh, compression="zstd")
    if report_path:
        storage.write_json(report_path, report.as_dict())
    return report
