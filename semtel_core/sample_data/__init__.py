"""The bundled sample: ~300 conversations written for semtel, with deliberately bad rows and expected labels.

Used by the demo (``semtel run`` on the embedded default) and by tests. The files are generated from the
hand-written drafts in ``_content/`` by ``python -m semtel_core.sample_data._build``; see docs/sample_data.md.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TypedDict

SAMPLE_DIR = Path(__file__).resolve().parent
CONVERSATIONS_PATH = SAMPLE_DIR / "conversations.jsonl"
EXPECTED_LABELS_PATH = SAMPLE_DIR / "expected_labels.jsonl"
EXPECTED_REJECTS_PATH = SAMPLE_DIR / "expected_rejects.jsonl"
EXPECTED_PII_PATH = SAMPLE_DIR / "expected_pii.jsonl"
MALFORMED_TRUNCATED_PATH = SAMPLE_DIR / "malformed_truncated.jsonl"

# Every timestamp falls in these four ISO weeks (Monday to Sunday, UTC), inclusive.
FIRST_DAY = date(2026, 10, 5)
LAST_DAY = date(2026, 11, 1)

CLASSIFIERS: tuple[str, ...] = (
    "user_expertise",
    "topic",
    "satisfaction",
    "task_complexity",
    "knowledge_work",
)


class ExpectedReject(TypedDict):
    """A bad row of ``conversations.jsonl``: its 1-based line, its id if it has one, and why it is bad."""

    line: int
    conversation_id: str | None
    kind: str
    reject_reason: str
    reason: str


class ExpectedPII(TypedDict):
    conversation_id: str
    kinds: list[str]


def load_expected_labels(path: Path = EXPECTED_LABELS_PATH) -> dict[str, dict[str, str]]:
    """conversation_id -> {classifier: label} for every good conversation of the sample."""
    result: dict[str, dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        result[row["conversation_id"]] = {name: row[name] for name in CLASSIFIERS}
    return result


def load_expected_rejects(path: Path = EXPECTED_REJECTS_PATH) -> list[ExpectedReject]:
    """The bad rows, in file order."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [
        ExpectedReject(
            line=r["line"],
            conversation_id=r["conversation_id"],
            kind=r["kind"],
            reject_reason=r["reject_reason"],
            reason=r["reason"],
        )
        for r in rows
    ]


def load_expected_pii(path: Path = EXPECTED_PII_PATH) -> list[ExpectedPII]:
    """Conversations holding fake PII, with the kinds each holds (email, phone, card, iban, api_key, ip, ...)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [ExpectedPII(conversation_id=r["conversation_id"], kinds=r["kinds"]) for r in rows]
