"""The weekly report, one click from the run: an extra link on the ``report`` task to the plugin's report view
(the task page's Details tab, "Extra Links").

Airflow 3 computes the link in the worker when the task ends and stores it as an XCom; the api-server only reads
it. The link carries an HMAC of the report's path with ``[api] secret_key`` (shared by the deployment's
components), so the view (``semtel_airflow.plugin``) serves that file wherever the run's ``output_root`` was.
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
        from airflow.sdk.configuration import conf

        from semtel_core.report.serving import sign_report_path

        path = ti_key.xcom_pull(task_ids=ti_key.task_id) if hasattr(ti_key, "xcom_pull") else None
        if not path:
            return ""
        link = f"{_base_url(conf)}{VIEW_PREFIX}/report?path={quote(str(path), safe='')}"
        secret = conf.get("api", "secret_key", fallback=None)
        return f"{link}&sig={sign_report_path(str(path), secret)}" if secret else link


def _base_url(conf: Any) -> str:
    return str(conf.get("api", "base_url", fallback="") or "").rstrip("/")
