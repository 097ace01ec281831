"""Start a real endpoint process for tests and benchmarks.

    with running_endpoint("--rpm", "60", "--fault-500", "0.1") as base_url:
        client = OpenAI(base_url=base_url, api_key="key-a", max_retries=0)

The server runs in a subprocess (its own event loop and GIL, like production), on a free port.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import psutil

from semtel_core.errors import EndpointUnavailableError

# Batch API flags for tests: 1 simulated second = 1 ms, so validating and finalizing take 0.1 s and each
# request 10 ms; a batch of ~100 requests ends in well under a second.
FAST_BATCHES: tuple[str, ...] = (
    "--lazy-load",
    "--batch-time-scale",
    "0.001",
    "--batch-validating-seconds",
    "100",
    "--batch-finalizing-seconds",
    "100",
    "--batch-request-seconds",
    "10",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str) -> bool:
    """Whether ``url`` answers 200 within a second."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_endpoint(
    *args: str, env: dict[str, str] | None = None, startup_timeout: float = 30
) -> Iterator[str]:
    """Run ``semtel endpoint serve`` with ``args``; yield its base URL (``http://127.0.0.1:PORT/v1``).

    The free port is only free when it is picked: another process (a parallel test's endpoint) may bind it first.
    So the endpoint counts as started when *its* process listens on the port, not when something answers there,
    and a start whose bind failed is retried on another port."""
    last: EndpointUnavailableError | None = None
    for _ in range(_START_ATTEMPTS):
        port = free_port()
        command = [sys.executable, "-m", "semtel_core.cli.app", "endpoint", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(port), *args]
        process = subprocess.Popen(command, env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})})
        base_url = f"http://127.0.0.1:{port}/v1"
        try:
            _wait_started(process, port, base_url, startup_timeout, args)
        except EndpointUnavailableError as exc:
            _stop(process, timeout=10)
            last = exc  # most likely the port was taken: try another
            continue
        try:
            yield base_url
        finally:
            _stop(process, timeout=10)
        return
    assert last is not None
    raise last


_START_ATTEMPTS = 3


def _listens(pid: int, port: int) -> bool:
    try:
        connections = psutil.Process(pid).net_connections(kind="tcp")
    except psutil.Error:
        return False
    return any(c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port for c in connections)


def _wait_started(
    process: subprocess.Popen[bytes], port: int, base_url: str, timeout: float, args: tuple[str, ...]
) -> None:
    deadline = time.monotonic() + timeout
    while not (_listens(process.pid, port) and answers(f"{base_url}/models")):
        if process.poll() is not None:
            raise EndpointUnavailableError(
                f"endpoint exited with {process.returncode} during startup",
                endpoint=base_url,
                args=list(args),
            )
        if time.monotonic() > deadline:
            raise EndpointUnavailableError(
                f"endpoint did not answer within {timeout}s", endpoint=base_url, args=list(args)
            )
        time.sleep(0.05)


@contextmanager
def running_llama(*args: str, startup_timeout: float = 120) -> Iterator[tuple[str, int]]:
    """Run ``semtel endpoint llama`` with ``args`` (``--model``, ``--context``, ...) on a free port; yield its base
    URL and process id. It counts as started when it prints its listening line (after the weights are checked)."""
    command = [
        sys.executable,
        "-m",
        "semtel_core.cli.app",
        "endpoint",
        "llama",
        "--port",
        str(free_port()),
        *args,
    ]
    process = subprocess.Popen(
        command, env={**os.environ, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        assert process.stdout is not None
        # The command prints one line once the server listens: wait for it at most startup_timeout (a server
        # that hangs before listening must not hang the caller); an exit ends the wait with an empty line.
        ready, _, _ = select.select([process.stdout], [], [], startup_timeout)
        line = process.stdout.readline().decode() if ready else ""
        match = re.search(r"on (http://\S+/v1)", line)
        if match is None:
            if ready and not line:  # its output closed: it is exiting, report how
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5)
            said = f"printed {line.strip()!r}" if ready else f"printed nothing in {startup_timeout:.0f} s"
            raise EndpointUnavailableError(
                f"semtel endpoint llama did not start: {said} (exit {process.poll()})", args=list(args)
            )
        yield match.group(1), process.pid
    finally:
        _stop(process, timeout=30)
