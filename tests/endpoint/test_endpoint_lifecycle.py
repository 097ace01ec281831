"""The serve command: logs stats periodically, stops cleanly on SIGTERM, refuses invalid options."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from semtel_core.endpoint.testing import free_port, running_endpoint
from semtel_core.errors import EndpointUnavailableError

pytestmark = [pytest.mark.integration]


def test_sigterm_stops_the_server_cleanly_after_logging_stats(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "semtel_core.cli.app", "endpoint", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--lazy-load", "--stats-interval", "0.3"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},  # where its temporary data folder goes
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        time.sleep(0.7)
        assert [p.name[:16] for p in tmp_path.iterdir()] == ["semtel-endpoint-"]
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    # uvicorn shuts down gracefully, then re-raises the signal so the exit status says "terminated by SIGTERM".
    assert process.returncode == -signal.SIGTERM
    assert (
        "attempts (" in stderr and "endpoint stopped" in stderr and "Application shutdown complete" in stderr
    )
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []  # the data folder went with it


def test_invalid_options_fail_fast_with_the_field_named() -> None:
    with (
        pytest.raises(EndpointUnavailableError, match="exited"),
        running_endpoint("--fault-500", "0.7", "--fault-503", "0.7"),
    ):
        pass
