"""Find the JSON value in a model's raw output: plain, inside a code fence, or embedded in prose.

The standard library's ``JSONDecoder.raw_decode`` does the parsing; this module only decides where to look.
Malformed JSON (single quotes, trailing commas) is not guessed at: it is reported, and the result is invalid.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_FENCE_RE = re.compile(r"```[ \t]*(?:json|JSON|javascript)?[ \t]*\n?(.*?)```", re.S)
_DECODER = json.JSONDecoder()
# Bounds the work on long, brace-heavy garbage: each candidate start costs one raw_decode.
_MAX_CANDIDATES = 64


@dataclass(frozen=True)
class ParsedOutput:
    """The JSON value found (``None`` with ``error`` when there is none) and how it had to be found."""

    value: Any
    repairs: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _loads(text: str) -> tuple[bool, Any]:
    try:
        return True, json.loads(text)
    except ValueError:
        return False, None


def _first_embedded(text: str) -> tuple[bool, Any]:
    """The first JSON object or array that decodes, scanning opening brackets left to right."""
    starts = [m.start() for m in re.finditer(r"[{\[]", text)][:_MAX_CANDIDATES]
    for start in starts:
        try:
            value, _ = _DECODER.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(value, dict | list):
            return True, value
    return False, None


def parse_json_output(raw: str) -> ParsedOutput:
    """Parse ``raw`` as JSON, else the first fenced block that is JSON, else the first JSON object in it."""
    text = raw.strip().lstrip("\ufeff")
    found, value = _loads(text)
    if found:
        return ParsedOutput(value)
    for block in _FENCE_RE.findall(text):
        found, value = _loads(block.strip())
        if found:
            return ParsedOutput(value, ("fenced",))
    found, value = _first_embedded(text)
    if found:
        return ParsedOutput(value, ("prose",))
    return ParsedOutput(None, error="no JSON value found" if text else "empty output")
