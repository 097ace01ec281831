"""A fixed train/test split as a data scientist brings one: ``embed train --test-gold``, ``embed eval`` of a saved
bundle, ``--refit-all``, the exposed selection options, and figures that can be recomputed from the bundle."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semtel_core.cli.app import app
from semtel_core.evaluate.artefact import EmbeddingBundle
from semtel_core.evaluate.embedders import InProcessEmbedder
from semtel_core.evaluate.loading import read_conversations
from semtel_core.evaluate.predict import predict_labels
from semtel_core.sample_data import CONVERSATIONS_PATH, EXPECTED_LABELS_PATH

pytestmark = [pytest.mark.unit, pytest.mark.slow]

CLASSIFIERS = ("topic", "knowledge_work")
FAST = ["--view", "user", "--max-tokens", "64", "--feature-sets", "embedding", "--decision", "argmax"]


def _split(folder: Path) -> tuple[Path, Path]:
    """Every fourth labelled conversation is the test file; the rest train."""
    rows = [json.loads(line) for line in EXPECTED_LABELS_PATH.read_text().splitlines() if line.strip()]
    train, test = folder / "train.jsonl", folder / "test.jsonl"
    train.write_text("".join(json.dumps(r) + "\n" for i, r in enumerate(rows) if i % 4))
    test.write_text("".join(json.dumps(r) + "\n" for i, r in enumerate(rows) if not i % 4))
    return train, test


def _train(folder: Path, *extra: str) -> tuple[Path, str]:
    train, test = _split(folder)
    args = ["embed", "train", "-i", str(CONVERSATIONS_PATH), "-g", str(train), "--test-gold", str(test)]
    args += [arg for name in CLASSIFIERS for arg in ("--classifier", name)]
    result = CliRunner().invoke(app, [*args, *FAST, "-o", str(folder / "bundles"), *extra])
    assert result.exit_code == 0, result.output
    return Path(result.stdout.strip().splitlines()[-1]), result.stderr


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


PROGRESS = _Lines()


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    folder = tmp_path_factory.mktemp("fixed-split")
    progress = logging.getLogger("semtel_core.progress")
    level = progress.level
    progress.addHandler(PROGRESS)
    progress.setLevel(logging.INFO)
    try:
        bundle, printed = _train(folder)
    finally:
        progress.removeHandler(PROGRESS)
        progress.setLevel(level)
    return bundle, printed, folder / "test.jsonl"


def test_a_log_shows_progress_of_embedding_and_training(trained: tuple[Path, str, Path]) -> None:
    embedded = [line for line in PROGRESS.lines if line.startswith("embedding: ")]
    assert embedded and embedded[-1].split(": ")[1].split(" of ")[0] == embedded[-1].split(" of ")[1]
    assert PROGRESS.lines[-1] == "training: 2 of 2"


def _test_gold(test: Path, classifier: str) -> dict[str, str]:
    rows = [json.loads(line) for line in test.read_text().splitlines() if line.strip()]
    return {r["conversation_id"]: r[classifier] for r in rows if r.get(classifier) is not None}


def test_the_fixed_split_figures_are_the_bundles_own_predictions_scored_by_hand(
    trained: tuple[Path, str, Path],
) -> None:
    path, _, test = trained
    bundle = EmbeddingBundle.load(path)
    conversations = {c.conversation_id: c for c in read_conversations([str(CONVERSATIONS_PATH)])}
    for name in CLASSIFIERS:
        gold = {cid: label for cid, label in _test_gold(test, name).items() if cid in conversations}
        ids = sorted(gold)
        picks = predict_labels(bundle, [conversations[c] for c in ids], [name], InProcessEmbedder())[name]
        predicted = dict(zip(ids, (label for label, _ in picks), strict=True))
        card = bundle.manifest.classifiers[name]
        assert card.evaluated_on == "test file" and card.fitted_on == "training part"
        assert card.n_test == len(ids) and card.n_fitted == card.n_train
        accuracy = sum(predicted[c] == gold[c] for c in ids) / len(ids)
        recalls = []
        for label in set(gold.values()):
            rows = [c for c in ids if gold[c] == label]
            recalls.append(sum(predicted[c] == label for c in rows) / len(rows))
        f1s = []
        for label in card.labels:
            tp = sum(predicted[c] == label == gold[c] for c in ids)
            fp = sum(predicted[c] == label != gold[c] for c in ids)
            fn = sum(gold[c] == label != predicted[c] for c in ids)
            f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
        assert card.metrics.accuracy == pytest.approx(accuracy, abs=1e-9)
        assert card.metrics.uar == pytest.approx(sum(recalls) / len(recalls), abs=1e-9)
        assert card.metrics.macro_f1 == pytest.approx(sum(f1s) / len(f1s), abs=1e-9)
        unseen = Counter(label for label in gold.values() if label not in card.labels)
        assert card.metrics.unseen_labels == dict(unseen)


def test_embed_eval_of_the_saved_bundle_gives_the_cards_figures(trained: tuple[Path, str, Path]) -> None:
    path, _, test = trained
    result = CliRunner().invoke(
        app, ["embed", "eval", str(path), "-i", str(CONVERSATIONS_PATH), "-g", str(test)]
    )
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)
    cards = EmbeddingBundle.load(path).manifest.classifiers
    assert sorted(scored) == sorted(CLASSIFIERS)
    for name in CLASSIFIERS:
        card = cards[name].metrics.model_dump()
        for key in ("n_test", "accuracy", "macro_f1", "uar", "kappa", "majority_accuracy"):
            assert scored[name][key] == pytest.approx(card[key]), (name, key)
        assert scored[name]["confusion"] == card["confusion"]
        for label, scores in card["per_label"].items():
            assert scored[name]["per_label"][label] == pytest.approx(scores), (name, label)


def test_printed_results_are_whole_in_a_log(trained: tuple[Path, str, Path]) -> None:
    _, printed, _ = trained
    # CliRunner's stderr is not a terminal: rich would fold the table at 80 columns ("classif…", "accura…")
    for heading in (
        "classifier",
        "accuracy",
        "macro-F1",
        "UAR",
        "kappa",
        "majority acc / F1",
        "knowledge_work",
    ):
        assert heading in printed
    assert "…" not in printed
    assert "lowest recall" in printed and "top confusions" in printed
    assert "gold labels the model never learnt" in printed  # the sample's rare topics, absent from training
    assert "calibrated fits in all" in printed.split("test file evaluation")[0]  # the cost, before training


def test_refit_all_saves_a_model_fitted_on_every_row_and_keeps_the_evaluated_figures(
    trained: tuple[Path, str, Path], tmp_path: Path
) -> None:
    evaluated = EmbeddingBundle.load(trained[0]).manifest
    path, printed = _train(tmp_path, "--refit-all")
    refit = EmbeddingBundle.load(path).manifest
    assert refit.version != evaluated.version
    for name in CLASSIFIERS:
        card, before = refit.classifiers[name], evaluated.classifiers[name]
        assert card.fitted_on == "all rows" and card.n_fitted is not None
        assert card.n_fitted > card.n_train
        assert (
            card.metrics == before.metrics
        )  # the figures are those of the model fitted on the training rows
    assert "+ 1 refit on every row" in printed and "(saved:" in printed


def test_a_fixed_split_that_overlaps_the_training_gold_is_refused(tmp_path: Path) -> None:
    train, _ = _split(tmp_path)
    args = ["embed", "train", "-i", str(CONVERSATIONS_PATH), "-g", str(train), "--test-gold", str(train)]
    result = CliRunner().invoke(app, [*args, "--classifier", "topic", *FAST, "-o", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert "in both the training and the test files" in result.stderr


def test_selection_options_are_validated_with_a_clear_error(tmp_path: Path) -> None:
    train, _ = _split(tmp_path)
    args = ["embed", "train", "-i", str(CONVERSATIONS_PATH), "-g", str(train), "--classifier", "topic"]
    result = CliRunner().invoke(app, [*args, "--feature-sets", "embedding,words", "-o", str(tmp_path / "b")])
    assert result.exit_code == 2 and "feature_sets" in result.stderr and "Traceback" not in result.output
    result = CliRunner().invoke(app, [*args, "--folds", "1", "-o", str(tmp_path / "b")])
    assert result.exit_code == 2 and "selection_folds" in result.stderr
    result = CliRunner().invoke(
        app, [*args, "--test-input", str(CONVERSATIONS_PATH), "-o", str(tmp_path / "b")]
    )
    assert result.exit_code == 2 and "--test-input needs --test-gold" in result.stderr
