"""Is every data step's memory flat in the size of the week? Peak RSS of extract, plan, validate, load and report
(each in a fresh process, Polars engine, as the DAG runs them: validate saves the week's aggregates, load and
report read them) on the synthetic date-partitioned week of ``scale.py`` at several sizes.

The LLM steps are left out on purpose: classify and grade work one planned partition (``classify.partition_tokens``)
at a time whatever the week's size, and classifying 1 M conversations against the local endpoint takes two hours
on this machine (``scale.py`` measures them at 100 k and 300 k). Their result rows are written here instead, one
file per planned partition, with a label the classifier allows (so the quality gate passes as on a real week).
These rows are inputs of the validate and load measurement, not results of anything.

    .venv/bin/python benchmarks/step_memory.py --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import WEEK, build_week

STEPS = ("extract", "plan", "results", "validate", "load", "report")
MEASURED = ("extract", "plan", "validate", "load", "report")


def _week_start() -> datetime:
    return datetime(WEEK.year, WEEK.month, WEEK.day, tzinfo=UTC)


def _write_results(params: dict[str, Any]) -> dict[str, Any]:
    """One result file per planned partition: every conversation x online classifier, status ok."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from semtel_core import storage
    from semtel_core.pipeline.grade_step import RESULTS_DIR
    from semtel_core.pipeline.params import RunParams
    from semtel_core.pipeline.plan import planned_partitions
    from semtel_core.pipeline.shards import read_partition
    from semtel_core.pipeline.weekly import run_week_dir
    from semtel_core.prompts.registry import ClassifierRegistry
    from semtel_core.schema.results import RESULT_SCHEMA, result_row

    run = RunParams.parse(params)
    settings = run.settings()
    names, _ = run.split(settings)
    labels = {c.name: c.labels for c in ClassifierRegistry.from_settings(settings).select(names)}
    week = run_week_dir(params, _week_start())
    created = datetime.now(UTC)
    rows = 0
    for descriptor in planned_partitions(week, "online"):
        conversations = read_partition(descriptor["path"])
        out = []
        for cid, content in zip(
            conversations.column("conversation_id").to_pylist(),
            conversations.column("content_hash").to_pylist(),
            strict=True,
        ):
            pick = int(hashlib.blake2b(content.encode(), digest_size=4).hexdigest(), 16)
            for name in names:
                out.append(
                    result_row(
                        run_id="step-memory",
                        conversation_id=cid,
                        content_hash=content,
                        classifier=name,
                        classifier_version="1",
                        label=labels[name][pick % len(labels[name])],
                        status="ok",
                        strategy="multi",
                        created_at=created,
                    )
                )
        path = storage.join(week, RESULTS_DIR, f"part={int(descriptor['index']):05d}.parquet")
        with storage.atomic_open(path) as fh:
            pq.write_table(pa.Table.from_pylist(out, schema=RESULT_SCHEMA), fh)
        rows += len(out)
    return {"rows_in": rows, "rows_out": rows}


def child(step: str, params: dict[str, Any]) -> None:
    """Run one step in this process and print its figures as JSON (peak RSS from the kernel)."""
    from semtel_core.pipeline.plan import plan_week
    from semtel_core.pipeline.publish_step import load_week_task, report_week, validate_week_task
    from semtel_core.pipeline.weekly import extract_week

    started, cpu = time.perf_counter(), time.process_time()
    if step == "extract":
        out = extract_week(_week_start(), params)
        figures = {"rows_in": out["read"], "rows_out": out["sampled"]}
    elif step == "plan":
        out = plan_week(_week_start(), params)
        figures = {"rows_in": out["conversations"], "rows_out": out["partitions"]}
    elif step == "results":
        figures = _write_results(params)
    elif step == "validate":
        out = validate_week_task(_week_start(), params)
        figures = {"rows_in": out["rows"], "rows_out": len(out["expectations"])}
    elif step == "load":
        out = load_week_task(_week_start(), params)
        figures = {"rows_in": out["rows"], "rows_out": len(out["files"])}
    else:
        from semtel_core import storage
        from semtel_core.pipeline.grade_step import RESULTS_DIR
        from semtel_core.pipeline.publish_step import AGGREGATES_DIR
        from semtel_core.pipeline.weekly import run_week_dir
        from semtel_core.quality.week_counts import fingerprint, saved

        html = report_week(_week_start(), params)
        week = run_week_dir(params, _week_start())
        counts = saved(storage.join(week, AGGREGATES_DIR), fingerprint(storage.join(week, RESULTS_DIR)))
        assert counts is not None, "the report ran without the gate's saved aggregates"
        described = int(counts.per_classifier["rows"].sum())  # the rows its aggregates describe
        figures = {"rows_in": described, "rows_out": Path(html).stat().st_size}
    figures |= {
        "wall_s": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(figures))


def run_size(n: int, tmp: Path, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    data = tmp / f"week-{n}"
    started = time.perf_counter()
    counts = build_week(data, n, seed=args.seed, dup_share=args.dup_share, bad_share=args.bad_share)
    print(
        f"built {n:,} conversations ({counts.rows:,} rows) in {time.perf_counter() - started:.0f}s",
        flush=True,
    )
    config = tmp / f"semtel-{n}.yaml"
    output = tmp / f"out-{n}"
    config.write_text(
        yaml.safe_dump(
            {
                "classify": {"strategy": "multi", "engine": "polars"},
                "weekly": {"sources": [str(data)], "output_root": str(output)},
            }
        )
    )
    params = {
        "config_path": str(config),
        "output_root": str(output),
        "engine": "polars",
        "batch_classifiers": [],
    }
    figures = {}
    for step in STEPS:
        done = subprocess.run(
            [sys.executable, __file__, "--child", step, "--params", json.dumps(params)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"{step} at {n:,} failed:\n{done.stderr[-4000:]}")
        figures[step] = json.loads(done.stdout.strip().splitlines()[-1])
        f = figures[step]
        print(
            f"  {step:<9} {f['wall_s']:7.1f} s wall {f['cpu_s']:7.1f} CPU-s  peak RSS {f['peak_rss_mb']:7.0f} MB"
            f"  rows in {f['rows_in']:,} out {f['rows_out']:,}",
            flush=True,
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--dup-share", type=float, default=0.05)
    parser.add_argument("--bad-share", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, json.loads(args.params))
        return
    with open("/proc/loadavg", encoding="ascii") as fh:
        print(f"load before: {fh.read().split()[:3]}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="semtel-step-memory-") as tmp:
        for n in args.sizes:
            print(f"== {n:,} conversations", flush=True)
            results[n] = run_size(n, Path(tmp), args)
    with open("/proc/loadavg", encoding="ascii") as fh:
        print(f"load after: {fh.read().split()[:3]}")
    base = min(args.sizes)
    print(
        f"\npeak RSS per step (MB), and its ratio to {base:,} conversations (target <= 1.3, and <= 2,048 MB)"
    )
    print("step      " + "".join(f"{n:>14,}" for n in args.sizes) + "   ratio")
    for step in MEASURED:
        peaks = [results[n][step]["peak_rss_mb"] for n in args.sizes]
        ratio = peaks[-1] / peaks[0]
        print(f"{step:<10}" + "".join(f"{p:>14,.0f}" for p in peaks) + f"   {ratio:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
