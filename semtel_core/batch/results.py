"""Output and error files of a batch, mapped back to result rows by ``custom_id``.

An answered line goes through the same normalizer and the same row builder as an online call
(:func:`semtel_core.classify.rows.call_rows`), with ``strategy="batch"`` and the batch price. Lines of the
error file and answers with a non-200 status are failures: their items go to the online path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from semtel_core.batch.custom_id import RequestKey
from semtel_core.classify.rows import HashRow, Target, call_rows
from semtel_core.config import Price
from semtel_core.llm.accounting import cost_usd
from semtel_core.llm.types import CallResult, Usage
from semtel_core.prompts import OutputNormalizer, TruncationRecord


@dataclass
class FileResults:
    """What the output and error files of one batch say, by custom id."""

    answered: dict[str, dict[str, Any]] = field(default_factory=dict)  # custom id -> response
    failed: dict[str, str] = field(default_factory=dict)  # custom id -> reason

    def add_lines(self, data: bytes) -> None:
        for line in _lines(data):
            custom_id = line["custom_id"]
            response = line.get("response")
            if line.get("error") is None and response and response.get("status_code") == 200:
                self.answered[custom_id] = response
            else:
                self.failed[custom_id] = _failure(line)


def _lines(data: bytes) -> Iterator[dict[str, Any]]:
    for raw in data.splitlines():
        if raw.strip():
            item: dict[str, Any] = orjson.loads(raw)
            yield item


def _failure(line: Mapping[str, Any]) -> str:
    error = line.get("error")
    if error:
        return str(error.get("code") or "error")
    response = line.get("response") or {}
    body = response.get("body") or {}
    code = (body.get("error") or {}).get("code")
    return f"http_{response.get('status_code')}" + (f"_{code}" if code else "")


def batch_price(prices: Mapping[str, Price], model: str, usage: Usage) -> float:
    """Online price of ``usage`` less the model's ``batch_discount`` (0.5: half price)."""
    price = prices.get(model)
    discount = price.batch_discount if price is not None else 0.0
    return cost_usd(prices, model, usage) * (1.0 - discount)


def call_of(
    custom_id: str, response: Mapping[str, Any], endpoint: str, model: str, prices: Mapping[str, Price]
) -> CallResult:
    """The answered request as the online client would have returned it (latency unknown: 0)."""
    body = response["body"]
    choice = body["choices"][0]
    usage_data = body.get("usage") or {}
    usage = Usage(usage_data.get("prompt_tokens", 0), usage_data.get("completion_tokens", 0))
    return CallResult(
        status="ok",
        request_id=custom_id,
        content=choice["message"].get("content"),
        usage=usage,
        cost_usd=batch_price(prices, model, usage),
        attempts=1,
        endpoint=endpoint,
        model=model,
        server_request_id=response.get("request_id"),
        finish_reason=choice.get("finish_reason"),
    )


def answered_rows(
    key: RequestKey,
    content_hash: str,
    cid: str,
    call: CallResult,
    normalizer: OutputNormalizer,
    truncation: str | None,
    run_id: str,
) -> list[HashRow]:
    """One row per classifier of the request (about ``cid``, its content's representative), normalized like an
    online answer."""
    labels = normalizer.labels(call.content or "", key.names)
    records = {cid: TruncationRecord.model_validate_json(truncation)} if truncation else {}
    return call_rows(
        call,
        [Target(content_hash, cid, name, version) for name, version in key.classifiers],
        {(cid, name): result for name, result in labels.items()},
        records,
        run_id=run_id,
        strategy="batch",
        requested_model=call.model or "",
    )
