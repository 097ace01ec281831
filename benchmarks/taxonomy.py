"""Taxonomy quality of ``semtel topics discover`` on labelled real sets, beside BERTopic on the same embeddings.

Sets (``../shared/data``): the 750 arena-hard prompts (gold: subcategory coding / math / creative_writing) and the
MultiWOZ dialogues about exactly one domain (gold: restaurant / hotel / train / taxi; "booking" is an act, not a
domain). Both methods get the same texts (scrubbed user turns, as ``discover`` embeds them) and the same vectors
(``local-minilm``, in-process). semtel runs :func:`semtel_core.topics.discover.discover` with the default
``topics`` settings; BERTopic runs with its default settings (UMAP, HDBSCAN with min_cluster_size 10, c-TF-IDF)
given those vectors, in its own virtualenv (``benchmarks/bertopic_venv.sh``: it needs torch), ``--repeat`` times
(UMAP has no fixed seed by default).

Printed per set and method: topics, coverage (conversations in a shown topic; semtel withholds clusters under
``topics.min_conversations`` and outliers, BERTopic's topic -1 is its outliers), purity over covered
conversations, and normalised mutual information over all conversations with the uncovered ones as one cluster
of their own (both methods alike). Then what ``discover`` costs per 1,000 conversations: LLM calls and tokens
(none: names come from distinctive terms, and the embedding is in-process) and its CPU seconds.

    .venv/bin/python benchmarks/taxonomy.py --bertopic-python "$(benchmarks/bertopic_venv.sh)"
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
UNCOVERED = "(not in a shown topic)"


def _bertopic_worker(data: str, out: str) -> None:
    """Under the BERTopic virtualenv: topics of the texts given their vectors, default settings."""
    import numpy as np
    from bertopic import BERTopic

    loaded = np.load(data, allow_pickle=False)
    texts = json.loads(Path(data + ".json").read_text())
    topics, _ = BERTopic().fit_transform(texts, loaded["vectors"])
    Path(out).write_text(json.dumps([int(t) for t in topics]))


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _sets() -> dict[str, tuple[list[Any], list[str]]]:
    """name -> (conversations, gold label of each)."""
    from semtel_core.evaluate.loading import read_conversations

    out = {}
    hard = SHARED / "arena_hard_v2_prompts.jsonl"
    rows = [json.loads(line) for line in hard.read_text(encoding="utf-8").split("\n") if line.strip()]
    gold = {r["conversation_id"]: r["labels"]["subcategory"] for r in rows}
    conversations = read_conversations([str(hard)])
    out["arena-hard subcategories"] = (conversations, [gold[c.conversation_id] for c in conversations])
    mwoz = SHARED / "uss_mwoz.jsonl"
    rows = [json.loads(line) for line in mwoz.read_text(encoding="utf-8").split("\n") if line.strip()]
    domains = {r["conversation_id"]: set(r["labels"]["domains"]) - {"booking", "general"} for r in rows}
    single = {cid: d.pop() for cid, d in domains.items() if len(d) == 1}
    conversations = [c for c in read_conversations([str(mwoz)]) if c.conversation_id in single]
    out["MultiWOZ single-domain"] = (conversations, [single[c.conversation_id] for c in conversations])
    return out


def _scores(assigned: list[str | None], gold: list[str]) -> dict[str, float]:
    from sklearn.metrics import normalized_mutual_info_score

    clusters = [a if a is not None else UNCOVERED for a in assigned]
    covered = [(a, g) for a, g in zip(assigned, gold, strict=True) if a is not None]
    by_topic: dict[str, Counter[str]] = {}
    for topic, label in covered:
        by_topic.setdefault(topic, Counter())[label] += 1
    purity = sum(c.most_common(1)[0][1] for c in by_topic.values()) / len(covered) if covered else 0.0
    return {
        "topics": float(len(by_topic)),
        "coverage": len(covered) / len(gold),
        "purity": purity,
        "nmi": float(normalized_mutual_info_score(gold, clusters)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--bertopic-python", help="the BERTopic virtualenv's python (benchmarks/bertopic_venv.sh)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="BERTopic runs per set (UMAP is not seeded)")
    parser.add_argument("--bertopic-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bertopic_worker:
        _bertopic_worker(*args.bertopic_worker)
        return
    if not SHARED.exists():
        sys.exit(f"{SHARED} is absent: this benchmark needs ../shared/data")
    sys.path.insert(0, str(REPO))
    import numpy as np

    from semtel_core.config import Settings
    from semtel_core.evaluate.embedders import EmbeddingSpec, InProcessEmbedder, conversation_text
    from semtel_core.privacy.build import build_scrubber
    from semtel_core.topics.discover import discover

    settings = Settings()
    embedder = InProcessEmbedder(settings.topics.embedding_model)
    scrubber = build_scrubber(settings.privacy)
    spec = EmbeddingSpec(model=embedder.model, view="user", max_tokens=settings.topics.max_tokens)
    print("| set | conversations | gold labels | method | topics | coverage | purity | NMI |")
    print("|---|---|---|---|---|---|---|---|")
    costs = []
    for name, (conversations, gold) in _sets().items():
        texts = [scrubber.scrub(conversation_text(c, spec)).text for c in conversations]
        before = _cpu_s()
        found = discover(conversations, settings, embedder=embedder)
        costs.append((len(conversations), _cpu_s() - before))
        ours = _scores([found.topic_of[c.conversation_id] for c in conversations], gold)
        row = f"| {name} | {len(conversations)} | {len(set(gold))} |"
        print(
            f"{row} semtel discover | {ours['topics']:.0f} | {ours['coverage']:.3f} | {ours['purity']:.3f} | "
            f"{ours['nmi']:.3f} |",
            flush=True,
        )
        if not args.bertopic_python:
            continue
        vectors = embedder.embed(texts)
        runs = []
        with tempfile.TemporaryDirectory() as tmp:
            data = str(Path(tmp) / "data.npz")
            np.savez(data, vectors=np.asarray(vectors, dtype=np.float32))
            Path(data + ".json").write_text(json.dumps(texts))
            for n in range(args.repeat):
                out = str(Path(tmp) / f"topics-{n}.json")
                subprocess.run(
                    [args.bertopic_python, __file__, "--bertopic-worker", data, out],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                topics = json.loads(Path(out).read_text())
                runs.append(_scores([str(t) if t >= 0 else None for t in topics], gold))
        cells = []
        for key, pattern in (
            ("topics", "{:.0f}"),
            ("coverage", "{:.3f}"),
            ("purity", "{:.3f}"),
            ("nmi", "{:.3f}"),
        ):
            values = [r[key] for r in runs]
            spread = (
                f" [{pattern.format(min(values))}–{pattern.format(max(values))}]" if len(values) > 1 else ""
            )
            cells.append(pattern.format(statistics.median(values)) + spread)
        print(f"{row} BERTopic (defaults, {args.repeat} runs: median [range]) | " + " | ".join(cells) + " |")
    if not args.bertopic_python:
        print('BERTopic: not run (pass --bertopic-python "$(benchmarks/bertopic_venv.sh)")')
    total, cpu = sum(n for n, _ in costs), sum(s for _, s in costs)
    print(
        f"\ndiscover's cost per 1,000 conversations: 0 LLM calls, 0 tokens (names from distinctive terms; the "
        f"embedding runs in-process); {cpu / total * 1000:.1f} CPU-s ({total} conversations, encoder loaded once)"
    )


if __name__ == "__main__":
    main()
