"""A real Airflow 3 deployment for tests: a fresh PostgreSQL database, ``airflow db migrate``, then the scheduler,
triggerer, dag-processor and api-server as separate processes, each in its own process group and with its own log
file, plus a REST API v2 client. With ``executor="CeleryExecutor"`` (as docker-compose.yaml deploys it) a Celery
worker runs the tasks, its broker the local Redis under a key prefix of its own, deleted on the way out.

    with fresh_database() as db_url, airflow_stack(tmp_path, db_url) as stack:
        stack.api.post(f"/dags/{dag_id}/dagRuns", json={...})

Everything lives under the test's ``AIRFLOW_HOME``; ports are free ports; every process is killed (its whole
group: the LocalExecutor's workers and task processes too) and the database dropped on the way out.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psycopg
import redis
from psycopg import sql

from semtel_core.endpoint.testing import free_port
from semtel_core.pipeline import dag_test

REPO = Path(__file__).resolve().parents[2]
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
COMPONENTS = ("dag-processor", "scheduler", "triggerer", "api-server")
CELERY_WORKER = "celery-worker"
T = TypeVar("T")
log = logging.getLogger(__name__)


class StackError(AssertionError):
    """The stack did not come up, a component died, or a deadline passed; the message carries the logs."""


@contextmanager
def fresh_database() -> Iterator[str]:
    """Create a uniquely named database on the local PostgreSQL, yield its SQLAlchemy URL, drop it afterwards.

    Fails (never skips) when the server is down: CI machines have it, and a silent skip would hide the test."""
    name = f"semtel_sched_{uuid.uuid4().hex[:12]}"
    admin = f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname=postgres connect_timeout=5"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        raise StackError(
            f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT} as user {PG_USER!r} ({exc}). This test needs "
            "the local server (trust auth); start it with scripts/ensure-services.sh."
        ) from exc
    try:
        yield f"postgresql+psycopg2://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        except psycopg.Error as exc:  # do not hide the test's own outcome behind a cleanup error
            log.warning("could not drop the test database %s: %s", name, exc)


def celery_env(key_prefix: str, concurrency: int = 4) -> dict[str, str]:
    """CeleryExecutor on the local Redis, every broker key under ``key_prefix``; results in Airflow's database."""
    return {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": REDIS_URL,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(concurrency),
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__GLOBAL_KEYPREFIX": key_prefix,
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "86400",
    }


def _delete_keys(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        for key in client.scan_iter(match=f"{prefix}*", count=500):
            client.delete(key)
    except redis.RedisError as exc:  # do not hide the test's own outcome behind a cleanup error
        log.warning("could not delete the broker keys %s*: %s", prefix, exc)
    finally:
        client.close()


def airflow_env(home: Path, db_url: str, api_port: int, **extra: str) -> dict[str, str]:
    """Environment of every component and CLI call: one home, one DB, one JWT secret, the repo's DAGs/plugins."""
    api = f"http://127.0.0.1:{api_port}"
    return {
        # the home, the repo's DAGs and plugins, no examples: as `semtel weekly` sets them; then the real stack's
        **dag_test.airflow_env(home),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api}/execution/",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": db_url,
        "AIRFLOW__API__BASE_URL": api,
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API_AUTH__JWT_SECRET": uuid.uuid4().hex,
        "AIRFLOW__API__SECRET_KEY": uuid.uuid4().hex,
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        # Only manual and backfill runs: once unpaused, the DAG would otherwise also get a scheduled run of the
        # latest week (default params, no data), competing for the two cores.
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
        **extra,
    }


@dataclass
class AirflowStack:
    home: Path
    env: dict[str, str]
    api_url: str
    logs: dict[str, Path]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    api: httpx.Client = field(init=False)

    def log_tails(self, chars: int = 3000) -> str:
        """The end of every component's log, for assertion messages."""
        parts = []
        for name, path in self.logs.items():
            text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else "(no log)"
            parts.append(f"===== {name} ({path}) =====\n{text[-chars:]}")
        return "\n".join(parts)

    def check_alive(self) -> None:
        dead = {n: p.returncode for n, p in self.processes.items() if p.poll() is not None}
        if dead:
            raise StackError(f"Airflow components exited: {dead}\n{self.log_tails()}")

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """``airflow <args>`` against this deployment; fails with its output when it exits non-zero."""
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "airflow", *args],
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            raise StackError(
                f"airflow {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
            )
        log.info("airflow %s: %.1fs", " ".join(args[:2]), time.monotonic() - started)
        return proc

    def wait_for(self, what: str, probe: Callable[[], T | None], timeout: float, interval: float = 0.5) -> T:
        """Poll ``probe`` until it returns something other than None; fail with the logs at the deadline or when
        a component dies meanwhile."""
        started = time.monotonic()
        deadline = started + timeout
        while True:
            self.check_alive()
            value = probe()
            if value is not None:
                log.info("%s: %.1fs", what, time.monotonic() - started)
                return value
            if time.monotonic() > deadline:
                raise StackError(f"timed out after {timeout:.0f}s waiting for {what}\n{self.log_tails()}")
            time.sleep(interval)


def _start(stack: AirflowStack, name: str, args: list[str]) -> None:
    with stack.logs[name].open("wb") as out:
        stack.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "airflow", *args],
            env=stack.env,
            cwd=stack.home,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the executor's workers die with it
            preexec_fn=_terminate_with_parent,
        )


def _terminate_with_parent() -> None:
    """In the child, before exec: SIGTERM it when the test process dies without running its ``finally`` (a
    SIGKILL, ``os._exit``), so no scheduler outlives the test (Linux ``prctl(PR_SET_PDEATHSIG)``)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def _stop_all(processes: dict[str, subprocess.Popen[bytes]], timeout: float = 20) -> None:
    for proc in processes.values():
        if proc.poll() is None:
            _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in processes.values():
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        _signal_group(proc, signal.SIGKILL)  # also whatever the group leader left behind
        proc.wait()


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _api_token(api_url: str) -> str | None:
    try:
        response = httpx.get(f"{api_url}/auth/token", timeout=5)
    except httpx.TransportError:
        return None
    return str(response.json()["access_token"]) if response.status_code in (200, 201) else None


@contextmanager
def airflow_stack(
    home: Path, db_url: str, *, executor: str = "LocalExecutor", startup_timeout: float = 120, **env: str
) -> Iterator[AirflowStack]:
    """Migrate the database, start the four components (and a Celery worker for the CeleryExecutor), wait for the
    API and a token; stop everything after."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    celery = executor == "CeleryExecutor"
    prefix = f"semtel-test-{uuid.uuid4().hex[:12]}:"
    stack = AirflowStack(
        home=home,
        env=airflow_env(home, db_url, port, **(celery_env(prefix) if celery else {}), **env),
        api_url=f"http://127.0.0.1:{port}",
        logs={name: home / f"{name}.log" for name in (*COMPONENTS, *([CELERY_WORKER] if celery else []))},
    )
    with ExitStack() as cleanup:
        if celery:
            cleanup.callback(_delete_keys, prefix)  # runs last: after the worker has stopped
        cleanup.callback(_stop_all, stack.processes)
        stack.cli("db", "migrate", timeout=240)
        if celery:
            _start(stack, CELERY_WORKER, ["celery", "worker", "--skip-serve-logs", "--without-gossip"])
        _start(stack, "dag-processor", ["dag-processor"])
        _start(stack, "scheduler", ["scheduler"])
        _start(stack, "triggerer", ["triggerer", "--skip-serve-logs"])
        _start(
            stack, "api-server", ["api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
        )
        token = stack.wait_for(
            "the api-server to hand out a token", lambda: _api_token(stack.api_url), startup_timeout
        )
        stack.api = httpx.Client(
            base_url=f"{stack.api_url}/api/v2", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        cleanup.callback(stack.api.close)
        yield stack


def get_json(stack: AirflowStack, path: str, **params: Any) -> Any:
    """GET a REST API v2 path; fail with the response and the logs unless it is 200."""
    response = stack.api.get(path, params=params)
    if response.status_code != 200:
        raise StackError(f"GET {path} -> {response.status_code}: {response.text}\n{stack.log_tails()}")
    return response.json()


def wait_backfills_completed(stack: AirflowStack, dag_id: str, timeout: float = 120) -> None:
    """Wait until every backfill of ``dag_id`` is completed. Airflow allows one running backfill per DAG, and the
    scheduler marks a backfill completed in a later loop than the one that ends its last run: a test that starts
    the next backfill right after the runs are done can meet ``AlreadyRunningBackfill``."""

    def none_running() -> bool | None:
        backfills = get_json(stack, "/backfills", dag_id=dag_id)["backfills"]
        return True if all(b["completed_at"] for b in backfills) else None

    stack.wait_for(f"every backfill of {dag_id} to complete", none_running, timeout)
