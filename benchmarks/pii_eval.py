"""PII scrubbing: precision/recall on the labelled corpus, and throughput.

Usage::

    .venv/bin/python benchmarks/pii_eval.py [--regions US,GB,DE] [--repeat 5] [--errors]

Prints, for the whole corpus and for its held-out part (cases written after the detectors were frozen),
one row per entity type (TP, FP, FN, precision, recall); then throughput in characters per second
(median of ``--repeat`` runs) on the corpus and, when ``../shared/data`` is present, on real Chatbot Arena
conversations, with the number of entities found there per type.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from semtel_core.config import PrivacySettings
from semtel_core.privacy import Scrubber, build_scrubber
from semtel_core.privacy.evaluation import evaluate, format_table, load_corpus

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "privacy" / "pii_corpus.jsonl"
REAL_DATA = REPO.parent / "shared" / "data"
REAL_FILES = ("arena_conversations.jsonl", "arena_hard_v2_prompts.jsonl")
HELD_OUT = "heldout_"


def _real_texts() -> list[str]:
    texts: list[str] = []
    for name in REAL_FILES:
        path = REAL_DATA / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                texts.extend(str(m["content"]) for m in json.loads(line)["messages"])
    return texts


def _throughput(scrubber: Scrubber, texts: list[str], repeat: int) -> tuple[str, Counter[str]]:
    """Median throughput over ``repeat`` full passes, and the entities found in one pass.

    Reported per CPU second (stable on a shared machine) and per wall second (what a user waits).
    """
    chars = sum(len(t) for t in texts)
    cpu_rates, wall_rates, found = [], [], Counter[str]()
    for run in range(repeat):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        for text in texts:
            counts = scrubber.scrub(text).counts
            if run == 0:
                found.update(counts)
        cpu_rates.append(chars / max(time.process_time() - cpu_start, 1e-9))
        wall_rates.append(chars / (time.perf_counter() - wall_start))
    figures = (
        f"{statistics.median(cpu_rates) / 1e6:.2f} M chars per CPU-second, "
        f"{statistics.median(wall_rates) / 1e6:.2f} M chars per wall-second (median of {repeat})"
    )
    return figures, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--regions", default="US", help="comma-separated phone regions (privacy.phone_regions)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="throughput runs; the median is reported")
    parser.add_argument("--errors", action="store_true", help="list every false positive and false negative")
    args = parser.parse_args(argv)

    settings = PrivacySettings(phone_regions=args.regions.split(","))
    scrubber = build_scrubber(settings)
    cases = load_corpus(CORPUS)
    held_out = [case for case in cases if case.category.startswith(HELD_OUT)]
    print(f"phone regions: {settings.phone_regions}")
    for title, subset in (
        (f"corpus, all {len(cases)} cases", cases),
        (f"held-out, {len(held_out)} cases", held_out),
    ):
        report = evaluate(scrubber, subset)
        print(f"\n## {title} ({sum(len(c.entities) for c in subset)} labelled entities)\n")
        print(format_table(report))
        if args.errors:
            for error in report.errors:
                print(f"  {error.kind} {error.case_id} {error.entity} {error.text!r}")

    corpus_figures, _ = _throughput(scrubber, [case.text for case in cases], args.repeat)
    print(f"\nthroughput, corpus ({sum(len(c.text) for c in cases):,} chars): {corpus_figures}")
    real = _real_texts()
    if real:
        figures, found = _throughput(scrubber, real, args.repeat)
        chars = sum(len(t) for t in real)
        print(f"throughput, real arena messages ({len(real):,} messages, {chars:,} chars): {figures}")
        print(f"entities found in real messages: {dict(sorted(found.items()))}")
    else:
        print("real data (../shared/data) not present: skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
