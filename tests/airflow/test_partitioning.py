"""The streaming cut of a week into partitions: every conversation once, contents together, budgets kept, the
same cut every time, on the local disk and on another fsspec filesystem."""

from __future__ import annotations

import hashlib
from pathlib import Path

import fsspec
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from semtel_core.pipeline.partitioning import bin_bits, conversation_tokens, count_bins, write_partitions
from semtel_core.pipeline.shards import PARTITION_NAME, read_partition
from semtel_core.prompts.tokens import CHARS_PER_TOKEN, count_tokens, rough_prompt_tokens
from semtel_core.schema.arrow import CONVERSATION_SCHEMA

pytestmark = [pytest.mark.unit]


def _week(rows: int, copies_every: int = 5) -> pa.Table:
    """``rows`` conversations; every ``copies_every``-th repeats an earlier content (same hash)."""
    records = []
    for i in range(rows):
        source = i - 1 if i % copies_every == 0 and i else i
        text = f"question {source} " + "lorem ipsum " * (source % 40)
        digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        records.append(
            {
                "conversation_id": f"c{i:06d}",
                "timestamp": None,
                "messages": [{"role": "user", "content": text}, {"role": "assistant", "content": "ok"}],
                "locale": "en",
                "product": None,
                "model": "m",
                "content_hash": digest,
            }
        )
    return pa.Table.from_pylist(records, schema=CONVERSATION_SCHEMA)


def test_tokens_are_the_clients_rough_estimate_per_message() -> None:
    table = _week(50)
    messages = table.column("messages").to_pylist()
    expected = [sum(-(-len(m["content"]) // CHARS_PER_TOKEN) for m in ms) for ms in messages]
    assert conversation_tokens(table.column("messages")).tolist() == expected
    # rough_prompt_tokens adds the chat framing and the role names to the same per-content estimate
    framing = [rough_prompt_tokens(ms) for ms in messages]
    assert all(f > e for f, e in zip(framing, expected, strict=True))
    # and the estimate is of the tokenizer's order on English text
    exact = sum(count_tokens(m["content"]) for ms in messages for m in ms)
    assert 0.5 < sum(expected) / exact < 2


@pytest.mark.parametrize("root", ["local", "memory://plan-cut"])
def test_every_conversation_lands_once_with_its_copies_within_budget(tmp_path: Path, root: str) -> None:
    table = _week(3000)
    base = str(tmp_path) if root == "local" else root
    source = f"{base}/conversations.parquet"
    with fsspec.open(source, "wb") as fh:
        pq.write_table(table, fh)
    tokens = conversation_tokens(table.column("messages"))
    budget = 4000

    cut = count_bins(source, budget)
    write_partitions(source, cut, f"{base}/plan", PARTITION_NAME)

    assert cut.partitions > 10 and sum(cut.rows) == table.num_rows and sum(cut.tokens) == int(tokens.sum())
    parts = [read_partition(f"{base}/plan/{PARTITION_NAME % i}") for i in range(cut.partitions)]
    assert [p.num_rows for p in parts] == cut.rows
    assert all(p.schema == CONVERSATION_SCHEMA for p in parts)
    ids = [i for p in parts for i in p.column("conversation_id").to_pylist()]
    assert sorted(ids) == sorted(table.column("conversation_id").to_pylist())  # once each
    hash_sets = [set(p.column("content_hash").to_pylist()) for p in parts]
    assert sum(len(s) for s in hash_sets) == len(set().union(*hash_sets))  # copies meet
    # Greedy over bins: a partition overshoots by at most its last bin.
    by_id = dict(zip(table.column("conversation_id").to_pylist(), tokens.tolist(), strict=True))
    for part, planned in zip(parts, cut.tokens, strict=True):
        assert sum(by_id[i] for i in part.column("conversation_id").to_pylist()) == planned
    assert np.median(cut.tokens) <= budget and max(cut.tokens) <= 2 * budget

    again = count_bins(source, budget)  # the same extract gives the same cut
    assert again.rows == cut.rows and np.array_equal(again.part_of_bin, cut.part_of_bin)
    if root != "local":
        fsspec.filesystem("memory").rm(root, recursive=True)


def test_bins_grow_with_the_week_and_stay_bounded() -> None:
    assert bin_bits(0) == bin_bits(100) == 10
    assert bin_bits(1_000_000) == 18
    assert bin_bits(300_000_000) == bin_bits(10**12) == 22
