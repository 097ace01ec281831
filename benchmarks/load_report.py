"""Speed of the load step and the HTML report on N synthetic conversations x 5 classifiers (medians of 3).

.venv/bin/python benchmarks/load_report.py 1000000
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from semtel_core.config import Settings
from semtel_core.load import load_week
from semtel_core.report import render_report
from semtel_core.schema.results import RESULT_SCHEMA

n_conv = int(sys.argv[1])
rng = np.random.default_rng(0)
labels = {
    "topic": [f"t{i}" for i in range(24)],
    "user_expertise": ["novice", "beginner", "intermediate", "proficient", "expert"],
    "satisfaction": ["dissatisfied", "neutral", "satisfied"],
    "task_complexity": ["low", "high"],
    "knowledge_work": ["yes", "no"],
}
cols = {n: [] for n in RESULT_SCHEMA.names}
ids = np.array([f"c{i:08d}" for i in range(n_conv)])
tables = []
for name, labs in labels.items():
    t = {
        "run_id": pa.array(["bench"] * n_conv),
        "conversation_id": pa.array(ids),
        "content_hash": pa.array(ids),
        "classifier": pa.array([name] * n_conv),
        "classifier_version": pa.array(["1"] * n_conv),
        "label": pa.array(np.array(labs)[rng.integers(0, len(labs), n_conv)]),
        "status": pa.array(["ok"] * n_conv),
        "strategy": pa.array(np.where(rng.random(n_conv) < 0.3, "batch", "multi")),
        "prompt_tokens": pa.array(rng.integers(100, 2000, n_conv)),
        "completion_tokens": pa.array(np.full(n_conv, 12)),
        "cost_usd": pa.array(rng.random(n_conv) * 1e-3),
        "created_at": pa.array([datetime(2026, 11, 17, tzinfo=UTC)] * n_conv, pa.timestamp("us", tz="UTC")),
    }
    tables.append(
        pa.table({f.name: t.get(f.name, pa.nulls(n_conv, f.type)).cast(f.type) for f in RESULT_SCHEMA})
    )
table = pa.concat_tables(tables)
tmp = Path(tempfile.mkdtemp())
pq.write_table(table, tmp / "results.parquet")
loads, reports = [], []
for _ in range(3):
    t0 = time.perf_counter()
    load_week(str(tmp / "results.parquet"), str(tmp / "ds"), "2026-11-16", Settings())
    loads.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    render_report(tmp / "results.parquet", tmp / "r.html", Settings())
    reports.append(time.perf_counter() - t0)
rows = table.num_rows
print(
    f"rows={rows} load_week median={statistics.median(loads):.2f}s ({rows / statistics.median(loads):,.0f} rows/s) "
    f"render_report median={statistics.median(reports):.2f}s peak_rss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
)
