"""``semtel batch submit|status|collect|cancel``: the provider Batch API from the command line.

``submit --wait`` runs the whole thing (submit or re-attach, wait with a progress display of the batches'
``request_counts``, collect); SIGTERM or Ctrl-C while it runs cancels the remote batches. Exit code 2 with one
line on a :class:`~semtel_core.errors.SemtelError`; 130 after a kill.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
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


def _quiet_http_logs() -> None:
    """One INFO line per HTTP request would bury the progress display and the report."""
    for name in ("httpx", "httpx2"):
        logging.getLogger(name).setLevel(logging.WARNING)


if TYPE_CHECKING:
    import pyarrow as pa

    from semtel_core.batch.collection import CollectSummary
    from semtel_core.batch.state import BatchRunState
    from semtel_core.config import Settings

batch_app = typer.Typer(help="Provider Batch API: submit, status, collect, cancel.", no_args_is_help=True)
STATE_OPTION = typer.Option(..., "--state", "-s", help="State directory of the run (one per partition).")


def _read_partition(inputs: list[str], settings: Settings, state_dir: str) -> pa.Table:
    """The accepted conversations; rejected rows go to ``<state dir>/rejects.parquet`` with their reasons."""
    import pyarrow as pa

    from semtel_core import storage
    from semtel_core.ingest.rejects import Reject
    from semtel_core.ingest.scan import ScanCounts, scan
    from semtel_core.privacy.outbound import Outbound
    from semtel_core.schema.arrow import CONVERSATION_SCHEMA, REJECT_SCHEMA
    from semtel_core.storage import RowSink

    counts = ScanCounts()
    outbound = Outbound(settings.privacy)
    rows = []
    rejects_path = storage.join(state_dir, "rejects.parquet")
    with RowSink(rejects_path, REJECT_SCHEMA, settings.input.chunk_rows) as rejects:
        for item in scan(inputs, settings.input, counts):
            if isinstance(item, Reject):
                rejects.add(item.to_row(outbound.text))
            else:
                rows.append(item.to_row())
    if counts.rejected_total:
        console.print(
            f"{counts.rejected_total} input rows rejected: {dict(counts.rejected)} (not submitted); "
            f"each with its reason in {rejects_path}",
            soft_wrap=True,
        )
    return pa.Table.from_pylist(rows, schema=CONVERSATION_SCHEMA)


class _CountsDisplay:
    """One progress bar per batch: completed / total, failed, status."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[int, TaskID] = {}

    def update(self, state: BatchRunState) -> None:
        for part in state.parts:
            counts = part.request_counts
            if part.index not in self.tasks:
                self.tasks[part.index] = self.progress.add_task(
                    f"batch {part.index}", total=part.requests, failed=0, status=""
                )
            self.progress.update(
                self.tasks[part.index],
                total=counts.total or part.requests,
                completed=counts.completed + counts.failed,
                failed=counts.failed,
                status=part.status or "not created",
            )


@contextmanager
def _counts_display() -> Iterator[_CountsDisplay]:
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("failed {task.fields[failed]}"),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    with progress:
        yield _CountsDisplay(progress)


def _print_state(state: BatchRunState) -> None:
    table = Table(title=f"semtel batch: run {state.run_id} ({state.model} at {state.endpoint})")
    for column in ("part", "batch", "status", "total", "completed", "failed"):
        table.add_column(column)
    for part in state.parts:
        c = part.request_counts
        batch = (part.batch_id or "-") + (" (re-attached)" if part.reattached else "")
        row = (part.index, batch, part.status or "-", c.total or part.requests, c.completed, c.failed)
        table.add_row(*(str(v) for v in row))
    print_wide(table, out)
    counts = state.request_counts()
    out.print(
        f"run status: {state.summary_status()}; requests {counts.total}, completed {counts.completed}, "
        f"failed {counts.failed}; fingerprint {state.fingerprint[:16]}"
    )


def _print_summary(summary: CollectSummary) -> None:
    table = Table(title=f"semtel batch collect: run {summary.run_id}")
    for column in ("path", "rows", "prompt tokens", "completion tokens", "est. cost"):
        table.add_column(column, justify="right")
    for name, line in summary.cost.items():
        table.add_row(
            name,
            f"{line.rows:,}",
            f"{line.prompt_tokens:,}",
            f"{line.completion_tokens:,}",
            f"${line.cost_usd:.4f}",
        )
    print_wide(table, out)
    out.print(
        f"{summary.conversations} conversations -> {summary.rows} rows {summary.statuses}; batch requests "
        f"{summary.batch_requests}, answered {summary.answered}, sent online {summary.online_by_reason}"
    )
    out.print(f"results: {summary.results_path}", soft_wrap=True)


@batch_app.command("submit")
@clean_errors
def submit_cmd(
    inputs: list[str] = typer.Option(..., "--input", "-i", help="Conversations of one partition."),
    state_dir: str = STATE_OPTION,
    classifiers: str | None = typer.Option(None, "--classifiers", help="Comma-separated; default: settings."),
    run_id: str | None = typer.Option(None, "--run-id", help="Stamped on every row; default: a new id."),
    wait: bool = typer.Option(False, "--wait", help="Wait for the batches and collect (Ctrl-C cancels)."),
    interval: float | None = typer.Option(None, "--interval", help="Seconds between polls (with --wait)."),
    output: str | None = typer.Option(None, "--output", "-o", help="Results file (with --wait)."),
    no_scrub: bool = NO_SCRUB_OPTION,
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Submit a partition (re-attaches when STATE already holds this submission)."""
    _quiet_http_logs()
    settings = settings_from(config, no_scrub=no_scrub)
    names = [n.strip() for n in classifiers.split(",") if n.strip()] if classifiers else None
    table = _read_partition(inputs, settings, state_dir)
    if not wait:
        from semtel_core.batch.submission import submit

        _print_state(submit(table, state_dir, settings, classifiers=names, run_id=run_id))
        return
    from semtel_core.batch.run import run_batch

    try:
        with _counts_display() as display:
            _, summary = run_batch(
                table,
                state_dir,
                settings,
                classifiers=names,
                run_id=run_id,
                output=output,
                on_update=display.update,
                interval_s=interval,
            )
    except KeyboardInterrupt:
        console.print("[bold red]killed:[/] remote batches cancelled (their finished results are kept)")
        raise typer.Exit(code=130) from None
    _print_summary(summary)


@batch_app.command("status")
@clean_errors
def status_cmd(
    state_dir: str = STATE_OPTION,
    watch: bool = typer.Option(False, "--watch", help="Keep polling until every batch has ended."),
    interval: float | None = typer.Option(None, "--interval", help="Seconds between polls (with --watch)."),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Poll the run's batches and show their request counts."""
    from semtel_core.batch.lifecycle import poll, wait
    from semtel_core.batch.state import require_state

    _quiet_http_logs()
    settings = settings_from(config)
    state = require_state(state_dir)
    if watch:
        with _counts_display() as display:
            state = wait(state, settings, on_update=display.update, interval_s=interval)
    else:
        state = poll(state, settings)
    _print_state(state)


@batch_app.command("collect")
@clean_errors
def collect_cmd(
    state_dir: str = STATE_OPTION,
    output: str | None = typer.Option(
        None, "--output", "-o", help="Results file; default: STATE/results.parquet."
    ),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Download the results, do failed/expired/missing items online, write one row per conversation x classifier."""
    from semtel_core.batch.collection import collect
    from semtel_core.batch.lifecycle import poll
    from semtel_core.batch.state import require_state

    _quiet_http_logs()
    settings = settings_from(config)
    state = poll(require_state(state_dir), settings)
    _, summary = collect(state, settings, output=output)
    _print_summary(summary)


@batch_app.command("cancel")
@clean_errors
def cancel_cmd(state_dir: str = STATE_OPTION, config: Path | None = CONFIG_OPTION) -> None:
    """Cancel every batch of the run that has not ended."""
    from semtel_core.batch.lifecycle import cancel
    from semtel_core.batch.state import require_state

    _quiet_http_logs()
    settings = settings_from(config)
    _print_state(cancel(require_state(state_dir), settings))
