"""The semtel Airflow plugin: registers the weekly timetable, the report link and the run-notes listener, and
serves weekly reports.

Loaded from the provider's ``plugins`` entry (an installed ``semtel``) or from the plugins folder (a checkout).
The report view is a small FastAPI app under ``/semtel`` on the api-server: ``GET /semtel/report?path=...``
returns a week's ``report.html`` when the link was signed by the worker that wrote it, or when it lies under
``weekly.output_root`` or ``weekly.report_roots`` (reports hold aggregates with small cells suppressed, never
conversation text).
"""

from __future__ import annotations

from typing import Any

from airflow.plugins_manager import AirflowPlugin

from semtel_airflow import run_notes
from semtel_airflow.connection_test_fix import PortlessConnectionTestFix
from semtel_airflow.report_link import VIEW_PREFIX, SemtelReportLink
from semtel_airflow.timetable import SemtelWeeklyTimetable


def _report_app() -> Any:
    from fastapi import FastAPI, HTTPException
    from fastapi.responses import FileResponse

    app = FastAPI(title="semtel reports")

    @app.get("/report")
    def report(path: str, sig: str | None = None) -> FileResponse:
        from airflow.configuration import conf

        from semtel_core.config import load_settings
        from semtel_core.errors import ConfigError
        from semtel_core.report.serving import servable_report

        weekly = load_settings().weekly
        secret = conf.get("api", "secret_key", fallback=None)
        try:
            found = servable_report(
                path, [weekly.output_root, *weekly.report_roots], signature=sig, secret=secret
            )
        except ConfigError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from None
        return FileResponse(found, media_type="text/html")

    return app


class SemtelPlugin(AirflowPlugin):
    name = "semtel"
    timetables = [SemtelWeeklyTimetable]  # noqa: RUF012 - AirflowPlugin's declared class attributes
    operator_extra_links = [SemtelReportLink()]  # noqa: RUF012
    listeners = [run_notes]  # noqa: RUF012 - writes each run's week into its note
    fastapi_root_middlewares = [  # noqa: RUF012 - the Test button of portless connections (Airflow 3.3.2)
        {"middleware": PortlessConnectionTestFix, "name": "semtel connection test fix"}
    ]
    fastapi_apps = [  # noqa: RUF012
        {"app": _report_app(), "url_prefix": VIEW_PREFIX, "name": "semtel weekly reports"}
    ]
