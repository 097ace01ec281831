"""``semtel grade``: re-check classification results with the grader and report flip rates.

Exit code 0 when the re-check ran (rows the grader could not judge are counted, not fatal); 2 with one line on
a :class:`~semtel_core.errors.SemtelError`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from semtel_core.cli.common import CONFIG_OPTION, clean_errors, console, out, print_wide, settings_from


def _quiet_http_logs() -> None:
    """One INFO line per HTTP request would bury the progress display and the report."""
    for name in ("httpx", "httpx2"):
        logging.getLogger(name).setLevel(logging.WARNING)


if TYPE_CHECKING:
    from semtel_core.grader.report import GradeReport


def _print_report(report: GradeReport, output: str) -> None:
    table = Table(title="semtel grade: flip rate per classifier and strategy")
    for column in (
        "classifier",
        "strategy",
        "rows",
        "flagged",
        "judged",
        "incorrect",
        "flipped",
        "flip rate",
    ):
        table.add_column(column, justify="right")
    for line in report.flip_rates:
        rate = "-" if line.flip_rate is None else f"{line.flip_rate:.1%}"
        values = (line.rows, line.flagged, line.judged, line.incorrect, line.flipped)
        table.add_row(line.classifier, line.strategy, *(str(v) for v in values), rate)
    print_wide(table, out)
    cost = report.grader_cost.cost_usd + report.reclassify_cost.cost_usd
    out.print(
        f"flagged {report.flagged} of {report.rows} rows {report.flagged_by_reason}; judged {report.judged}, "
        f"unjudged {report.unjudged}, re-classification failed {report.reclassify_failed}"
    )
    out.print(
        f"re-check calls: grader {report.grader_cost.calls}, re-classify {report.reclassify_cost.calls}; "
        f"tokens {report.grader_cost.prompt_tokens + report.reclassify_cost.prompt_tokens:,} + "
        f"{report.grader_cost.completion_tokens + report.reclassify_cost.completion_tokens:,}; "
        f"est. cost ${cost:.4f} (online)"
    )
    out.print(f"graded results: {output}")


@clean_errors
def grade(
    results: str = typer.Option(..., "--results", "-r", help="Result rows (Parquet, RESULT_SCHEMA)."),
    inputs: list[str] = typer.Option(..., "--input", "-i", help="The conversations the results are about."),
    output: str = typer.Option(..., "--output", "-o", help="Graded result rows (Parquet)."),
    signals: str | None = typer.Option(
        None, "--signals", help="Other classifiers' rows (e.g. embedding) to check disagreement against."
    ),
    report: str | None = typer.Option(None, "--report", help="Write the report as JSON here."),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Flag rows for review, judge them with the grader prompt, re-classify the wrong ones, report flips."""
    import pyarrow as pa

    from semtel_core.grader.run import grade_files
    from semtel_core.ingest.rejects import Reject
    from semtel_core.ingest.scan import ScanCounts, scan
    from semtel_core.schema.arrow import CONVERSATION_SCHEMA

    _quiet_http_logs()
    settings = settings_from(config)
    counts = ScanCounts()
    rows = [item.to_row() for item in scan(inputs, settings.input, counts) if not isinstance(item, Reject)]
    if counts.rejected_total:
        console.print(f"{counts.rejected_total} input rows rejected: {dict(counts.rejected)}")
    conversations = pa.Table.from_pylist(rows, schema=CONVERSATION_SCHEMA)
    outcome = grade_files(results, conversations, output, settings, signals_path=signals, report_path=report)
    _print_report(outcome, output)
