"""The alert payload: what on-call gets by email and webhook when a weekly run fails.

Built from the raised error, so a :class:`DataQualityError` brings its failed expectations and figures along;
any other error still pages, with its type, message and ``details``. Warnings never page: they stay in the
quality report.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from semtel_core.errors import DataQualityError, EmptyWeekError, SemtelError
from semtel_core.privacy.outbound import Outbound


class AlertPayload(BaseModel):
    """JSON body of the webhook and content of the email."""

    source: str = "semtel"
    title: str
    message: str
    error_type: str
    run_link: str | None = None
    dag_id: str | None = None
    run_id: str | None = None
    task_id: str | None = None
    week: str | None = Field(default=None, description="Monday of the week the run processes")
    results_path: str | None = Field(default=None, description="the week's working folder")
    failed_expectations: list[dict[str, Any]] = Field(default_factory=list)
    statistics: dict[str, Any] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def email_subject(self) -> str:
        where = f" {self.dag_id}/{self.run_id}" if self.dag_id else ""
        week = f" week {self.week}" if self.week else ""
        return f"[semtel]{week}{where}: {self.title}"

    def email_text(self) -> str:
        """Plain-text body: the link first, then each failed expectation, then the figures."""
        lines = [self.message, "", f"Error: {self.error_type}", f"Log: {self.run_link or '(no link)'}"]
        if self.week:
            lines.append(f"Week: {self.week}")
        if self.task_id:
            lines.append(f"Task: {self.task_id}")
        if self.results_path:
            lines.append(f"Results: {self.results_path}")
        if self.failed_expectations:
            lines += ["", f"Failed expectations ({len(self.failed_expectations)}):"]
            lines += [_expectation_line(e) for e in self.failed_expectations]
        if self.statistics:
            lines += ["", "Figures:", json.dumps(self.statistics, indent=2, sort_keys=True)]
        elif self.details:
            lines += ["", "Details:", json.dumps(self.details, indent=2, sort_keys=True, default=str)]
        return "\n".join(lines) + "\n"


def _expectation_line(e: dict[str, Any]) -> str:
    observed = e.get("observed", {})
    seen = observed.get("unexpected_index_list") or observed.get("partial_unexpected_list") or observed
    return f"- {e.get('suite')}.{e.get('expectation')} {e.get('expected', {})}: observed {seen}"


def build_alert(
    error: BaseException,
    *,
    run_link: str | None = None,
    dag_id: str | None = None,
    run_id: str | None = None,
    task_id: str | None = None,
    week: str | None = None,
    results_path: str | None = None,
) -> AlertPayload:
    """The payload for ``error``; a data-quality failure carries its expectations and statistics."""
    details: dict[str, Any] = dict(error.details) if isinstance(error, SemtelError) else {}
    failed: list[dict[str, Any]] = []
    statistics: dict[str, Any] = {}
    if isinstance(error, DataQualityError):
        failed = list(details.pop("failed_expectations", []))
        statistics = dict(details.pop("statistics", {}))
        title = f"data quality failed ({len(failed)} expectation(s))"
    elif isinstance(error, EmptyWeekError):
        title = f"no conversations for week {details.get('week', week)}"
    else:
        title = f"task failed: {type(error).__name__}"
    # An alert leaves the machine (SMTP, webhook): its message and details go through the PII scrubber, since an
    # error may quote a conversation id or a bad row.
    outbound = Outbound()
    return AlertPayload(
        title=title,
        message=outbound.text(str(error)),
        error_type=type(error).__name__,
        run_link=run_link,
        dag_id=dag_id,
        run_id=run_id,
        task_id=task_id,
        week=week,
        results_path=results_path,
        failed_expectations=failed,
        statistics=statistics,
        details=_scrubbed(json.loads(json.dumps(details, default=str)), outbound),
    )


def _scrubbed(value: Any, outbound: Outbound) -> Any:
    if isinstance(value, str):
        return outbound.text(value)
    if isinstance(value, list):
        return [_scrubbed(v, outbound) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v, outbound) for k, v in value.items()}
    return value
