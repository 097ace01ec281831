"""Request building, custom ids and file splitting: pure functions, no endpoint."""

from __future__ import annotations

import orjson
import pytest
from batch_helpers import endpoint_settings, sample_partition

from semtel_core.batch.custom_id import decode, encode
from semtel_core.batch.requests import build_requests, split_files
from semtel_core.batch.state import part_fingerprint
from semtel_core.errors import BatchError

pytestmark = [pytest.mark.unit]


@pytest.mark.parametrize("ref", ["s-0001", "a|b,c@d", "100%", "ünï cödé/🙂", ""])
def test_custom_id_round_trips_any_ref(ref: str) -> None:
    pairs = [("topic", "a3da30b19f6a29df"), ("satisfaction", "96a033348c3d5a01")]
    key = decode(encode(ref, pairs))
    assert key.ref == ref and key.classifiers == tuple(pairs)
    assert key.names == ("topic", "satisfaction")
    assert decode("st1|s-0001|topic@a3da30b19f6a29df").ref == "s-0001"  # runs submitted before still decode


@pytest.mark.parametrize("foreign", ["req-1", "st1|x", "st1|x|topic", "st3|x|topic@1", "st1|x|@v"])
def test_foreign_custom_ids_are_refused(foreign: str) -> None:
    with pytest.raises(BatchError):
        decode(foreign)


def test_requests_ask_each_content_once_in_a_stable_order() -> None:
    settings = endpoint_settings("http://127.0.0.1:1/v1")
    table = sample_partition(6, duplicates=2)
    first = build_requests(table, ["topic", "satisfaction"], settings, "instant")
    again = build_requests(
        table.take([7, 6, 5, 4, 3, 2, 1, 0]), ["topic", "satisfaction"], settings, "instant"
    )
    assert first.lines == again.lines  # input order does not matter: the fingerprint is stable
    assert len(first.lines) == 6  # 8 conversations, 6 distinct contents, one multi-task request each
    refs = [decode(orjson.loads(line)["custom_id"]).ref for line in first.lines]
    hashes = table.column("content_hash").to_pylist()
    assert set(refs) == set(hashes) and len(refs) == 6  # content hashes, never conversation ids
    assert not any(
        cid in line.decode() for line in first.lines for cid in table.column("conversation_id").to_pylist()
    )
    body = orjson.loads(first.lines[0])["body"]
    assert body["model"] == "instant" and body["response_format"]["type"] == "json_schema"
    assert body["max_tokens"] == 16 + 2 * settings.classify.label_max_tokens
    assert set(first.truncation) == set(refs)


def test_single_style_makes_one_request_per_classifier() -> None:
    settings = endpoint_settings("http://127.0.0.1:1/v1", batch={"request_style": "single"})
    built = build_requests(sample_partition(3), ["topic", "satisfaction"], settings, "instant")
    keys = [decode(orjson.loads(line)["custom_id"]) for line in built.lines]
    assert [k.names for k in keys] == [("topic",), ("satisfaction",)] * 3


def test_split_respects_request_and_byte_limits() -> None:
    lines = [b"x" * 9 for _ in range(10)]  # 10 bytes each with the newline
    assert [f.count(b"\n") for f in split_files(lines, 4, 1000)] == [4, 4, 2]
    assert [len(f) for f in split_files(lines, 100, 35)] == [30, 30, 30, 10]
    assert b"".join(split_files(lines, 3, 25)) == b"".join(line + b"\n" for line in lines)
    with pytest.raises(BatchError, match="over the 5-byte"):
        split_files([orjson.dumps({"custom_id": "big"})], 10, 5)


def test_fingerprint_depends_on_content_model_and_endpoint() -> None:
    base = part_fingerprint("abc", "instant", "http://h/v1")
    assert base == part_fingerprint("abc", "instant", "http://h/v1/")
    assert (
        len(
            {
                base,
                part_fingerprint("abd", "instant", "http://h/v1"),
                part_fingerprint("abc", "gpt", "http://h/v1"),
                part_fingerprint("abc", "instant", "http://g/v1"),
            }
        )
        == 4
    )
