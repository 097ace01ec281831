"""429s and rate-limit headers as the openai SDK sees them, under each limit mode."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import openai
import pytest
import yaml

from semtel_core.endpoint.testing import running_endpoint

pytestmark = [pytest.mark.integration]

_MESSAGES = [{"role": "user", "content": "classify me"}]
_SCENARIO = {
    "rate_limit": {
        "burst_window_s": 1,
        "keys": {
            "rpm-key": {"rpm": 60},
            "tpm-key": {"tpm": 60000},
            "step-key": {"rpm": 1200},
            "retry-key": {"rpm": 600},
        },
        "capacity_steps": [{"at_s": 1.0, "key": "step-key", "rpm_factor": 0.25}],
    }
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    scenario = tmp_path_factory.mktemp("scenario") / "limits.yaml"
    scenario.write_text(yaml.safe_dump(_SCENARIO))
    with running_endpoint("--lazy-load", "--scenario", str(scenario)) as url:
        yield url


def _client(base_url: str, key: str, retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key=key, max_retries=retries)


def _call(client: openai.OpenAI, max_tokens: int | None = None) -> openai.APIResponse[object]:
    return client.chat.completions.with_raw_response.create(
        model="instant", messages=_MESSAGES, max_tokens=max_tokens
    )  # type: ignore[return-value]


def test_requests_limit_answers_429_with_retry_after_and_ratelimit_headers(base_url: str) -> None:
    client = _client(base_url, "rpm-key")
    ok = _call(client)
    assert ok.headers["x-ratelimit-limit-requests"] == "60"
    assert ok.headers["x-ratelimit-remaining-requests"] == "0"
    with pytest.raises(openai.RateLimitError, match="requests") as caught:
        _call(client)
    headers = caught.value.response.headers
    assert 0 < int(headers["retry-after-ms"]) <= 1000 and headers["retry-after"] == "1"
    assert headers["x-ratelimit-limit-requests"] == "60" and "x-ratelimit-reset-requests" in headers
    assert caught.value.code == "rate_limit_exceeded"


def test_tokens_limit_charges_prompt_plus_max_tokens(base_url: str) -> None:
    client = _client(base_url, "tpm-key")  # 60,000 TPM with a 1 s window: a bucket of 1,000 tokens
    for _ in range(2):  # each charges about 10 prompt tokens + 450
        assert _call(client, max_tokens=450).headers["x-ratelimit-limit-tokens"] == "60000"
    with pytest.raises(openai.RateLimitError, match="tokens") as caught:
        _call(client, max_tokens=450)
    assert int(caught.value.response.headers["x-ratelimit-remaining-tokens"]) < 460


def test_sdk_retries_honour_retry_after_ms(base_url: str) -> None:
    client = _client(base_url, "retry-key", retries=3)  # 600 RPM, 1 s window: 10 at once, then one per 0.1 s
    started = time.monotonic()
    for _ in range(13):
        _call(client)
    assert time.monotonic() - started < 5


def test_capacity_step_lowers_the_limit_of_its_key_only(base_url: str) -> None:
    stats_client = _client(base_url, "observer")
    while stats_client.get("/_stats", cast_to=object)["uptime_s"] < 1.2:  # type: ignore[index]
        time.sleep(0.05)
    assert _call(_client(base_url, "step-key")).headers["x-ratelimit-limit-requests"] == "300"
    assert _call(_client(base_url, "rpm-key-2")).headers.get("x-ratelimit-limit-requests") is None


def test_stats_count_429s_and_charged_tokens(base_url: str) -> None:
    client = _client(base_url, "rpm-key")
    with pytest.raises(openai.RateLimitError):
        for _ in range(3):
            _call(client)
    stats = client.get("/_stats", cast_to=object)["keys"]["rpm-key"]  # type: ignore[index]
    assert stats["rate_limited"] >= 2 and stats["attempts"] == stats["successes"] + stats["rate_limited"]


@pytest.mark.slow
def test_charged_mode_keeps_a_hammering_client_locked_out() -> None:
    admitted = {}
    for mode in ("--no-charge-rejected", "--charge-rejected"):
        with running_endpoint("--lazy-load", "--rpm", "600", "--burst-window", "1", mode) as url:
            client = _client(url, "hammer")
            for _ in range(40):
                with contextlib.suppress(openai.RateLimitError):
                    _call(client)
            time.sleep(0.5)
            admitted[mode] = 0
            for _ in range(5):
                try:
                    _call(client)
                    admitted[mode] += 1
                except openai.RateLimitError:
                    pass
    assert admitted["--no-charge-rejected"] >= 3 and admitted["--charge-rejected"] <= 1


def test_no_limit_headers_and_a_server_that_counts_more_tokens() -> None:
    with running_endpoint(
        "--lazy-load", "--tpm", "100000", "--no-limit-headers", "--no-retry-after", "--token-factor", "1.2"
    ) as url:
        plain = _call(_client(url, "k"), max_tokens=10)
        assert not [h for h in plain.headers if h.startswith(("x-ratelimit", "retry-after"))]
        counted = plain.parse().usage.prompt_tokens  # type: ignore[attr-defined]
    with running_endpoint("--lazy-load") as url:
        honest = _call(_client(url, "k"), max_tokens=10).parse().usage.prompt_tokens  # type: ignore[attr-defined]
    assert counted == round(honest * 1.2)
