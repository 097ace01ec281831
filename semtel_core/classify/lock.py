"""One process per partition: an exclusive lock on ``<checkpoint dir>/.lock``, held while a bucket is classified.

``fcntl.flock`` is released by the kernel when its holder dies, ``kill -9`` included, so a stale lock is never
left behind to take over by hand, and two processes can never both believe they own it (which a "PID file plus
liveness check" cannot promise). The holder writes its PID and host into the file so the refusal names it.
Checkpoints on object stores (``s3://``, ``memory://``) cannot be locked this way: there the lock is skipped
(logged at DEBUG); one writer per partition is then the orchestrator's job (Airflow maps each partition once).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from semtel_core.errors import CheckpointError

log = logging.getLogger(__name__)
LOCK_FILE = ".lock"


def _local_dir(directory: str) -> Path | None:
    if "://" in directory and not directory.startswith("file://"):
        return None
    return Path(directory.removeprefix("file://"))


@contextlib.contextmanager
def partition_lock(directory: str) -> Iterator[None]:
    """Hold the partition's lock for the block; raise :class:`CheckpointError` naming the holder when taken."""
    local = _local_dir(directory)
    if local is None or os.name != "posix":
        log.debug("no lock for %s (not a local POSIX folder)", directory)
        yield
        return
    import fcntl

    local.mkdir(parents=True, exist_ok=True)
    path = local / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", errors="replace").strip() or "{}"
            raise CheckpointError(
                f"partition {directory} is being classified by another process ({holder}); wait for it to end "
                "or stop it (its lock is released when it exits, even on kill -9)",
                path=str(path),
                holder=json.loads(holder) if holder.startswith("{") else holder,
            ) from None
        owner = {"pid": os.getpid(), "host": socket.gethostname(), "since": int(time.time())}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(owner).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
