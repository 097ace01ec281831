"""Run the endpoint under uvicorn (uvloop + httptools) in one process.

One process on purpose: rate-limit buckets, fault draws, stats and batch state are per process.
uvicorn handles SIGTERM/SIGINT: it stops accepting, waits for in-flight requests up to a short grace period
(hanging requests are simulated, so waiting longer is pointless), then runs the app's shutdown.
"""

from __future__ import annotations

import logging
import signal
import tempfile
from pathlib import Path

from semtel_core.endpoint.options import EndpointOptions

log = logging.getLogger(__name__)

GRACEFUL_SHUTDOWN_S = 3


class _HideSimulatedDrops(logging.Filter):
    """uvicorn logs every exception escaping the app; a simulated dropped connection is not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        from semtel_core.endpoint.http import DroppedConnection

        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


class _Terminated(BaseException):
    """SIGTERM arrived; raised from the handler so that ``with`` blocks unwind."""


def _unwind_on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def serve(options: EndpointOptions, host: str, port: int) -> None:
    # uvicorn re-raises a captured SIGTERM once it has shut down; with the default handler that kills the process
    # before the temporary data folder below is removed. This handler unwinds first, then the process ends as
    # SIGTERM asked (the exit status says so).
    signal.signal(signal.SIGTERM, _unwind_on_sigterm)
    try:
        _serve(options, host, port)
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)


def _serve(options: EndpointOptions, host: str, port: int) -> None:
    import uvicorn

    from semtel_core.endpoint.app import EndpointApp

    with tempfile.TemporaryDirectory(prefix="semtel-endpoint-") as tmp:
        data_dir = options.data_dir or Path(tmp)
        app = EndpointApp(options, data_dir)
        logging.getLogger("uvicorn.error").addFilter(_HideSimulatedDrops())
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            loop="uvloop",
            http="httptools",
            lifespan="on",
            access_log=False,
            log_config=None,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
            backlog=4096,
        )
        log.info("semtel endpoint on http://%s:%d/v1 (data in %s)", host, port, data_dir)
        uvicorn.Server(config).run()
