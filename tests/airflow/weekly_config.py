"""Settings files of the Airflow and weekly-pipeline tests (a module of its own: test modules import it by name)."""

from __future__ import annotations

from pathlib import Path

import yaml

CLASSIFIERS = ["topic", "satisfaction"]


def write_config(path: Path, base_url: str, **extra: object) -> str:
    """A settings YAML with one local endpoint on the ``instant`` model (what ``config_path`` points at)."""
    data = {
        "endpoints": [{"name": "local", "base_url": base_url, "model": "instant", "api_key": "airflow-test"}],
        "classifiers": CLASSIFIERS,
        **extra,
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)
