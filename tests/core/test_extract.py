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
