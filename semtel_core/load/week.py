"""``load_week``: the load step of the weekly run (Parquet dataset, then optional Postgres aggregates)."""

from __future__ import annotations

import logging
from datetime import date, datetime

from pydantic import BaseModel

from semtel_core.config import Settings
from semtel_core.load.aggregates import combination_aggregates
from semtel_core.load.dataset import replace_week, replace_week_on_spark, week_partition
from semtel_core.load.postgres import upsert_aggregates
from semtel_core.load.reading import open_results

log = logging.getLogger(__name__)


class LoadSummary(BaseModel):
    week: date
    rows: int
    rows_per_classifier: dict[str, int]
    partition: str
    files: list[str]
    aggregate_rows: int
    postgres_table: str | None  # None: no DSN configured, aggregates not loaded


def _as_date(week_start: date | datetime | str) -> date:
    if isinstance(week_start, datetime):
        return week_start.date()
    if isinstance(week_start, date):
        return week_start
    return date.fromisoformat(week_start[:10])


def dataset_root_of(settings: Settings) -> str:
    """``load.dataset_root``, else ``<paths.output_dir>/dataset``."""
    return settings.load.dataset_root or str(settings.paths.output_dir / "dataset")


def _load_on_spark(results_path: str, dataset_root: str, week: date, settings: Settings) -> list[str]:
    from semtel_core.classify.spark_engine import owned_session
    from semtel_core.load.reading import results_on_spark

    with owned_session(settings.classify.spark_master) as session:
        session.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        rows = results_on_spark(session, results_path)
        return replace_week_on_spark(
            rows, dataset_root, week, max_rows_per_file=settings.load.max_rows_per_file
        )


def load_week(
    results_path: str,
    dataset_root: str | None,
    week_start: date | datetime | str,
    settings: Settings,
    *,
    aggregates_path: str | None = None,
) -> LoadSummary:
    """Replace the week's partition of ``dataset_root`` (None: :func:`dataset_root_of`) with the rows under
    ``results_path`` and upsert its aggregates into Postgres when ``settings.load.postgres_dsn`` is set.
    The aggregates come from the week's counts (saved in ``aggregates_path`` by the quality gate, else counted
    now), not from the rows. Idempotent: a rerun replaces."""
    from semtel_core.quality.week_counts import counter_for, week_counts  # quality imports load's readers

    week = _as_date(week_start)
    dataset_root = dataset_root or dataset_root_of(settings)
    if settings.classify.engine == "spark":
        files = _load_on_spark(results_path, dataset_root, week, settings)
    else:
        rows = open_results(results_path)
        files = replace_week(rows, dataset_root, week, max_rows_per_file=settings.load.max_rows_per_file)
    counts = week_counts(results_path, aggregates_path, counter_for(settings))
    aggregates = combination_aggregates(counts.combinations, week)
    per_classifier: dict[str, int] = {}
    for agg in aggregates:
        per_classifier[agg.classifier] = per_classifier.get(agg.classifier, 0) + agg.count
    pg_table: str | None = None
    dsn = settings.load.postgres_dsn
    if dsn is None:
        log.info("Postgres aggregates skipped: load.postgres_dsn (SEMTEL_LOAD__POSTGRES_DSN) is not set")
    else:
        pg_table = f"{settings.load.postgres_schema}.{settings.load.postgres_table}"
        upsert_aggregates(
            dsn.get_secret_value(),
            settings.load.postgres_schema,
            settings.load.postgres_table,
            week,
            aggregates,
        )
    return LoadSummary(
        week=week,
        rows=sum(per_classifier.values()),
        rows_per_classifier=per_classifier,
        partition=week_partition(dataset_root, week),
        files=files,
        aggregate_rows=len(aggregates),
        postgres_table=pg_table,
    )
