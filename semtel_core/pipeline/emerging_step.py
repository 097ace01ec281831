"""The weekly run's emerging-topics step: after grading, beside validate and load; the report shows its summary.

It replaces ``<week>/topics/`` (this week's sample vectors and ``emerging.json``) and reads the same folder of the
``topics.emerging_weeks`` weeks before (see :mod:`semtel_core.topics.weekly`), so reruns and backfills in any
order give the same answer. With ``topics.emerging_alert_growth`` set, a topic that grew that much pages on-call.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from semtel_core import storage
from semtel_core.config import Settings
from semtel_core.extract import CONVERSATIONS_FILE
from semtel_core.pipeline.grade_step import RESULTS_DIR
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.weekly import week_dir
from semtel_core.topics import SUMMARY_FILE, TOPICS_DIR

if TYPE_CHECKING:
    from semtel_core.topics.weekly import EmergingSummary

log = logging.getLogger(__name__)


def emerging_week_task(week_start: datetime, params: Mapping[str, Any] | RunParams) -> dict[str, Any]:
    """Find the week's emerging topics; a small dict for XCom (the summary is in ``summary_path``)."""
    settings = RunParams.parse(params).settings()
    root = settings.weekly.output_root
    week = week_dir(root, week_start)
    if not settings.topics.emerging:
        storage.remove(storage.join(week, TOPICS_DIR))  # no stale summary in the report, no stale sample
        return {"enabled": False, "why": "topics.emerging is off"}
    from semtel_core.topics.weekly import emerging_topics_week  # the encoder and clustering: only when on

    earlier = [
        (day.date(), storage.join(week_dir(root, day), TOPICS_DIR))
        for day in (week_start - timedelta(weeks=n) for n in range(1, settings.topics.emerging_weeks + 1))
    ]
    summary = emerging_topics_week(
        week_start.date(),
        storage.join(week, RESULTS_DIR),
        storage.join(week, "extract", CONVERSATIONS_FILE),
        storage.join(week, TOPICS_DIR),
        earlier,
        settings,
    )
    return {
        "enabled": True,
        "in_scope": summary.in_scope,
        "sampled": summary.sampled,
        "earlier_weeks": len(summary.earlier_weeks_read),
        "clusters_tested": summary.report.clusters_tested,
        "emerging": [t.name for t in summary.report.emerging],
        "alert": alert_emerging(summary, settings, week),
        "summary_path": storage.join(week, TOPICS_DIR, SUMMARY_FILE),
    }


def alert_emerging(summary: EmergingSummary, settings: Settings, week_folder: str) -> dict[str, Any]:
    """Page on-call for the topics that grew at least ``topics.emerging_alert_growth`` times (none: no alert). A
    failed delivery is logged at ERROR and returned, not raised: the week's data is fine."""
    from semtel_core.alerts import configured_channels, send_alert
    from semtel_core.alerts.payload import AlertPayload
    from semtel_core.errors import AlertDeliveryError

    threshold = settings.topics.emerging_alert_growth
    if threshold is None:
        return {"sent": False, "why": "topics.emerging_alert_growth is not set"}
    grown = [t for t in summary.report.emerging if t.growth >= threshold]
    if not grown:
        return {"sent": False, "why": f"no emerging topic grew {threshold}x or more"}
    if not configured_channels(settings.alerts):
        log.warning(
            "emerging topics: %d to alert on, but no alert channel is configured (alerts.*)", len(grown)
        )
        return {"sent": False, "why": "no alert channel is configured"}
    payload = AlertPayload(
        title=f"{len(grown)} emerging topic(s) in the week of {summary.week}",
        message="; ".join(
            f"{t.name}: {t.conversations} conversations, {t.growth:.1f}x expected (q={t.q_value:.2g})"
            for t in grown
        ),
        error_type="EmergingTopics",
        week=summary.week.isoformat(),
        results_path=week_folder,
        details={"topics": [t.model_dump(mode="json") for t in grown], "selection": summary.selection},
    )
    try:
        return {"sent": True, "channels": send_alert(payload, settings.alerts)}
    except AlertDeliveryError as exc:
        log.error("emerging topics: alert not delivered: %s", exc)
        return {"sent": False, "why": str(exc), "failures": exc.details.get("failures", {})}
