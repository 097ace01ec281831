"""The grader against the local endpoint: labels from a faulty provider (near-miss and missing labels injected,
plus the ``instant`` model's arbitrary labels standing for wrong ones) are re-checked by ``local-zeroshot``;
flagged rows are judged and corrected, flip rates are reported, unflagged rows are untouched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import openai
import pytest
from grader_helpers import CLASSIFIERS, sample_partition

from semtel_core.classify.partition import classify_partition, conversations_from_arrow
from semtel_core.config import Settings, load_settings
from semtel_core.endpoint.testing import running_endpoint
from semtel_core.grader.flags import audit_draw
from semtel_core.grader.run import grade_partition
from semtel_core.privacy.outbound import Outbound
from semtel_core.prompts import ClassifierRegistry, OutputNormalizer, PromptRenderer, TokenBudget
from semtel_core.schema.conversation import Conversation
from semtel_core.schema.results import RESULT_SCHEMA

pytestmark = [pytest.mark.integration]
FAULTS = (
    "--lazy-load",
    "--fault-malformed",
    "0.5",
    "--malformed-kinds",
    "near_miss,missing_field",
    "--seed",
    "3",
)


@pytest.fixture(scope="module")
def urls() -> Iterator[tuple[str, str]]:
    with running_endpoint(*FAULTS) as faulty, running_endpoint() as clean:
        yield faulty, clean


def _settings(url: str, model: str, **overrides: object) -> Settings:
    endpoint = {"name": "local", "base_url": url, "model": model, "api_key": "grader-test"}
    return load_settings(endpoints=[endpoint], classifiers=CLASSIFIERS, **overrides)


def _single_task_label(
    url: str, settings: Settings, conversation: Conversation, classifier: str
) -> str | None:
    """What the re-classification model answers, asked directly through the SDK."""
    registry = ClassifierRegistry.from_settings(settings)
    prompt = PromptRenderer(registry, TokenBudget.from_settings(settings)).single(conversation, classifier)
    client = openai.OpenAI(base_url=url, api_key="direct")
    answer = client.chat.completions.create(
        model="local-zeroshot",
        messages=Outbound(settings.privacy).messages(prompt.messages),  # as the client sends them: scrubbed
        response_format=prompt.response_format,
        temperature=0.0,  # type: ignore[arg-type]
    )
    result = OutputNormalizer.from_settings(registry, settings).labels(
        answer.choices[0].message.content or "", [classifier]
    )
    return result[classifier].label


@pytest.mark.slow
def test_flagged_rows_are_rechecked_and_corrected_unflagged_untouched(
    urls: tuple[str, str], tmp_path: Path
) -> None:
    faulty, clean = urls
    partition = sample_partition(30)
    classify = _settings(faulty, "instant")
    results = classify_partition(
        partition, CLASSIFIERS, classify, run_id="r", checkpoint_dir=str(tmp_path / "a")
    ).results
    statuses = set(results["status"].to_pylist())
    assert {"repaired", "invalid"} <= statuses  # the injected faults reached the rows
    # Another signal: the zero-shot model's own single-task labels (a different strategy).
    grader_settings = _settings(clean, "local-zeroshot", grader={"audit_rate": 0.1, "audit_seed": 5})
    signals = classify_partition(
        partition,
        CLASSIFIERS,
        grader_settings,
        run_id="s",
        checkpoint_dir=str(tmp_path / "b"),
        strategy="single",
    ).results
    signal_label = {(r["conversation_id"], r["classifier"]): r["label"] for r in signals.to_pylist()}
    httpx2.delete(f"{clean}/_stats")

    graded, report = grade_partition(results, partition, grader_settings, signals=signals)

    assert graded.schema == RESULT_SCHEMA and graded.num_rows == results.num_rows
    conversations = {c.conversation_id: c for c in conversations_from_arrow(partition)}
    flagged_keys = set()
    for before, after in zip(results.to_pylist(), graded.to_pylist(), strict=True):
        key = (before["conversation_id"], before["classifier"])
        expected_flag = (
            before["status"] in ("repaired", "invalid")
            or signal_label[key] != before["label"]  # multi-task rows disagreeing with the other signal
            or audit_draw(5, *key) < 0.1
        )
        if not expected_flag:
            assert after == before  # untouched, every field
            continue
        flagged_keys.add(key)
        assert after["grader_verdict"] in ("correct", "incorrect")
        assert after["label_before_grader"] == before["label"]
        if after["grader_verdict"] == "correct":
            assert after["label"] == before["label"] and after["flipped"] is False
        else:
            corrected = _single_task_label(clean, grader_settings, conversations[key[0]], key[1])
            assert after["label"] == corrected is not None  # re-classified single-task by the stronger model
            assert after["flipped"] == (corrected != before["label"]) and after["model"] == "local-zeroshot"
    assert len(flagged_keys) == report.flagged == report.judged
    assert all(r["label"] is not None for r in graded.to_pylist())  # every invalid row got a valid label
    for line in report.flip_rates:
        rows = [
            r
            for r in graded.to_pylist()
            if (r["classifier"], r["strategy"]) == (line.classifier, line.strategy)
        ]
        judged = [r for r in rows if r["grader_verdict"] is not None]
        assert line.judged == len(judged) and line.flipped == sum(bool(r["flipped"]) for r in judged)
    assert set(report.flip_rate_table()) == set(CLASSIFIERS) and report.flipped > 0
    assert report.flagged_by_reason.keys() >= {"repaired", "invalid", "disagreement", "audit"}
    server = httpx2.get(f"{clean}/_stats").json()["totals"]
    assert server["attempts"] == report.grader_cost.calls + report.reclassify_cost.calls + report.incorrect
