"""Shared fixtures. Tests that need ../shared/data skip cleanly when it is absent."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from semtel_core.config import ClientSettings

# py4j logs "Closing down clientserver connection" from __del__ at interpreter exit, after pytest has closed
# the captured streams; that one INFO line would print a logging traceback.
logging.getLogger("py4j").setLevel(logging.WARNING)

REPO = Path(__file__).resolve().parents[1]

SHARED_DATA = REPO.parent / "shared" / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist's ``--dist=loadgroup`` (scripts/test.sh), each test file runs on one worker, so its module
    fixtures (endpoint servers, Spark sessions, a built wheel) start once; files that share something bigger
    name a group of their own (the Airflow deployment: ``xdist_group("airflow_stack")``)."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


@pytest.fixture(scope="session")
def benchmark_script() -> Callable[[str], ModuleType]:
    """Loads a script of ``benchmarks/`` (not a package) as a module, by file name without ``.py``."""

    def load(name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(
            f"semtel_benchmark_{name}", REPO / "benchmarks" / f"{name}.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def budget_prefix() -> Iterator[str]:
    """Every rate budget of this test session lives under its own Redis prefix (the session's processes too,
    through the environment), and is deleted at the end: runs never read each other's learned limits."""
    prefix = f"semtel-test-{uuid.uuid4().hex[:12]}:budget"
    field = ClientSettings.model_fields["shared_budget_prefix"]
    default = field.default
    field.default = prefix
    ClientSettings.model_rebuild(force=True)
    os.environ["SEMTEL_CLIENT__SHARED_BUDGET_PREFIX"] = prefix
    yield prefix
    os.environ.pop("SEMTEL_CLIENT__SHARED_BUDGET_PREFIX", None)
    field.default = default
    ClientSettings.model_rebuild(force=True)
    delete_budgets(prefix)


@pytest.fixture(scope="session")
def budget_cleanup() -> Callable[[str], int]:
    """``delete_budgets``, for tests that make a prefix of their own."""
    return delete_budgets


def delete_budgets(prefix: str) -> int:
    """Delete every budget key under ``prefix``; 0 when Redis is not there."""
    import redis

    client = redis.Redis.from_url(ClientSettings().shared_budget_url, socket_connect_timeout=1)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        return int(client.delete(*keys)) if keys else 0
    except redis.ConnectionError:
        return 0
    finally:
        client.close()


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A Spark ``local[2]`` session for one test file, stopped after it: while it is active, semtel's steps use
    it instead of starting their own."""
    from semtel_core.classify.spark_engine import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()
