"""``render_report``: one self-contained HTML file per weekly run (inline SVG and CSS, works offline)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel

from semtel_core import storage
from semtel_core.config import Settings
from semtel_core.quality.week_counts import CROSS_TABS, WeekCounts, counter_for, week_counts
from semtel_core.report import figures
from semtel_core.report.charts import distribution_svg, share_bar_svg
from semtel_core.report.template import STYLE, TEMPLATE
from semtel_core.report.trends import Trend, trend

log = logging.getLogger(__name__)

_QUALITY_LIST_KEYS = ("warnings", "failed_expectations")


def _as_dict(obj: Mapping[str, Any] | BaseModel | None) -> dict[str, Any] | None:
    if obj is None:
        return None
    return obj.model_dump(mode="json") if isinstance(obj, BaseModel) else dict(obj)


def _quality_view(report: dict[str, Any]) -> dict[str, Any]:
    """Whatever the quality step hands over: its verdict, its warnings and failures, and its scalar figures."""
    success = report.get("success")
    warnings = [str(w) for key in _QUALITY_LIST_KEYS for w in report.get(key) or []]
    stats = report.get("statistics")
    flat = {**report, **stats} if isinstance(stats, Mapping) else report
    figures_ = [
        (key, f"{value:.4g}" if isinstance(value, float) else value)
        for key, value in flat.items()
        if isinstance(value, str | int | float | bool) and key != "success"
    ]
    headline = (
        "All expectations passed."
        if success is True
        else "Validation FAILED."
        if success is False
        else "Validation result attached."
    )
    return {"success": success, "headline": headline, "warnings": warnings, "figures": figures_}


def _cost_split(costs: list[figures.CostRow]) -> list[tuple[str, float]]:
    by_mode: dict[str, float] = {}
    for row in costs:
        by_mode[row.mode] = by_mode.get(row.mode, 0.0) + row.cost_usd
    return sorted(by_mode.items())


def _context(
    counts: WeekCounts,
    previous: WeekCounts | None,
    settings: Settings,
    week: date | None,
    history: Sequence[tuple[date, WeekCounts]] = (),
) -> dict[str, Any]:
    k = settings.report.min_cell_size
    sums = figures.totals(counts)
    classifiers = sums.classifiers
    dists = [figures.distribution(counts, previous, name, k) for name in classifiers]
    tabs = [figures.cross_tab(counts, a, b, k) for a, b in CROSS_TABS if {a, b} <= set(classifiers)]
    costs = figures.cost_rows(counts, k)
    split = _cost_split(costs)
    return {
        "title": settings.report.title,
        "style": STYLE,
        "k": k,
        "week": week or "(not given)",
        # The data week, not the rows' created_at (when they were classified, which a backfill moves).
        "previous_week": (week - timedelta(days=7) if week else "the previous results")
        if previous is not None
        else None,
        "conversations": sums.conversations,
        "rows": sums.rows,
        "classifiers": classifiers,
        "total_tokens": sums.tokens,
        "total_cost": sums.cost_usd,
        "distributions": dists,
        "charts": {d.classifier: distribution_svg(d, k) for d in dists},
        "crosstabs": [t for t in tabs if t is not None],
        "costs": costs,
        "cost_split": share_bar_svg(split, "cost-split") if sum(v for _, v in split) > 0 else None,
        "rates": figures.rates(counts),
        "trends": _trends(classifiers, counts, week, history, k),
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _trends(
    classifiers: Sequence[str],
    counts: WeekCounts,
    week: date | None,
    history: Sequence[tuple[date, WeekCounts]],
    k: int,
) -> list[Trend]:
    """Each classifier's label shares over the earlier weeks and this one (nothing when there is no earlier week)."""
    if week is None or not history:
        return []
    weeks = [*sorted(history, key=lambda item: item[0]), (week, counts)]
    return [t for name in classifiers if (t := trend(name, weeks, k)) is not None]


def render_report(
    results_path: str | Path,
    out_html: str | Path,
    settings: Settings,
    previous_results_path: str | Path | None = None,
    extract_summary: Mapping[str, Any] | BaseModel | None = None,
    quality_report: Mapping[str, Any] | BaseModel | None = None,
    *,
    week: date | None = None,
    aggregates_path: str | None = None,
    previous_aggregates_path: str | None = None,
    history: Sequence[tuple[date, WeekCounts]] = (),
    emerging: Mapping[str, Any] | None = None,
) -> Path:
    """Render the week's results (and last week's, for the change) to ``out_html`` atomically; returns it.

    ``extract_summary`` is an :class:`~semtel_core.extract.ExtractSummary` (or its dict); ``quality_report`` is
    any mapping/model with ``success``, ``warnings``, ``failed_expectations`` and ``statistics`` keys (all
    optional). The figures come from the week's aggregates: read from ``aggregates_path`` (and
    ``previous_aggregates_path``) when the quality gate saved them there for these rows, else counted in one
    streaming pass (:func:`~semtel_core.quality.week_counts.week_counts`). ``history``: earlier weeks' aggregates
    for the trends section (with ``week``). ``emerging``: the week's ``topics/emerging.json`` (its section is left
    out without it).
    """
    count = counter_for(settings)
    counts = week_counts(str(results_path), aggregates_path, count)
    previous = (
        week_counts(str(previous_results_path), previous_aggregates_path, count)
        if previous_results_path
        else None
    )
    context = _context(counts, previous, settings, week, history)
    context["extract"] = _as_dict(extract_summary)
    quality = _as_dict(quality_report)
    context["quality"] = _quality_view(quality) if quality is not None else None
    context["source"] = str(results_path)
    context["emerging"] = _emerging_view(emerging, settings) if emerging is not None else None
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.from_string(TEMPLATE).render(**context)
    with storage.atomic_open(str(out_html)) as fh:
        fh.write(html.encode("utf-8"))
    log.info(
        "report written to %s (%d classifiers, %d rows)",
        out_html,
        len(context["classifiers"]),
        context["rows"],
    )
    return Path(out_html)


def _emerging_view(summary: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """The emerging-topics summary with the thresholds it was found with, for the section's note."""
    topics = settings.topics
    return {
        **summary,
        "min_conversations": topics.min_conversations,
        "fdr": topics.emerging_fdr,
        "min_growth": topics.emerging_min_growth,
    }
