"""Atomic, idempotent replace of one week in the results dataset.

Layout: ``<root>/week=YYYY-MM-DD/classifier=NAME/part-N.parquet`` (Hive partitioning; the ``week`` and
``classifier`` columns live in the path, as Spark, Polars, DuckDB and pyarrow expect). The week is the unit of
replacement: all its classifiers are written by pyarrow's ``write_dataset`` into a private staging folder beside
the dataset, then the staging week is swapped in for the old one. A rerun therefore replaces the whole week
(a classifier dropped from the run disappears too) and never appends; concurrent loads of *different* weeks
touch disjoint folders and their own staging folders, so they cannot interfere.

Swap on a local disk: rename old week aside, rename new week in, delete old; both renames are atomic, so a
reader sees the old week, the new week, or (for the instant between the renames) no week, never a mix. Object
stores have no directory rename: there the old week is deleted and the staged files copied in (fsspec ``mv``),
which is not atomic for a reader listing the folder meanwhile; a query engine with table snapshots (Delta,
Iceberg) would be needed for that and is out of scope.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from semtel_core import storage
from semtel_core.errors import InputFileError, ReconciliationError
from semtel_core.load.reading import ResultRows, arrow_fs, is_local
from semtel_core.schema.results import RESULT_SCHEMA

log = logging.getLogger(__name__)

STAGING_PREFIX = "_staging-"  # leading "_": readers of the dataset skip it


def week_partition(dataset_root: str, week_start: date) -> str:
    return storage.join(dataset_root, f"week={week_start.isoformat()}")


def _check_unique(rows: pl.LazyFrame) -> None:
    """Streaming (Polars): only the repeated pairs are ever collected."""
    dupes = (
        rows.group_by("classifier", "conversation_id")
        .agg(pl.len().alias("rows"))
        .filter(pl.col("rows") > 1)
        .sort("classifier", "conversation_id")
        .collect(engine="streaming")
    )
    if dupes.height:
        raise _duplicated(dupes.height, dupes.head(5).select("classifier", "conversation_id").to_dicts())


def _duplicated(pairs: int, examples: list[dict[str, object]]) -> ReconciliationError:
    return ReconciliationError(
        f"{pairs} (classifier, conversation) pairs have more than one result row; refusing to load",
        duplicated_pairs=pairs,
        examples=examples,
    )


def _with_week(rows: ds.Dataset, week_start: date) -> ds.Scanner:
    """The rows in :data:`RESULT_SCHEMA` types plus the ``week`` column, read batch by batch."""
    columns = {f.name: ds.field(f.name).cast(f.type) for f in RESULT_SCHEMA}
    columns["week"] = pc.scalar(week_start.isoformat())
    try:
        return rows.scanner(columns=columns)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputFileError(f"result rows do not match the result schema: {exc}") from None


def _stage(rows: ds.Dataset, staging: str, week_start: date, max_rows_per_file: int) -> list[str]:
    afs, inner, _ = arrow_fs(staging)
    written: list[str] = []
    try:
        _write(rows, week_start, afs, inner, max_rows_per_file, written)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputFileError(f"result rows do not match the result schema: {exc}") from None
    return written


def _write(
    rows: ds.Dataset, week_start: date, afs: object, inner: str, max_rows_per_file: int, written: list[str]
) -> None:
    ds.write_dataset(
        _with_week(rows, week_start),
        inner,
        filesystem=afs,
        format="parquet",
        partitioning=ds.partitioning(
            pa.schema([("week", pa.string()), ("classifier", pa.string())]), flavor="hive"
        ),
        basename_template="part-{i}.parquet",
        max_rows_per_file=max_rows_per_file,
        max_rows_per_group=min(max_rows_per_file, 128 * 1024),
        existing_data_behavior="error",
        file_visitor=lambda f: written.append(f.path),
        file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
    )


def _swap(staged_week: str, target_week: str) -> None:
    _, inner_target, fs = arrow_fs(target_week)
    _, inner_staged, _ = arrow_fs(staged_week)
    if not is_local(fs):
        if fs.exists(inner_target):
            fs.rm(inner_target, recursive=True)
        fs.mv(inner_staged, inner_target, recursive=True)
        return
    _swap_local(inner_staged, inner_target)


def _swap_local(staged: str, target: str, attempts: int = 20) -> None:
    """Lock-free swap with ``os.rename`` (never fsspec/shutil ``move``, which nests a folder into an existing
    one). Two loads of the same week may race: each moves aside whatever week is in place and retries until
    its own rename lands, so the last writer wins and each keeps its own aside folder to delete."""
    asides: list[str] = []
    try:
        for _ in range(attempts):
            head, _, tail = target.rpartition("/")
            aside = f"{head}/_replaced-{uuid.uuid4().hex}-{tail}"  # "_": dataset readers skip it
            with contextlib.suppress(FileNotFoundError):
                os.rename(target, aside)
                asides.append(aside)
            try:
                os.rename(staged, target)
                return
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
        raise OSError(errno.EBUSY, f"could not swap in {target}: other loads keep replacing it")
    except BaseException:
        if asides and not os.path.exists(target):
            os.rename(asides.pop(), target)  # the load failed as a whole: put the old week back
        raise
    finally:
        for aside in asides:
            shutil.rmtree(aside, ignore_errors=True)


def replace_week(
    rows: ResultRows, dataset_root: str, week_start: date, *, max_rows_per_file: int = 1_000_000
) -> list[str]:
    """Replace ``week=<week_start>`` of the dataset with ``rows`` (streamed); returns the final file paths."""
    _check_unique(rows.lazy)
    return _replace(
        lambda staging: _stage(rows.dataset, staging, week_start, max_rows_per_file), dataset_root, week_start
    )


def replace_week_on_spark(
    rows: Any, dataset_root: str, week_start: date, *, max_rows_per_file: int
) -> list[str]:
    """:func:`replace_week` of a Spark DataFrame of result rows: the executors write the staged week (same
    layout and columns; Spark names its part files), then the same swap."""
    from pyspark.sql import functions as F

    from semtel_core.classify.spark_engine import spark_path

    dupes = rows.groupBy("classifier", "conversation_id").count().filter(F.col("count") > 1)
    pairs = dupes.count()
    if pairs:
        examples = dupes.orderBy("classifier", "conversation_id").limit(5).collect()
        raise _duplicated(pairs, [{"classifier": r[0], "conversation_id": r[1]} for r in examples])

    def stage(staging: str) -> list[str]:
        (
            rows.select(*RESULT_SCHEMA.names, F.lit(week_start.isoformat()).alias("week"))
            .write.partitionBy("week", "classifier")
            .option("maxRecordsPerFile", max_rows_per_file)
            .option("compression", "zstd")
            .parquet(spark_path(staging))
        )
        _, inner, fs = arrow_fs(staging)
        files = []
        for path in sorted(fs.find(inner)):
            if path.rsplit("/", 1)[-1].startswith((".", "_")):  # Hadoop's .crc checksums, _SUCCESS
                fs.rm(path)
            else:
                files.append(path)
        return files

    return _replace(stage, dataset_root, week_start)


def _replace(stage: Callable[[str], list[str]], dataset_root: str, week_start: date) -> list[str]:
    staging = storage.join(dataset_root, f"{STAGING_PREFIX}{uuid.uuid4().hex}")
    _, staging_inner, fs = arrow_fs(staging)
    target = week_partition(dataset_root, week_start)
    try:
        staged_files = stage(staging)
        fs.makedirs(staging_inner, exist_ok=True)  # an empty week stages no files
        staged_week = week_partition(staging, week_start)
        _, staged_week_inner, _ = arrow_fs(staged_week)
        fs.makedirs(staged_week_inner, exist_ok=True)
        _swap(staged_week, target)
    finally:
        if fs.exists(staging_inner):
            fs.rm(staging_inner, recursive=True)
    _, target_inner, _ = arrow_fs(target)
    _, staged_week_inner, _ = arrow_fs(week_partition(staging, week_start))
    final = [target_inner + f.removeprefix(staged_week_inner) for f in staged_files]
    log.info("replaced %s: %d files", target, len(final))
    return final
