"""Orchestration throughput: conversation-classifications per second against the local endpoint's ``instant``
model with no limits, per engine and strategy, with peak RSS.

    .venv/bin/python benchmarks/throughput.py [--conversations 100000] [--others 20000]
        [--single 5000] [--runs polars:multi,polars:batched,polars:single,spark:multi,spark:batched]
        [--workers 2] [--max-concurrency 32] [--partition-bytes 8388608] [--repeats 1]

Input: ``../shared/data/arena_conversations.jsonl`` repeated to ``--conversations`` conversations. Every copy
gets a new id and a marker appended to its first user turn, so that the contents are distinct: otherwise the
engine's content-hash dedupe would classify only the 2,129 originals and the figure would measure the dedupe.
``polars:multi`` (the target) runs on the full input; the other runs on the first ``--others`` conversations
(``--single`` for the single strategy, which makes five times the calls), to keep the default run within
about six minutes (5.5 measured). 5 classifiers each. The Polars runs use ``classify.workers`` processes (``--workers``);
every client is capped at ``--max-concurrency`` requests in flight (see docs/classify.md: against a
millisecond-latency local endpoint the adaptive limit grows to ~480 and the HTTP pool's per-request
bookkeeping, linear in open connections, then costs more than the rest of the call).

Each run is a separate process (``semtel_core.classify.run.classify_run``), so that its peak RSS is its own:
the figure is the peak of the summed RSS of that process and its children (the Spark JVM and Python workers),
sampled every 0.2 s; the endpoint runs in its own process, started once, and is not included. CPU seconds of
the classify process tree and of the endpoint are reported so that it is visible which side is saturated.
Throughput = result rows / time of the classify phase (reading and bucketing the input excluded, reported
apart as "staging").
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson
import psutil

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "arena_conversations.jsonl"
CLASSIFIERS = "user_expertise,topic,satisfaction,task_complexity,knowledge_work"


def build_input(path: Path, conversations: int) -> None:
    originals = [orjson.loads(line) for line in DATA.read_bytes().splitlines() if line.strip()]
    with path.open("wb") as out:
        for i in range(conversations):
            record = dict(originals[i % len(originals)])
            copy = i // len(originals)
            record["conversation_id"] = f"{record['conversation_id']}-{copy}"
            if copy:
                messages = [dict(m) for m in record["messages"]]
                first_user = next(m for m in messages if m["role"] == "user")
                first_user["content"] = f"{first_user['content']}\n[copy {copy}]"
                record["messages"] = messages
            out.write(orjson.dumps(record) + b"\n")


def _tree(process: psutil.Process) -> list[psutil.Process]:
    try:
        return [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _rss(processes: list[psutil.Process]) -> int:
    total = 0
    for p in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total


def _cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for p in processes:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def measure(command: list[str], endpoint: psutil.Process) -> dict[str, Any]:
    """Run one classify process; sample its tree's RSS and CPU until it ends."""
    endpoint_cpu = _cpu([endpoint])
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    root = psutil.Process(child.pid)
    peak, cpu_seen = 0, 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, cpu_seen
        while not done.is_set():
            tree = _tree(root)
            peak = max(peak, _rss(tree))
            cpu_seen = max(cpu_seen, _cpu(tree))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"run failed ({child.returncode}): {' '.join(command)}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    result.update(
        peak_rss_mb=peak / 2**20, client_cpu_s=cpu_seen, endpoint_cpu_s=_cpu([endpoint]) - endpoint_cpu
    )
    return result


def one_run(args: argparse.Namespace) -> None:
    """The child: classify ``--input`` with one engine and strategy; print the figures as one JSON line."""
    from semtel_core.classify.run import classify_run
    from semtel_core.config import load_settings

    engine, strategy = args.one.split(":")
    endpoint = {"name": "local", "base_url": args.url, "model": "instant"}
    classify = {"partition_bytes": args.partition_bytes, "workers": args.workers if engine == "polars" else 1}
    client = {"max_concurrency": args.max_concurrency} if args.max_concurrency else {}
    settings = load_settings(endpoints=[endpoint], classify=classify, client=client)
    with tempfile.TemporaryDirectory(prefix="semtel-throughput-") as output:
        started = time.monotonic()
        summary = classify_run(
            [args.input],
            output,
            settings,
            classifiers=CLASSIFIERS.split(","),
            strategy=strategy,
            engine=engine,
        )
    figures = {
        "engine": engine,
        "strategy": strategy,
        "conversations": summary.accepted,
        "rows": summary.rows,
        "calls": summary.calls,
        "partitions": summary.partitions,
        "workers": settings.classify.workers,
        "statuses": summary.statuses,
        "classify_s": summary.classify_s,
        "staging_s": summary.elapsed_s - summary.classify_s,
        "total_s": time.monotonic() - started,
        "rows_per_s": summary.rows / summary.classify_s,
    }
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=100_000, help="input size of polars:multi")
    parser.add_argument("--others", type=int, default=10_000, help="input size of the other runs")
    parser.add_argument("--single", type=int, default=5_000, help="input size of the single-strategy runs")
    parser.add_argument(
        "--runs", default="polars:multi,polars:batched,polars:single,spark:multi,spark:batched"
    )
    parser.add_argument("--repeats", type=int, default=1, help="runs per configuration; medians are printed")
    parser.add_argument("--partition-bytes", type=int, default=8 << 20, help="input bytes per bucket")
    parser.add_argument("--workers", type=int, default=2, help="classify.workers of the polars runs")
    parser.add_argument(
        "--max-concurrency", type=int, default=32, help="client.max_concurrency per client (0: the default)"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_run(args)
        return
    if not DATA.is_file():
        raise SystemExit(f"{DATA} is missing")
    from semtel_core.endpoint.testing import running_endpoint

    print(f"cores: {psutil.cpu_count()}  load average: {psutil.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="semtel-throughput-in-") as tmp:
        inputs = {}
        for n in sorted({args.conversations, args.others, args.single}):
            inputs[n] = Path(tmp) / f"arena-{n}.jsonl"
            build_input(inputs[n], n)
        with running_endpoint("--lazy-load", "--stats-interval", "3600") as url:
            endpoint = next(p for p in psutil.Process().children() if "endpoint" in " ".join(p.cmdline()))
            for run in args.runs.split(","):
                n = args.conversations if run == "polars:multi" else args.others
                n = args.single if run.endswith(":single") else n
                command = [sys.executable, __file__, "--one", run, "--input", str(inputs[n]), "--url", url]
                command += ["--partition-bytes", str(args.partition_bytes), "--workers", str(args.workers)]
                command += ["--max-concurrency", str(args.max_concurrency)]
                results = [measure(command, endpoint) for _ in range(args.repeats)]
                _print(run, results)


def _print(run: str, results: list[dict[str, Any]]) -> None:
    def med(key: str) -> float:
        return statistics.median(r[key] for r in results)

    first = results[0]
    rates = ", ".join(f"{r['rows_per_s']:,.0f}" for r in results)
    print(
        f"{run:15} conversations {first['conversations']:>7,}  rows {first['rows']:>7,}  calls {first['calls']:>7,}"
        f"  partitions {first['partitions']} workers {first['workers']}  {med('rows_per_s'):>7,.0f} classifications/s (runs: {rates})"
        f"  classify {med('classify_s'):.1f} s  staging {med('staging_s'):.1f} s"
        f"  peak RSS {med('peak_rss_mb'):,.0f} MB  CPU s client {med('client_cpu_s'):.0f} / endpoint "
        f"{med('endpoint_cpu_s'):.0f}  statuses {first['statuses']}",
        flush=True,
    )


if __name__ == "__main__":
    main()
