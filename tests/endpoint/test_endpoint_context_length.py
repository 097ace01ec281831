"""``max_context_tokens``: a prompt over the window is refused as OpenAI does, and the client reads it so."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest

from semtel_core.endpoint.options import load_options
from semtel_core.endpoint.testing import running_endpoint
from semtel_core.llm.retry import classify
from semtel_core.prompts.tokens import count_message_tokens

LIMIT = 200
SHORT = [{"role": "user", "content": "How do I sort a list in Python?"}]
LONG = [{"role": "user", "content": " ".join(f"word{i}" for i in range(400))}]


@pytest.mark.unit
def test_max_context_tokens_is_off_by_default_and_set_by_scenario_or_flag(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("max_context_tokens: 4096\n")
    assert load_options().max_context_tokens is None
    assert load_options(scenario).max_context_tokens == 4096
    assert load_options(scenario, {"max_context_tokens": 8192}).max_context_tokens == 8192


@pytest.mark.integration
def test_a_prompt_over_the_window_gets_openais_400_and_one_under_it_an_answer(tmp_path: Path) -> None:
    scenario = tmp_path / "window.yaml"
    scenario.write_text(f"max_context_tokens: {LIMIT}\n")
    assert count_message_tokens(SHORT) < LIMIT < count_message_tokens(LONG)
    with running_endpoint("--lazy-load", "--scenario", str(scenario)) as url:
        client = openai.OpenAI(base_url=url, api_key="window-key", max_retries=0)
        answer = client.chat.completions.create(model="instant", messages=SHORT)  # type: ignore[arg-type]
        assert answer.choices[0].finish_reason == "stop"
        with pytest.raises(openai.BadRequestError) as caught:
            client.chat.completions.create(model="instant", messages=LONG)  # type: ignore[arg-type]
        stats = client.get("/_stats", cast_to=object)["keys"]["window-key"]  # type: ignore[index]

    error = caught.value
    assert error.status_code == 400 and error.code == "context_length_exceeded"
    assert error.body == {
        "message": f"This model's maximum context length is {LIMIT} tokens. However, your messages resulted "
        f"in {count_message_tokens(LONG)} tokens. Please reduce the length of the messages.",
        "type": "invalid_request_error",
        "param": "messages",
        "code": "context_length_exceeded",
    }
    assert classify(error).kind == "context_length"  # what the client retries once on a shorter prompt
    assert (stats["attempts"], stats["successes"], stats["client_errors"]) == (2, 1, 1)
    # Refused before admission: only the answered prompt is counted and charged.
    assert stats["prompt_tokens"] == count_message_tokens(SHORT)
    assert stats["tokens_charged"] == count_message_tokens(SHORT) + 256
