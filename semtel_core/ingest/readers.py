"""Streaming readers: one raw row at a time, from local paths or any fsspec URI.

Memory stays flat whatever the file size: JSONL is read line by line, Parquet batch by batch, CSV block by
block. A row that cannot be parsed is yielded as a reject; a file that cannot be read at all (missing, truncated
mid-record, wrong Parquet schema) raises :class:`InputFileError` naming the file and line or row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import fsspec
import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from semtel_core.errors import InputFileError
from semtel_core.ingest.formats import InputFormat, detect_format, to_raw_conversation
from semtel_core.ingest.rejects import Reject, RejectReason, SourceLocation
from semtel_core.ingest.validation import excerpt


@dataclass(frozen=True)
class RawRow:
    location: SourceLocation
    conversation: dict[str, Any] | None  # renamed to the common shape; None when the row is a reject
    raw_text: str
    reject: Reject | None = None
    nbytes: int = 0


def _open(path: str) -> Any:
    try:
        return fsspec.open(path, "rb", compression="infer").open()
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise InputFileError(f"cannot open input {path}: {exc.strerror or exc}", path=path) from None


def _jsonl_rows(path: str, fmt: InputFormat) -> Iterator[RawRow]:
    with _open(path) as fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            loc = SourceLocation(path, line=line_no)
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                shown = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                detail = f"invalid UTF-8 at byte {exc.start} of the line"
                yield RawRow(
                    loc, None, shown, Reject(loc, RejectReason.INVALID_UTF8, detail, None, excerpt(shown))
                )
                continue
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                if not raw.endswith(b"\n"):  # the last line, cut off: the file itself is truncated
                    raise InputFileError(
                        f"{path}: line {line_no}: truncated JSON record at end of file ({exc})",
                        path=path,
                        line=line_no,
                    ) from None
                reject = Reject(loc, RejectReason.INVALID_JSON, f"not valid JSON: {exc}", None, excerpt(text))
                yield RawRow(loc, None, text, reject, len(raw))
                continue
            yield _to_row(record, fmt, loc, text, len(raw))


def _to_row(record: Any, fmt: InputFormat, loc: SourceLocation, text: str, nbytes: int) -> RawRow:
    if not isinstance(record, Mapping):
        reject = Reject(
            loc, RejectReason.NOT_AN_OBJECT, f"row is a JSON {type(record).__name__}", None, excerpt(text)
        )
        return RawRow(loc, None, text, reject, nbytes)
    fallback = f"{loc.source.rsplit('/', 1)[-1]}:{loc.line if loc.line is not None else loc.row}"
    return RawRow(loc, to_raw_conversation(record, fmt, fallback), text, None, nbytes)


_PARQUET_NEEDS = {
    InputFormat.OPENAI: ("messages",),
    InputFormat.SHAREGPT: ("conversations",),
    InputFormat.TEXT: ("text",),
}


def _check_columnar_schema(path: str, schema: pa.Schema, fmt: InputFormat) -> InputFormat:
    names = set(schema.names)
    if fmt is InputFormat.AUTO:
        fmt = detect_format(dict.fromkeys(names))
    missing = [c for c in _PARQUET_NEEDS[fmt] if c not in names]
    if missing:
        raise InputFileError(
            f"{path}: wrong schema for format {fmt.value}: missing column(s) {missing}; has {sorted(names)}",
            path=path,
            missing=missing,
        )
    if fmt is InputFormat.OPENAI and not pa.types.is_list(schema.field("messages").type):
        raise InputFileError(
            f"{path}: wrong schema: column 'messages' is {schema.field('messages').type}, expected a list of "
            "struct<role, content>",
            path=path,
        )
    return fmt


def _batches_rows(path: str, batches: Iterator[pa.RecordBatch], fmt: InputFormat) -> Iterator[RawRow]:
    row = 0
    for batch in batches:
        for record in batch.to_pylist():
            loc = SourceLocation(path, row=row)
            text = orjson.dumps(record, default=str).decode()
            yield _to_row(record, fmt, loc, text, len(text))
            row += 1


def _parquet_rows(path: str, fmt: InputFormat, batch_rows: int) -> Iterator[RawRow]:
    with _open(path) as fh:
        try:
            pf = pq.ParquetFile(fh)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputFileError(f"{path}: not a readable Parquet file: {exc}", path=path) from None
        fmt = _check_columnar_schema(path, pf.schema_arrow, fmt)
        yield from _batches_rows(path, pf.iter_batches(batch_size=batch_rows), fmt)


def _csv_rows(path: str, fmt: InputFormat, batch_rows: int) -> Iterator[RawRow]:
    with _open(path) as fh:
        try:
            reader = pacsv.open_csv(fh, read_options=pacsv.ReadOptions(block_size=1 << 22))
        except pa.ArrowInvalid as exc:
            raise InputFileError(f"{path}: not a readable CSV file: {exc}", path=path) from None
        fmt = _check_columnar_schema(
            path, reader.schema, InputFormat.TEXT if fmt is InputFormat.AUTO else fmt
        )
        try:
            yield from _batches_rows(path, iter(reader), fmt)
        except pa.ArrowInvalid as exc:
            raise InputFileError(f"{path}: malformed CSV: {exc}", path=path) from None


def iter_raw_rows(
    path: str, fmt: InputFormat = InputFormat.AUTO, batch_rows: int = 5_000
) -> Iterator[RawRow]:
    """Every row of one input file, in order, as a raw conversation dict or a reject."""
    name = path.lower().removesuffix(".gz").removesuffix(".zst").removesuffix(".bz2")
    if name.endswith(".parquet") or name.endswith(".pq"):
        return _parquet_rows(path, fmt, batch_rows)
    if name.endswith(".csv"):
        return _csv_rows(path, fmt, batch_rows)
    return _jsonl_rows(path, fmt)
