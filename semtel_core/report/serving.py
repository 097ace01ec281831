"""Which report files may be served to a browser (the Airflow UI's report view): only ``report.html`` of a
``week=YYYY-MM-DD`` folder under a configured root, after resolving symlinks, so a crafted path cannot read any
other file of the server."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from semtel_core.errors import ConfigError

_WEEK_FOLDER = re.compile(r"^week=\d{4}-\d{2}-\d{2}$")
REPORT_NAME = "report.html"


def servable_report(requested: str, roots: Sequence[str]) -> Path:
    """The report file ``requested`` names, when it is a week's report under one of ``roots``; else ConfigError."""
    path = Path(requested).resolve()
    if path.name != REPORT_NAME or not _WEEK_FOLDER.match(path.parent.name):
        raise ConfigError(f"not a weekly report: {requested}", field="path")
    for root in roots:
        base = Path(root).resolve()
        if path.is_relative_to(base):
            if not path.is_file():
                raise ConfigError(f"no report at {requested} (has the run's report task run?)", field="path")
            return path
    raise ConfigError(
        f"{requested} is outside the report roots (weekly.output_root, weekly.report_roots)", field="path"
    )
