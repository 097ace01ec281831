from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from semtel_core.config import load_settings
from semtel_core.extract import extract

pytestmark = [pytest.mark.unit]


def _conv(cid: str, text: str, ts: str = "2026-10-06T10:00:00Z") -> str:
    return json.dumps(
        {"conversation_id": cid, "timestamp": ts, "messages": [{"role": "user", "content": text}]}
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    lines = [_conv(f"c{i}", f"question number {i}") for i in range(200)]
    lines += [
        _conv("dup-a", "same words"),
        _conv("dup-b", "same words"),
        _conv("pii", "write to bob@example.org, my key is sk-proj-abcdefghijklmnopqrstuvwx1234"),
        _conv("late", "next week", ts="2026-10-13T00:00:00Z"),
        _conv("c1", "repeated id"),
        '{"conversation_id": "bad", "messages": [{"role": "user", "content": null}]}',
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_every_row_is_accounted_for_and_pii_is_scrubbed(source: Path, tmp_path: Path) -> None:
    settings = load_settings()
    window = (datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 10, 12, tzinfo=UTC))
    s = extract([str(source)], str(tmp_path / "out"), settings, window=window)
    assert (s.read, s.accepted, s.rejected, s.outside_window) == (206, 204, 2, 1)
    assert s.rejected_by_reason == {"duplicate_id": 1, "missing_content": 1}
    assert s.sampled == 203 and s.duplicate_content == 1 and s.unique_content == 202
    table = pq.read_table(s.conversations_path).to_pylist()
    texts = {r["conversation_id"]: r["messages"][0]["content"] for r in table}
    assert "bob@example.org" not in texts["pii"] and "<EMAIL>" in texts["pii"]
    assert "sk-proj" not in texts["pii"]
    assert s.pii_replaced["EMAIL"] == 1
    rejects = pq.read_table(s.rejects_path).to_pylist()
    assert {(r["line"], r["reason"]) for r in rejects} == {(205, "duplicate_id"), (206, "missing_content")}
    summary = json.loads((tmp_path / "out" / "extract_summary.json").read_text())
    assert summary["read"] == 206


def test_sampling_is_stable_and_rerun_replaces_output(source: Path, tmp_path: Path) -> None:
    settings = load_settings(sampling={"rate": 0.3})
    out = str(tmp_path / "out")
    first = extract([str(source)], out, settings)
    ids_first = pq.read_table(first.conversations_path).column("conversation_id").to_pylist()
    second = extract([str(source)], out, settings)
    ids_second = pq.read_table(second.conversations_path).column("conversation_id").to_pylist()
    assert ids_first == ids_second
    assert 0.2 < first.sampled / first.accepted < 0.4
    assert first.read == first.accepted + first.rejected
    assert sorted(p.name for p in Path(out).iterdir()) == [
        "conversations.parquet",
        "extract_summary.json",
        "rejects.parquet",
    ]


def test_privacy_can_be_turned_off(source: Path, tmp_path: Path) -> None:
    settings = load_settings(privacy={"enabled": False})
    s = extract([str(source)], str(tmp_path / "out"), settings)
    texts = pq.read_table(s.conversations_path).column("messages").to_pylist()
    assert any("bob@example.org" in m[0]["content"] for m in texts)
    assert s.pii_replaced == {}


def test_a_repeated_id_is_rejected_whatever_became_of_its_first_read(tmp_path: Path) -> None:
    """The engine's id check: the first read wins even when it is outside the week or not sampled; every later
    read is a duplicate_id reject at its own line, and the buckets still add up."""
    lines = [
        _conv("early", "first read, outside the week", ts="2026-10-01T00:00:00Z"),
        _conv("a", "first a"),
        _conv("early", "second read, inside the week"),
        _conv("a", "second a"),
        _conv("a", "third a", ts="2026-10-20T00:00:00Z"),
        _conv("b", "only b"),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    window = (datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 10, 12, tzinfo=UTC))
    s = extract([str(path)], str(tmp_path / "out"), load_settings(), window=window)
    assert (s.read, s.accepted, s.rejected, s.outside_window, s.sampled) == (6, 3, 3, 1, 2)
    assert s.rejected_by_reason == {"duplicate_id": 3}
    rejects = pq.read_table(s.rejects_path).to_pylist()
    assert [(r["line"], r["conversation_id"], r["reason"]) for r in rejects] == [
        (3, "early", "duplicate_id"),
        (4, "a", "duplicate_id"),
        (5, "a", "duplicate_id"),
    ]
    kept = pq.read_table(s.conversations_path)
    assert kept.column("conversation_id").to_pylist() == ["a", "b"]
    assert kept.column("messages").to_pylist()[0][0]["content"] == "first a"
    assert not list((tmp_path / "out").glob("*staged*")) and not list((tmp_path / "out").glob("ids*"))


def test_extract_writes_to_any_fsspec_filesystem(source: Path) -> None:
    import fsspec

    out = "memory://extract-out"
    try:
        s = extract([str(source)], out, load_settings())
        with fsspec.open(s.conversations_path, "rb") as fh:
            table = pq.read_table(fh)
        assert table.num_rows == s.sampled == 204 and s.rejected_by_reason["duplicate_id"] == 1
    finally:
        fsspec.filesystem("memory").rm(out, recursive=True)
