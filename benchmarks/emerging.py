"""Emerging topics on real conversations: is a topic that appears found the first week it is there, and how often
are stable weeks flagged?

Weeks are drawn from the real conversations in ``../shared/data``: the base is Chatbot Arena (multi-turn logs and
the arena-hard prompts); the held-out category is MultiWOZ (restaurant, hotel, train and taxi booking dialogues),
absent from weeks 1-8 and injected from week 9 at each share of the week. A stable series draws 12 weeks from
the base alone. Each week samples without replacement; the texts are the scrubbed user turns, embedded once
in-process (``local-minilm``), and every week runs :func:`semtel_core.topics.emerging.emerging_week` with the
default ``topics`` settings.

A week *detects* the injection when an emerging topic is at least half injected conversations; an emerging topic
that is not is a false flag.

    .venv/bin/python benchmarks/emerging.py                 # week of 2,000, shares 0.5 % 1 % 3 %, 3 repeats
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "data"
BASE = ("arena_conversations.jsonl", "arena_hard_v2_prompts.jsonl")
INJECTED = "uss_mwoz.jsonl"
WEEKS, FIRST_INJECTED = 12, 9
MONDAY = date(2026, 1, 5)


def _texts(files: tuple[str, ...]) -> tuple[list[str], list[str]]:
    from semtel_core.config import PrivacySettings
    from semtel_core.evaluate.embedders import EmbeddingSpec, conversation_text
    from semtel_core.evaluate.loading import read_conversations
    from semtel_core.privacy.build import build_scrubber

    scrubber = build_scrubber(PrivacySettings())
    spec = EmbeddingSpec(view="user")
    ids, texts = [], []
    for name in files:
        for c in read_conversations([str(SHARED / name)]):
            ids.append(f"{name}:{c.conversation_id}")
            texts.append(scrubber.scrub(conversation_text(c, spec)).text)
    return ids, texts


def run_series(
    share: float,
    base: range,
    injected: range,
    ids: list[str],
    texts: list[str],
    vectors: np.ndarray,
    week_size: int,
    seed: int,
) -> dict[str, object]:
    from semtel_core.config import TopicsSettings
    from semtel_core.topics.emerging import TopicMemory, emerging_week

    rng = random.Random(seed)
    options = TopicsSettings()
    memory = TopicMemory()
    detected_in: int | None = None
    false_flags: list[int] = []
    seconds: list[float] = []
    for week in range(1, WEEKS + 1):
        n_injected = round(share * week_size) if week >= FIRST_INJECTED else 0
        chosen = rng.sample(base, week_size - n_injected) + rng.sample(injected, n_injected)
        injected_ids = {ids[i] for i in chosen[week_size - n_injected :]}
        started = time.perf_counter()
        found = emerging_week(
            memory,
            MONDAY + timedelta(weeks=week - 1),
            [texts[i] for i in chosen],
            [ids[i] for i in chosen],
            vectors[chosen],
            options,
        )
        seconds.append(time.perf_counter() - started)
        flags = 0
        for members in found.members:
            if injected_ids and len(injected_ids.intersection(members)) >= 0.5 * len(members):
                detected_in = detected_in or week
            else:
                flags += 1
        false_flags.append(flags)
    return {"detected_in": detected_in, "false_flags": false_flags, "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--week-size", type=int, default=2000)
    parser.add_argument("--shares", type=float, nargs="+", default=[0.005, 0.01, 0.03])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, help="keep the embeddings in this .npy file and reuse them")
    args = parser.parse_args()
    if not all((SHARED / name).exists() for name in (*BASE, INJECTED)):
        print(f"skipped: {SHARED} is not there")
        return 0
    from semtel_core.evaluate.embedders import InProcessEmbedder

    started = time.perf_counter()
    base_ids, base_texts = _texts(BASE)
    injected_ids, injected_texts = _texts((INJECTED,))
    ids, texts = base_ids + injected_ids, base_texts + injected_texts
    cached = args.cache is not None and args.cache.exists()
    if cached:
        vectors = np.load(args.cache)
    else:
        vectors = InProcessEmbedder().embed(texts)
        if args.cache:
            np.save(args.cache, vectors)
    assert len(vectors) == len(texts), "the --cache file is of other conversations"
    embed_s = time.perf_counter() - started
    print(
        f"{len(base_ids):,} base and {len(injected_ids):,} held-out conversations read, scrubbed and embedded in "
        f"{embed_s:.0f} s ({len(ids) / embed_s:.0f} conversations/s{', embeddings from the cache' if cached else ''}); weeks of {args.week_size:,}",
        flush=True,
    )
    base, injected = range(len(base_ids)), range(len(base_ids), len(ids))
    print(f"{'series':<14}{'repeat':>7}{'detected in week':>18}{'false flags (weeks)':>42}{'s/week':>8}")
    stable_flags: list[int] = []
    detections: dict[float, list[int | None]] = {}
    seconds: list[float] = []
    for repeat in range(args.repeats):
        for share in (0.0, *args.shares):
            out = run_series(share, base, injected, ids, texts, vectors, args.week_size, args.seed + repeat)
            flags = out["false_flags"]
            assert isinstance(flags, list)
            seconds.extend(out["seconds"])  # type: ignore[arg-type]
            name = "stable" if share == 0 else f"inject {share:.1%}"
            if share == 0:
                stable_flags.extend(flags[1:])  # the first week has no history and tests nothing
            else:
                detections.setdefault(share, []).append(out["detected_in"])  # type: ignore[arg-type]
                stable_flags.extend(flags[1 : FIRST_INJECTED - 1])  # weeks 2-8 are stable too
            print(
                f"{name:<14}{repeat:>7}{out['detected_in'] or '-'!s:>18}{' '.join(map(str, flags)):>42}"
                f"{statistics.median(out['seconds']):>8.1f}",  # type: ignore[arg-type]
                flush=True,
            )
    print()
    for share, found in sorted(detections.items()):
        first = sum(1 for d in found if d == FIRST_INJECTED)
        later = [d - FIRST_INJECTED + 1 for d in found if d is not None]
        print(
            f"inject {share:.1%} ({round(share * args.week_size)} conversations a week): detected in its first week "
            f"{first}/{len(found)} ({first / len(found):.0%}); weeks to detection "
            f"{statistics.median(later) if later else '-'}; never {sum(1 for d in found if d is None)}"
        )
    per_week = sum(stable_flags) / len(stable_flags)
    print(
        f"false flags: {sum(stable_flags)} in {len(stable_flags)} stable weeks = {per_week:.2f} per stable week "
        f"({10 * per_week:.1f} per 10; target <= 1); median {statistics.median(seconds):.1f} s per week"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
