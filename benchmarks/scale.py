"""The whole weekly DAG at scale: CPU, memory and Airflow metadata per step, and what 300 M a week would need.

A synthetic week is built from the real conversations in ../shared/data (resampled; new ids, a marker in the
first user turn so contents stay distinct, timestamps spread over the week), written as Hive date partitions
(``date=YYYY-MM-DD/part-00000.jsonl``, plus one day before the week that the extract must prune), with a
controlled share of content duplicates and of bad rows (invalid JSON, a null content, a repeated id). It runs
through the weekly DAG with ``dag.test()`` against the local endpoint's ``instant`` model with no limits
(``multi`` strategy, every classifier online), with ``engine: polars`` and with ``engine: spark`` on a Spark
standalone master and two workers that this script starts on the machine.

While the run goes, every process of this benchmark except the endpoint is sampled (psutil, every 0.2 s): the
dag.test process and its workers, the spark-submit driver and its Python, the executors and their Python workers,
the master and worker daemons. A step's figures come from the windows of its task instances (start and end in
Airflow's metadata database): wall time, CPU seconds of every sampled process in those windows, and the peak RSS
of each kind of process. Rows in and out come from the tasks' return values (XCom). The endpoint stands for the
LLM and is left out, as is time spent waiting on it.

    .venv/bin/python benchmarks/scale.py --sizes 100000 --engines polars spark
    .venv/bin/python benchmarks/scale.py --sizes 100000 1000000 --engines polars

Skips (exit 0, a message) when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from semtel_core.endpoint.testing import free_port, running_endpoint  # noqa: E402
from semtel_core.pipeline import dag_test  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
SOURCES = ("arena_conversations.jsonl", "uss_mwoz.jsonl", "uss_sgd.jsonl", "arena_hard_v2_prompts.jsonl")
WEEK = date(2026, 10, 5)
DAG_ID = "semantic_telemetry_weekly"
DAY_S, WEEK_S = 24 * 3600, 7 * 24 * 3600
TARGET_CONVERSATIONS = 300_000_000


# ---------------------------------------------------------------------------------------------------------------
# The synthetic week


def _templates() -> list[list[dict[str, str]]]:
    found: list[list[dict[str, str]]] = []
    for name in SOURCES:
        # split("\n"), not splitlines(): contents hold U+2028 and other breaks splitlines() cuts at
        for line in (SHARED / name).read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            messages = json.loads(line).get("messages") or []
            kept = [
                {"role": m["role"], "content": m["content"]}
                for m in messages
                if m.get("role") in ("user", "assistant")
                and isinstance(m.get("content"), str)
                and m["content"]
            ]
            if kept and kept[0]["role"] == "user":
                found.append(kept)
    return found


@dataclass
class WeekCounts:
    rows: int = 0
    in_week: int = 0
    outside: int = 0
    content_duplicates: int = 0
    bad: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def build_week(root: Path, n: int, *, seed: int, dup_share: float, bad_share: float) -> WeekCounts:
    """``n`` conversations timestamped in the week of WEEK, plus n/100 the day before (pruned by date)."""
    templates = _templates()
    rng = random.Random(seed)
    counts = WeekCounts()
    files: dict[date, Any] = {}
    try:

        def out(day: date) -> Any:
            if day not in files:
                folder = root / f"date={day.isoformat()}"
                folder.mkdir(parents=True, exist_ok=True)
                files[day] = (folder / "part-00000.jsonl").open("w", encoding="utf-8")
            return files[day]

        previous: tuple[str, list[dict[str, str]]] | None = None
        for i in range(n + n // 100):
            in_week = i < n
            day = WEEK + timedelta(days=rng.randrange(7)) if in_week else WEEK - timedelta(days=1)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                seconds=rng.randrange(86_400)
            )
            cid = f"scale-{seed}-{i:09d}"
            roll = rng.random()
            fh = out(day)
            counts.rows += 1
            counts.in_week += in_week
            counts.outside += not in_week
            if in_week and roll < bad_share and previous is not None:
                kind = ("invalid_json", "missing_content", "duplicate_id")[i % 3]
                counts.bad[kind] += 1
                if kind == "invalid_json":
                    fh.write('{"conversation_id": "' + cid + '", "messages": [\n')
                elif kind == "missing_content":
                    record = {
                        "conversation_id": cid,
                        "timestamp": moment.isoformat(),
                        "messages": [{"role": "user", "content": None}],
                    }
                    fh.write(json.dumps(record) + "\n")
                else:
                    record = {
                        "conversation_id": previous[0],
                        "timestamp": moment.isoformat(),
                        "messages": previous[1],
                    }
                    fh.write(json.dumps(record) + "\n")
                continue
            if in_week and roll < bad_share + dup_share and previous is not None:
                messages = previous[1]  # same content, new id: the engine classifies it once
                counts.content_duplicates += 1
            else:
                messages = [dict(m) for m in rng.choice(templates)]
                messages[0]["content"] = f"{messages[0]['content']}\n[{cid}]"
            record = {"conversation_id": cid, "timestamp": moment.isoformat(), "messages": messages}
            fh.write(json.dumps(record) + "\n")
            previous = (cid, messages)
    finally:
        for fh in files.values():
            fh.close()
    return counts


# ---------------------------------------------------------------------------------------------------------------
# Sampling every process of the run


def _kind(proc: psutil.Process) -> str:
    try:
        cmd = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "gone"
    # Most specific first: an executor's command line also names its worker and driver.
    if "CoarseGrainedExecutorBackend" in cmd:
        return "spark executor (JVM)"
    if "pyspark.daemon" in cmd or "pyspark.worker" in cmd:
        return "spark executor (Python)"
    if "deploy.master.Master" in cmd:
        return "spark master"
    if "deploy.worker.Worker" in cmd:
        return "spark worker daemon"
    if "SparkSubmit" in cmd:
        return "spark driver (JVM)"
    if "spark_job" in cmd:
        return "spark driver (Python)"
    if "semtel_core.pipeline.dag_test" in cmd:
        return "task process (dag.test)"
    return "task workers"


@dataclass
class Sample:
    t: float
    rss: int
    cpu: float


class Sampler:
    """Every descendant of this process but the excluded trees, every ``interval`` seconds."""

    def __init__(self, exclude: set[int], interval: float = 0.2) -> None:
        self.exclude = exclude
        self.interval = interval
        self.series: dict[tuple[int, float], list[Sample]] = defaultdict(list)
        self.kinds: dict[tuple[int, float], str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _excluded(self, proc: psutil.Process) -> bool:
        with contextlib.suppress(psutil.Error):
            return proc.pid in self.exclude or any(p.pid in self.exclude for p in proc.parents())
        return True

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            now = time.time()
            for proc in me.children(recursive=True):
                if self._excluded(proc):
                    continue
                try:
                    with proc.oneshot():
                        times = proc.cpu_times()
                        sample = Sample(now, proc.memory_info().rss, times.user + times.system)
                        # pid and start time: pids are reused (pid_max is 32,768 on these machines, and a 1 M
                        # run starts thousands of processes); a reused pid would inherit the label and the CPU
                        # series of the process before it
                        key = (proc.pid, proc.create_time())
                except psutil.Error:
                    continue
                # The label of the latest command line: a JVM that forks an executor shows its own command line
                # in the child until the exec, and a label fixed at first sight kept the Worker daemon's name
                # on an executor JVM (the 1.7 GB "worker daemon" of the first 1 M run)
                kind = _kind(proc)
                if kind != "gone" or key not in self.kinds:  # a process exiting keeps the label it had
                    self.kinds[key] = kind
                self.series[key].append(sample)
            self._stop.wait(self.interval)

    def window(self, start: float, end: float) -> tuple[float, dict[str, int]]:
        """CPU seconds of every process in [start, end] and the peak RSS of each kind of process."""
        cpu = 0.0
        peaks: dict[str, int] = defaultdict(int)
        for key, series in self.series.items():
            inside = [s for s in series if start <= s.t <= end]
            if not inside:
                continue
            before = [s for s in series if s.t < start]
            base = before[-1].cpu if before else 0.0  # a process born in the window starts at 0
            cpu += inside[-1].cpu - base
            kind = self.kinds.get(key, "gone")
            if kind != "gone":  # exited before its command line could be read: its CPU still counts
                peaks[kind] = max(peaks[kind], max(s.rss for s in inside))
        return cpu, dict(peaks)


# ---------------------------------------------------------------------------------------------------------------
# Spark standalone


def spark_conf_dir(work: Path, heap: str) -> Path:
    """A ``spark-defaults.conf`` (what a deployment sets; spark-submit and PySpark's own launcher read it through
    ``SPARK_CONF_DIR``) that pins every driver's and executor's heap at ``heap``: ``-Xms`` equal to the maximum and
    touched at start, so a JVM's resident memory is its setting from the first second rather than whatever the
    collector has grown into, and a week that does not fit fails instead of growing."""
    conf = work / "spark-conf"
    conf.mkdir(parents=True, exist_ok=True)
    pinned = f"-Xms{heap} -XX:+AlwaysPreTouch"
    (conf / "spark-defaults.conf").write_text(
        f"spark.driver.memory {heap}\n"
        f"spark.executor.memory {heap}\n"
        f"spark.driver.extraJavaOptions {pinned}\n"
        f"spark.executor.extraJavaOptions {pinned}\n"
    )
    return conf


@contextlib.contextmanager
def spark_cluster(work: Path, workers: int = 2, cores: int = 1, memory: str = "2g") -> Iterator[str]:
    import pyspark

    spark_class = Path(pyspark.__file__).parent / "bin" / "spark-class"
    port = free_port()
    env = {
        **os.environ,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_WORKER_DIR": str(work / "worker"),
        "SPARK_LOG_DIR": str(work / "logs"),
    }
    (work / "logs").mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen[bytes]] = []
    master = f"spark://127.0.0.1:{port}"

    def start(name: str, args: list[str]) -> None:
        log = (work / "logs" / f"{name}.log").open("wb")
        procs.append(
            subprocess.Popen([str(spark_class), *args], env=env, stdout=log, stderr=subprocess.STDOUT)
        )

    try:
        start(
            "master",
            [
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--webui-port",
                str(free_port()),
            ],
        )
        deadline = time.monotonic() + 60
        while (
            not (work / "logs" / "master.log").read_text(errors="replace").count("I have been elected leader")
        ):
            if time.monotonic() > deadline:
                raise RuntimeError(
                    "Spark master did not start: " + (work / "logs" / "master.log").read_text()
                )
            time.sleep(0.5)
        for i in range(workers):
            start(
                f"worker-{i}",
                [
                    "org.apache.spark.deploy.worker.Worker",
                    "--cores",
                    str(cores),
                    "--memory",
                    memory,
                    "--webui-port",
                    str(free_port()),
                    master,
                ],
            )
        deadline = time.monotonic() + 60
        while (work / "logs" / "master.log").read_text(errors="replace").count(
            "Registering worker"
        ) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    "Spark workers did not register: " + (work / "logs" / "master.log").read_text()
                )
            time.sleep(0.5)
        yield master
    finally:
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                for child in psutil.Process(proc.pid).children(recursive=True):
                    child.kill()
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------------------------------------------------
# One run of the weekly DAG


def _parse_time(value: str | None) -> float | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace(" ", "T")).replace(tzinfo=UTC).timestamp()


def _metadata(db: Path) -> tuple[list[dict[str, Any]], dict[tuple[str, int], Any], int]:
    with sqlite3.connect(db) as conn:
        tis = [
            {"task_id": t, "map_index": m, "state": s, "start": _parse_time(a), "end": _parse_time(b)}
            for t, m, s, a, b in conn.execute(
                "select task_id, map_index, state, start_date, end_date from task_instance"
            )
        ]
        values = {}
        xcom_bytes = 0
        for t, m, v in conn.execute("select task_id, map_index, value from xcom where key = 'return_value'"):
            raw = v if isinstance(v, str) else bytes(v).decode("utf-8", "replace")
            xcom_bytes += len(raw)
            with contextlib.suppress(ValueError):
                values[(t, m)] = json.loads(raw)
    return tis, values, xcom_bytes


def _rows(task: str, values: list[Any]) -> tuple[int | None, int | None]:
    """Rows in and out of a step, from its return values where they say."""

    def total(key: str) -> int | None:
        found = [v.get(key) for v in values if isinstance(v, dict) and isinstance(v.get(key), int)]
        return sum(found) if found else None

    pairs = {
        "extract": ("read", "sampled"),
        "plan": ("conversations", "partitions"),
        "classify": ("conversations", "rows"),
        "grade": ("rows", "rows"),
        "grade_summary": ("rows", "graded"),
        "validate": ("rows", "rows"),
        "load": ("rows", "rows"),
    }
    if task not in pairs:
        return None, None
    return total(pairs[task][0]), total(pairs[task][1])


def run_once(n: int, engine: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    data = tmp / f"week-{n}"
    if not data.exists():
        started = time.perf_counter()
        counts = build_week(data, n, seed=args.seed, dup_share=args.dup_share, bad_share=args.bad_share)
        print(
            f"built {n:,} conversations (+{counts.outside:,} the day before; {counts.content_duplicates:,} content "
            f"duplicates; bad {dict(counts.bad)}) in {time.perf_counter() - started:.0f}s",
            flush=True,
        )
    out = tmp / f"out-{engine}-{n}"
    shutil.rmtree(out, ignore_errors=True)
    home = tmp / f"airflow-{engine}-{n}"
    shutil.rmtree(home, ignore_errors=True)
    with contextlib.ExitStack() as stack:
        base_url = stack.enter_context(running_endpoint())
        endpoint_pid = _endpoint_pid(base_url)
        env = dag_test.airflow_env(home)
        env.pop("SEMTEL_CONFIG", None)
        classify: dict[str, Any] = {"strategy": "multi", "engine": engine, "workers": 2}
        if engine == "spark":
            master = stack.enter_context(spark_cluster(tmp / f"spark-{n}"))
            if args.spark_heap:
                env["SPARK_CONF_DIR"] = str(spark_conf_dir(tmp / f"spark-{n}", args.spark_heap))
            classify["spark_master"] = master  # the extract's session (classify_spark is spark-submitted)
            env["AIRFLOW_CONN_SEMTEL_SPARK"] = master
            env["PYSPARK_PYTHON"] = sys.executable
        config = tmp / f"semtel-{engine}-{n}.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "endpoints": [
                        {"name": "local", "base_url": base_url, "model": "instant", "api_key": "bench"}
                    ],
                    "classify": classify,
                    "client": {"shared_budget_url": "local"},
                    "weekly": {"sources": [str(data)], "output_root": str(out)},
                }
            )
        )
        dag_test.migrate(env)
        conf = {
            "config_path": str(config),
            "output_root": str(out),
            "engine": engine,
            "batch_classifiers": [],
        }
        load_before = os.getloadavg()
        started = time.time()
        with Sampler(exclude={endpoint_pid}) as sampler:
            runs = dag_test.run_dag_tests(
                env,
                DAG_ID,
                [datetime(WEEK.year, WEEK.month, WEEK.day, tzinfo=UTC)],
                conf,
                log_path=tmp / f"dag-{engine}-{n}.log",
                timeout_s=args.timeout,
            )
        ended = time.time()
        tis, values, xcom_bytes = _metadata(home / "airflow.db")
    steps = []
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ti in tis:
        by_task[ti["task_id"]].append(ti)
    for task, instances in sorted(by_task.items(), key=lambda kv: min(i["start"] or 1e18 for i in kv[1])):
        ran = [i for i in instances if i["start"] and i["end"]]
        cpu = 0.0
        peaks: dict[str, int] = defaultdict(int)
        for i in ran:
            c, p = sampler.window(i["start"], i["end"])
            cpu += c
            for k, v in p.items():
                peaks[k] = max(peaks[k], v)
        rows_in, rows_out = _rows(task, [values.get((task, i["map_index"])) for i in instances])
        steps.append(
            {
                "step": task,
                "tasks": len(instances),
                "states": sorted({str(i["state"]) for i in instances}),
                "wall_s": sum(i["end"] - i["start"] for i in ran),
                "cpu_s": cpu,
                "peak_rss_mb": {k: v / 2**20 for k, v in sorted(peaks.items())},
                "rows_in": rows_in,
                "rows_out": rows_out,
            }
        )
    total_cpu, total_peaks = sampler.window(started, ended)
    return {
        "engine": engine,
        "conversations": n,
        "state": runs[0].state,
        "wall_s": ended - started,
        "cpu_s": total_cpu,
        "steps_cpu_s": sum(s["cpu_s"] for s in steps),
        "peak_rss_mb": {k: v / 2**20 for k, v in sorted(total_peaks.items())},
        "steps": steps,
        "task_instances": len(tis),
        "xcom_bytes": xcom_bytes,
        "spark_heap": (args.spark_heap or "Spark's defaults") if engine == "spark" else None,
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


def _endpoint_pid(base_url: str) -> int:
    port = int(base_url.rsplit(":", 1)[1].split("/")[0])
    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN and conn.pid:
            return int(conn.pid)
    raise RuntimeError(f"no process listens on {base_url}")


def report(result: dict[str, Any]) -> None:
    n = result["conversations"]
    print(
        f"\n== engine {result['engine']}, {n:,} conversations: run {result['state']}, wall {result['wall_s']:.0f} s, "
        f"{result['task_instances']} task instances, XCom {result['xcom_bytes']:,} bytes; "
        f"load {result['load_before'][0]:.2f} -> {result['load_after'][0]:.2f}"
        + (f"; JVM heaps {result['spark_heap']}" if result.get("spark_heap") else "")
    )
    print(
        f"{'step':<18}{'tasks':>6}{'wall s':>9}{'CPU s':>9}{'CPU s/1k':>10}{'rows in':>12}{'rows out':>12}  peak RSS MB by process"
    )
    for s in result["steps"]:
        peaks = ", ".join(f"{k} {v:,.0f}" for k, v in s["peak_rss_mb"].items())
        rows_in = f"{s['rows_in']:,}" if s["rows_in"] is not None else "-"
        rows_out = f"{s['rows_out']:,}" if s["rows_out"] is not None else "-"
        print(
            f"{s['step']:<18}{s['tasks']:>6}{s['wall_s']:>9.1f}{s['cpu_s']:>9.1f}{1000 * s['cpu_s'] / n:>10.2f}"
            f"{rows_in:>12}{rows_out:>12}  {peaks}"
        )
    per_1000 = 1000 * result["cpu_s"] / n
    week_cpu_s = per_1000 * TARGET_CONVERSATIONS / 1000
    peaks = ", ".join(f"{k} {v:,.0f}" for k, v in result["peak_rss_mb"].items())
    print(
        f"whole run: CPU {result['cpu_s']:.0f} s (steps {result['steps_cpu_s']:.0f} s, the rest is dag.test between "
        f"tasks) = {per_1000:.2f} CPU-s per 1,000 conversations (target <= 8); 300 M a week: "
        f"{week_cpu_s / WEEK_S:.1f} cores busy all week, {week_cpu_s / DAY_S:.1f} cores for a 24 h run "
        f"(the LLM endpoint not counted); peak RSS MB: {peaks}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--engines", nargs="+", choices=["polars", "spark"], default=["polars", "spark"])
    parser.add_argument("--dup-share", type=float, default=0.05)
    parser.add_argument("--bad-share", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--timeout", type=float, default=4 * 3600)
    parser.add_argument("--json", type=Path, help="also write every result here")
    parser.add_argument(
        "--spark-heap",
        default="1g",
        help="every Spark driver's and executor's heap, pinned (-Xms = -Xmx, touched at start); '' for Spark's "
        "defaults, which grow",
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    args = parser.parse_args()
    if not all((SHARED / name).exists() for name in SOURCES):
        print(f"skipped: {SHARED} is not there")
        return 0
    results = []
    with contextlib.ExitStack() as stack:
        tmp = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="semtel-scale-")))
        tmp.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            for engine in args.engines:
                result = run_once(n, engine, args, tmp)
                report(result)
                results.append(result)
    marginal(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def marginal(results: list[dict[str, Any]]) -> None:
    """With two sizes of one engine: the CPU per 1,000 more conversations, without the fixed per-week costs
    (process and JVM starts, Spark applications) that a small week cannot amortise and 300 M conversations do."""
    for engine in sorted({r["engine"] for r in results}):
        runs = sorted((r for r in results if r["engine"] == engine), key=lambda r: r["conversations"])
        if len(runs) < 2 or runs[0]["conversations"] == runs[-1]["conversations"]:
            continue
        small, big = runs[0], runs[-1]
        extra = big["conversations"] - small["conversations"]
        per_1000 = 1000 * (big["cpu_s"] - small["cpu_s"]) / extra
        fixed = small["cpu_s"] - per_1000 * small["conversations"] / 1000
        week_cpu_s = per_1000 * TARGET_CONVERSATIONS / 1000 + fixed
        print(
            f"\n{engine}: marginal {per_1000:.2f} CPU-s per 1,000 conversations between {small['conversations']:,} "
            f"and {big['conversations']:,} (target <= 8), fixed {fixed:.0f} CPU-s a week; 300 M a week: "
            f"{week_cpu_s / WEEK_S:.1f} cores busy all week, {week_cpu_s / DAY_S:.1f} cores for a 24 h run"
        )
        by_step = {s["step"]: s["cpu_s"] for s in small["steps"]}
        steps = ", ".join(
            f"{s['step']} {1000 * (s['cpu_s'] - by_step.get(s['step'], 0.0)) / extra:.2f}"
            for s in big["steps"]
            if s["cpu_s"] >= 1.0
        )
        print(f"  marginal CPU-s per 1,000 by step: {steps}")


if __name__ == "__main__":
    sys.exit(main())
