"""Fixtures of the Airflow and weekly-pipeline tests: the local endpoint with fast batches, a settings file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from semtel_core.endpoint.testing import FAST_BATCHES, running_endpoint

CLASSIFIERS = ["topic", "satisfaction"]


@pytest.fixture(scope="module")
def endpoint_url() -> Iterator[str]:
    with running_endpoint(*FAST_BATCHES) as base_url:
        yield base_url


def write_config(path: Path, base_url: str, **extra: object) -> str:
    """A settings YAML with one local endpoint on the ``instant`` model (what ``config_path`` points at)."""
    data = {
        "endpoints": [{"name": "local", "base_url": base_url, "model": "instant", "api_key": "airflow-test"}],
        "classifiers": CLASSIFIERS,
        **extra,
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)
