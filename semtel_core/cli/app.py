"""Root of the ``semtel`` command; each command group lives in its own module and is added here."""

from __future__ import annotations

import logging

import typer

app = typer.Typer(
    name="semtel",
    help="Semantic telemetry: classify human-AI conversations with LLM classifiers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging.")) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _register() -> None:
    # Command modules keep heavy imports (openai, polars, pyspark, sklearn) inside their commands,
    # so importing them here keeps `semtel --help` fast.
    from semtel_core.cli.airflow_cmd import airflow_app
    from semtel_core.cli.batch_cmd import batch_app
    from semtel_core.cli.classify_cmd import classify
    from semtel_core.cli.embed_cmd import embed_app
    from semtel_core.cli.endpoint_cmd import endpoint_app
    from semtel_core.cli.eval_cmd import eval_app
    from semtel_core.cli.grade_cmd import grade
    from semtel_core.cli.run_cmd import run
    from semtel_core.cli.topics_cmd import topics_app
    from semtel_core.cli.validate_cmd import validate
    from semtel_core.cli.weekly_cmd import weekly
    from semtel_core.llm.cli import llm_app

    for command in (weekly, run, validate, classify, grade):
        app.command()(command)
    for name, group in (
        ("endpoint", endpoint_app),
        ("llm", llm_app),
        ("batch", batch_app),
        ("eval", eval_app),
        ("embed", embed_app),
        ("airflow", airflow_app),
        ("topics", topics_app),
    ):
        app.add_typer(group, name=name)


_register()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
