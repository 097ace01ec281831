"""``validate_week``: the data-quality gate of a weekly run, on the week's result rows (``RESULT_SCHEMA``), counted
in one streaming pass (:mod:`~semtel_core.quality.week_counts`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import fsspec

from semtel_core import storage
from semtel_core.config import Settings
from semtel_core.errors import DataQualityError, InputFileError
from semtel_core.extract import ExtractSummary
from semtel_core.load.reading import results_dataset
from semtel_core.prompts.registry import ClassifierRegistry
from semtel_core.quality import gx_runner, suites
from semtel_core.quality.report import ClassifierStatistics, ExpectationOutcome, QualityReport
from semtel_core.quality.statistics import classifier_statistics
from semtel_core.quality.week_counts import WeekCounts, counter_for, week_counts
from semtel_core.schema.results import RESULT_SCHEMA

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)


def _read_extract_summary(path: str) -> ExtractSummary:
    try:
        with fsspec.open(path, "r", encoding="utf-8") as fh:
            return ExtractSummary.model_validate(json.load(fh))
    except (OSError, ValueError) as exc:
        raise InputFileError(f"cannot read extract summary {path}: {exc}", path=path) from None


def _arrow_schema_outcome(results_path: str) -> ExpectationOutcome:
    """Column names, order and types of every result file, from the files' schemas (no row is read)."""
    import pyarrow.parquet as pq

    dataset = results_dataset(results_path)
    expected = {f.name: str(f.type) for f in RESULT_SCHEMA}
    wrong: dict[str, dict[str, str | None]] = {}
    unexpected: set[str] = set()
    in_order = True
    for file in dataset.files:
        schema = pq.read_schema(file, filesystem=dataset.filesystem)
        found = {f.name: str(f.type) for f in schema}
        wrong.update(
            {k: {"expected": v, "found": found.get(k)} for k, v in expected.items() if found.get(k) != v}
        )
        unexpected |= set(found) - set(expected)
        in_order &= schema.names == RESULT_SCHEMA.names
    return ExpectationOutcome(
        expectation="expect_arrow_schema_to_equal_result_schema",
        suite="results",
        success=not wrong and not unexpected and in_order,
        expected={"schema": expected},
        observed={"mismatched": wrong, "unexpected_columns": sorted(unexpected), "in_order": in_order},
    )


def _statistics(
    week: WeekCounts, names: Sequence[str], expected_rows: int, previous: WeekCounts | None
) -> list[ClassifierStatistics]:
    counts = week.label_counts()
    before = previous.label_counts() if previous is not None else {}
    present = [n for n in week.classifiers() if n not in names]
    return [
        classifier_statistics(
            name,
            week.row(name),
            counts.get(name, {}),
            expected_rows,
            before.get(name, {}) if previous is not None else None,
        )
        for name in [*names, *present]
    ]


def _drift_warnings(
    stats: Sequence[ClassifierStatistics], settings: Settings, has_previous: bool
) -> list[str]:
    if not has_previous:
        return ["no previous week's results: week-over-week shift not checked"]
    warnings = []
    q = settings.quality
    for s in stats:
        if s.jsd_previous is None or s.shift_p_value is None:
            warnings.append(f"{s.classifier}: no label distribution in one of the weeks: shift not checked")
        elif s.jsd_previous <= q.jsd_warn:
            continue
        elif s.shift_p_value >= q.shift_alpha:
            warnings.append(
                f"{s.classifier}: label distribution moved week over week (JSD {s.jsd_previous:.4f}) but not "
                f"significantly (chi-square p {s.shift_p_value:.3f} >= {q.shift_alpha}): within sampling noise"
            )
        elif s.jsd_previous <= q.jsd_fail:
            warnings.append(
                f"{s.classifier}: label distribution shifted week over week "
                f"(JSD {s.jsd_previous:.4f} > warn level {q.jsd_warn}, fail level {q.jsd_fail}; "
                f"chi-square p {s.shift_p_value:.2g})"
            )
    return warnings


def _run_suites(
    combinations: pd.DataFrame,
    stats: Sequence[ClassifierStatistics],
    extract: ExtractSummary,
    labels: dict[str, tuple[str, ...]],
    settings: Settings,
) -> list[ExpectationOutcome]:
    import pandas as pd

    context = gx_runner.ephemeral_context()
    stats_frame = pd.DataFrame([s.model_dump(exclude={"label_distribution"}) for s in stats])
    if stats_frame.empty:
        stats_frame = pd.DataFrame(columns=list(ClassifierStatistics.model_fields))
    extract_frame = pd.DataFrame(
        [{"read": extract.read, "accepted_plus_rejected": extract.accepted + extract.rejected}]
    )
    return [
        *gx_runner.run_suite(context, "results", combinations, suites.result_row_expectations(labels)),
        *gx_runner.run_suite(
            context,
            "classifiers",
            stats_frame,
            suites.classifier_expectations(settings.quality),
            index_columns=["classifier"],
        ),
        *gx_runner.run_suite(context, "extract", extract_frame, suites.extract_expectations()),
    ]


def validate_week(
    results_path: str,
    extract_summary_path: str,
    previous_results_path: str | None,
    settings: Settings,
    *,
    classifiers: Sequence[str] | None = None,
    report_path: str | None = None,
    aggregates_path: str | None = None,
    previous_aggregates_path: str | None = None,
) -> QualityReport:
    """Check one week's results; raise :class:`DataQualityError` (statistics + failed expectations) on failure.

    ``classifiers`` are the ones the week ran (default: ``settings.classifiers``); each must have one row per
    conversation the extract sampled. ``report_path`` (optional) receives the report as JSON, failed or not.
    The week's aggregates are saved to ``aggregates_path`` (and last week's read from ``previous_aggregates_path``)
    when given, for the load and the report (:func:`~semtel_core.quality.week_counts.week_counts`).
    """
    names = list(classifiers or settings.classifiers)
    registry = ClassifierRegistry.from_settings(settings)
    labels = {c.name: c.labels for c in registry.select(names)}
    schema = _arrow_schema_outcome(results_path)
    count = counter_for(settings)
    week = week_counts(results_path, aggregates_path, count)
    previous = (
        week_counts(previous_results_path, previous_aggregates_path, count) if previous_results_path else None
    )
    extract = _read_extract_summary(extract_summary_path)
    stats = _statistics(week, names, extract.sampled, previous)
    combinations = week.combinations.to_pandas()
    outcomes = [schema, *_run_suites(combinations, stats, extract, labels, settings)]
    report = QualityReport(
        success=all(o.success for o in outcomes),
        results_path=results_path,
        rows=int(week.per_classifier["rows"].sum()),
        extract={
            "read": extract.read,
            "accepted": extract.accepted,
            "rejected": extract.rejected,
            "sampled": extract.sampled,
        },
        classifiers=stats,
        expectations=outcomes,
        warnings=_drift_warnings(stats, settings, previous is not None),
    )
    if report_path:
        storage.write_json(report_path, report.model_dump(mode="json"))
    if not report.success:
        for outcome in report.failed_expectations:
            log.error("failed expectation %s", outcome.describe())
        raise _failure(report)
    log.info(
        "quality: %d rows passed %d expectations, %d warning(s)",
        report.rows,
        len(outcomes),
        len(report.warnings),
    )
    return report


def _failure(report: QualityReport) -> DataQualityError:
    failed = report.failed_expectations
    names = ", ".join(sorted({f"{o.suite}.{o.expectation}" for o in failed}))
    details: dict[str, Any] = {
        "statistics": report.statistics(),
        "failed_expectations": [o.model_dump(mode="json") for o in failed],
        "warnings": report.warnings,
        "results_path": report.results_path,
    }
    return DataQualityError(f"data quality failed: {len(failed)} expectation(s) not met: {names}", **details)
