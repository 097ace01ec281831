"""``semtel validate``: read inputs, report accepted/rejected counts by reason, write the rejects."""

from __future__ import annotations

from pathlib import Path

import typer

from semtel_core.cli.common import (
    CONFIG_OPTION,
    byte_progress,
    clean_errors,
    out,
    row_counts_table,
    settings_from,
    total_size,
)
from semtel_core.ingest.formats import InputFormat
from semtel_core.ingest.rejects import Reject
from semtel_core.ingest.scan import ScanCounts, reconcile, scan
from semtel_core.privacy.outbound import Outbound
from semtel_core.schema.arrow import REJECT_SCHEMA
from semtel_core.storage import RowSink


@clean_errors
def validate(
    inputs: list[str] = typer.Argument(
        ..., help="Input files (JSONL, Parquet, CSV; local paths or fsspec URIs)."
    ),
    fmt: InputFormat = typer.Option(InputFormat.AUTO, "--format", "-f", help="Input shape."),
    rejects: str = typer.Option(
        "rejects.jsonl", "--rejects", "-r", help="Where to write rejected rows (.jsonl or .parquet)."
    ),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Validate conversations: count accepted and rejected rows by reason and write the rejects.

    Exit code 0 when the files were read (even with rejected rows); 2 when a file cannot be read.
    """
    settings = settings_from(config)
    counts = ScanCounts()
    outbound = Outbound(settings.privacy)  # reject rows hold raw text: scrubbed before they are written
    with (
        RowSink(rejects, REJECT_SCHEMA, settings.input.chunk_rows) as sink,
        byte_progress("validating", total_size(inputs)) as advance,
    ):
        for item in scan(inputs, settings.input, counts, fmt, advance):
            if isinstance(item, Reject):
                sink.add(item.to_row(outbound.text))
    reconcile(counts.read, counts.accepted, sink.rows, step="validate", blank=counts.blank)
    _print_report(counts, sink.rows, rejects)


def _print_report(counts: ScanCounts, written: int, rejects: str) -> None:
    out.print(row_counts_table("semtel validate", counts.read, counts.accepted, counts.rejected))
    out.print(
        f"reconciled: read {counts.read} = accepted {counts.accepted} + rejected {written} + blank {counts.blank}"
    )
    out.print(f"rejects written to {rejects}")
