"""Each injected fault as the openai SDK experiences it; draws are seeded and reproducible."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

import endpoint_testdata as s
import jsonschema
import openai
import pytest

from semtel_core.endpoint.testing import running_endpoint

pytestmark = [pytest.mark.integration]

_MESSAGES = s.messages_for(s.blocks(("c", s.CODING)))


def _create(client: openai.OpenAI, schema: dict[str, Any] | None = None) -> str:
    completion = client.chat.completions.create(
        model="instant", messages=_MESSAGES, response_format=s.response_format(schema or s.multi_schema())
    )
    return completion.choices[0].message.content or ""


def _outcomes(url: str, n: int) -> list[int]:
    client = openai.OpenAI(base_url=url, api_key="fault-key", max_retries=0)
    statuses = []
    for _ in range(n):
        try:
            _create(client)
            statuses.append(200)
        except openai.APIStatusError as exc:
            statuses.append(exc.status_code)
    return statuses


def test_injected_500_and_503_are_seeded_and_counted() -> None:
    runs = []
    for _ in range(2):
        with running_endpoint(
            "--lazy-load", "--fault-500", "0.3", "--fault-503", "0.3", "--seed", "11"
        ) as url:
            runs.append(_outcomes(url, 40))
            stats = openai.OpenAI(base_url=url, api_key="x").get("/_stats", cast_to=object)["keys"][
                "fault-key"
            ]  # type: ignore[index]
    assert runs[0] == runs[1]
    counts = Counter(runs[0])
    assert set(counts) == {200, 500, 503}
    assert stats["server_errors"] == counts[500] + counts[503] == stats["faults_injected"]
    assert stats["faults"] == {"error_500": counts[500], "error_503": counts[503]}


def test_dropped_connection_is_a_connection_error() -> None:
    with running_endpoint("--lazy-load", "--fault-drop", "1") as url:
        client = openai.OpenAI(base_url=url, api_key="fault-key", max_retries=0)
        with pytest.raises(openai.APIConnectionError):
            _create(client)
        assert openai.OpenAI(base_url=url, api_key="x").models.list().data  # the server itself is fine


def test_hanging_request_times_out_and_is_released_when_the_client_leaves() -> None:
    with running_endpoint("--lazy-load", "--fault-hang", "1", "--hang-seconds", "600") as url:
        client = openai.OpenAI(base_url=url, api_key="fault-key", max_retries=0, timeout=0.5)
        with pytest.raises(openai.APITimeoutError):
            _create(client)
        observer = openai.OpenAI(base_url=url, api_key="x")
        deadline = time.monotonic() + 5
        while observer.get("/_stats", cast_to=object)["in_flight"] and time.monotonic() < deadline:  # type: ignore[index]
            time.sleep(0.05)
        assert observer.get("/_stats", cast_to=object)["in_flight"] == 0  # type: ignore[index]


def _kind_of(content: str, schema: dict[str, Any]) -> str:
    if content.startswith("```json"):
        return "code_fence"
    if "{" not in content:
        return "non_json"
    try:
        value = json.loads(content)
    except json.JSONDecodeError:
        return "prose"
    if set(value) != set(schema["properties"]):
        return "missing_field"
    labels = {label for field in schema["properties"].values() for label in field["enum"]}
    broken = next(v for v in value.values() if v not in labels)
    return "wrong_case" if broken.lower() in labels else "near_miss"


def test_malformed_outputs_break_the_schema_in_every_documented_way() -> None:
    schema = s.multi_schema()
    with running_endpoint("--lazy-load", "--fault-malformed", "1", "--seed", "5") as url:
        client = openai.OpenAI(base_url=url, api_key="fault-key", max_retries=0)
        contents = [_create(client, schema) for _ in range(60)]
    for content in contents:
        with pytest.raises((json.JSONDecodeError, jsonschema.ValidationError)):
            jsonschema.validate(json.loads(content), schema)
    kinds = Counter(_kind_of(c, schema) for c in contents)
    assert set(kinds) == {"prose", "code_fence", "near_miss", "wrong_case", "missing_field", "non_json"}


def test_malformed_kinds_can_be_selected() -> None:
    with running_endpoint("--lazy-load", "--fault-malformed", "1", "--malformed-kinds", "near_miss") as url:
        client = openai.OpenAI(base_url=url, api_key="fault-key", max_retries=0)
        assert {_kind_of(_create(client), s.multi_schema()) for _ in range(5)} == {"near_miss"}


def test_simulated_latency_delays_answers() -> None:
    with running_endpoint("--lazy-load", "--ttft-median", "0.3", "--ttft-sigma", "0.01") as url:
        client = openai.OpenAI(base_url=url, api_key="fault-key", max_retries=0)
        started = time.monotonic()
        _create(client)
        assert time.monotonic() - started >= 0.25
