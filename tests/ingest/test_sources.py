"""Folders, globs and Hive-style date partitions as inputs (local and any fsspec filesystem)."""

from __future__ import annotations

import gzip
import json
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

import fsspec
import pytest

from semtel_core.config import InputSettings, Settings
from semtel_core.errors import InputFileError
from semtel_core.extract import extract
from semtel_core.ingest.scan import ScanCounts, scan
from semtel_core.ingest.sources import expand
from semtel_core.schema.conversation import Conversation

pytestmark = [pytest.mark.unit]

WEEK = (datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC))


def _row(cid: str, day: str) -> bytes:
    row = {
        "conversation_id": cid,
        "timestamp": f"{day}T12:00:00Z",
        "messages": [{"role": "user", "content": cid}],
    }
    return json.dumps(row).encode() + b"\n"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _ids(inputs: list[str], window: tuple[datetime, datetime] | None = None) -> tuple[list[str], ScanCounts]:
    counts = ScanCounts()
    items = scan(inputs, InputSettings(), counts, window=window)
    return sorted(i.conversation_id for i in items if isinstance(i, Conversation)), counts


def test_a_folder_reads_every_data_file_under_it_and_names_what_it_skips(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _write(tmp_path / "in" / "a.jsonl", _row("a", "2026-12-01"))
    _write(tmp_path / "in" / "sub" / "b.jsonl.gz", gzip.compress(_row("b", "2026-12-02")))
    _write(tmp_path / "in" / "_SUCCESS", b"")
    _write(tmp_path / "in" / ".a.jsonl.crc", b"\x00\x01")
    with caplog.at_level(logging.WARNING):
        ids, counts = _ids([str(tmp_path / "in")])
    assert ids == ["a", "b"]
    assert counts.files == 2
    assert "skipped 2 file(s)" in caplog.text and "_SUCCESS" in caplog.text


def test_a_glob_reads_the_files_it_matches(tmp_path: Path) -> None:
    for name in ("x1.jsonl", "x2.jsonl", "y.jsonl"):
        _write(tmp_path / name, _row(name[:2], "2026-12-01"))
    assert _ids([str(tmp_path / "x*.jsonl")])[0] == ["x1", "x2"]


def test_date_partitions_outside_the_week_are_never_opened(tmp_path: Path) -> None:
    root = tmp_path / "source"
    _write(root / "date=2026-11-29" / "part-0.jsonl", b"{truncated, and never read")
    _write(root / "date=2026-11-30" / "part-0.jsonl", _row("first-day", "2026-11-30"))
    _write(root / "date=2026-12-06" / "part-0.jsonl", _row("last-day", "2026-12-06"))
    _write(root / "date=2026-12-07" / "part-0.jsonl", b"{truncated, and never read")
    summary = extract([str(root)], str(tmp_path / "out"), Settings(), window=WEEK)
    assert (summary.files, summary.pruned_files, summary.sampled) == (2, 2, 2)
    with pytest.raises(InputFileError, match="date=2026-11-29"):  # without a window everything is read
        extract([str(root)], str(tmp_path / "out2"), Settings())


def test_a_flat_file_and_an_undated_folder_are_judged_by_their_rows_timestamps(tmp_path: Path) -> None:
    _write(tmp_path / "flat.jsonl", _row("in", "2026-12-01") + _row("before", "2026-11-01"))
    summary = extract([str(tmp_path / "flat.jsonl")], str(tmp_path / "out"), Settings(), window=WEEK)
    assert (summary.files, summary.pruned_files, summary.sampled, summary.outside_window) == (1, 0, 1, 1)


def test_any_fsspec_filesystem_works_the_same(tmp_path: Path) -> None:
    fs = fsspec.filesystem("memory")
    root = f"/semtel-test-{uuid.uuid4().hex[:8]}"
    try:
        fs.pipe(f"{root}/date=2026-12-01/a.jsonl", _row("mem-a", "2026-12-01"))
        fs.pipe(f"{root}/date=2026-10-01/b.jsonl", _row("mem-b", "2026-10-01"))
        ids, counts = _ids([f"memory://{root}"], window=WEEK)
        assert ids == ["mem-a"]
        assert (counts.files, counts.pruned_files) == (1, 1)
    finally:
        fs.rm(root, recursive=True)


@pytest.mark.parametrize(
    ("layout", "pattern", "why"),
    [
        ({}, "*.jsonl", "glob matched no file"),
        ({"README.md": b"docs"}, "", "no data file among 1"),
    ],
)
def test_a_folder_or_glob_without_data_is_an_error_not_an_empty_week(
    tmp_path: Path, layout: dict[str, bytes], pattern: str, why: str
) -> None:
    (tmp_path / "in").mkdir()
    for name, data in layout.items():
        _write(tmp_path / "in" / name, data)
    with pytest.raises(InputFileError, match=why):
        expand([str(tmp_path / "in" / pattern) if pattern else str(tmp_path / "in")])
