"""Which report files may be served to a browser (the Airflow UI's report view): only ``report.html`` of a
``week=YYYY-MM-DD`` folder, after resolving symlinks, and only when the link was signed by a worker (an HMAC of
the path with a secret the deployment's components share: a run with its own ``output_root`` still gets its
link) or the file lies under a configured root. A crafted path cannot read any other file of the server."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from pathlib import Path

from semtel_core.errors import ConfigError

_WEEK_FOLDER = re.compile(r"^week=\d{4}-\d{2}-\d{2}$")
REPORT_NAME = "report.html"


def sign_report_path(path: str, secret: str) -> str:
    """The signature a report link carries (hex HMAC-SHA256 of the resolved path)."""
    resolved = str(Path(path).resolve())
    return hmac.new(secret.encode(), resolved.encode(), hashlib.sha256).hexdigest()


def _signed(path: Path, signature: str | None, secret: str | None) -> bool:
    if not signature or not secret:
        return False
    return hmac.compare_digest(sign_report_path(str(path), secret), signature)


def servable_report(
    requested: str, roots: Sequence[str], *, signature: str | None = None, secret: str | None = None
) -> Path:
    """The report file ``requested`` names, when it is a week's report that is signed or under one of ``roots``;
    else ConfigError."""
    path = Path(requested).resolve()
    if path.name != REPORT_NAME or not _WEEK_FOLDER.match(path.parent.name):
        raise ConfigError(f"not a weekly report: {requested}", field="path")
    allowed = _signed(path, signature, secret) or any(path.is_relative_to(Path(r).resolve()) for r in roots)
    if not allowed:
        raise ConfigError(
            f"{requested} is neither a signed report link nor under the report roots "
            "(weekly.output_root, weekly.report_roots)",
            field="path",
        )
    if not path.is_file():
        raise ConfigError(f"no report at {requested} (has the run's report task run?)", field="path")
    return path
