"""Run the endpoint under uvicorn (uvloop + httptools) in one process.

One process on purpose: rate-limit buckets, fault draws, stats and batch state are per process.
uvicorn handles SIGTERM/SIGINT: it stops accepting, waits for in-flight requests up to a short grace period
(hanging requests are simulated, so waiting longer is pointless), then runs the app's shutdown.
"""

from __future__ import annotations

import logging
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


def serve(options: EndpointOptions, host: str, port: int) -> None:
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
