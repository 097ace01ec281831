"""The weekly report, one click from the run: an extra link on the ``report`` task to the plugin's report view.

Airflow 3 computes the link in the worker when the task ends and stores it as an XCom; the api-server only reads
it. The view (``semtel_airflow.plugin``) serves the file.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from airflow.sdk import BaseOperatorLink

VIEW_PREFIX = "/semtel"


class SemtelReportLink(BaseOperatorLink):
    """Opens the week's ``report.html`` through the semtel report view."""

    name = "Weekly report"

    def get_link(self, operator: Any, *, ti_key: Any) -> str:
        path = ti_key.xcom_pull(task_ids=ti_key.task_id) if hasattr(ti_key, "xcom_pull") else None
        if not path:
            return ""
        return f"{_base_url()}{VIEW_PREFIX}/report?path={quote(str(path), safe='')}"


def _base_url() -> str:
    from airflow.sdk.configuration import conf

    return str(conf.get("api", "base_url", fallback="") or "").rstrip("/")
