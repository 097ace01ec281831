"""Steps of the weekly run. Each takes plain arguments and returns a small JSON-able dict (an XCom).

Each step reads a fixed input and replaces a fixed output partition (``<output_root>/week=<start>/<step>/``), so
a task retry or a rerun of the same week gives the same result and never duplicates. Every step gets the week's
Monday (``semtel_core.pipeline.week``) and the run's parameters; the output root and everything else come from
:class:`~semtel_core.pipeline.params.RunParams` over the settings.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from semtel_core import storage
from semtel_core.config import Settings
from semtel_core.errors import EmptyWeekError
from semtel_core.extract import ExtractSummary, extract
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.week import week_containing

logger = logging.getLogger(__name__)


def week_dir(output_root: str, week_start: datetime) -> str:
    return storage.join(output_root, f"week={week_start.date().isoformat()}")


def run_week_dir(params: Mapping[str, Any] | RunParams, week_start: datetime) -> str:
    """``<output_root>/week=<Monday>`` of a run (its output root: the parameter, else ``weekly.output_root``)."""
    return week_dir(RunParams.parse(params).settings().weekly.output_root, week_start)


def sources_of(settings: Settings) -> list[str]:
    """The run's inputs: ``weekly.sources``, else the bundled sample."""
    if settings.weekly.sources:
        return list(settings.weekly.sources)
    from semtel_core.sample_data import CONVERSATIONS_PATH

    return [str(CONVERSATIONS_PATH)]


def _check_not_empty(summary: ExtractSummary, week_start: datetime) -> None:
    in_window = summary.accepted - summary.outside_window
    if in_window > 0:
        return
    week = week_containing(week_start)
    where = ", ".join(summary.inputs)
    if summary.read == 0:
        detail = f"read 0 rows from {where}"
        if summary.pruned_files:
            detail += f" ({summary.pruned_files} file(s) in date partitions outside the week, not read)"
    else:
        detail = (
            f"read {summary.read} rows from {where}: {summary.rejected} rejected, "
            f"{summary.outside_window} outside the window"
            + (", all outside the window" if summary.rejected == 0 else "")
        )
    raise EmptyWeekError(
        f"no conversations for {week.describe()}; {detail} (upstream data missing or late?)",
        week=week.label,
        sources=summary.inputs,
        read=summary.read,
        rejected=summary.rejected,
        outside_window=summary.outside_window,
        pruned_files=summary.pruned_files,
    )


def extract_week(week_start: datetime, params: Mapping[str, Any] | RunParams) -> dict[str, Any]:
    """The first task: check the run's parameters, then validate, scrub, sample and dedupe the conversations
    timestamped in the week [week_start, week_start + 7 days). An empty week raises :class:`EmptyWeekError`."""
    run = RunParams.parse(params)
    settings = run.check()
    out = storage.join(week_dir(settings.weekly.output_root, week_start), "extract")
    window = (week_start, week_start + timedelta(weeks=1))
    if settings.classify.engine == "spark":
        from semtel_core.extract_spark import extract_spark

        summary = extract_spark(sources_of(settings), out, settings, window=window)
    else:
        summary = extract(sources_of(settings), out, settings, window=window)
    logger.info(
        "week %s: read %d, rejected %d, outside the week %d, sampled %d (rate %s)",
        week_start.date(),
        summary.read,
        summary.rejected,
        summary.outside_window,
        summary.sampled,
        summary.sample_rate,
    )
    _check_not_empty(summary, week_start)
    return summary.model_dump()
