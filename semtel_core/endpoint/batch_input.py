"""Validation of a batch input file (JSONL), as the provider does it before a batch starts.

Any invalid line fails the whole batch with per-line errors (code, message, 1-based line), like the provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

MAX_REPORTED_ERRORS = 100


@dataclass(frozen=True)
class BatchLine:
    line: int
    custom_id: str
    body: dict[str, Any]


def _error(code: str, message: str, line: int | None = None, param: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "line": line, "param": param}


def _check_line(raw: bytes, number: int, endpoint: str) -> BatchLine | dict[str, Any]:
    try:
        item = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _error("invalid_json_line", "This line is not parseable as valid JSON.", number)
    if not isinstance(item, dict):
        return _error("invalid_request", "Each line must be a JSON object.", number)
    custom_id = item.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        return _error("missing_required_parameter", "'custom_id' is required.", number, "custom_id")
    if item.get("method") != "POST":
        return _error("invalid_method", "'method' must be POST.", number, "method")
    if item.get("url") != endpoint:
        return _error(
            "mismatched_endpoint", f"'url' must be {endpoint}, the batch's endpoint.", number, "url"
        )
    body = item.get("body")
    if not isinstance(body, dict):
        return _error("missing_required_parameter", "'body' must be a JSON object.", number, "body")
    return BatchLine(number, custom_id, body)


def parse_batch_input(
    data: bytes, endpoint: str, max_requests: int
) -> tuple[list[BatchLine], list[dict[str, Any]]]:
    """The requests of a batch input file, or the errors that fail the batch."""
    lines: list[BatchLine] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        checked = _check_line(raw, number, endpoint)
        if isinstance(checked, dict):
            errors.append(checked)
        elif checked.custom_id in seen:
            errors.append(
                _error("duplicate_custom_id", f"custom_id {checked.custom_id!r} is not unique.", number)
            )
        else:
            seen.add(checked.custom_id)
            lines.append(checked)
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
    if not lines and not errors:
        errors.append(_error("empty_file", "The input file has no requests."))
    if len(lines) > max_requests:
        errors.append(_error("too_many_requests", f"A batch may hold at most {max_requests} requests."))
    return lines, errors
