"""``semtel embed train`` and ``embed eval``: embedding classifiers trained on gold labels (an LLM run's results, or
human labels), and saved bundles scored on other labelled files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from pydantic import ValidationError
from rich.table import Table

from semtel_core.cli.common import (
    CONFIG_OPTION,
    clean_errors,
    console,
    out,
    print_wide,
    settings_from,
    step_progress,
)
from semtel_core.errors import ConfigError

if TYPE_CHECKING:
    from semtel_core.evaluate.artefact import EmbeddingBundle, TrainOptions
    from semtel_core.evaluate.embedders import EmbeddingSpec
    from semtel_core.evaluate.gold import GoldLabels
    from semtel_core.evaluate.metrics import AbstentionScores, HeldOutMetrics

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
        [],
        "--classifier",
        help="Only these classifiers (default: every classifier with string labels in gold).",
    ),
    test_gold: list[Path] = typer.Option(
        [],
        "--test-gold",
        help="Evaluate on these labels (an official test split) instead of a random held-out share.",
    ),
    test_inputs: list[str] = typer.Option(
        [], "--test-input", help="Conversations of --test-gold when they are not in --input."
    ),
    refit_all: bool = typer.Option(
        False,
        "--refit-all",
        help="After evaluating, fit the saved model on every row (training and test); the card keeps the "
        "figures of the model fitted on the training rows.",
    ),
    feature_sets: str | None = typer.Option(
        None,
        "--feature-sets",
        help="Candidates, comma-separated: embedding, embedding+signals, embedding+signals+lexical "
        "(default: all three; one set and --decision argmax skips the selection).",
    ),
    decision: str | None = typer.Option(
        None, help="argmax, or prior_cv (the prior-weighted argmax's alpha chosen by CV; the default)."
    ),
    folds: int | None = typer.Option(None, help="Cross-validation folds of the selection (default 5)."),
    abstain_cost: float = typer.Option(
        0.0,
        help="An 'unknown' decision per classifier: the highest floor on the label's probability that costs at "
        "most this share of accuracy on the training part's cross-validation (e.g. 0.01); 0 always answers.",
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
    test_size: float = typer.Option(0.2, help="Held-out share, stratified (without --test-gold)."),
    seed: int = typer.Option(0),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Embed each gold-labelled conversation once, train one calibrated model per classifier, save the bundle."""
    from semtel_core.evaluate.embedders import EmbeddingSpec, build_embedder
    from semtel_core.evaluate.gold import load_gold
    from semtel_core.evaluate.loading import read_conversations
    from semtel_core.evaluate.train import FixedSplit, train_bundle

    settings = settings_from(config)
    spec = EmbeddingSpec.model_validate(
        {"model": model, "provider": provider, "view": view, "max_tokens": max_tokens}
    )
    chosen: dict[str, Any] = {
        "estimator": estimator,
        "test_size": test_size,
        "seed": seed,
        "abstain_cost": abstain_cost,
    }
    if embedding_weight is not None:
        chosen["embedding_weight"] = embedding_weight
    if feature_sets is not None:
        chosen["feature_sets"] = tuple(part.strip() for part in feature_sets.split(",") if part.strip())
    if decision is not None:
        chosen["decision"] = decision
    if folds is not None:
        chosen["selection_folds"] = folds
    options = _options(chosen)
    if test_inputs and not test_gold:
        raise ConfigError("--test-input needs --test-gold", field="test_input")
    labels = load_gold(gold, classifiers or None)
    names = list(classifiers) or sorted(labels)
    conversations = read_conversations(inputs, settings.input)
    test = None
    if test_gold:
        test = FixedSplit(
            read_conversations(test_inputs, settings.input) if test_inputs else conversations,
            load_gold(test_gold, names),
        )
    _print_plan(labels, names, options, spec, test is not None, refit_all)
    embedder = build_embedder(spec, settings.endpoints[0] if provider == "endpoint" else None)
    with step_progress():
        bundle = train_bundle(
            conversations, labels, spec, embedder, options, names, test=test, refit_all=refit_all
        )
    path = bundle.save(out_dir)
    _print_cards(bundle)
    console.print(f"bundle {bundle.manifest.version}: {path}")
    out.print(str(path), soft_wrap=True, highlight=False, markup=False)


@embed_app.command("eval")
@clean_errors
def evaluate(
    bundle_path: Path = typer.Argument(..., metavar="BUNDLE", help="A bundle folder (OUT/<version>/)."),
    inputs: list[str] = typer.Option(..., "--input", "-i", help="Conversation files (any reader format)."),
    gold: list[Path] = typer.Option(..., "--gold", "-g", help="Labels to score against (any gold shape)."),
    classifiers: list[str] = typer.Option(
        [], "--classifier", help="Only these classifiers (default: every classifier of the bundle in gold)."
    ),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Score a saved bundle on another labelled file; prints the table, and the metrics as JSON on stdout."""
    from semtel_core.evaluate.artefact import EmbeddingBundle
    from semtel_core.evaluate.bundle_eval import evaluate_bundle, scored_classifiers
    from semtel_core.evaluate.embedders import build_embedder
    from semtel_core.evaluate.gold import load_gold
    from semtel_core.evaluate.loading import read_conversations

    settings = settings_from(config)
    bundle = EmbeddingBundle.load(bundle_path)
    labels = load_gold(gold, classifiers or bundle.classifiers)
    names = scored_classifiers(bundle, labels, classifiers or None)
    spec = bundle.manifest.embedding
    embedder = build_embedder(spec, settings.endpoints[0] if spec.provider == "endpoint" else None)
    conversations = read_conversations(inputs, settings.input)
    with step_progress():
        metrics, absent = evaluate_bundle(bundle, conversations, labels, embedder, names)
    if absent:
        console.print(f"[yellow]{absent} gold-labelled conversations are not in the input: not scored[/]")
    rows = [(name, f"{m.n_test}", "", m, bundle.labels(name)) for name, m in metrics.items()]
    _print_metrics(f"bundle {bundle.manifest.version} on {', '.join(map(str, gold))}", rows, "n scored")
    scored = {name: m.model_dump() for name, m in metrics.items()}
    out.print(json.dumps(scored, indent=2), soft_wrap=True, highlight=False, markup=False)


def _options(chosen: dict[str, Any]) -> TrainOptions:
    from semtel_core.evaluate.artefact import TrainOptions

    try:
        return TrainOptions.model_validate(chosen)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{where}: {first['msg']} (got {first.get('input')!r})", field=where) from None


def _print_plan(
    gold: GoldLabels,
    names: list[str],
    options: TrainOptions,
    spec: EmbeddingSpec,
    given_test: bool,
    refit_all: bool,
) -> None:
    """What the training will cost, before it starts: rows and labels, and the calibrated fits per classifier."""
    from semtel_core.evaluate.train import selection_fits

    fits = selection_fits(options, spec)
    each = 1 + fits + (1 if refit_all else 0)
    selection = (
        f"{fits // options.selection_folds} feature set(s) x {options.selection_folds} folds = {fits} calibrated fits"
        if fits
        else "no selection (one feature set, argmax)"
    )
    split = "the --test-gold rows" if given_test else f"a stratified {options.test_size:.0%} held out"
    for name in names:
        rows = gold.get(name, {})
        console.print(f"{name}: {len(rows):,} gold rows, {len(set(rows.values()))} labels", highlight=False)
    console.print(
        f"plan: per classifier {selection}, then 1 fit{' + 1 refit on every row' if refit_all else ''} "
        f"({options.calibration_folds} calibration models inside each); {len(names)} classifier(s): "
        f"{each * len(names)} calibrated fits in all; evaluated on {split}",
        highlight=False,
        soft_wrap=True,
    )


def _print_cards(bundle: EmbeddingBundle) -> None:
    rows = []
    for name, card in sorted(bundle.manifest.classifiers.items()):
        counts = f"{card.n_train}/{card.n_test}"
        if card.fitted_on == "all rows":
            counts += f" (saved: {card.n_fitted})"
        rows.append(
            (name, counts, f"{_short(card.feature_set)} / {card.decision_alpha:g}", card.metrics, card.labels)
        )
    evaluated = {card.evaluated_on for card in bundle.manifest.classifiers.values()}
    _print_metrics(f"{' and '.join(sorted(evaluated))} evaluation ({bundle.manifest.embedding.model})", rows)
    console.print(
        "features (chosen by CV on the training part): emb = embedding, sig = signals, lex = n-grams",
        soft_wrap=True,
    )


def _print_metrics(
    title: str, rows: list[tuple[str, str, str, HeldOutMetrics, list[str]]], counts: str = "n train/test"
) -> None:
    """The metrics table (never folded in logs), then each classifier's weakest labels and top confusions."""
    table = Table(title=title)
    columns = ("classifier", counts, "features / alpha", "accuracy", "macro-F1", "UAR", "kappa")
    for column in (*columns, "majority acc / F1", "ECE"):
        table.add_column(column, justify="right" if column != "classifier" else "left", no_wrap=True)
    for name, counts, features, m, _ in rows:
        table.add_row(
            name,
            counts,
            features or "-",
            f"{m.accuracy:.3f}",
            f"{m.macro_f1:.3f}",
            "-" if m.uar is None else f"{m.uar:.3f}",
            f"{m.kappa:.3f}",
            f"{m.majority_accuracy:.3f} / {m.majority_macro_f1:.3f}",
            f"{m.ece:.3f}",
        )
    print_wide(table)
    for name, _, _, m, labels in rows:
        weakest = sorted(
            ((label, s) for label, s in m.per_label.items() if s.support), key=lambda item: item[1].recall
        )[:3]
        recall = ", ".join(f"{label} {s.recall:.2f} (n {s.support})" for label, s in weakest)
        confusions = ", ".join(f"{g} -> {p} {n}" for g, p, n in m.top_errors(labels))
        line = f"{name}: lowest recall {recall or '-'}; top confusions {confusions or 'none'}"
        if m.unseen_labels:
            unseen = ", ".join(f"{label} ({n})" for label, n in m.unseen_labels.items())
            line += f"; gold labels the model never learnt, always wrong: {unseen}"
        console.print(line, highlight=False, soft_wrap=True)
        if m.abstention is not None:
            console.print(f"{name}: {_abstention(m.abstention)}", highlight=False, soft_wrap=True)


def _abstention(a: AbstentionScores) -> str:
    text = (
        f"unknown below {a.floor:.3f}: abstained on {a.abstained_share:.1%} of scored rows; in-scope accuracy "
        f"{a.in_scope_accuracy:.3f} ({a.in_scope_accuracy_without:.3f} answering every row, {a.in_scope_rows} rows)"
    )
    if a.recall is not None:
        precision = "-" if a.precision is None else f"{a.precision:.3f}"
        text += f"; out-of-scope rows {a.out_of_scope_rows}: recall {a.recall:.3f}, precision {precision}"
    return text


def _short(feature_set: str) -> str:
    return feature_set.replace("embedding", "emb").replace("signals", "sig").replace("lexical", "lex")
