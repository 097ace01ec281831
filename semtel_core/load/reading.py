"""Reading a run's result rows (``ClassificationResult``) from a file or folder, local or any fsspec URI.

Both the loader and the report start here, so they agree on what a run's rows are: every Parquet file under the
path (hidden ``.``/``_`` entries such as ``_staging`` skipped, as pyarrow's dataset discovery does) or one JSONL
file, cast to :data:`RESULT_SCHEMA` so a column of the wrong type fails here and not halfway through a load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import fsspec
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.json as pa_json
from pyarrow.fs import FSSpecHandler, PyFileSystem

from semtel_core.errors import InputFileError
from semtel_core.schema.results import RESULT_SCHEMA

_POLARS_SCHEMA = pl.Schema(pl.from_arrow(RESULT_SCHEMA.empty_table()).schema)  # type: ignore[union-attr]


def arrow_fs(path: str) -> tuple[PyFileSystem, str, Any]:
    """pyarrow filesystem, path inside it, and the fsspec filesystem behind it, for a local path or a URI."""
    fs, inner = fsspec.core.url_to_fs(path)
    return PyFileSystem(FSSpecHandler(fs)), inner, fs


def _read_any(path: str) -> pa.Table:
    afs, inner, fs = arrow_fs(path)
    if not fs.exists(inner):
        raise InputFileError(f"results not found: {path}", path=path)
    if inner.endswith((".jsonl", ".json")):
        with fs.open(inner, "rb") as fh:
            return pa_json.read_json(fh)
    dataset = ds.dataset(inner, filesystem=afs, format="parquet", partitioning=None)
    return dataset.to_table()


def conform(table: pa.Table, path: str) -> pa.Table:
    """The table's columns in :data:`RESULT_SCHEMA` order and types; missing columns are an input error."""
    missing = [name for name in RESULT_SCHEMA.names if name not in table.column_names]
    if missing:
        raise InputFileError(f"{path} is not a result-row file: missing columns {missing}", path=path)
    try:
        return table.select(RESULT_SCHEMA.names).cast(RESULT_SCHEMA)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputFileError(f"{path}: result columns have the wrong types: {exc}", path=path) from None


def is_local(fs: object) -> bool:
    """Whether an fsspec filesystem is the local disk."""
    protocol = getattr(fs, "protocol", "")
    protocols = protocol if isinstance(protocol, tuple) else (protocol,)
    return "file" in protocols or "local" in protocols


def results_dataset(path: str) -> ds.Dataset:
    """The Parquet result files under ``path`` as a dataset: schemas and file list, no rows read."""
    afs, inner, fs = arrow_fs(path)
    if not fs.exists(inner):
        raise InputFileError(f"results not found: {path}", path=path)
    try:
        return ds.dataset(inner, filesystem=afs, format="parquet", partitioning=None)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputFileError(f"cannot read result rows from {path}: {exc}", path=path) from None


def scan_results(path: str) -> pl.LazyFrame:
    """The result rows under ``path`` as a lazy Polars frame that its streaming engine reads batch by batch
    (local files), or through pyarrow (any other fsspec filesystem)."""
    dataset = results_dataset(path)
    fs, _ = fsspec.core.url_to_fs(path)
    if is_local(fs):
        return pl.scan_parquet(list(dataset.files)) if dataset.files else pl.LazyFrame(schema=_POLARS_SCHEMA)
    return pl.scan_pyarrow_dataset(dataset)


def read_results(path: str) -> pa.Table:
    """All result rows under ``path`` (Parquet file or folder, or one JSONL file) as a :data:`RESULT_SCHEMA` table."""
    try:
        table = _read_any(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputFileError(f"cannot read result rows from {path}: {exc}", path=path) from None
    return conform(table, path)


@dataclass(frozen=True)
class ResultRows:
    """A run's result rows, never read whole: ``dataset`` for pyarrow's streaming writer, ``lazy`` for Polars'
    streaming engine. A JSONL file (small, written by people) is read into memory."""

    dataset: ds.Dataset
    lazy: pl.LazyFrame


def open_results(path: str) -> ResultRows:
    if path.endswith((".jsonl", ".json")):
        table = read_results(path)
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        return ResultRows(ds.dataset(table), frame.lazy())
    return ResultRows(results_dataset(path), scan_results(path))


def results_on_spark(session: Any, path: str) -> Any:
    """The result rows under ``path`` as a Spark DataFrame of :data:`RESULT_SCHEMA`: every Parquet file under the
    folder, as :func:`results_dataset` finds them (a missing folder is the same ``InputFileError``)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    from semtel_core.classify.spark_engine import spark_path

    if path.endswith((".jsonl", ".json")):
        raise InputFileError(f"{path}: the Spark engine reads Parquet result rows, not JSONL", path=path)
    results_dataset(path)
    return (
        session.read.schema(from_arrow_schema(RESULT_SCHEMA))
        .option(
            "recursiveFileLookup", "true"
        )  # no partition discovery: pyarrow reads it with partitioning=None
        .parquet(spark_path(path))
    )
