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
    # Imported here so each command module stays importable on its own; heavy imports live inside commands.
    from semtel_core.cli.run_cmd import run
    from semtel_core.cli.validate_cmd import validate

    app.command()(validate)
    app.command()(run)


_register()


from semtel_core.cli.endpoint_cmd import endpoint_app  # noqa: E402 - command groups after the root

app.add_typer(endpoint_app, name="endpoint")
app.add_typer(__import__("semtel_core.llm.cli", fromlist=["llm_app"]).llm_app, name="llm")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
