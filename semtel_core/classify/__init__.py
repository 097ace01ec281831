"""The classification engine: strategies, crash-safe checkpoints, and the Polars and Spark engines that share
one per-partition function. See ``docs/classify.md``.

Names load on first use, so importing this package (e.g. for a type) does not pull in the openai SDK,
Polars or PySpark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from semtel_core.lazy_exports import lazy_getattr

if TYPE_CHECKING:
    from semtel_core.classify.context import StrategyContext
    from semtel_core.classify.job import BucketJob, BucketSummary, classify_bucket
    from semtel_core.classify.partition import PartitionResult, classify_partition, write_partition
    from semtel_core.classify.rows import HashRow
    from semtel_core.classify.run import ClassifyRunSummary, classify_run
    from semtel_core.classify.strategies import ClassificationStrategy, WorkItem, register_strategy

_HOMES = {
    "StrategyContext": "context",
    "BucketJob": "job",
    "BucketSummary": "job",
    "classify_bucket": "job",
    "PartitionResult": "partition",
    "classify_partition": "partition",
    "write_partition": "partition",
    "HashRow": "rows",
    "ClassifyRunSummary": "run",
    "classify_run": "run",
    "ClassificationStrategy": "strategies",
    "WorkItem": "strategies",
    "register_strategy": "strategies",
}
__all__ = [
    "BucketJob",
    "BucketSummary",
    "ClassificationStrategy",
    "ClassifyRunSummary",
    "HashRow",
    "PartitionResult",
    "StrategyContext",
    "WorkItem",
    "classify_bucket",
    "classify_partition",
    "classify_run",
    "register_strategy",
    "write_partition",
]


__getattr__ = lazy_getattr(__name__, _HOMES)
