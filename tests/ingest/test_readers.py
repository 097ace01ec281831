from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from semtel_core.config import InputSettings
from semtel_core.errors import InputFileError
from semtel_core.ingest.formats import InputFormat
from semtel_core.ingest.rejects import Reject
from semtel_core.ingest.scan import ScanCounts, scan
from semtel_core.schema.conversation import Conversation

pytestmark = [pytest.mark.unit]


def _lines(path: Path, *rows: object) -> Path:
    with path.open("wb") as fh:
        for row in rows:
            fh.write(row if isinstance(row, bytes) else json.dumps(row).encode())
            fh.write(b"\n")
    return path


def _scan(
    path: Path, fmt: InputFormat = InputFormat.AUTO, **settings: int
) -> tuple[list[Conversation], list[Reject], ScanCounts]:
    counts = ScanCounts()
    items = list(scan([str(path)], InputSettings(**settings), counts, fmt))
    return (
        [i for i in items if isinstance(i, Conversation)],
        [i for i in items if isinstance(i, Reject)],
        counts,
    )


def test_every_bad_row_kind_is_rejected_with_reason_and_line(tmp_path: Path) -> None:
    good = {"conversation_id": "ok", "messages": [{"role": "user", "content": "hello"}]}
    path = _lines(
        tmp_path / "in.jsonl",
        good,
        {"conversation_id": "ok", "messages": [{"role": "user", "content": "other"}]},
        {"messages": [{"role": "user", "content": "no id"}]},
        {"conversation_id": "", "messages": [{"role": "user", "content": "empty id"}]},
        {"conversation_id": "e", "messages": []},
        {"conversation_id": "r", "messages": [{"role": "narrator", "content": "x"}]},
        {"conversation_id": "n", "messages": [{"role": "user", "content": 42}]},
        {"conversation_id": "l", "messages": [{"role": "user", "content": ["a"]}]},
        {"conversation_id": "m", "messages": [{"role": "user"}]},
        b'{"conversation_id": "u", "messages": [{"role": "user", "content": "caf\xe9"}]}',
        {"conversation_id": "big", "messages": [{"role": "user", "content": "x" * 101}]},
        {"conversation_id": "t", "timestamp": "yesterday", "messages": [{"role": "user", "content": "x"}]},
        b"{not json",
        [1, 2, 3],
    )
    accepted, rejects, counts = _scan(path, max_text_chars=100)
    assert [c.conversation_id for c in accepted] == ["ok"]
    by_line = {r.location.line: r.reason.value for r in rejects}
    assert by_line == {
        2: "duplicate_id",
        3: "missing_id",
        4: "missing_id",
        5: "no_messages",
        6: "unknown_role",
        7: "non_string_content",
        8: "non_string_content",
        9: "missing_content",
        10: "invalid_utf8",
        11: "text_too_long",
        12: "invalid_timestamp",
        13: "invalid_json",
        14: "not_an_object",
    }
    assert counts.read == 14 == counts.accepted + counts.rejected_total
    assert all(r.location.source == str(path) and r.detail for r in rejects)


def test_truncated_last_line_is_one_clear_file_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    path.write_bytes(
        b'{"conversation_id": "a", "messages": [{"role": "user", "content": "x"}]}\n{"conversation_id": "b", "mes'
    )
    with pytest.raises(InputFileError) as exc:
        _scan(path)
    assert "cut.jsonl: line 2: truncated" in str(exc.value)
    assert exc.value.details["line"] == 2


def test_missing_file_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot open input"):
        _scan(tmp_path / "absent.jsonl")


def test_sharegpt_and_text_shapes(tmp_path: Path) -> None:
    path = _lines(
        tmp_path / "sg.jsonl",
        {"id": "s1", "conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]},
        {"id": "s2", "conversations": [{"from": "alien", "value": "hi"}]},
    )
    accepted, rejects, _ = _scan(path)
    assert [(m.role, m.content) for m in accepted[0].messages] == [("user", "hi"), ("assistant", "hello")]
    assert rejects[0].reason.value == "unknown_role"

    text = _lines(tmp_path / "texts.jsonl", {"text": "just a prompt"}, {"text": "another"})
    accepted, rejects, _ = _scan(text, InputFormat.TEXT)
    assert [c.conversation_id for c in accepted] == ["texts.jsonl:1", "texts.jsonl:2"]
    assert accepted[0].messages[0].role == "user"


def test_parquet_openai_shape_and_row_locations(tmp_path: Path) -> None:
    table = pa.table(
        {
            "conversation_id": ["p1", None, "p3"],
            "messages": [
                [{"role": "user", "content": "a"}],
                [{"role": "user", "content": "b"}],
                [],
            ],
        }
    )
    path = tmp_path / "in.parquet"
    pq.write_table(table, path, row_group_size=2)
    accepted, rejects, counts = _scan(path, chunk_rows=1)
    assert [c.conversation_id for c in accepted] == ["p1"]
    assert [(r.location.row, r.reason.value) for r in rejects] == [(1, "missing_id"), (2, "no_messages")]
    assert counts.read == 3


def test_parquet_with_wrong_schema_names_file_and_column(tmp_path: Path) -> None:
    path = tmp_path / "wrong.parquet"
    pq.write_table(pa.table({"conversation_id": ["a"], "messages": ["not a list"]}), path)
    with pytest.raises(InputFileError, match=r"wrong\.parquet: wrong schema: column 'messages'"):
        _scan(path)
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"foo": [1]}), other)
    with pytest.raises(InputFileError, match="missing column"):
        _scan(other, InputFormat.OPENAI)


def test_csv_text_column(tmp_path: Path) -> None:
    path = tmp_path / "prompts.csv"
    path.write_text('id,text\n1,"hello, world"\n2,second\n')
    accepted, _, _ = _scan(path)
    assert [(c.conversation_id, c.messages[0].content) for c in accepted] == [
        ("1", "hello, world"),
        ("2", "second"),
    ]


def test_gzip_jsonl_is_read_transparently(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(
            json.dumps({"conversation_id": "z", "messages": [{"role": "user", "content": "x"}]}).encode()
            + b"\n"
        )
    accepted, _, _ = _scan(path)
    assert accepted[0].conversation_id == "z"


def test_ids_are_unique_across_files(tmp_path: Path) -> None:
    row = {"conversation_id": "same", "messages": [{"role": "user", "content": "x"}]}
    a, b = _lines(tmp_path / "a.jsonl", row), _lines(tmp_path / "b.jsonl", row)
    counts = ScanCounts()
    items = list(scan([str(a), str(b)], InputSettings(), counts))
    assert isinstance(items[0], Conversation)
    assert isinstance(items[1], Reject) and items[1].reason.value == "duplicate_id"
