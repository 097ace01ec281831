"""Embedding classifiers on real labelled data (../shared/data): held-out quality and throughput.

Tasks: arena-hard subcategory (coding / math / creative_writing), MultiWOZ satisfaction (mean overall rating ->
dissatisfied / neutral / satisfied) and MultiWOZ domains (one yes/no classifier per domain). Each file's
conversations are featurized once (an in-process sentence embedding, multilingual-e5-small for arena-hard and
all-MiniLM-L6-v2 for MultiWOZ unless --model says otherwise, text signals, hashed character n-grams) and the
features are shared by its classifiers; each classifier picks its feature set and decision rule
by cross-validation on its training part; held-out split 20%, stratified, seed 0, used only for the figures.
Throughput: embedding path (featurize + predict) in conversations/s, and beside it the LLM path (the engine,
strategy ``single``, model ``local-zeroshot`` on the local endpoint) on --llm-sample conversations.

    .venv/bin/python benchmarks/embedding_eval.py                    # ~5 min on a shared 2-core machine
    .venv/bin/python benchmarks/embedding_eval.py --write-gold DIR   # also the gold JSONL for `semtel embed train`
    .venv/bin/python benchmarks/embedding_eval.py --cv-grid          # how the defaults were chosen: training-part
                                                                     # CV only, no held-out figure printed
    .venv/bin/python benchmarks/embedding_eval.py --abstention 0.01  # the 'unknown' decision: each arena-hard
                                                                     # category held out of training in turn,
                                                                     # and the ceiling of any floor on its score
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from semtel_core.evaluate.artefact import EmbeddingBundle, TrainOptions
from semtel_core.evaluate.embedders import EmbeddingSpec, InProcessEmbedder, Vectors, embed_conversations
from semtel_core.evaluate.features import assemble, featurize, lexical_counts, signal_matrix
from semtel_core.evaluate.gold import GoldLabels
from semtel_core.evaluate.loading import read_conversations
from semtel_core.evaluate.public_data import public_gold, write_gold_jsonl
from semtel_core.evaluate.train import FixedSplit, held_out_split, train_bundle
from semtel_core.schema.conversation import Conversation

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FILES = (("arena_subcategory",), ("mwoz_satisfaction", "mwoz_domains"))
# The encoder each file's bundle uses by default: arena-hard is about a quarter non-English (Chinese, Russian,
# Vietnamese, ...), which the English-only MiniLM reads as unknown word pieces; MultiWOZ is English, where MiniLM is
# as good (satisfaction macro-F1 0.440 vs 0.428 with E5) and 2.7x faster.
DEFAULT_MODELS = ("local-e5-small", "local-minilm")
# Each file's training options over TrainOptions(), chosen by --cv-grid (training-part CV only): with E5 the
# arena-hard classifier reads the embedding at full weight (0.943 vs 0.923 at the default 0.5).
FILE_OPTIONS: tuple[dict[str, Any], ...] = ({"embedding_weight": 1.0}, {})
# The variants --cv-grid compares with each file's options; each is one change from them.
GRID: tuple[dict[str, Any], ...] = (
    {},
    {"regularization_c": 0.25},
    {"regularization_c": 1.0},
    {"embedding_weight": 0.5},
    {"embedding_weight": 1.0},
    {"signals_weight": 1.0},
    {"min_df": 3},
    {"estimator": "logistic", "regularization_c": 8.0},
)


class _TimedEmbedder(InProcessEmbedder):
    """The real in-process encoder, timing its calls and remembering its vectors (so that a second pass over the
    same texts, e.g. another training variant, costs nothing)."""

    def __init__(self, model: str) -> None:
        super().__init__(model)
        self.seconds = 0.0
        self.texts = 0
        self._seen: dict[str, Vectors] = {}

    def embed(self, texts: Sequence[str]) -> Vectors:
        new = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if new:
            started = time.perf_counter()
            for text, vector in zip(new, super().embed(new), strict=True):
                self._seen[text] = vector
            self.seconds += time.perf_counter() - started
            self.texts += len(new)
        return np.asarray([self._seen[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)


def _merge(*golds: GoldLabels) -> GoldLabels:
    merged: GoldLabels = {}
    for gold in golds:
        merged.update(gold)
    return merged


def _load(tasks: Sequence[str], write_gold: Path | None) -> tuple[list[Conversation], GoldLabels]:
    paths, golds = zip(*(public_gold(DATA, t) for t in tasks), strict=True)
    gold = _merge(*golds)
    if write_gold is not None:
        write_gold.mkdir(parents=True, exist_ok=True)
        write_gold_jsonl(gold, write_gold / f"{'+'.join(tasks)}.gold.jsonl")
    return read_conversations([str(paths[0])]), gold


def _held_out_errors(
    bundle: EmbeddingBundle,
    conversations: Sequence[Conversation],
    gold: GoldLabels,
    features: Any,
    names: Sequence[str],
) -> None:
    """The held-out rows a classifier gets wrong: gold, predicted, the first 160 characters of the first turn."""
    row = {c.conversation_id: i for i, c in enumerate(conversations)}
    for name in (n for n in names if n in bundle.classifiers):
        ids = [cid for cid in gold[name] if cid in row]
        labels = [gold[name][cid] for cid in ids]
        _, test, _ = held_out_split(name, labels, bundle.manifest.options)
        rows = [row[ids[i]] for i in test]
        predicted, _ = bundle.predict(name, features[rows])
        wrong = [(labels[i], p, r) for i, p, r in zip(test, predicted, rows, strict=True) if p != labels[i]]
        print(f"{name}: {len(wrong)} of {len(test)} held-out rows wrong (gold -> predicted, first turn)")
        for truth, guess, r in wrong:
            excerpt = " ".join(conversations[r].messages[0].content.split())[:160]
            print(f"  {truth} -> {guess}: {excerpt}")


def _run_file(
    tasks: Sequence[str],
    spec: EmbeddingSpec,
    options: TrainOptions,
    write_gold: Path | None,
    show_errors: Sequence[str] = (),
) -> tuple[EmbeddingBundle, float]:
    conversations, gold = _load(tasks, write_gold)
    embedder = _TimedEmbedder(spec.model)
    started = time.perf_counter()
    bundle = train_bundle(conversations, gold, spec, embedder, options)
    train_s = time.perf_counter() - started - embedder.seconds
    # The embedding path on every conversation of the file: the encoder's time (measured while training, each
    # unique text once), then signals + hashed n-grams and all classifiers' predictions, timed here.
    started = time.perf_counter()
    signals = signal_matrix(conversations)
    lexical = lexical_counts(conversations, spec.view, spec.lexical) if spec.lexical else None
    features_s = time.perf_counter() - started
    features = assemble(
        embed_conversations(conversations, spec, embedder), signals, lexical
    )  # cached vectors
    started = time.perf_counter()
    for name in bundle.classifiers:
        bundle.predict(name, features)
    predict_s = time.perf_counter() - started
    rate = len(conversations) / (embedder.seconds + features_s + predict_s)
    if show_errors:
        _held_out_errors(bundle, conversations, gold, features, show_errors)
    print(
        f"{'+'.join(tasks)}: {len(conversations)} conversations; embedding ({spec.model}) {embedder.texts} texts "
        f"{embedder.seconds:.1f}s, signals + n-grams {features_s:.1f}s, prediction of {len(bundle.classifiers)} "
        f"classifiers {predict_s * 1000:.0f} ms -> embedding path {rate:.1f} conversations/s (all classifiers); "
        f"training incl. CV selection {train_s:.1f}s"
    )
    return bundle, rate


def _llm_path(sample: int) -> float:
    """Conversation-classifications/s of the engine with local-zeroshot (strategy single, classifier topic)."""
    from semtel_core.classify.run import classify_run
    from semtel_core.config import load_settings
    from semtel_core.endpoint.testing import running_endpoint

    with tempfile.TemporaryDirectory() as tmp, running_endpoint() as url:
        src = Path(tmp) / "sample.jsonl"
        lines = (DATA / "arena_hard_v2_prompts.jsonl").read_text(encoding="utf-8").splitlines()[:sample]
        src.write_text(
            "\n".join(json.dumps({k: v for k, v in json.loads(x).items() if k != "labels"}) for x in lines)
        )
        endpoint = {"name": "local", "base_url": url, "model": "local-zeroshot", "api_key": "bench"}
        settings = load_settings(endpoints=[endpoint], classifiers=["topic"], classify={"strategy": "single"})
        summary = classify_run([str(src)], str(Path(tmp) / "out"), settings)
    rate = summary.rows / summary.classify_s
    print(
        f"LLM path (engine, single, local-zeroshot, topic): {summary.rows} rows in {summary.classify_s:.1f}s "
        f"-> {rate:.1f} conversation-classifications/s; statuses {summary.statuses}"
    )
    return rate


def _table(bundles: list[EmbeddingBundle]) -> None:
    print(
        "\n| classifier | labels | n train / test | features (CV) | alpha | accuracy | macro-F1 | kappa "
        "| majority acc | majority macro-F1 | ECE |"
    )
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for bundle in bundles:
        for name, c in sorted(bundle.manifest.classifiers.items()):
            m = c.metrics
            dropped = f" (dropped {c.dropped_labels})" if c.dropped_labels else ""
            print(
                f"| {name} | {' / '.join(c.labels)}{dropped} | {c.n_train} / {c.n_test} | {c.feature_set} | "
                f"{c.decision_alpha:g} | {m.accuracy:.3f} | {m.macro_f1:.3f} | {m.kappa:.3f} | "
                f"{m.majority_accuracy:.3f} | {m.majority_macro_f1:.3f} | {m.ece:.3f} |"
            )


def _details(bundles: list[EmbeddingBundle], names: Sequence[str]) -> None:
    """Held-out confusion (rows gold, columns predicted) and the training-part CV behind each choice."""
    for bundle in bundles:
        for name in names:
            card = bundle.manifest.classifiers.get(name)
            if card is None:
                continue
            print(f"\n{name}: confusion, rows gold / columns predicted, {' / '.join(card.labels)}")
            for label, row in zip(card.labels, card.metrics.confusion, strict=True):
                print(f"  {label:>18} {row}")
            for feature_set, by_alpha in card.selection_cv_macro_f1.items():
                scores = ", ".join(f"{a}: {f:.3f}" for a, f in by_alpha.items())
                print(f"  training CV macro-F1, {feature_set}: alpha {scores}")


def _cv_grid(specs: Sequence[EmbeddingSpec]) -> None:
    """Training-part cross-validated macro-F1 of the chosen feature set per classifier, for the defaults and
    each variant of :data:`GRID`; the held-out part is not evaluated here (train_bundle does, the figures are
    not printed)."""
    logging.getLogger("semtel_core").setLevel(logging.ERROR)
    rows: dict[str, dict[str, float]] = {}
    for tasks, spec, options in zip(FILES, specs, FILE_OPTIONS, strict=True):
        conversations, gold = _load(tasks, None)
        embedder = _TimedEmbedder(spec.model)
        for variant in GRID:
            bundle = train_bundle(conversations, gold, spec, embedder, TrainOptions(**{**options, **variant}))
            key = json.dumps(variant) if variant else "defaults"
            for name, card in bundle.manifest.classifiers.items():
                chosen = card.selection_cv_macro_f1.get(card.feature_set, {})
                rows.setdefault(key, {})[name] = max(chosen.values()) if chosen else float("nan")
    names = sorted(next(iter(rows.values())))
    print("| variant | " + " | ".join(names) + " | mean |")
    print("|---|" + "---:|" * (len(names) + 1))
    for key, scores in rows.items():
        values = [scores[n] for n in names]
        print(f"| {key} | " + " | ".join(f"{v:.3f}" for v in values) + f" | {np.mean(values):.3f} |")


def _abstention(spec: EmbeddingSpec, options: TrainOptions, cost: float) -> None:
    """Each arena-hard subcategory in turn held out of training as the unknown class: the rest is split
    stratified (80/20, the options' seed), the classifier trains on the 80 % with the ``unknown`` floor fitted on
    its own cross-validation (cost ``cost``), and the test file is the 20 % plus every held-out conversation."""
    conversations, gold = _load(FILES[0], None)
    labels = gold["subcategory"]
    embedder = _TimedEmbedder(spec.model)
    print(
        f"\nabstention on arena-hard ({len(labels)} prompts, {spec.model}), floor cost {cost:.0%} of validation "
        "accuracy; target: recall of the held-out category >= 0.50, in-scope accuracy down <= 1 point"
    )
    print(
        f"{'held out':<18}{'floor':>7}{'recall':>8}{'precision':>11}{'abstained':>11}"
        f"{'in-scope acc':>14}{'answering all':>15}{'change':>9}"
    )
    ceilings: list[str] = []
    for unknown in sorted(set(labels.values())):
        known = {cid: label for cid, label in labels.items() if label != unknown}
        ids = sorted(known)
        train_pos, test_pos, _ = held_out_split("subcategory", [known[c] for c in ids], options)
        train = {"subcategory": {ids[i]: known[ids[i]] for i in train_pos}}
        test = {ids[i]: known[ids[i]] for i in test_pos}
        test.update({cid: label for cid, label in labels.items() if label == unknown})
        bundle = train_bundle(
            conversations,
            train,
            spec,
            embedder,
            options.model_copy(update={"abstain_cost": cost}),
            test=FixedSplit(conversations, {"subcategory": test}),
        )
        a = bundle.manifest.classifiers["subcategory"].metrics.abstention
        assert a is not None and a.recall is not None
        precision = "-" if a.precision is None else f"{a.precision:.3f}"
        change = 100 * (a.in_scope_accuracy - a.in_scope_accuracy_without)
        print(
            f"{unknown:<18}{a.floor:>7.3f}{a.recall:>8.3f}{precision:>11}{a.abstained_share:>10.1%}"
            f"{a.in_scope_accuracy:>14.3f}{a.in_scope_accuracy_without:>15.3f}{change:>+8.1f}pt"
        )
        ceilings += _ceilings(unknown, bundle, conversations, train["subcategory"], test, spec, embedder)
    print(f"(embedding: {embedder.texts} texts in {embedder.seconds:.1f} s)")
    print(
        "\nwhat any floor on a score could do, read on the test rows themselves (not a rule: the ceiling of one):"
        " AUROC of telling the held-out category from in-scope rows; the share of it recalled by the best floor"
        " that costs at most 1 point of in-scope accuracy (flagging rows labelled wrong anyway is free: the"
        " target's measure), and by the floor that flags 1 % / 5 % of the in-scope test rows"
    )
    print(f"{'held out':<18}{'score':<40}{'AUROC':>7}{'at 1 pt':>8}{'at 1 %':>8}{'at 5 %':>8}")
    print("\n".join(ceilings))


def _ceilings(
    unknown: str,
    bundle: EmbeddingBundle,
    conversations: Sequence[Conversation],
    train: dict[str, str],
    test: dict[str, str],
    spec: EmbeddingSpec,
    embedder: _TimedEmbedder,
) -> list[str]:
    """The separability of the held-out category by the rule's score (the chosen label's probability) and by a
    density score (mean cosine similarity to the 5 nearest training conversations' embeddings)."""
    from sklearn.metrics import roc_auc_score

    by_id = {c.conversation_id: c for c in conversations}
    tested = [by_id[cid] for cid in test if cid in by_id]
    out_of_scope = np.asarray([test[c.conversation_id] == unknown for c in tested])
    chosen, confidence = bundle.predict("subcategory", featurize(tested, spec, embedder))
    # in-scope rows the classifier labels right: only flagging these costs accuracy (the target's measure)
    right = np.asarray([test[c.conversation_id] == label for c, label in zip(tested, chosen, strict=True)])
    fitted = embed_conversations([by_id[cid] for cid in train if cid in by_id], spec, embedder)
    vectors = embed_conversations(tested, spec, embedder)
    unit = fitted / np.linalg.norm(fitted, axis=1, keepdims=True)
    similarity = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)) @ unit.T
    nearest = np.sort(similarity, axis=1)[:, -5:].mean(axis=1)
    lines = []
    for name, score in (
        ("chosen label's probability (the rule's)", -np.asarray(confidence)),
        (f"5 nearest training embeddings ({spec.model})", -nearest),
    ):
        recalled = [
            float((score[out_of_scope] > np.quantile(score[~out_of_scope], 1 - flagged)).mean())
            for flagged in (0.01, 0.05)
        ]
        auroc = roc_auc_score(out_of_scope, score)
        lines.append(
            f"{unknown:<18}{name:<40}{auroc:>7.3f}{_at_one_point(score, out_of_scope, right):>8.3f}"
            f"{recalled[0]:>8.3f}{recalled[1]:>8.3f}"
        )
    return lines


def _at_one_point(
    score: npt.NDArray[np.float64], out_of_scope: npt.NDArray[np.bool_], right: npt.NDArray[np.bool_]
) -> float:
    """The held-out share recalled by the best floor whose in-scope accuracy loss is at most 1 point: it may flag
    any number of in-scope rows the classifier gets wrong anyway, and 1 % of the in-scope rows it gets right."""
    in_scope = ~out_of_scope
    allowed = int(np.floor(0.01 * int(in_scope.sum()) + 1e-9))
    # flagging is score > floor, so the floor sits on the (allowed + 1)th highest score of a right row
    kept = np.sort(score[in_scope & right])[::-1]
    floor = kept[allowed] if allowed < len(kept) else -np.inf
    return float((score[out_of_scope] > floor).mean())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write-gold", type=Path, default=None)
    parser.add_argument("--llm-sample", type=int, default=100)
    parser.add_argument("--view", default="all", choices=["all", "user"])
    parser.add_argument("--max-tokens", type=int, default=224)
    parser.add_argument(
        "--model",
        default=None,
        choices=["local-minilm", "local-e5-small"],
        help=f"one in-process encoder for both files (default: {' / '.join(DEFAULT_MODELS)})",
    )
    parser.add_argument("--cv-grid", action="store_true", help="training-part CV of option variants only")
    parser.add_argument(
        "--abstention",
        type=float,
        default=None,
        metavar="COST",
        help="only the abstention benchmark (each arena-hard category held out as unknown), at this floor cost",
    )
    parser.add_argument(
        "--show-errors",
        action="append",
        default=[],
        metavar="CLASSIFIER",
        help="list that classifier's held-out errors (repeatable), e.g. subcategory",
    )
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"{DATA} is not present: nothing to measure")
        return 0
    logging.basicConfig(level=logging.WARNING)
    specs = [
        EmbeddingSpec(model=args.model or model, view=args.view, max_tokens=args.max_tokens)
        for model in DEFAULT_MODELS
    ]
    if args.cv_grid:
        _cv_grid(specs)
        return 0
    options = [TrainOptions(**o) for o in FILE_OPTIONS]
    if args.abstention is not None:
        _abstention(specs[0], options[0], args.abstention)
        return 0
    arena, arena_rate = _run_file(FILES[0], specs[0], options[0], args.write_gold, args.show_errors)
    mwoz, mwoz_rate = _run_file(FILES[1], specs[1], options[1], args.write_gold, args.show_errors)
    llm_rate = _llm_path(args.llm_sample) if args.llm_sample else float("nan")
    _table([arena, mwoz])
    _details([arena, mwoz], ["subcategory", "satisfaction"])
    print(
        f"\nthroughput: embedding path {arena_rate:.1f} (arena-hard) / {mwoz_rate:.1f} (MultiWOZ, 6 classifiers) "
        f"conversations/s; LLM path {llm_rate:.1f} conversation-classifications/s (local-zeroshot)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
