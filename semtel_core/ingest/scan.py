"""Read and validate a set of input files: one stream of accepted conversations and rejects, with counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from semtel_core.config import InputSettings
from semtel_core.errors import ReconciliationError
from semtel_core.ingest.formats import InputFormat
from semtel_core.ingest.readers import iter_raw_rows
from semtel_core.ingest.rejects import Reject, SourceLocation
from semtel_core.ingest.sources import expand
from semtel_core.ingest.validation import RecordValidator
from semtel_core.schema.conversation import Conversation


@dataclass
class ScanCounts:
    read: int = 0
    bytes_read: int = 0
    accepted: int = 0
    blank: int = 0  # whitespace-only lines: read, neither accepted nor rejected
    rejected: Counter[str] = field(default_factory=Counter)
    files: int = 0  # input files read (a folder or glob counts its files)
    pruned_files: int = 0  # in a date partition outside the time window: never opened

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


def scan(
    inputs: Sequence[str],
    settings: InputSettings,
    counts: ScanCounts,
    fmt: InputFormat = InputFormat.AUTO,
    on_bytes: Callable[[int], None] | None = None,
    window: tuple[datetime, datetime] | None = None,
) -> Iterator[Conversation | Reject]:
    """Yield every row of every input file (see :func:`~semtel_core.ingest.sources.expand`: folders, globs and
    date partitions outside ``window``) as an accepted conversation or a reject; ids are unique across inputs."""
    for item, _ in scan_located(inputs, settings, counts, fmt, on_bytes, window):
        yield item


def scan_located(
    inputs: Sequence[str],
    settings: InputSettings,
    counts: ScanCounts,
    fmt: InputFormat = InputFormat.AUTO,
    on_bytes: Callable[[int], None] | None = None,
    window: tuple[datetime, datetime] | None = None,
    *,
    unique_ids: bool = True,
) -> Iterator[tuple[Conversation | Reject, SourceLocation]]:
    """:func:`scan` with each row's location; ``unique_ids=False`` leaves repeated ids to the caller."""
    validator = RecordValidator(settings, unique_ids=unique_ids)
    sources = expand(inputs, window)
    counts.files, counts.pruned_files = len(sources.files), len(sources.pruned)
    for path in sources.files:
        for row in iter_raw_rows(path, fmt, settings.chunk_rows):
            counts.read += 1
            counts.bytes_read += row.nbytes
            if on_bytes is not None:
                on_bytes(row.nbytes)
            if row.blank:
                counts.blank += 1
                continue
            if row.reject is not None:
                item: Conversation | Reject = row.reject
            else:
                assert row.conversation is not None
                item = validator.validate(row.conversation, row.location, row.raw_text)
            if isinstance(item, Reject):
                counts.rejected[item.reason.value] += 1
            else:
                counts.accepted += 1
            yield item, row.location


def reconcile(read: int, accepted: int, rejected: int, *, step: str, **extra: int) -> None:
    """Prove ``read = accepted + rejected (+ extra buckets)``; raise with the figures when it does not hold."""
    accounted = accepted + rejected + sum(extra.values())
    if read != accounted:
        raise ReconciliationError(
            f"{step}: rows read ({read}) != accepted ({accepted}) + rejected ({rejected})"
            + "".join(f" + {k} ({v})" for k, v in extra.items()),
            step=step,
            read=read,
            accepted=accepted,
            rejected=rejected,
            **extra,
        )
