"""The deliberately bad rows mixed into ``conversations.jsonl``: one per way a row can be rejected.

Each is a plausible accident of a real export (a logging bug, a client sending structured content, a
Latin-1 string that slipped past an encoder, a user pasting a whole log), not random garbage.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

# Marker replaced by raw Latin-1 bytes after JSON encoding, so the line really holds invalid UTF-8.
INVALID_UTF8_MARKER = "@@LATIN1_BYTES@@"
INVALID_UTF8_BYTES = b"Caf\xe9 cr\xe8me \xff\xfe"

OVERSIZE_CHARS = 210_000


@dataclass(frozen=True)
class BadRow:
    kind: str
    reject_reason: str  # the reason code the reader reports (semtel_core.ingest RejectReason values)
    reason: str
    row: dict[str, Any]
    takes_existing_id: bool = False  # the duplicate-id row reuses the id of an earlier good row


def _user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def _assistant(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def _oversize_log(rng: random.Random) -> str:
    """An access log a user pasted whole: deterministic, varied lines, just over the size limit."""
    paths = ("/api/orders", "/api/cart", "/static/app.js", "/login", "/api/search?q=shoes", "/health")
    statuses = (200, 200, 200, 200, 304, 404, 500, 502)
    lines = ["why are there so many 502s in this log?? here's the whole thing from last night:"]
    size = len(lines[0])
    second = 0
    while size < OVERSIZE_CHARS:
        second += rng.randint(0, 3)
        line = (
            f"10.0.{rng.randint(0, 9)}.{rng.randint(2, 254)} - - [31/Oct/2026:{(second // 3600) % 24:02d}:"
            f'{(second // 60) % 60:02d}:{second % 60:02d} +0000] "GET {rng.choice(paths)} HTTP/1.1" '
            f"{rng.choice(statuses)} {rng.randint(120, 48_000)} {rng.randint(1, 2_400)}ms"
        )
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


def bad_rows(rng: random.Random) -> list[BadRow]:
    """The bad rows in a fixed order; the build script decides where each goes and which ids they get."""
    return [
        BadRow(
            "missing_conversation_id",
            "missing_id",
            "no conversation_id field",
            {"messages": [_user("is it going to rain in Porto tomorrow?"), _assistant("I can't see live "
             "forecasts; check IPMA or a weather app for Porto.")]},
        ),
        BadRow(
            "empty_messages",
            "no_messages",
            "messages is an empty list",
            {"messages": []},
        ),
        BadRow(
            "unknown_role",
            "unknown_role",
            "message 2 has role 'narrator'",
            {"messages": [_user("continue the story please"), {"role": "narrator", "content": "The door "
             "creaked open, and the hallway smelled of rain."}, _assistant("Mira stepped inside.")]},
        ),
        BadRow(
            "duplicate_conversation_id",
            "duplicate_id",
            "conversation_id already used by an earlier row with different content",
            {"messages": [_user("convert 5 miles to km"), _assistant("5 miles is about 8.05 km.")]},
            takes_existing_id=True,
        ),
        BadRow(
            "content_not_string_number",
            "non_string_content",
            "message 1 content is a number",
            {"messages": [{"role": "user", "content": 42}, _assistant("42 what? Could you say more?")]},
        ),
        BadRow(
            "invalid_utf8",
            "invalid_utf8",
            "line is not valid UTF-8",
            {"messages": [_user(f"translate this menu item: {INVALID_UTF8_MARKER}"),
                          _assistant("That looks like 'Café crème', a coffee with milk.")]},
        ),
        BadRow(
            "content_not_string_list",
            "non_string_content",
            "message 2 content is a list of strings",
            {"messages": [_user("give me two synonyms for quick"), {"role": "assistant", "content": ["fast",
             "rapid"]}]},
        ),
        BadRow(
            "missing_content",
            "missing_content",
            "message 1 has no content field",
            {"messages": [{"role": "user"}, _assistant("It looks like your message was empty.")]},
        ),
        BadRow(
            "text_too_long",
            "text_too_long",
            f"conversation text exceeds 200,000 characters ({OVERSIZE_CHARS:,}+)",
            {"messages": [_user(_oversize_log(rng)), _assistant("The 502s cluster between 02:00 and 02:20; "
             "look at what restarted then.")]},
        ),
        BadRow(
            "invalid_timestamp",
            "invalid_timestamp",
            "timestamp is not an ISO-8601 date-time",
            {"timestamp": "last tuesday", "messages": [_user("what's a good name for a goldfish"),
             _assistant("Bubbles, Goldie, or Captain Fin.")]},
        ),
    ]  # fmt: skip
