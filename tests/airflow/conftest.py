"""Fixtures of the Airflow and weekly-pipeline tests: the local endpoint with fast batches."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from semtel_core.endpoint.testing import FAST_BATCHES, running_endpoint


@pytest.fixture(scope="module")
def endpoint_url() -> Iterator[str]:
    with running_endpoint(*FAST_BATCHES) as base_url:
        yield base_url
