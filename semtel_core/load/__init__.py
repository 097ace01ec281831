"""Load a week's results: an atomic Parquet partition per week and classifier, and Postgres aggregates."""

from semtel_core.load.aggregates import WeeklyAggregate, weekly_aggregates
from semtel_core.load.dataset import replace_week, week_partition
from semtel_core.load.reading import read_results
from semtel_core.load.week import LoadSummary, dataset_root_of, load_week

__all__ = [
    "LoadSummary",
    "WeeklyAggregate",
    "dataset_root_of",
    "load_week",
    "read_results",
    "replace_week",
    "week_partition",
    "weekly_aggregates",
]
