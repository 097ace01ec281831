"""``semtel classify``: classify conversations with LLM classifiers, with a live progress bar and a summary.

Exit code 0 when the run completed (rows with status ``error`` included: they are results, counted in the
summary); 2 when the run itself failed (bad input or configuration, reconciliation), with one clear line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from semtel_core.cli.common import (
    CONFIG_OPTION,
    NO_SCRUB_OPTION,
    clean_errors,
    console,
    out,
    print_wide,
    settings_from,
)
from semtel_core.errors import ConfigError

if TYPE_CHECKING:
    from semtel_core.classify.job import BucketSummary
    from semtel_core.classify.partition import Progress as CallProgress
    from semtel_core.classify.run import ClassifyRunSummary
    from semtel_core.classify.staging import StagedInput


class _Live:
    """Running totals behind the progress bar (tokens, cost and 429s of every partition so far)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("staging input", total=None, rate="", tokens=0, cost=0.0, r429=0)
        self.started = time.monotonic()
        self.finished = 0
        self.in_bucket = 0
        self.tokens = 0
        self.cost = 0.0
        self.r429: dict[str, int] = {}

    def staged(self, staged: StagedInput) -> None:
        self.started = time.monotonic()
        self.progress.update(self.task, description="classify", total=staged.accepted, completed=0)

    def call(self, event: CallProgress) -> None:
        self.in_bucket += event.conversations_done
        self.tokens += event.prompt_tokens + event.completion_tokens
        self.cost += event.cost_usd
        self.r429[event.partition] = event.rate_limited
        self._show()

    def bucket(self, summary: BucketSummary) -> None:
        # Exact at every bucket end, also for resumed buckets (no calls) and Spark (no per-call events).
        self.finished += summary.conversations
        self.in_bucket = 0
        self.r429[f"bucket={summary.bucket:05d}"] = summary.rate_limited
        self._show()

    def _show(self) -> None:
        done = self.finished + self.in_bucket
        rate = done / max(time.monotonic() - self.started, 1e-9)
        self.progress.update(
            self.task,
            completed=done,
            rate=f"{rate:,.0f} conv/s",
            tokens=self.tokens,
            cost=self.cost,
            r429=sum(self.r429.values()),
        )


@contextmanager
def live_progress() -> Iterator[_Live]:
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TextColumn("tokens {task.fields[tokens]:,}"),
        TextColumn("${task.fields[cost]:.4f}"),
        TextColumn("429s {task.fields[r429]}"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    with progress:
        yield _Live(progress)


@clean_errors
def classify(
    inputs: list[str] = typer.Option(
        ..., "--input", "-i", help="Input file(s): extract output or raw JSONL."
    ),
    output: str = typer.Option(..., "--output", "-o", help="Output folder (local path or fsspec URI)."),
    classifiers: str | None = typer.Option(
        None, "--classifiers", help="Comma-separated classifier names; default: settings.classifiers."
    ),
    strategy: str | None = typer.Option(
        None, "--strategy", help="single | multi | batched (default for classifiers without an override)."
    ),
    engine: str | None = typer.Option(None, "--engine", help="polars | spark; default: classify.engine."),
    run_id: str | None = typer.Option(None, "--run-id", help="Stamped on every row; default: a new id."),
    checkpoint_dir: str | None = typer.Option(
        None, "--checkpoint-dir", help="Where journals live; default: OUTPUT/_checkpoints (needs append)."
    ),
    no_scrub: bool = NO_SCRUB_OPTION,
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Classify every conversation with every classifier; resumes from checkpoints after a crash."""
    from semtel_core.classify.run import classify_run

    if not logging.getLogger().isEnabledFor(logging.DEBUG):  # one INFO line per HTTP request otherwise
        for name in ("httpx", "httpx2"):
            logging.getLogger(name).setLevel(logging.WARNING)
    settings = settings_from(config, no_scrub=no_scrub)
    if engine not in (None, "polars", "spark"):
        raise ConfigError(f"--engine must be polars or spark, got {engine!r}", field="classify.engine")
    names = [n.strip() for n in classifiers.split(",") if n.strip()] if classifiers else None
    with live_progress() as live:
        summary = classify_run(
            inputs,
            output,
            settings,
            classifiers=names,
            strategy=strategy,
            engine=engine,  # type: ignore[arg-type]
            run_id=run_id,
            checkpoint_dir=checkpoint_dir,
            on_staged=live.staged,
            on_progress=live.call,
            on_bucket=live.bucket,
        )
    print_classify_summary(summary)


def print_classify_summary(s: ClassifyRunSummary) -> None:
    table = Table(title=f"semtel classify: run {s.run_id} ({s.engine}, {s.strategy})")
    table.add_column("what")
    table.add_column("value", justify="right")
    rows: list[tuple[str, str]] = [
        ("read", f"{s.read:,}"),
        ("accepted", f"{s.accepted:,}"),
        ("rejected", f"{s.rejected:,}"),
        *((f"  {reason}", f"{n:,}") for reason, n in s.rejected_by_reason.items()),
        ("partitions", f"{s.partitions}"),
        ("unique contents", f"{s.unique_contents:,}"),
        ("result rows", f"{s.rows:,}"),
        *((f"  {status}", f"{n:,}") for status, n in s.statuses.items()),
        ("LLM calls", f"{s.calls:,}"),
        ("rows from checkpoint", f"{s.reused_rows:,}"),
        ("tokens (prompt + completion)", f"{s.prompt_tokens:,} + {s.completion_tokens:,}"),
        ("cost", f"${s.cost_usd:.4f}"),
        ("429 answers", f"{s.rate_limited:,}"),
        ("rate budget", "; ".join(s.rate_budgets) or "-"),
        ("batched: missing / extra / duplicated ids", f"{s.missing_ids} / {s.extra_ids} / {s.duplicate_ids}"),
        ("time", f"{s.elapsed_s:.1f} s ({s.rows / max(s.classify_s, 1e-9):,.0f} classifications/s)"),
        *_embedding_path_rows(s.embedding_paths),
    ]
    for what, value in rows:
        table.add_row(what, value)
    print_wide(table, out)
    out.print(
        f"reconciled: read {s.read} = accepted {s.accepted} + rejected {s.rejected} + blank {s.blank}; "
        f"{s.accepted} conversations x {len(s.classifiers)} classifiers = {s.rows} rows, none duplicated"
    )
    out.print(f"results: {s.output_dir}/results/   rejects: {s.rejects_path}", soft_wrap=True)


def _embedding_path_rows(paths: dict[str, dict[str, int]]) -> list[tuple[str, str]]:
    """Strategy ``embedding``: per classifier, rows kept by the embedding path and rows cascaded to the LLM."""
    rows = [("embedding strategy: kept / to LLM", "")] if paths else []
    for name, counts in paths.items():
        total = max(counts["embedding"] + counts["llm"], 1)
        rows.append(
            (
                f"  {name}",
                f"{counts['embedding']:,} ({counts['embedding'] / total:.0%}) / "
                f"{counts['llm']:,} ({counts['llm'] / total:.0%})",
            )
        )
    return rows
