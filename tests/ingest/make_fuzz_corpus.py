"""Write the committed fuzz corpus (``fuzz_corpus/``): hand-made hostile inputs, plus seeded mutations of valid
rows. Rerun after changing it: ``python tests/ingest/make_fuzz_corpus.py``. Every file here must go through
``semtel validate``, ``semtel run`` and ``semtel classify`` with no traceback, exit 0 or 2, and reconcile."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

HERE = Path(__file__).resolve().parent / "fuzz_corpus"


def _row(cid: object, timestamp: object = "2026-10-14T12:00:00Z", **extra: object) -> str:
    row = {
        "conversation_id": cid,
        "timestamp": timestamp,
        "messages": [{"role": "user", "content": "hi there"}],
    }
    return json.dumps({**row, **extra}, ensure_ascii=False)


def _timestamps() -> str:
    edges: list[object] = [
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59+00:00",
        "0001-01-01T00:00:00Z",
        "2026-06-30T23:59:60Z",
        "2026-02-30T00:00:00Z",
        "",
        " ",
        "now",
        "2026-10-14",
        "2026-10-14T12:00:00+25:00",
        "+10000-01-01T00:00:00Z",
        1e20,
        -1e15,
        253402300800,
        -62135596801,
        float("nan"),
        True,
        None,
        [],
        {"iso": "2026-10-14"},
        1760443200,
        1760443200.5,
    ]
    lines = []
    for i, ts in enumerate(edges):
        if isinstance(ts, float) and ts != ts:
            lines.append(
                f'{{"conversation_id": "ts-{i}", "timestamp": NaN, "messages": [{{"role": "user", "content": "x"}}]}}'
            )
        else:
            lines.append(_row(f"ts-{i}", ts))
    return "\n".join(lines) + "\n"


def _ids_and_shapes() -> str:
    lines = [
        _row("x" * 10_000),
        _row(12345),
        _row(1.5),
        _row(["a"]),
        _row({"id": 1}),
        _row(True),
        _row(""),
        _row("dup"),
        _row("dup"),
        json.dumps(
            {"conversation_id": "nested", "messages": [{"role": "user", "content": {"a": [1, {"b": 2}]}}]}
        ),
        json.dumps(
            {
                "conversation_id": "deep",
                "messages": [{"role": "user", "content": "x"}],
                "metadata": {"a": {"b": {"c": {"d": [1] * 50}}}},
            }
        ),
        json.dumps(
            {
                "conversation_id": "meta-list",
                "messages": [{"role": "user", "content": "x"}],
                "metadata": [1, 2],
            }
        ),
        json.dumps({"conversation_id": "huge", "messages": [{"role": "user", "content": "y" * 250_000}]}),
        json.dumps({"conversation_id": "many", "messages": [{"role": "user", "content": "z"}] * 1_500}),
        json.dumps({"conversation_id": "role", "messages": [{"role": "robot", "content": "x"}]}),
        json.dumps(
            {
                "conversation_id": "unicode\u202e\u200b",
                "messages": [
                    {"role": "user", "content": "RTL \u202e zero\u200bwidth NUL \u0000 emoji \U0001f600"}
                ],
            }
        ),
        '{"conversation_id": "surrogate", "messages": [{"role": "user", "content": "\\ud800 lone"}]}',
        "[1, 2, 3]",
        '"just a string"',
        "{not json",
        json.dumps({"id": "sharegpt-1", "conversations": [{"from": "human", "value": "hello"}]}),
        json.dumps({"text": "a single text column row"}),
    ]
    return "\n".join(lines) + "\n"


def _mutants(seed: int = 7, count: int = 300) -> bytes:
    rng = random.Random(seed)
    base = [_row(f"m-{i}", "2026-10-14T12:00:00Z", metadata={"locale": "en"}).encode() for i in range(count)]
    out = []
    for line in base:
        data = bytearray(line)
        for _ in range(rng.randint(1, 4)):
            op = rng.choice(("flip", "cut", "insert", "dup"))
            pos = rng.randrange(len(data)) if data else 0
            if op == "flip" and data:
                data[pos] = rng.randrange(256)
            elif op == "cut":
                del data[pos : pos + rng.randint(1, 20)]
            elif op == "insert":
                data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
            else:
                data[pos:pos] = data[pos : pos + rng.randint(1, 30)]
        out.append(bytes(data).replace(b"\n", b" "))
    return b"\n".join(out) + b"\n"


def main() -> None:
    HERE.mkdir(exist_ok=True)
    (HERE / "timestamps.jsonl").write_text(_timestamps(), encoding="utf-8")
    (HERE / "ids_and_shapes.jsonl").write_text(_ids_and_shapes(), encoding="utf-8")
    bom = (
        "\ufeff" + _row("bom-first") + "\n   \n\t\n" + _row("after-blank") + "\r\n\n" + _row("crlf") + "\r\n"
    )
    (HERE / "bom_blank_crlf.jsonl").write_text(bom, encoding="utf-8")
    (HERE / "mutants.jsonl").write_bytes(_mutants())
    (HERE / "random_bytes.jsonl").write_bytes(random.Random(3).randbytes(4096))
    good = (_row("gz-1") + "\n" + _row("gz-2") + "\n").encode()
    packed = gzip.compress(good * 50)
    (HERE / "truncated.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    (HERE / "not_gzip.jsonl.gz").write_bytes(good)
    (HERE / "corrupt.jsonl.gz").write_bytes(packed[:20] + b"\x00" * 40 + packed[60:])
    zst = zstandard.ZstdCompressor().compress(good * 50)
    (HERE / "truncated.jsonl.zst").write_bytes(zst[: len(zst) // 2])
    (HERE / "not_zstd.jsonl.zst").write_bytes(good)
    # Parquet: one row in range, one after year 9999, one before year 1 (int64 microseconds cast to timestamp).
    micros = pa.array(
        [1_760_443_200_000_000, 253_402_300_800_000_000 + 10**12, -62_135_596_800_000_000 - 10**12]
    )
    table = pa.table(
        {
            "conversation_id": ["pq-ok", "pq-after-9999", "pq-before-1"],
            "timestamp": micros.cast(pa.timestamp("us", tz="UTC")),
            "messages": [[{"role": "user", "content": "hello"}]] * 3,
        }
    )
    pq.write_table(table, HERE / "timestamps_out_of_range.parquet")


if __name__ == "__main__":
    main()
