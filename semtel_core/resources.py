"""Files semtel ships beside its code: the prompts (``prompts/``) and the Airflow DAGs (``dags/``).

In a source checkout they are the repository's top-level folders; in an installed wheel they are package data
under ``semtel_core/bundled/`` (copied there by ``setup.py``'s build step). One lookup for both, so ``semtel`` works
the same from a checkout and from ``pip install semtel``. Imports nothing heavy: the DAG files use it at parse time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from semtel_core.errors import ConfigError

Bundled = Literal["prompts", "dags"]
_PACKAGE = Path(__file__).resolve().parent


def bundled_dir(name: Bundled) -> Path:
    """The folder of shipped ``name`` files: the wheel's package data, else the source checkout's."""
    for candidate in (_PACKAGE / "bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise ConfigError(
        f"semtel's {name} folder is missing (neither {_PACKAGE / 'bundled' / name} nor {_PACKAGE.parent / name}); "
        "reinstall semtel",
        field=f"(package {name})",
    )


def bundled_classifier_names() -> list[str]:
    """Names of the shipped classifiers (``<name>.labels.yaml``), without reading the files."""
    return sorted(p.name.removesuffix(".labels.yaml") for p in bundled_dir("prompts").glob("*.labels.yaml"))
