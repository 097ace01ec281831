"""Input paths to input files: a file, a folder (every data file under it) or a glob, on any fsspec filesystem.

Files under Hive-style date partitions (``date=YYYY-MM-DD/``, also ``dt=`` and ``day=``) whose day lies outside
the run's time window are pruned before anything is read, so a weekly run reads its week, not the whole
history. Inside a folder, files that cannot hold conversations (Spark's ``_SUCCESS``, ``.crc`` and other hidden
files, anything without a data suffix) are skipped and named in a WARNING; a file named explicitly is always
read. A folder or glob that yields no file at all is an :class:`InputFileError`: a typo in a path must not look
like an empty week.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import fsspec

from semtel_core.errors import InputFileError

logger = logging.getLogger(__name__)

DATA_SUFFIXES = (".jsonl", ".ndjson", ".json", ".parquet", ".pq", ".csv")
COMPRESSIONS = ("", ".gz", ".zst", ".bz2")
_GLOB_CHARS = re.compile(r"[*?\[]")
_PARTITION = re.compile(r"(?:^|/)(?:date|dt|day)=(\d{4}-\d{2}-\d{2})(?=/|$)")


@dataclass
class Sources:
    """The files to read, in a stable order, and what was left out."""

    files: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)  # in a date partition outside the window
    skipped: list[str] = field(default_factory=list)  # in a folder, but not a data file


def is_data_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    if name.startswith(("_", ".")):
        return False
    return any(name.endswith(suffix + zipped) for suffix in DATA_SUFFIXES for zipped in COMPRESSIONS)


def partition_day(path: str) -> date | None:
    """The day of the innermost ``date=YYYY-MM-DD`` folder of ``path`` (None when there is none or it is not a
    real date: such a file is read, and its rows are judged by their own timestamps)."""
    days = _PARTITION.findall(path)
    if not days:
        return None
    try:
        return date.fromisoformat(days[-1])
    except ValueError:
        return None


def _overlaps(day: date, window: tuple[datetime, datetime]) -> bool:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start < window[1] and window[0] < start + timedelta(days=1)


def expand(inputs: Sequence[str], window: tuple[datetime, datetime] | None = None) -> Sources:
    """Every input file of ``inputs``; date partitions outside ``window`` ([start, end), aware) pruned."""
    out = Sources()
    for path in inputs:
        fs, stripped = fsspec.core.url_to_fs(path)
        local = "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))
        if _GLOB_CHARS.search(stripped):
            found, from_folder = sorted(fs.glob(stripped)), True
            found = [p for p in found if not fs.isdir(p)]
        elif fs.isdir(stripped):
            found, from_folder = sorted(fs.find(stripped)), True
        else:
            out.files.append(path)  # named explicitly: read whatever it is (a missing file fails when read)
            continue
        if not found:
            what = "glob matched no file" if _GLOB_CHARS.search(stripped) else "folder holds no file"
            raise InputFileError(f"input {path}: {what}", path=path)
        before = (len(out.files), len(out.pruned))
        for name in found:
            uri = name if local else fs.unstrip_protocol(name)
            if from_folder and not is_data_file(name):
                out.skipped.append(uri)
                continue
            day = partition_day(name)
            if window is not None and day is not None and not _overlaps(day, window):
                out.pruned.append(uri)
                continue
            out.files.append(uri)
        if (len(out.files), len(out.pruned)) == before:
            raise InputFileError(
                f"input {path}: no data file among {len(found)} (data files end in "
                f"{', '.join(DATA_SUFFIXES)}, optionally compressed)",
                path=path,
            )
    if out.skipped:
        shown = ", ".join(out.skipped[:5]) + (
            f" and {len(out.skipped) - 5} more" if len(out.skipped) > 5 else ""
        )
        logger.warning("inputs: skipped %d file(s) that hold no conversations: %s", len(out.skipped), shown)
    return out
