"""``semtel eval compare`` over result sets (exit 0 / 1 / 2) and ``semtel embed train`` on the bundled sample."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semtel_core.cli.app import app
from semtel_core.sample_data import CONVERSATIONS_PATH, EXPECTED_LABELS_PATH, load_expected_labels
from semtel_core.schema.results import ClassificationResult

pytestmark = [pytest.mark.unit]

Rows = Callable[..., list[ClassificationResult]]


def _write(path: Path, rows: list[ClassificationResult]) -> str:
    path.write_text("".join(r.model_dump_json() + "\n" for r in rows))
    return str(path)


def _sample_labels() -> list[tuple[str, str | None]]:
    return [(cid, labels["topic"]) for cid, labels in load_expected_labels().items()]


def test_identical_result_sets_exit_zero(result_rows: Rows, tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", result_rows(_sample_labels()))
    result = CliRunner().invoke(
        app, ["eval", "compare", "--a", a, "--a", a, "--b", a, "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "comparison.json").read_text())
    assert (
        report["gate"]["passed"]
        and report["classifiers"][0]["consistency_a"]["changed_share"]["estimate"] == 0
    )


def test_shifted_result_set_exits_one_with_excerpts(result_rows: Rows, tmp_path: Path) -> None:
    pairs = _sample_labels()
    shifted = [(cid, "other" if i % 3 == 0 else label) for i, (cid, label) in enumerate(pairs)]
    a = _write(tmp_path / "a.jsonl", result_rows(pairs))
    b = _write(tmp_path / "b.jsonl", result_rows(shifted))
    args = [
        "eval",
        "compare",
        "--a",
        a,
        "--b",
        b,
        "--conversations",
        str(CONVERSATIONS_PATH),
        "-o",
        str(tmp_path),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    csv_text = (tmp_path / "disagreements.csv").read_text()
    assert "user: " in csv_text and ",other\n" in csv_text


def test_missing_inputs_exit_two(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "compare", "--a", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2


@pytest.mark.slow
def test_embed_train_writes_a_bundle(tmp_path: Path) -> None:
    args = ["embed", "train", "-i", str(CONVERSATIONS_PATH), "-g", str(EXPECTED_LABELS_PATH), "--classifier"]
    args += ["knowledge_work", "--view", "user", "--max-tokens", "96", "-o", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    (manifest,) = tmp_path.glob("*/manifest.json")
    card = json.loads(manifest.read_text())["classifiers"]["knowledge_work"]
    assert (
        card["labels"] == ["no", "yes"] and card["metrics"]["accuracy"] > card["metrics"]["majority_accuracy"]
    )


@pytest.mark.slow
def test_embed_train_with_the_multilingual_encoder_records_model_and_weight(tmp_path: Path) -> None:
    args = ["embed", "train", "-i", str(CONVERSATIONS_PATH), "-g", str(EXPECTED_LABELS_PATH), "--classifier"]
    args += ["knowledge_work", "--model", "local-e5-small", "--embedding-weight", "1.0"]
    args += ["--view", "user", "--max-tokens", "64", "-o", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    (manifest_path,) = tmp_path.glob("*/manifest.json")
    manifest = json.loads(manifest_path.read_text())
    assert manifest["embedding"]["model"] == "local-e5-small"
    assert manifest["options"]["embedding_weight"] == 1.0
    card = manifest["classifiers"]["knowledge_work"]
    assert card["metrics"]["accuracy"] > card["metrics"]["majority_accuracy"]


def test_embed_train_refuses_an_unknown_in_process_model(tmp_path: Path) -> None:
    args = ["embed", "train", "-i", str(CONVERSATIONS_PATH), "-g", str(EXPECTED_LABELS_PATH)]
    args += ["--model", "text-embedding-3-large", "-o", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert (
        "in-process embedding supports local-minilm, local-e5-small, not 'text-embedding-3-large'"
        in result.output
    )
    assert not list(tmp_path.glob("*/manifest.json"))
