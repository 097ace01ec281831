"""Crash-safe, pay-once checkpoints: an append-only JSONL journal per worker, compacted into Parquet.

Every finished call's rows go to the worker's journal in one ``write()`` followed by ``flush()``, so once the
call's rows are handed over they are in the operating system's hands: a ``kill -9`` of the process loses only
the calls still in flight. Each worker (process, Spark task attempt) writes its own file, so appends never
interleave and a torn line can only be the last one of a file; it is ignored on reload. On reload, rows are
keyed by (content hash, classifier, classifier version, model, strategy) and one row per key is kept (final
file first, then journals in name order), so journals of speculative or retried task attempts never duplicate. ``error`` rows are not reused: a rerun asks
again for what failed. Compaction (in :mod:`semtel_core.classify.partition`) writes the partition's final
Parquet atomically, which is itself the cache of a later rerun, then removes the journals.

Why a journal and not small Parquet parts: a part per call would mean hundreds of files per second; batching
parts would lose finished rows on a crash. A journal needs an append-capable filesystem (local disks, NFS,
``memory://``); for object stores point ``--checkpoint-dir`` at a local path.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import fsspec
import orjson
import pyarrow.parquet as pq

from semtel_core.classify.rows import CheckpointKey, HashRow, checkpoint_key
from semtel_core.errors import CheckpointError

logger = logging.getLogger(__name__)
JOURNAL_PREFIX = "journal-"


def _fs(path: str) -> tuple[Any, str]:
    fs, p = fsspec.core.url_to_fs(path)
    return fs, p


class CheckpointJournal:
    """The append-only journal of one worker under a partition's checkpoint directory."""

    def __init__(self, checkpoint_dir: str, worker: str | None = None) -> None:
        self._fs, root = _fs(checkpoint_dir)
        self._fs.makedirs(root, exist_ok=True)
        self.path = f"{root.rstrip('/')}/{JOURNAL_PREFIX}{worker or uuid.uuid4().hex}.jsonl"
        try:
            self._fh = self._fs.open(self.path, "ab")
        except (NotImplementedError, ValueError, OSError) as exc:
            raise CheckpointError(
                f"cannot append to checkpoint journal {self.path}: {exc}; use a local checkpoint directory",
                path=self.path,
            ) from None
        self.rows = 0

    def append(self, rows: Sequence[HashRow]) -> None:
        if not rows:
            return
        self._fh.write(b"".join(orjson.dumps(row) + b"\n" for row in rows))
        self._fh.flush()
        self.rows += len(rows)

    def close(self) -> None:
        self._fh.close()


def _journal_rows(data: bytes, path: str) -> Iterable[HashRow]:
    lines = data.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        try:
            row: HashRow = orjson.loads(line)
        except orjson.JSONDecodeError:
            if number == len(lines):  # the last line, with no newline: torn by a crash mid-write
                logger.warning("checkpoint %s: ignoring a torn last line", path)
                return
            raise CheckpointError(
                f"checkpoint {path}: line {number} is corrupt", path=path, line=number
            ) from None
        row["created_at"] = datetime.fromisoformat(row["created_at"])
        yield row


def journal_paths(checkpoint_dir: str) -> list[str]:
    fs, root = _fs(checkpoint_dir)
    if not fs.exists(root):
        return []
    return sorted(p for p in fs.ls(root, detail=False) if p.rsplit("/", 1)[-1].startswith(JOURNAL_PREFIX))


def load_checkpoint(checkpoint_dir: str, cache_files: Sequence[str] = ()) -> dict[CheckpointKey, HashRow]:
    """Reusable rows of earlier attempts: the partition's journals and earlier final files (non-error rows)."""
    fs, _ = _fs(checkpoint_dir)
    found: dict[CheckpointKey, HashRow] = {}

    def keep(rows: Iterable[HashRow]) -> None:
        for row in rows:
            if row["status"] != "error":
                found.setdefault(checkpoint_key(row), row)

    for path in cache_files:
        cache_fs, p = _fs(path)
        if cache_fs.exists(p):
            with cache_fs.open(p, "rb") as fh:
                keep(pq.read_table(fh).to_pylist())
    for path in journal_paths(checkpoint_dir):
        with fs.open(path, "rb") as fh:
            keep(_journal_rows(fh.read(), path))
    return found


def clear_checkpoint(checkpoint_dir: str) -> None:
    """Remove the journals (after the partition's final file is in place) and the directory if empty."""
    fs, root = _fs(checkpoint_dir)
    for path in journal_paths(checkpoint_dir):
        fs.rm(path)
    if not fs.exists(root):
        return
    left = fs.ls(root, detail=False)
    # The partition lock's file goes too: a process that raced in after us finds the results file complete and
    # pays nothing (semtel_core.classify.lock).
    if all(p.rsplit("/", 1)[-1] == ".lock" for p in left):
        for path in left:
            fs.rm(path)
        fs.rmdir(root)
