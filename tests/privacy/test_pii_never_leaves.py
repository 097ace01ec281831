"""PII never leaves, on any path: a capturing proxy in front of the local endpoint records every request body and
every uploaded file, while ``semtel classify`` (raw input, no extract step) runs each strategy and ``semtel batch
submit --wait`` runs the Batch API path. Values planted in the text, the conversation ids and the metadata must
appear in none of them; with ``--no-scrub`` (the explicit opt-out) they do, which shows the proxy sees them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2
import pytest

from semtel_core.endpoint.testing import FAST_BATCHES, running_endpoint

pytestmark = [pytest.mark.integration, pytest.mark.slow]
PLANTED = {
    "email": "jane.roe@example.com",
    "card": "4111 1111 1111 1111",
    "iban": "DE89370400440532013000",
    "openai_key": "sk-proj-Zq7hY2kL9mN4pR8tV3wX6bC1dF5gJ0aQ",
    "aws_key": "AKIAIOSFODNN7EXAMPLE",
    "password": "hunter2-Secret!",
}


class _Capture:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.bodies: list[bytes] = []
        self.lock = threading.Lock()


def _handler(capture: _Capture) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            with capture.lock:
                capture.bodies.append(self.path.encode() + b"\n" + body)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            response = httpx2.request(
                self.command, capture.upstream + self.path, content=body, headers=headers, timeout=60
            )
            self.send_response(response.status_code)
            for key, value in response.headers.items():
                if key.lower() not in (
                    "content-length",
                    "transfer-encoding",
                    "connection",
                    "content-encoding",
                ):
                    self.send_header(key, value)
            self.send_header("content-length", str(len(response.content)))
            self.end_headers()
            self.wfile.write(response.content)

        do_GET = do_POST = do_DELETE = _forward

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def proxy() -> Iterator[tuple[str, _Capture]]:
    with running_endpoint(*FAST_BATCHES) as base_url:
        origin = base_url.removesuffix("/v1")
        capture = _Capture(origin)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(capture))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/v1", capture
        finally:
            server.shutdown()


def _inputs(path: Path) -> Path:
    rows = []
    for i, (kind, value) in enumerate(PLANTED.items()):
        text = f"Hi, my {kind} is {value} — please help me set up billing for my account."
        if kind == "password":
            text = f"I typed password={value} and it fails, why?"
        rows.append(
            {
                "conversation_id": f"{PLANTED['email']}-{i}",
                "messages": [{"role": "user", "content": text}, {"role": "assistant", "content": "Sure."}],
                "metadata": {
                    "locale": "en-US",
                    "user_email": PLANTED["email"],
                    "api_key": PLANTED["aws_key"],
                },
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _semtel(*args: str) -> str:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    proc = subprocess.run(
        [sys.executable, "-m", "semtel_core.cli.app", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return proc.stdout + proc.stderr


def _leaks(bodies: list[bytes]) -> dict[str, int]:
    sent = b"\n".join(bodies).decode("utf-8", errors="replace").replace("\\u003c", "<")
    return {kind: sent.count(value) for kind, value in PLANTED.items() if value in sent}


def test_planted_pii_reaches_no_request_and_no_uploaded_file(
    proxy: tuple[str, _Capture], tmp_path: Path
) -> None:
    url, capture = proxy
    config = tmp_path / "semtel.yaml"
    config.write_text(
        json.dumps(
            {
                "endpoints": [{"name": "local", "base_url": url, "model": "instant"}],
                "classifiers": ["topic", "satisfaction"],
                "batch": {"poll_interval_s": 0.05},
            }
        )
    )
    inputs = _inputs(tmp_path / "raw.jsonl")
    for strategy in ("single", "multi", "batched"):
        _semtel(
            "classify",
            "-i",
            str(inputs),
            "-o",
            str(tmp_path / strategy),
            "--strategy",
            strategy,
            "-c",
            str(config),
        )
    _semtel("batch", "submit", "-i", str(inputs), "-s", str(tmp_path / "batch"), "--wait", "-c", str(config))
    paths = {body.split(b"\n", 1)[0] for body in capture.bodies}
    assert b"/v1/chat/completions" in paths and b"/v1/files" in paths and b"/v1/batches" in paths
    assert _leaks(capture.bodies) == {}
    uploaded = list((tmp_path / "batch").rglob("*.jsonl"))
    assert uploaded and all(_leaks([p.read_bytes()]) == {} for p in uploaded)

    # The explicit opt-out sends the text as is: the proxy does see planted values then.
    before = len(capture.bodies)
    output = _semtel(
        "classify",
        "-i",
        str(inputs),
        "-o",
        str(tmp_path / "raw"),
        "--strategy",
        "single",
        "--no-scrub",
        "-c",
        str(config),
    )
    assert "--no-scrub: PII scrubbing is off" in output
    assert _leaks(capture.bodies[before:]).keys() >= {"card", "iban", "openai_key"}
