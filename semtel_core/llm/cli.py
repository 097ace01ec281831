"""``semtel llm run``: send a JSONL file of chat requests through the client, with a live progress bar.

Input lines: ``{"request_id": "...", "messages": [...], "max_tokens": 256, "extra": {...}}`` (``extra`` and
``max_tokens`` optional). Output lines: one result row per request (:meth:`CallResult.as_row`), input order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from semtel_core.cli.common import clean_errors
from semtel_core.errors import InputFileError

llm_app = typer.Typer(help="The rate-limit-aware LLM client.", no_args_is_help=True)


def _read_requests(path: Path) -> list[Any]:
    from semtel_core.llm.types import CallRequest

    requests = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                requests.append(
                    CallRequest(
                        messages=row["messages"],
                        max_tokens=int(row.get("max_tokens", 256)),
                        request_id=str(row.get("request_id", number)),
                        extra=row.get("extra", {}),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise InputFileError(
                    f"{path}:{number}: not a chat request ({exc})", path=str(path), line=number
                ) from None
    return requests


@contextmanager
def _progress(total: int) -> Iterator[Any]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    console = Console(stderr=True)
    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    progress = Progress(
        "[progress.description]{task.description}", *columns, console=console, disable=not console.is_terminal
    )
    with progress:
        yield progress, progress.add_task("llm", total=total)


@llm_app.command("run")
@clean_errors
def run(
    input_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL of chat requests."),
    output_path: Path = typer.Argument(..., dir_okay=False, help="JSONL of result rows."),
    config: Path | None = typer.Option(None, "--config", "-c", help="YAML settings (endpoints, client)."),
    share: int = typer.Option(1, min=1, help="Tasks sharing the endpoints at the same time."),
) -> None:
    """Run every request; failures become rows with status 'error', never a crash."""
    from semtel_core.config import load_settings
    from semtel_core.llm.client import LLMClient
    from semtel_core.llm.runner import complete_many, run_sync

    settings = load_settings(config)
    requests = _read_requests(input_path)
    with _progress(len(requests)) as (progress, task):

        async def go() -> tuple[list[Any], Any]:
            async with LLMClient.from_settings(settings, share=share) as client:

                def on_result(_index: int, _result: Any) -> None:
                    stats = client.stats()
                    line = f"429 {stats.share_429:.1%} · ${stats.cost_usd:.4f} · in flight {stats.in_flight}"
                    progress.update(task, advance=1, description=f"llm · {stats.errors} errors · {line}")

                results = await complete_many(client, requests, on_result)
                return results, client.stats()

        results, stats = run_sync(go)
    with output_path.open("w", encoding="utf-8") as out:
        for result in results:
            out.write(json.dumps(result.as_row()) + "\n")
    typer.echo(stats.summary())
