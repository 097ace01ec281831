"""Shared pieces of CLI commands: config loading, clean errors, progress bars."""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import fsspec
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from semtel_core.config import Settings, load_settings
from semtel_core.errors import SemtelError
from semtel_core.ingest.sources import expand

P = ParamSpec("P")
R = TypeVar("R")

console = Console(stderr=True)
out = Console()

CONFIG_OPTION: Any = typer.Option(
    None, "--config", "-c", help="YAML settings file (SEMTEL_* env vars override)."
)


NO_SCRUB_OPTION = typer.Option(
    False,
    "--no-scrub",
    help="Send text as is: no PII scrubbing in front of the endpoint (logged at WARNING). Only for data that "
    "holds no personal data or was scrubbed elsewhere.",
)


def settings_from(config: Path | None, *, no_scrub: bool = False) -> Settings:
    """The command's settings; ``no_scrub`` is the explicit, logged opt-out of PII scrubbing."""
    if not no_scrub:
        return load_settings(config)
    logging.getLogger("semtel_core.cli").warning(
        "--no-scrub: PII scrubbing is off for this command; conversation text goes to the endpoint as is"
    )
    return load_settings(config, privacy={"enabled": False})


def clean_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`SemtelError` into one clear line on stderr and exit code 2 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except SemtelError as exc:
            console.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=2) from None

    return wrapper


def total_size(paths: Sequence[str]) -> int | None:
    """Bytes of every input file (folders and globs expanded); None when a size cannot be had."""
    try:
        files = expand(paths).files
        return sum(int(fsspec.core.url_to_fs(p)[0].size(fsspec.core.url_to_fs(p)[1]) or 0) for p in files)
    except (OSError, ValueError, SemtelError):
        return None


@contextlib.contextmanager
def byte_progress(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar over bytes read; disabled when stderr is not a terminal."""
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    with progress:
        task = progress.add_task(description, total=total)
        pending = 0

        def advance(n: int) -> None:
            nonlocal pending
            pending += n
            if pending >= 1 << 20:  # update every MiB: rich redraws are not free
                progress.advance(task, pending)
                pending = 0

        yield advance
        progress.advance(task, pending)


@contextlib.contextmanager
def step_progress(log_every_s: float = 15.0) -> Iterator[None]:
    """Bars for the steps :mod:`semtel_core.evaluate.progress` reports, on a terminal; in a log, a line per step
    at most every ``log_every_s`` and when it ends, so a long embedding is never a silent half hour."""
    from semtel_core.evaluate.progress import listening

    if not console.is_terminal:
        last: dict[str, float] = {}

        def to_log(step: str, done: int, total: int) -> None:
            now = time.monotonic()
            if done >= total or now - last.get(step, 0.0) >= log_every_s:
                last[step] = now
                logging.getLogger("semtel_core.progress").info("%s: %d of %d", step, done, total)

        with listening(to_log):
            yield
        return
    bars = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )
    tasks: dict[str, Any] = {}

    def to_bars(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bars.add_task(step, total=total)
        bars.update(tasks[step], completed=done, total=total)

    with bars, listening(to_bars):
        yield


def print_wide(table: Table, to: Console = console) -> None:
    """``table`` at its natural width when the output is a log or a pipe: rich's default of 80 columns there
    folds and cuts the columns ("classif…", "accura…") of every table wider than that."""
    if to.is_terminal:
        to.print(table)
        return
    width = to.measure(table, options=to.options.update_width(10_000)).maximum
    narrow = to.width
    to.width = max(narrow, width)
    try:
        to.print(table)
    finally:
        to.width = narrow


def row_counts_table(title: str, read: int, accepted: int, rejected_by_reason: Mapping[str, int]) -> Table:
    """The read / accepted / rejected-by-reason table every reading command starts its report with."""
    table = Table(title=title)
    table.add_column("rows")
    table.add_column("count", justify="right")
    table.add_row("read", str(read))
    table.add_row("accepted", str(accepted))
    table.add_row("rejected", str(sum(rejected_by_reason.values())))
    for reason, n in sorted(rejected_by_reason.items()):
        table.add_row(f"  {reason}", str(n))
    return table
