"""Journal durability and reload rules, on local disk and on ``memory://``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from semtel_core.classify.checkpoint import (
    CheckpointJournal,
    clear_checkpoint,
    journal_paths,
    load_checkpoint,
)
from semtel_core.classify.rows import apportion, checkpoint_key
from semtel_core.errors import CheckpointError
from semtel_core.schema.results import result_row

pytestmark = [pytest.mark.unit]


def _row(
    content_hash: str, classifier: str = "topic", status: str = "ok", label: str | None = "coding"
) -> dict[str, Any]:
    return result_row(
        run_id="r",
        conversation_id=f"c-{content_hash}",
        content_hash=content_hash,
        classifier=classifier,
        classifier_version="v1",
        label=label,
        status=status,
        strategy="multi",
        model="instant",
        endpoint="local",
        prompt_tokens=10,
        completion_tokens=2,
        latency_ms=1.0,
        attempts=1,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize("total,parts", [(0, 3), (7, 3), (10, 5), (1, 4), (1001, 7)])
def test_apportion_sums_to_the_total_and_spreads_evenly(total: int, parts: int) -> None:
    shares = apportion(total, parts)
    assert sum(shares) == total and len(shares) == parts
    assert max(shares) - min(shares) <= 1


@pytest.mark.parametrize("root", ["local", "memory://ckpt-roundtrip"])
def test_rows_survive_a_reload_and_one_row_per_key_is_kept(tmp_path: Path, root: str) -> None:
    directory = str(tmp_path / "ck") if root == "local" else root
    first = CheckpointJournal(directory)
    first.append([_row("a"), _row("b")])
    first.close()
    second = CheckpointJournal(directory)  # e.g. a retried task: its own file, a repeated key
    second.append([{**_row("a"), "label": "other"}, _row("c", "satisfaction")])
    second.close()
    found = load_checkpoint(directory)
    assert len(journal_paths(directory)) == 2
    assert {k[0] for k in found} == {"a", "b", "c"}
    assert len(found) == 3
    assert found[checkpoint_key(_row("a"))]["label"] in {"coding", "other"}  # both were paid answers
    assert found[checkpoint_key(_row("a"))]["created_at"] == datetime(2026, 1, 1, tzinfo=UTC)
    clear_checkpoint(directory)
    assert journal_paths(directory) == []


def test_a_torn_last_line_is_ignored(tmp_path: Path) -> None:
    journal = CheckpointJournal(str(tmp_path))
    journal.append([_row("a"), _row("b")])
    journal.close()
    with open(journal.path, "ab") as fh:
        fh.write(b'{"run_id": "r", "conversation_id": "c-x", "content_ha')  # SIGKILL mid-write
    assert {k[0] for k in load_checkpoint(str(tmp_path))} == {"a", "b"}


def test_a_corrupt_line_in_the_middle_is_an_error(tmp_path: Path) -> None:
    journal = CheckpointJournal(str(tmp_path))
    journal.append([_row("a")])
    journal.close()
    with open(journal.path, "ab") as fh:
        fh.write(b"garbage\n")
    journal = CheckpointJournal(str(tmp_path), worker=Path(journal.path).stem.removeprefix("journal-"))
    journal.append([_row("b")])
    journal.close()
    with pytest.raises(CheckpointError, match="line 2 is corrupt"):
        load_checkpoint(str(tmp_path))


def test_error_rows_are_not_reused(tmp_path: Path) -> None:
    journal = CheckpointJournal(str(tmp_path))
    journal.append([_row("a", status="error", label=None), _row("b", status="invalid", label=None)])
    journal.close()
    assert {k[0] for k in load_checkpoint(str(tmp_path))} == {"b"}
