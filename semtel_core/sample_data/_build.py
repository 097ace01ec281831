"""Assemble the bundled sample files from the hand-written drafts, deterministically.

Run ``python -m semtel_core.sample_data._build`` to rewrite the files next to this module, ``--check`` to
verify that they match what the drafts produce (byte for byte), or ``--out DIR`` to write elsewhere.
Everything random comes from one seeded :class:`random.Random`, so re-running reproduces the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from semtel_core.sample_data._bad_rows import INVALID_UTF8_BYTES, INVALID_UTF8_MARKER, BadRow, bad_rows
from semtel_core.sample_data._content import ALL_DRAFTS
from semtel_core.sample_data._drafts import Draft

SEED = 20261005
START = datetime(2026, 10, 5, tzinfo=UTC)
DAYS = 28
DUPLICATES = 6
LABEL_ORDER = ("user_expertise", "topic", "satisfaction", "task_complexity", "knowledge_work")
_MODELS = ("gpt-4o-2024-11-20", "gpt-4o-mini-2024-07-18", "gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14")
_CHAT_PRODUCTS = ("chat-web", "chat-web", "chat-mobile", "chat-desktop")


@dataclass(frozen=True)
class _Entry:
    draft: Draft | None = None
    bad: BadRow | None = None
    is_duplicate: bool = False


def _with_duplicates(drafts: list[Draft], rng: random.Random) -> list[_Entry]:
    """Drafts as entries, plus exact copies of a few placed somewhere after their original."""
    entries = [_Entry(draft=dr) for dr in drafts]
    originals = rng.sample(range(len(entries) // 2), DUPLICATES)
    for index in sorted(originals, reverse=True):
        position = rng.randint(index + 2, len(entries))
        entries.insert(position, _Entry(draft=entries[index].draft, is_duplicate=True))
    return entries


def _with_bad_rows(entries: list[_Entry], bads: list[BadRow], rng: random.Random) -> list[_Entry]:
    """Spread the bad rows through the file (never first or last), each near an even share of the rows."""
    total = len(entries) + len(bads)
    slots = sorted({round((k + 1) * total / (len(bads) + 1)) + rng.randint(-6, 6) for k in range(len(bads))})
    if len(slots) != len(bads):
        raise ValueError("bad-row slots collided; change SEED or the jitter")
    result: list[_Entry] = []
    good = iter(entries)
    pending = iter(bads)
    for position in range(total):
        result.append(_Entry(bad=next(pending)) if position in slots else next(good))
    return result


def _messages(draft: Draft) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": draft.system}] if draft.system else []
    roles = ("user", "assistant")
    messages.extend({"role": roles[i % 2], "content": text} for i, text in enumerate(draft.turns))
    return messages


def _metadata(draft: Draft | None, rng: random.Random) -> dict[str, str]:
    if draft is not None and draft.system:
        product = "office-addin"
    elif draft is not None and draft.labels["topic"] == "coding":
        product = rng.choice(("ide-assistant", "chat-web"))
    else:
        product = rng.choice(_CHAT_PRODUCTS)
    locale = draft.locale if draft is not None else "en-US"
    return {"locale": locale, "product": product, "model": rng.choice(_MODELS)}


def _timestamp(index: int, total: int, rng: random.Random) -> str:
    """Rows in file order spread evenly over the four weeks, with a random offset inside each row's slot."""
    offset = timedelta(days=DAYS) * ((index + rng.random()) / total)
    return (START + offset).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dumps(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


@dataclass
class _Output:
    conversations: list[bytes]
    labels: list[bytes]
    rejects: list[bytes]
    pii: list[bytes]


def _bad_line(entry_bad: BadRow, conv_id: str | None, timestamp: str, meta: dict[str, str]) -> bytes:
    row: dict[str, Any] = {} if conv_id is None else {"conversation_id": conv_id}
    row["timestamp"] = entry_bad.row.get("timestamp", timestamp)
    row["messages"] = entry_bad.row["messages"]
    row["metadata"] = meta
    return _dumps(row).replace(INVALID_UTF8_MARKER.encode(), INVALID_UTF8_BYTES)


def _assemble(entries: list[_Entry], rng: random.Random) -> _Output:
    out = _Output([], [], [], [])
    last_good_id = ""
    for index, entry in enumerate(entries):
        timestamp = _timestamp(index, len(entries), rng)
        meta = _metadata(entry.draft, rng)
        new_id = f"s-{index + 1:04d}"
        if entry.bad is not None:
            conv_id: str | None = new_id
            if entry.bad.kind == "missing_conversation_id":
                conv_id = None
            elif entry.bad.takes_existing_id:
                conv_id = last_good_id
            out.conversations.append(_bad_line(entry.bad, conv_id, timestamp, meta))
            reject = {
                "line": index + 1,
                "conversation_id": conv_id,
                "kind": entry.bad.kind,
                "reject_reason": entry.bad.reject_reason,
                "reason": entry.bad.reason,
            }
            out.rejects.append(_dumps(reject))
            continue
        assert entry.draft is not None
        draft, last_good_id = entry.draft, new_id
        row = {
            "conversation_id": new_id,
            "timestamp": timestamp,
            "messages": _messages(draft),
            "metadata": meta,
        }
        out.conversations.append(_dumps(row))
        out.labels.append(_dumps({"conversation_id": new_id} | {k: draft.labels[k] for k in LABEL_ORDER}))
        if draft.pii:
            out.pii.append(_dumps({"conversation_id": new_id, "kinds": sorted(draft.pii)}))
    return out


def _truncated(conversation_lines: list[bytes], bad_line_numbers: set[int]) -> bytes:
    """Three good lines, then a fourth cut off mid-object (on a character boundary, so only JSON is broken)."""
    good = [line for n, line in enumerate(conversation_lines, 1) if n not in bad_line_numbers][:4]
    fourth = good[3].decode("utf-8")
    return b"".join(line + b"\n" for line in good[:3]) + fourth[: len(fourth) // 2].encode("utf-8")


def build_files() -> dict[str, bytes]:
    """File name -> exact bytes of every generated sample file."""
    rng = random.Random(SEED)
    drafts = list(ALL_DRAFTS)
    rng.shuffle(drafts)
    entries = _with_bad_rows(_with_duplicates(drafts, rng), bad_rows(rng), rng)
    out = _assemble(entries, rng)
    bad_lines = {json.loads(r)["line"] for r in out.rejects}

    def jsonl(lines: list[bytes]) -> bytes:
        return b"".join(line + b"\n" for line in lines)

    return {
        "conversations.jsonl": jsonl(out.conversations),
        "expected_labels.jsonl": jsonl(out.labels),
        "expected_rejects.jsonl": jsonl(out.rejects),
        "expected_pii.jsonl": jsonl(out.pii),
        "malformed_truncated.jsonl": _truncated(out.conversations, bad_lines),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent, help="directory to write to")
    parser.add_argument("--check", action="store_true", help="only verify the files in --out are up to date")
    args = parser.parse_args(argv)
    stale = []
    for name, data in build_files().items():
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
            continue
        path.write_bytes(data)
        print(f"wrote {path} ({len(data):,} bytes)")
    if stale:
        print(
            f"out of date: {', '.join(stale)}; run python -m semtel_core.sample_data._build", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
