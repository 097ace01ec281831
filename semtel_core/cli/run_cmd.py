"""``semtel run``: the main job on the embedded default (bundled sample data, local endpoint)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError
from rich.table import Table

from semtel_core import storage
from semtel_core.cli.common import (
    CONFIG_OPTION,
    byte_progress,
    clean_errors,
    out,
    print_wide,
    row_counts_table,
    settings_from,
    total_size,
)
from semtel_core.config import SamplingSettings, Settings
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
    classify: bool = typer.Option(
        True, "--classify/--no-classify", help="Classify the sampled conversations after the extract step."
    ),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Run the pipeline: validate, scrub PII, sample, dedupe, then classify with every configured classifier.

    With the default configuration the bundled offline endpoint is started for the run.
    """
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
    if classify:
        _classify(summary.conversations_path, storage.join(output, "classify"), settings)


def _classify(conversations: str, output: str, settings: Settings) -> None:
    from semtel_core.classify.run import classify_run
    from semtel_core.cli.classify_cmd import live_progress, print_classify_summary
    from semtel_core.endpoint.embedded import embedded_endpoint

    for name in ("httpx", "httpx2"):  # one INFO line per HTTP request otherwise
        logging.getLogger(name).setLevel(logging.WARNING)
    with embedded_endpoint(settings) as run_settings, live_progress() as live:
        summary = classify_run(
            [conversations],
            output,
            run_settings,
            on_staged=live.staged,
            on_progress=live.call,
            on_bucket=live.bucket,
        )
    print_classify_summary(summary)
    out.print(_label_table(storage.join(output, "results")))


def _label_table(results_dir: str) -> Table:
    """The three most frequent labels of each classifier, with their shares."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    table = ds.dataset(results_dir, format="parquet").to_table(columns=["classifier", "label"])
    counts = table.group_by(["classifier", "label"]).aggregate([([], "count_all")]).to_pylist()
    view = Table(title="labels (top 3 per classifier)")
    view.add_column("classifier")
    view.add_column("label")
    view.add_column("share", justify="right")
    for name in sorted(set(pc.unique(table["classifier"]).to_pylist())):
        rows = sorted((r for r in counts if r["classifier"] == name), key=lambda r: -r["count_all"])
        total = sum(r["count_all"] for r in rows)
        for i, r in enumerate(rows[:3]):
            view.add_row(name if i == 0 else "", str(r["label"]), f"{r['count_all'] / total:.0%}")
    return view


def _print_summary(s: ExtractSummary) -> None:
    table = row_counts_table("semtel run: extract", s.read, s.accepted, s.rejected_by_reason)
    table.add_row(f"sampled (rate {s.sample_rate:g})", str(s.sampled))
    table.add_row("  unique content", str(s.unique_content))
    table.add_row("  duplicate content", str(s.duplicate_content))
    for kind, n in s.pii_replaced.items():
        table.add_row(f"PII replaced: {kind}", str(n))
    print_wide(table, out)
    out.print(f"reconciled: read {s.read} = accepted {s.accepted} + rejected {s.rejected} + blank {s.blank}")
    out.print(f"conversations: {s.conversations_path}\nrejects: {s.rejects_path}", soft_wrap=True)
