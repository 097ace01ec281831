"""Through the classification engine and the local endpoint: the embedding strategy with its cascade, and an
A/B evaluation of two configurations (``instant`` labels are a hash of the conversation text, so a truncation
change moves labels and identical configurations agree exactly)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from semtel_core.config import LOCAL_ENDPOINT_URL, Settings, load_settings
from semtel_core.errors import EvaluationGateError
from semtel_core.evaluate.ab_run import run_model_eval
from semtel_core.evaluate.embedding_strategy import EMBEDDING_ENDPOINT_PREFIX
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PLUGIN = {"embedding": "semtel_core.evaluate.embedding_strategy:EmbeddingStrategy"}


@pytest.fixture(scope="module")
def endpoint_url() -> Iterator[str]:
    from semtel_core.endpoint.testing import running_endpoint

    with running_endpoint("--lazy-load") as url:
        yield url


def _settings(url: str, **overrides: Any) -> Settings:
    endpoint = {"name": "local", "base_url": url, "model": "instant", "api_key": "semtel-eval"}
    return load_settings(endpoints=[endpoint], classifiers=["topic", "satisfaction"], **overrides)


def _rows(output: Path) -> list[dict[str, Any]]:
    return pq.read_table(output / "results").to_pylist()


def test_embedding_strategy_cascades_low_confidence_rows_to_the_llm(
    endpoint_url: str, sample_bundle_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from semtel_core.classify.run import classify_run
    from semtel_core.cli.classify_cmd import print_classify_summary

    settings = _settings(
        endpoint_url,
        classify={
            "strategies": {"topic": "embedding", "satisfaction": "embedding"},
            "strategy_plugins": PLUGIN,
        },
        evaluation={
            "embedding_bundle": str(sample_bundle_path),
            "cascade_threshold": 0.5,
            "cascade_strategy": "single",
        },
    )
    summary = classify_run([str(CONVERSATIONS_PATH)], str(tmp_path), settings)  # reconciles or raises
    rows = _rows(tmp_path)
    assert len(rows) == 2 * summary.accepted and {r["strategy"] for r in rows} == {"embedding"}
    by_embedding = [r for r in rows if r["endpoint"].startswith(EMBEDDING_ENDPOINT_PREFIX)]
    by_llm = [r for r in rows if r["endpoint"] == "local"]
    assert len(by_embedding) + len(by_llm) == len(rows)
    assert all(r["classifier"] == "topic" and r["confidence"] >= 0.5 for r in by_embedding)
    assert 0 < len(by_embedding) < summary.accepted  # some topic rows were confident, some were not
    assert {r["classifier"] for r in by_llm} == {
        "topic",
        "satisfaction",
    }  # no satisfaction model in the bundle
    assert all(r["status"] == "ok" and r["confidence"] is None for r in by_llm)

    # The run summary counts what went where, per classifier, and the CLI prints it.
    topic_kept = len(by_embedding)
    assert summary.embedding_paths == {
        "satisfaction": {"embedding": 0, "llm": summary.accepted},
        "topic": {"embedding": topic_kept, "llm": summary.accepted - topic_kept},
    }
    print_classify_summary(summary)
    printed = capsys.readouterr().out
    assert "embedding strategy: kept / to LLM" in printed
    assert f"{topic_kept:,} ({topic_kept / summary.accepted:.0%})" in printed

    # A rerun finds every row in place (the cascaded ones too) and pays nothing.
    again = classify_run([str(CONVERSATIONS_PATH)], str(tmp_path), settings)
    assert again.calls == 0 and again.new_rows == 0


def test_without_cascade_a_classifier_missing_from_the_bundle_is_an_error_row(
    endpoint_url: str, sample_bundle_path: Path, tmp_path: Path
) -> None:
    from semtel_core.classify.run import classify_run

    settings = _settings(
        endpoint_url,
        classify={"strategy": "embedding", "strategy_plugins": PLUGIN},
        evaluation={"embedding_bundle": str(sample_bundle_path)},
    )
    summary = classify_run([str(CONVERSATIONS_PATH)], str(tmp_path), settings)
    rows = _rows(tmp_path)
    assert summary.calls == 0
    assert summary.embedding_paths["topic"] == {"embedding": summary.accepted, "llm": 0}
    assert {r["status"] for r in rows if r["classifier"] == "topic"} == {"ok"}
    satisfaction = [r for r in rows if r["classifier"] == "satisfaction"]
    assert {r["status"] for r in satisfaction} == {"error"} and "no embedding model" in satisfaction[0][
        "reason"
    ]


def test_identical_configurations_pass_and_a_truncation_change_fails(
    endpoint_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "semtel.yaml"
    config.write_text(
        f"endpoints: [{{name: local, base_url: '{endpoint_url}', model: instant, api_key: semtel-eval}}]\n"
        "classifiers: [topic, satisfaction]\n"
    )
    same = run_model_eval(
        [str(CONVERSATIONS_PATH)],
        tmp_path / "same",
        config_path=config,
        config_a={"classify": {"strategy": "multi"}},
        config_b={"classify": {"strategy": "single"}},
        repeats=2,
    )
    assert same.passed and all(f["agreement"] == 1.0 for f in same.classifiers.values())
    assert all(f["changed_share_a"] == 0.0 for f in same.classifiers.values())
    assert Path(same.reports["disagreements.csv"]).read_text().count("\n") == 1  # header only

    with pytest.raises(EvaluationGateError) as info:
        run_model_eval(
            [str(CONVERSATIONS_PATH)],
            tmp_path / "shifted",
            config_path=config,
            config_b={"prompts": {"truncation": "head", "max_conversation_tokens": 64}},
        )
    outcome = info.value.details["outcome"]
    assert not outcome["passed"] and outcome["classifiers"]["topic"]["agreement"] < 0.95
    html = Path(outcome["reports"]["disagreements.html"]).read_text()
    assert "FAILED" in html and "<td>topic</td>" in html


def test_a_side_on_the_default_local_endpoint_gets_the_embedded_one(tmp_path: Path) -> None:
    """As ``semtel run`` and ``weekly``: nothing needs to be started by hand for the offline default (started on
    a free port when 8765 does not answer; used as it is when it does)."""
    config = tmp_path / "semtel.yaml"
    config.write_text(
        f"endpoints: [{{name: local, base_url: '{LOCAL_ENDPOINT_URL}', model: instant}}]\n"
        "classifiers: [topic]\nclient: {deadline_s: 20}\n"  # without an endpoint: error rows in 20 s
    )
    outcome = run_model_eval(
        [str(CONVERSATIONS_PATH)],
        tmp_path / "out",
        config_path=config,
        config_b={"classify": {"strategy": "single"}},
    )
    for side in (*outcome.runs_a, *outcome.runs_b):
        statuses = {r["status"] for r in pq.read_table(side).to_pylist()}
        assert statuses == {"ok"}, side


@pytest.fixture(scope="module")
def abstaining_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``topic`` on the sample's human labels with an ``unknown`` floor (5 % of validation accuracy)."""
    from semtel_core.evaluate.artefact import TrainOptions
    from semtel_core.evaluate.embedders import EmbeddingSpec, InProcessEmbedder
    from semtel_core.evaluate.gold import load_gold
    from semtel_core.evaluate.loading import read_conversations
    from semtel_core.evaluate.train import train_bundle
    from semtel_core.sample_data import EXPECTED_LABELS_PATH

    options = TrainOptions(
        feature_sets=("embedding",), decision="argmax", abstain_cost=0.05, selection_folds=3
    )
    bundle = train_bundle(
        read_conversations([str(CONVERSATIONS_PATH)]),
        load_gold([EXPECTED_LABELS_PATH], ["topic"]),
        EmbeddingSpec(view="user", max_tokens=64),
        InProcessEmbedder(),
        options,
    )
    return bundle.save(tmp_path_factory.mktemp("abstaining"))


def test_the_bundles_unknown_goes_to_the_llm_or_is_an_error_row_that_says_so(
    endpoint_url: str, abstaining_bundle: Path, tmp_path: Path
) -> None:
    from semtel_core.classify.run import classify_run
    from semtel_core.evaluate.artefact import EmbeddingBundle

    floor = EmbeddingBundle.load(abstaining_bundle).manifest.classifiers["topic"].unknown_below
    assert floor is not None and floor > 0
    classify = {"strategies": {"topic": "embedding"}, "strategy_plugins": PLUGIN}
    alone = _settings(
        endpoint_url, classify=classify, evaluation={"embedding_bundle": str(abstaining_bundle)}
    )
    classify_run([str(CONVERSATIONS_PATH)], str(tmp_path / "alone"), alone)
    topic = [r for r in _rows(tmp_path / "alone") if r["classifier"] == "topic"]
    unknown = {r["conversation_id"] for r in topic if r["status"] == "error"}
    assert unknown and all(
        r["reason"].startswith("unknown: below the 'unknown' floor") for r in topic if r["status"] == "error"
    )
    assert all(r["confidence"] >= floor for r in topic if r["status"] == "ok")

    cascaded = _settings(
        endpoint_url,
        classify=classify,
        evaluation={
            "embedding_bundle": str(abstaining_bundle),
            "cascade_threshold": 0.0,
            "cascade_strategy": "single",
        },
    )
    classify_run([str(CONVERSATIONS_PATH)], str(tmp_path / "cascade"), cascaded)
    topic = [r for r in _rows(tmp_path / "cascade") if r["classifier"] == "topic"]
    assert {r["status"] for r in topic} == {"ok"}
    # with a threshold of 0 only the bundle's 'unknown' sends a row to the LLM: exactly the rows above
    assert {r["conversation_id"] for r in topic if r["endpoint"] == "local"} == unknown
