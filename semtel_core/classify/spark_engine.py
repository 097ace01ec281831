"""The PySpark engine: the staged buckets as a DataFrame, one bucket per task through ``mapInArrow``.

Each task runs :func:`classify_bucket` (the same function as the Polars engine) with its own event loop and
async LLM client; its concurrency budget is the endpoint budget divided by the tasks running at once
(``share`` = min(default parallelism, buckets)). Tasks write their bucket's results file themselves and
return one summary row, so the driver never holds result rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from semtel_core import storage
from semtel_core.classify.job import BucketJob, BucketSummary, classify_bucket
from semtel_core.classify.staging import STAGING_DIR, StagedInput
from semtel_core.schema.arrow import CONVERSATION_SCHEMA

_SUMMARY_FIELDS = [f.name for f in dataclasses.fields(BucketSummary)]
_FLOATS = {"cost_usd"}
# statuses as JSON: plain columns travel through Arrow between Python workers and the JVM
_STRINGS = {"statuses", "rate_budget"}
_SUMMARY_SCHEMA = pa.schema(
    [
        (n, pa.float64() if n in _FLOATS else pa.string() if n in _STRINGS else pa.int64())
        for n in _SUMMARY_FIELDS
    ]
)
_SUMMARY_DDL = ", ".join(
    f"{n} {'double' if n in _FLOATS else 'string' if n in _STRINGS else 'long'}" for n in _SUMMARY_FIELDS
)


def session_conf(master: str) -> dict[str, str]:
    """The settings semtel gives a session it creates. On ``local[N]`` the shuffle gets N partitions (Spark's
    default of 200 is tuned for clusters); on a cluster master the deployment's own ``spark-defaults.conf`` or
    ``spark-submit --conf`` decides, so a shuffle spreads over every executor."""
    conf = {
        "spark.ui.enabled": "false",
        "spark.sql.execution.arrow.maxRecordsPerBatch": "10000",
        # Parquet timestamps as pyarrow and Polars write them (Spark's default INT96 is a legacy encoding)
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    }
    local = re.fullmatch(r"local(?:\[(\d+|\*)(?:,\d+)?\])?", master.strip())
    if local is not None:
        cores = local.group(1)
        conf["spark.sql.shuffle.partitions"] = str(
            os.cpu_count() or 2 if cores in (None, "*") else max(int(cores), 1)
        )
    return conf


_SHUFFLE = "spark.sql.shuffle.partitions"


def spark_session(master: str) -> Any:
    """A session for ``master`` with :func:`session_conf`, unless one is already active. Under ``spark-submit``
    (its Python driver runs with ``PYSPARK_GATEWAY_PORT`` set) the submitted ``--master`` rules: setting
    ``master`` here would override it, and a job submitted to a cluster would run on the driver alone."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # Python workers must run this interpreter (the venv with semtel_core), not whatever python is on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("semtel-classify")
    if "PYSPARK_GATEWAY_PORT" not in os.environ:
        builder = builder.master(master)
    for key, value in session_conf(master).items():
        if key != _SHUFFLE:
            builder = builder.config(key, value)
    session = builder.getOrCreate()
    shuffle = session_conf(session.sparkContext.master or master).get(_SHUFFLE)
    if shuffle is not None:  # a runtime setting: from the master the session really has
        session.conf.set(_SHUFFLE, shuffle)
    return session


@contextlib.contextmanager
def owned_session(master: str, spark: Any = None) -> Iterator[Any]:
    """``spark``, else the active session; else one on ``master``, stopped afterwards (an Airflow task must not
    keep a JVM it started)."""
    from pyspark.sql import SparkSession

    given = spark or SparkSession.getActiveSession()
    if given is not None:
        yield given
        return
    session = spark_session(master)
    try:
        yield session
    finally:
        session.stop()


def spark_path(path: str) -> str:
    """A path Spark (Hadoop) can read and write: a local path made absolute; a URI (``s3a://``, ``hdfs://``, ...)
    as given."""
    return path if "://" in path else os.path.abspath(path)


def _bucket_task(job: BucketJob) -> Any:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        by_bucket: dict[int, list[pa.RecordBatch]] = {}
        for batch in batches:
            table = pa.Table.from_batches([batch])
            for bucket in set(table.column("bucket").to_pylist()):
                part = table.filter(pc.equal(table.column("bucket"), bucket))
                by_bucket.setdefault(int(bucket), []).extend(part.to_batches())
        for bucket, parts in sorted(by_bucket.items()):
            conversations = pa.Table.from_batches(parts).select(CONVERSATION_SCHEMA.names)
            summary = classify_bucket(bucket, conversations.cast(CONVERSATION_SCHEMA), job)
            row = dataclasses.asdict(summary)
            row["statuses"] = json.dumps(summary.statuses)
            yield pa.RecordBatch.from_pylist([row], schema=_SUMMARY_SCHEMA)

    return run


STAGED_BUCKET = r"bucket=(\d+)/"  # the staging layout's folders (``staged_file``)


def run_spark(
    staged: StagedInput,
    job: BucketJob,
    spark: Any | None = None,
    *,
    source: str | None = None,
    bucket_pattern: str = STAGED_BUCKET,
) -> list[BucketSummary]:
    """Classify every bucket of ``source`` (default: the staging folder of ``job``), a folder whose files' paths
    name their bucket (``bucket_pattern``'s group); the executors read it, never the driver."""
    import pyspark.sql.functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    session = spark or spark_session(job.settings.classify.spark_master)
    busy = [b for b, n in staged.rows_per_bucket.items() if n]
    empty = [
        classify_bucket(b, CONVERSATION_SCHEMA.empty_table(), job)
        for b in staged.rows_per_bucket
        if b not in busy
    ]
    if not busy:
        return empty
    share = max(1, min(session.sparkContext.defaultParallelism, len(busy)))
    job = dataclasses.replace(job, share=share)
    path = spark_path(source or storage.join(job.output_dir, STAGING_DIR))
    frame = session.read.schema(from_arrow_schema(CONVERSATION_SCHEMA)).parquet(path)
    bucket = F.regexp_extract(F.col("_metadata.file_path"), bucket_pattern, 1).cast("long")
    frame = frame.withColumn("bucket", bucket).repartitionByRange(len(busy), "bucket")
    rows = frame.mapInArrow(_bucket_task(job), _SUMMARY_DDL).collect()
    summaries = []
    for row in rows:
        data = row.asDict()
        data["statuses"] = json.loads(data["statuses"])
        summaries.append(BucketSummary(**data))
    return sorted(summaries + empty, key=lambda s: s.bucket)
