"""Embedding classifiers on real labelled data (../shared/data): held-out quality and throughput.

Tasks: arena-hard subcategory (coding / math / creative_writing), MultiWOZ satisfaction (mean overall rating ->
dissatisfied / neutral / satisfied) and MultiWOZ domains (one yes/no classifier per domain). Each file's
conversations are embedded once (in-process all-MiniLM-L6-v2) and shared by its classifiers; held-out split 20%,
stratified, seed 0. Throughput: embedding path (embed + predict) in conversations/s, and beside it the LLM path
(the engine, strategy ``single``, model ``local-zeroshot`` on the local endpoint) on --llm-sample conversations.

    .venv/bin/python benchmarks/embedding_eval.py                    # ~4 min on a shared 2-core machine
    .venv/bin/python benchmarks/embedding_eval.py --write-gold DIR   # also the gold JSONL for `semtel embed train`
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from semtel_core.evaluate.artefact import EmbeddingBundle, TrainOptions
from semtel_core.evaluate.embedders import EmbeddingSpec, InProcessMiniLM, Vectors
from semtel_core.evaluate.gold import GoldLabels
from semtel_core.evaluate.loading import read_conversations
from semtel_core.evaluate.public_data import public_gold, write_gold_jsonl
from semtel_core.evaluate.train import train_bundle

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


class _TimedMiniLM(InProcessMiniLM):
    """The real in-process encoder, timing its calls."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0
        self.texts = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        started = time.perf_counter()
        vectors = super().embed(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return vectors


def _merge(*golds: GoldLabels) -> GoldLabels:
    merged: GoldLabels = {}
    for gold in golds:
        merged.update(gold)
    return merged


def _run_file(
    tasks: list[str], spec: EmbeddingSpec, write_gold: Path | None
) -> tuple[EmbeddingBundle, float]:
    paths, golds = zip(*(public_gold(DATA, t) for t in tasks), strict=True)
    gold = _merge(*golds)
    if write_gold is not None:
        write_gold.mkdir(parents=True, exist_ok=True)
        write_gold_jsonl(gold, write_gold / f"{'+'.join(tasks)}.gold.jsonl")
    conversations = read_conversations([str(paths[0])])
    embedder = _TimedMiniLM()
    bundle = train_bundle(conversations, gold, spec, embedder, TrainOptions())
    # Prediction cost depends on the matrix shape only: time it on one matrix of that shape.
    shaped = np.zeros((len(conversations), 384), dtype=np.float32)
    started = time.perf_counter()
    for name in bundle.classifiers:
        bundle.predict_proba(name, shaped)
    predict_s = time.perf_counter() - started
    rate = len(conversations) / (embedder.seconds + predict_s)
    print(
        f"{'+'.join(tasks)}: {len(conversations)} conversations, {embedder.texts} texts embedded in "
        f"{embedder.seconds:.1f}s, prediction of {len(bundle.classifiers)} classifiers {predict_s * 1000:.0f} ms "
        f"-> embedding path {rate:.1f} conversations/s (all classifiers)"
    )
    return bundle, rate


def _llm_path(sample: int) -> float:
    """Conversation-classifications/s of the engine with local-zeroshot (strategy single, classifier topic)."""
    import json

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
        "\n| classifier | labels | n train / test | accuracy | macro-F1 | kappa | majority acc | majority macro-F1 | ECE |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for bundle in bundles:
        for name, c in sorted(bundle.manifest.classifiers.items()):
            m = c.metrics
            dropped = f" (dropped {c.dropped_labels})" if c.dropped_labels else ""
            print(
                f"| {name} | {' / '.join(c.labels)}{dropped} | {c.n_train} / {c.n_test} | {m.accuracy:.3f} | "
                f"{m.macro_f1:.3f} | {m.kappa:.3f} | {m.majority_accuracy:.3f} | {m.majority_macro_f1:.3f} | {m.ece:.3f} |"
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write-gold", type=Path, default=None)
    parser.add_argument("--llm-sample", type=int, default=100)
    parser.add_argument("--view", default="all", choices=["all", "user"])
    parser.add_argument("--max-tokens", type=int, default=224)
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"{DATA} is not present: nothing to measure")
        return 0
    logging.basicConfig(level=logging.WARNING)
    spec = EmbeddingSpec(view=args.view, max_tokens=args.max_tokens)
    arena, arena_rate = _run_file(["arena_subcategory"], spec, args.write_gold)
    mwoz, mwoz_rate = _run_file(["mwoz_satisfaction", "mwoz_domains"], spec, args.write_gold)
    llm_rate = _llm_path(args.llm_sample) if args.llm_sample else float("nan")
    _table([arena, mwoz])
    print(
        f"\nthroughput: embedding path {arena_rate:.1f} (arena-hard) / {mwoz_rate:.1f} (MultiWOZ, 6 classifiers) "
        f"conversations/s; LLM path {llm_rate:.1f} conversation-classifications/s (local-zeroshot)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
