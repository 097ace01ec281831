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


def test_a_port_taken_by_another_server_is_not_mistaken_for_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parallel test's server may bind the picked port first and answer /v1/models: the endpoint must be the
    started process, on another port."""
    import http.server
    import threading

    from semtel_core.endpoint import testing

    class Answers(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"data": []}')

        def log_message(self, *args: object) -> None:
            pass

    squatter = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=squatter.serve_forever, daemon=True).start()
    taken = squatter.server_address[1]
    ports = iter([taken])
    monkeypatch.setattr(testing, "free_port", lambda: next(ports, None) or free_port())
    try:
        with running_endpoint() as base_url:
            assert f":{taken}/" not in base_url
            with urllib.request.urlopen(f"{base_url}/_stats", timeout=5) as response:
                assert response.status == 200  # a route only semtel's endpoint has
    finally:
        squatter.shutdown()
        squatter.server_close()
