"""``semtel embed train``: embedding classifiers trained on gold labels (an LLM run's results, or human labels)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from semtel_core.cli.common import CONFIG_OPTION, clean_errors, console, out, settings_from

if TYPE_CHECKING:
    from semtel_core.evaluate.artefact import EmbeddingBundle

embed_app = typer.Typer(help="Embedding classifiers trained on LLM or human labels.", no_args_is_help=True)


@embed_app.command("train")
@clean_errors
def train(
    inputs: list[str] = typer.Option(..., "--input", "-i", help="Conversation files (any reader format)."),
    gold: list[Path] = typer.Option(
        ..., "--gold", "-g", help="Result rows of an LLM run, or human labels JSONL."
    ),
    out_dir: Path = typer.Option(
        Path("semtel-output/embedding"), "--out", "-o", help="Bundles go in OUT/<version>/."
    ),
    classifiers: list[str] = typer.Option(
        [], "--classifier", help="Only these classifiers (default: all in gold)."
    ),
    provider: str = typer.Option(
        "in_process",
        help="in_process (the local endpoint's encoders, in this process) or endpoint (/v1/embeddings).",
    ),
    model: str = typer.Option(
        "local-minilm",
        help="local-minilm (English) or local-e5-small (multilingual) here; text-embedding-3-large in production.",
    ),
    view: str = typer.Option("all", help="all: every turn; user: the user's turns only."),
    max_tokens: int = typer.Option(224, help="cl100k tokens of conversation text embedded (head_tail)."),
    estimator: str = typer.Option("linear_svm", help="linear_svm, logistic or mlp."),
    embedding_weight: float | None = typer.Option(
        None,
        help="Scale of the embedding block beside the signals and n-grams (default 0.5; 1.0 suits local-e5-small).",
    ),
    test_size: float = typer.Option(0.2, help="Held-out share, stratified."),
    seed: int = typer.Option(0),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Embed each gold-labelled conversation once, train one calibrated model per classifier, save the bundle."""
    from semtel_core.evaluate.artefact import TrainOptions
    from semtel_core.evaluate.embedders import EmbeddingSpec, build_embedder
    from semtel_core.evaluate.gold import load_gold
    from semtel_core.evaluate.loading import read_conversations
    from semtel_core.evaluate.train import train_bundle

    settings = settings_from(config)
    spec = EmbeddingSpec.model_validate(
        {"model": model, "provider": provider, "view": view, "max_tokens": max_tokens}
    )
    chosen = {"estimator": estimator, "test_size": test_size, "seed": seed}
    if embedding_weight is not None:
        chosen["embedding_weight"] = embedding_weight
    options = TrainOptions.model_validate(chosen)
    conversations = read_conversations(inputs, settings.input)
    embedder = build_embedder(spec, settings.endpoints[0] if provider == "endpoint" else None)
    bundle = train_bundle(conversations, load_gold(gold), spec, embedder, options, classifiers or None)
    path = bundle.save(out_dir)
    _print_cards(bundle)
    console.print(f"bundle {bundle.manifest.version}: {path}")
    out.print(str(path))


def _print_cards(bundle: EmbeddingBundle) -> None:
    table = Table(title=f"held-out evaluation ({bundle.manifest.embedding.model})")
    columns = ("classifier", "n train/test", "features / alpha", "accuracy", "macro-F1", "kappa")
    for column in (*columns, "majority acc / F1", "ECE"):
        table.add_column(column, justify="right" if column != "classifier" else "left")
    for name, card in sorted(bundle.manifest.classifiers.items()):
        m = card.metrics
        table.add_row(
            name,
            f"{card.n_train}/{card.n_test}",
            f"{_short(card.feature_set)} / {card.decision_alpha:g}",
            f"{m.accuracy:.3f}",
            f"{m.macro_f1:.3f}",
            f"{m.kappa:.3f}",
            f"{m.majority_accuracy:.3f} / {m.majority_macro_f1:.3f}",
            f"{m.ece:.3f}",
        )
    console.print(table)
    console.print(
        "features (chosen by CV on the training part): emb = embedding, sig = signals, lex = n-grams"
    )


def _short(feature_set: str) -> str:
    return feature_set.replace("embedding", "emb").replace("signals", "sig").replace("lexical", "lex")
