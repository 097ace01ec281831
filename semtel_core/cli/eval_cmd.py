"""``semtel eval compare``: A/B comparison of two configurations (or two result sets) with a gate.

Exit codes: 0 the gate passed, 1 the gate failed (the report is written either way), 2 the comparison could
not be made (bad input or configuration).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from semtel_core.cli.common import CONFIG_OPTION, clean_errors, console, out, print_wide, settings_from
from semtel_core.errors import ConfigError

if TYPE_CHECKING:
    from semtel_core.evaluate.ab_run import ModelEvalOutcome

eval_app = typer.Typer(help="Evaluate models and prompts: A/B comparison with a gate.", no_args_is_help=True)


def _overrides(text: str | None, option: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{option}: not JSON ({exc.msg})", field=option) from None
    if not isinstance(value, dict):
        raise ConfigError(f"{option}: must be a JSON object of settings overrides", field=option)
    return value


@eval_app.command("compare")
@clean_errors
def compare(
    runs_a: list[str] = typer.Option([], "--a", help="Result rows of run A (repeat: further runs of A)."),
    runs_b: list[str] = typer.Option([], "--b", help="Result rows of run B (repeat: further runs of B)."),
    inputs: list[str] = typer.Option([], "--input", "-i", help="The sample: run both configurations on it."),
    config_a: str | None = typer.Option(
        None, "--config-a", help='Overrides of A as JSON, e.g. \'{"classify": {"strategy": "single"}}\'.'
    ),
    config_b: str | None = typer.Option(None, "--config-b", help="Overrides of B as JSON."),
    repeats: int = typer.Option(1, min=1, help="Runs per configuration (2+ gives repeat-run consistency)."),
    conversations: list[str] = typer.Option(
        [], "--conversations", help="Conversations for excerpts (result-set mode)."
    ),
    classifiers: list[str] = typer.Option([], "--classifier", help="Only these classifiers."),
    out_dir: Path = typer.Option(Path("semtel-output/eval"), "--out", "-o"),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Compare A and B per classifier (agreement, kappa, confusion, distributions, chi-square, JSD with
    bootstrap intervals, repeat-run consistency), write the disagreements as CSV and HTML, and gate."""
    from semtel_core.evaluate.ab_run import compare_result_sets, run_model_eval

    if inputs and (runs_a or runs_b):
        raise ConfigError(
            "give either --input (run both configurations) or --a/--b (result sets), not both",
            field="--input",
        )
    if inputs:
        outcome = run_model_eval(
            inputs,
            out_dir,
            config_path=config,
            config_a=_overrides(config_a, "--config-a"),
            config_b=_overrides(config_b, "--config-b"),
            repeats=repeats,
            classifiers=classifiers or None,
            raise_on_failure=False,
        )
    elif runs_a and runs_b:
        outcome = compare_result_sets(
            runs_a,
            runs_b,
            out_dir,
            settings_from(config),
            conversations=conversations,
            classifiers=classifiers or None,
        )
    else:
        raise ConfigError("give --input with --config-a/--config-b, or --a and --b result sets", field="--a")
    _print(outcome)
    if not outcome.passed:
        raise typer.Exit(code=1)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _print(outcome: ModelEvalOutcome) -> None:
    table = Table(title="A/B comparison")
    columns = ("classifier", "paired", "agreement", "kappa", "JSD", "chi² p", "changed A", "changed B")
    for column in columns:
        table.add_column(column, justify="left" if column == "classifier" else "right")
    keys = ("paired", "agreement", "kappa", "jsd", "chi_square_p", "changed_share_a", "changed_share_b")
    for name, figures in outcome.classifiers.items():
        table.add_row(name, *(_fmt(figures[k]) for k in keys))
    print_wide(table)
    for failure in outcome.failures:
        console.print(f"[red]gate:[/] {failure}", highlight=False)
    console.print("gate: " + ("[green]passed[/]" if outcome.passed else "[bold red]FAILED[/]"))
    for path in outcome.reports.values():
        out.print(path)
