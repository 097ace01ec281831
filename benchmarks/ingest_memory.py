"""Peak memory and speed of reading a large JSONL file (issue: 1 GB must stay under 500 MB peak RSS).

Generates a JSONL file of the requested size from ../shared/data/arena_conversations.jsonl (real conversations,
repeated with fresh ids; a synthetic conversation when ../shared is absent), then runs ``semtel validate`` and,
with --extract, ``semtel run`` (validate + PII scrub + sample + write Parquet) on it in a child process, and reports
the child's peak RSS (getrusage) and throughput.

    .venv/bin/python benchmarks/ingest_memory.py --size-mb 1024 [--extract]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARENA = REPO.parent / "shared" / "data" / "arena_conversations.jsonl"


def _templates() -> list[dict[str, object]]:
    if ARENA.exists():
        return [json.loads(line) for line in ARENA.read_text(encoding="utf-8").splitlines() if line.strip()]
    msg = {
        "role": "user",
        "content": "How do I parse a large JSON file in Python without loading it all? " * 5,
    }
    return [{"messages": [msg, {"role": "assistant", "content": "Stream it line by line. " * 20}]}]


def generate(path: Path, size_bytes: int) -> int:
    templates = _templates()
    rows = 0
    written = 0
    with path.open("wb") as fh:
        while written < size_bytes:
            t = templates[rows % len(templates)]
            line = (
                json.dumps({"conversation_id": f"bench-{rows}", "messages": t["messages"]}).encode() + b"\n"
            )
            fh.write(line)
            written += len(line)
            rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument(
        "--extract", action="store_true", help="also measure `semtel run` (scrub + sample + write)"
    )
    ns = parser.parse_args()
    semtel = str(Path(sys.executable).with_name("semtel"))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "big.jsonl"
        rows = generate(data, ns.size_mb * 1024 * 1024)
        size_mb = data.stat().st_size / 1024 / 1024
        print(f"input: {size_mb:.0f} MB, {rows} conversations ({'arena' if ARENA.exists() else 'synthetic'})")
        # Each measurement in its own interpreter, so getrusage's running maximum belongs to it alone.
        cases = [("validate", [semtel, "validate", str(data), "--rejects", f"{tmp}/rejects.jsonl"])]
        if ns.extract:
            cases.append(
                (
                    "run (extract)",
                    [semtel, "run", "--no-classify", "--input", str(data), "--output", f"{tmp}/out"],
                )
            )
        print(f"{'command':<16}{'seconds':>10}{'MB/s':>10}{'peak RSS MB':>14}")
        for name, cmd in cases:
            probe = [sys.executable, "-c", _PROBE, *cmd]
            out = subprocess.run(probe, check=True, capture_output=True, text=True).stdout.split()
            elapsed, peak_mb = float(out[-2]), float(out[-1])
            print(f"{name:<16}{elapsed:>10.1f}{size_mb / elapsed:>10.1f}{peak_mb:>14.0f}")


_PROBE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""

if __name__ == "__main__":
    main()
