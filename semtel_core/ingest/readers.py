"""Streaming readers: one raw row at a time, from local paths or any fsspec URI.

Memory stays flat whatever the file size: JSONL is read line by line, Parquet batch by batch, CSV block by
block. A row that cannot be parsed is yielded as a reject; a whitespace-only line is yielded as ``blank`` (counted,
never classified); a file that cannot be read at all (missing, truncated mid-record, corrupt compression, wrong
Parquet schema) raises :class:`InputFileError` naming the file and line or row.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import fsspec
import orjson
import pyarrow as pa
import pyarrow.csv as pacsv

from semtel_core import storage
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
    blank: bool = False


def _open(path: str) -> Any:
    try:
        return fsspec.open(path, "rb", compression="infer").open()
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise InputFileError(f"cannot open input {path}: {exc.strerror or exc}", path=path) from None


_UTF8_BOM = b"\xef\xbb\xbf"
# What a corrupt or truncated compressed stream raises while it is read (gzip: OSError / EOFError / zlib.error;
# zstandard: its ZstdError, a subclass of Exception only; bz2: OSError / EOFError).
_STREAM_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)
try:
    from zstandard import ZstdError

    _STREAM_ERRORS = (*_STREAM_ERRORS, ZstdError)
except ImportError:  # pragma: no cover - zstandard comes with the pinned dependencies
    pass


def _lines(path: str) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) of a text file; a stream that cannot be decompressed is an InputFileError."""
    line_no = 0
    with _open(path) as fh:
        try:
            for line_no, raw in enumerate(fh, start=1):
                yield line_no, (raw.removeprefix(_UTF8_BOM) if line_no == 1 else raw)
        except _STREAM_ERRORS as exc:
            why = str(exc) or "not a valid compressed stream"
            raise InputFileError(
                f"{path}: line {line_no + 1}: cannot read: corrupt or truncated file ({type(exc).__name__}: {why})",
                path=path,
                line=line_no + 1,
            ) from None


def _jsonl_rows(path: str, fmt: InputFormat) -> Iterator[RawRow]:
    for line_no, raw in _lines(path):
        loc = SourceLocation(path, line=line_no)
        if not raw.strip():
            yield RawRow(loc, None, "", None, len(raw), blank=True)
        else:
            yield _json_line(path, fmt, loc, raw)


def _json_line(path: str, fmt: InputFormat, loc: SourceLocation, raw: bytes) -> RawRow:
    try:
        text = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        shown = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        detail = f"invalid UTF-8 at byte {exc.start} of the line"
        return RawRow(loc, None, shown, Reject(loc, RejectReason.INVALID_UTF8, detail, None, excerpt(shown)))
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if not raw.endswith(b"\n"):  # the last line, cut off: the file itself is truncated
            raise InputFileError(
                f"{path}: line {loc.line}: truncated JSON record at end of file ({exc})",
                path=path,
                line=loc.line,
            ) from None
        reject = Reject(loc, RejectReason.INVALID_JSON, f"not valid JSON: {exc}", None, excerpt(text))
        return RawRow(loc, None, text, reject, len(raw))
    return _to_row(record, fmt, loc, text, len(raw))


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


def _epoch_or_marker(value: int | None, unit: str) -> str | None:
    """An out-of-range Arrow timestamp (after year 9999, before year 1) as ISO text when Python can hold it, else a
    marker that validation rejects as ``invalid_timestamp``."""
    if value is None:
        return None
    per_second = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[unit]
    try:
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=value * 1_000_000 // per_second)
    except OverflowError:
        return f"out of range: {value} {unit} since 1970-01-01"
    return moment.isoformat()


def _records(batch: pa.RecordBatch) -> list[dict[str, Any]]:
    """The batch's rows as dicts; timestamp columns Python cannot hold are converted one value at a time."""
    try:
        records: list[dict[str, Any]] = batch.to_pylist()
        return records
    except (ValueError, OverflowError):
        columns = {}
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            if pa.types.is_timestamp(column.type):
                ints = column.cast(pa.int64()).to_pylist()
                columns[name] = [_epoch_or_marker(v, column.type.unit) for v in ints]
            else:
                columns[name] = column.to_pylist()
        return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _batches_rows(path: str, batches: Iterator[pa.RecordBatch], fmt: InputFormat) -> Iterator[RawRow]:
    row = 0
    for batch in batches:
        for record in _records(batch):
            loc = SourceLocation(path, row=row)
            text = orjson.dumps(record, default=str).decode()
            yield _to_row(record, fmt, loc, text, len(text))
            row += 1


def _parquet_rows(path: str, fmt: InputFormat, batch_rows: int) -> Iterator[RawRow]:
    with _open(path) as fh:
        try:
            pf = storage.streaming_parquet(fh)
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
