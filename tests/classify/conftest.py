"""Fixtures of the classification-engine tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def endpoint_url() -> Iterator[str]:
    from semtel_core.endpoint.testing import running_endpoint

    with running_endpoint("--lazy-load") as url:
        yield url
