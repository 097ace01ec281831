"""The last steps of a weekly run: validate the graded results, load them into the dataset, render the report.

Both read the week's fixed results folder (``<week>/results``) and replace a fixed output (the dataset's week
partition; ``<week>/report.html``), so a rerun replaces and never duplicates.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import fsspec

from semtel_core import storage
from semtel_core.pipeline.grade_step import RESULTS_DIR
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.weekly import week_dir
from semtel_core.topics import SUMMARY_FILE as EMERGING_FILE
from semtel_core.topics import TOPICS_DIR

if TYPE_CHECKING:
    from semtel_core.config import Settings
    from semtel_core.quality.week_counts import WeekCounts

REPORT_FILE = "report.html"
QUALITY_FILE = "quality_report.json"
AGGREGATES_DIR = (
    "aggregates"  # the week's counts (quality.week_counts): saved by validate, read by load and report
)


def validate_week_task(week_start: datetime, params: Mapping[str, Any] | RunParams) -> dict[str, Any]:
    """Run the data-quality suite on the week; raises ``DataQualityError`` (the pager's cue) when it fails.

    The report is written to ``<week>/quality_report.json`` either way, for the HTML report and the UI.
    """
    from semtel_core.quality import validate_week

    run = RunParams.parse(params)
    settings = run.settings()
    output_root = settings.weekly.output_root
    week = week_dir(output_root, week_start)
    previous_week = week_dir(output_root, week_start - timedelta(days=7))
    previous = storage.join(previous_week, RESULTS_DIR)
    report = validate_week(
        storage.join(week, RESULTS_DIR),
        storage.join(week, "extract", "extract_summary.json"),
        previous if storage.exists(previous) else None,
        settings,
        classifiers=settings.classifiers,
        report_path=storage.join(week, QUALITY_FILE),
        aggregates_path=storage.join(week, AGGREGATES_DIR),
        previous_aggregates_path=storage.join(previous_week, AGGREGATES_DIR),
    )
    return report.model_dump(mode="json")


def dataset_root(output_root: str) -> str:
    """Where the DAG loads weeks when ``load.dataset_root`` is not set: next to the weeks' working folders."""
    return storage.join(output_root, "dataset")


def load_week_task(week_start: datetime, params: Mapping[str, Any] | RunParams) -> dict[str, Any]:
    """Replace the week's partition of the results dataset (and its Postgres aggregates when configured)."""
    from semtel_core.load.week import load_week

    settings = RunParams.parse(params).settings()
    output_root = settings.weekly.output_root
    root = settings.load.dataset_root or dataset_root(output_root)
    week = week_dir(output_root, week_start)
    return load_week(
        storage.join(week, RESULTS_DIR),
        root,
        week_start,
        settings,
        aggregates_path=storage.join(week, AGGREGATES_DIR),
    ).model_dump(mode="json")


def report_week(week_start: datetime, params: Mapping[str, Any] | RunParams) -> str:
    """Render ``<week>/report.html`` (with last week's results for the change, when that week ran); its path."""
    from semtel_core.report.render import render_report

    settings = RunParams.parse(params).settings()
    output_root = settings.weekly.output_root
    week = week_dir(output_root, week_start)
    previous_week = week_dir(output_root, week_start - timedelta(days=7))
    previous = storage.join(previous_week, RESULTS_DIR)
    with fsspec.open(storage.join(week, "extract", "extract_summary.json"), "rb") as fh:
        extract_summary = json.loads(fh.read())
    out = storage.join(week, REPORT_FILE)
    quality = storage.join(week, QUALITY_FILE)
    history = _earlier_weeks(output_root, week_start, settings)
    quality_report = _read_if_there(quality)
    emerging = _read_if_there(storage.join(week, TOPICS_DIR, EMERGING_FILE))
    render_report(
        storage.join(week, RESULTS_DIR),
        out,
        settings,
        previous_results_path=previous if storage.exists(previous) else None,
        extract_summary=extract_summary,
        quality_report=quality_report,
        week=week_start.date(),
        aggregates_path=storage.join(week, AGGREGATES_DIR),
        previous_aggregates_path=storage.join(previous_week, AGGREGATES_DIR),
        history=history,
        emerging=emerging,
    )
    return out


def _read_if_there(path: str) -> Any:
    if not storage.exists(path):
        return None
    with fsspec.open(path, "rb") as fh:
        return json.loads(fh.read())


def _earlier_weeks(
    output_root: str, week_start: datetime, settings: Settings
) -> list[tuple[date, WeekCounts]]:
    """The aggregates of the earlier weeks of ``report.trend_weeks`` that ran here (saved by their quality gate;
    a week without them is counted once and saved), oldest first."""
    from semtel_core.quality.week_counts import counter_for, week_counts

    count = counter_for(settings)
    found = []
    for back in range(settings.report.trend_weeks - 1, 0, -1):
        start = week_start - timedelta(days=7 * back)
        folder = week_dir(output_root, start)
        results = storage.join(folder, RESULTS_DIR)
        if storage.exists(results):
            counts = week_counts(results, storage.join(folder, AGGREGATES_DIR), count)
            found.append((start.date(), counts))
    return found
