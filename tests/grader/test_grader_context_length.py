"""The grader's calls take the same context-length retry as the classification calls: a shorter re-render."""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest

from semtel_core.config import Settings, load_settings
from semtel_core.endpoint.testing import running_endpoint
from semtel_core.grader.recheck import ReviewUnit, recheck
from semtel_core.prompts import ClassifierRegistry, PromptRenderer, TokenBudget
from semtel_core.prompts.tokens import count_message_tokens
from semtel_core.schema.conversation import Conversation

pytestmark = [pytest.mark.integration]

MEDIUM = Conversation.model_validate(
    {
        "conversation_id": "medium",
        "messages": [{"role": "user", "content": " ".join(f"word{i}" for i in range(300))}],
    }
)


def _settings(url: str) -> Settings:
    endpoint = {"name": "local", "base_url": url, "model": "instant", "api_key": "grade-win"}
    return load_settings(endpoints=[endpoint], classifiers=["topic"])


def test_grader_prompt_over_the_window_is_retried_once_on_a_shorter_rerender() -> None:
    settings = _settings("http://127.0.0.1:1/v1")
    renderer = PromptRenderer(ClassifierRegistry.from_settings(settings), TokenBudget.from_settings(settings))
    grader = count_message_tokens(renderer.grader(MEDIUM, {"topic": None}).messages)
    single = count_message_tokens(renderer.single(MEDIUM, "topic").messages)
    window = (
        min(grader, single) - 200
    )  # neither prompt fits; with half the conversation (~600 tokens less) both do
    with running_endpoint("--lazy-load", "--max-context-tokens", str(window)) as url:
        # A null proposal is never correct, so the grader call is followed by a re-classification call.
        checker = asyncio.run(recheck(_settings(url), [ReviewUnit("h1", MEDIUM, {"topic": None})]))
        with urllib.request.urlopen(f"{url}/_stats", timeout=5) as response:
            server = json.loads(response.read())["keys"]["grade-win"]

    calls = [*checker.calls.grader, *checker.calls.reclassify]
    assert [(c.status, c.attempts) for c in calls] == [("ok", 2), ("ok", 2)]
    assert checker.judgements[("h1", "topic")].relabel is not None
    assert (server["attempts"], server["successes"], server["client_errors"]) == (4, 2, 2)
