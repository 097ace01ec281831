"""``semtel airflow``: put the shipped DAGs into an Airflow deployment's DAG folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer

from semtel_core.cli.common import clean_errors, out

airflow_app = typer.Typer(
    help="Airflow deployment helpers (the provider itself installs with semtel[airflow])."
)


@airflow_app.command("install-dags")
@clean_errors
def install_dags(
    dags_folder: Path = typer.Argument(..., help="The deployment's DAG folder, e.g. $AIRFLOW_HOME/dags."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace DAG files that differ."),
) -> None:
    """Copy semtel's DAGs (weekly run, model evaluation) into DAGS_FOLDER. Files that exist and differ are kept
    unless --overwrite, so local edits are never lost silently."""
    from semtel_core.errors import ConfigError
    from semtel_core.resources import bundled_dir

    dags_folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(bundled_dir("dags").glob("*.py"))
    differing = [
        s.name
        for s in sources
        if (dags_folder / s.name).exists() and (dags_folder / s.name).read_bytes() != s.read_bytes()
    ]
    if differing and not overwrite:
        raise ConfigError(
            f"{', '.join(differing)} in {dags_folder} differ from semtel's; pass --overwrite to replace them",
            field="dags_folder",
        )
    for source in sources:
        shutil.copyfile(source, dags_folder / source.name)
        out.print(f"{dags_folder / source.name}", soft_wrap=True)
