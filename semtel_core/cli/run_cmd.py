"""``semtel run``: the main job on the embedded default (bundled sample data, local endpoint)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError

from semtel_core.cli.common import (
    CONFIG_OPTION,
    byte_progress,
    clean_errors,
    out,
    row_counts_table,
    settings_from,
    total_size,
)
from semtel_core.config import SamplingSettings
from semtel_core.errors import ConfigError
from semtel_core.sample_data import CONVERSATIONS_PATH

if TYPE_CHECKING:
    from semtel_core.extract import ExtractSummary

BUNDLED_SAMPLE = CONVERSATIONS_PATH


@clean_errors
def run(
    inputs: list[str] = typer.Option(
        [], "--input", "-i", help="Input files; default: the bundled sample of ~300 conversations."
    ),
    output: str = typer.Option(
        "semtel-output/run", "--output", "-o", help="Output folder (local or fsspec URI)."
    ),
    sample_rate: float | None = typer.Option(
        None, "--sample-rate", help="Override sampling.rate (0 < r <= 1)."
    ),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Run the pipeline: validate, scrub PII, sample and dedupe; print what happened to every row."""
    from semtel_core.extract import extract

    settings = settings_from(config)
    if sample_rate is not None:
        try:
            sampling = SamplingSettings(rate=sample_rate, salt=settings.sampling.salt)
        except ValidationError as exc:
            raise ConfigError(f"--sample-rate: {exc.errors()[0]['msg']}", field="sampling.rate") from None
        settings = settings.model_copy(update={"sampling": sampling})
    sources = inputs or [str(BUNDLED_SAMPLE)]
    with byte_progress("extract", total_size(sources)) as advance:
        summary = extract(sources, output, settings, on_bytes=advance)
    _print_summary(summary)


def _print_summary(s: ExtractSummary) -> None:
    table = row_counts_table("semtel run: extract", s.read, s.accepted, s.rejected_by_reason)
    table.add_row(f"sampled (rate {s.sample_rate:g})", str(s.sampled))
    table.add_row("  unique content", str(s.unique_content))
    table.add_row("  duplicate content", str(s.duplicate_content))
    for kind, n in s.pii_replaced.items():
        table.add_row(f"PII replaced: {kind}", str(n))
    out.print(table)
    out.print(f"reconciled: read {s.read} = accepted {s.accepted} + rejected {s.rejected}")
    out.print(f"conversations: {s.conversations_path}\nrejects: {s.rejects_path}")
