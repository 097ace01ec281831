"""Airflow notifiers that page on-call through ``semtel_core.alerts``: email over SMTP and a JSON webhook.

The weekly DAG sets both as every task's ``on_failure_callback`` (``default_args``), so any task that fails for
good (after its retries) pages, with the week, the task, the error, the log link and the week's folder. Targets
come from semtel's
settings (``alerts`` section; secrets from ``SEMTEL_ALERTS__*`` environment variables), loaded only when a
notification is sent, never at parse time. A :class:`DataQualityError` brings its failed expectations and figures
into the alert; warnings never reach here (they stay in the quality report).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from airflow.sdk.bases.notifier import BaseNotifier

if TYPE_CHECKING:
    from semtel_core.alerts import AlertPayload, Channel


def _week_and_folder(context: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The run's week and its working folder, as far as the context tells (an alert must go out regardless)."""
    from semtel_core.pipeline.week import run_week
    from semtel_core.pipeline.weekly import run_week_dir

    dag_run = context.get("dag_run")
    run_after = getattr(dag_run, "run_after", None)
    logical_date = context.get("logical_date")
    if logical_date is None and run_after is None:
        return None, None
    try:
        week = run_week(logical_date, run_after)
    except (TypeError, ValueError):
        return None, None
    try:
        folder = run_week_dir(dict(context.get("params") or {}), week.start)
    except Exception:  # invalid params are what failed: the alert says so, without a folder
        folder = None
    return week.label, folder


def payload_from_context(context: Mapping[str, Any], run_link: str | None = None) -> AlertPayload:
    """The alert of a failed task from its Airflow context: the raised error, the run's ids, its week and folder
    and its log link."""
    from semtel_core.alerts import build_alert

    ti = context.get("ti")
    week, folder = _week_and_folder(context)
    error = context.get("exception") or RuntimeError(
        f"task failed: {context.get('reason', 'unknown reason')}"
    )
    return build_alert(
        error if isinstance(error, BaseException) else RuntimeError(str(error)),
        run_link=run_link or getattr(ti, "log_url", None),
        dag_id=getattr(ti, "dag_id", None),
        run_id=getattr(ti, "run_id", None) or context.get("run_id"),
        task_id=getattr(ti, "task_id", None),
        week=week,
        results_path=folder,
    )


class _SemtelNotifier(BaseNotifier):
    channel: Channel
    template_fields = ("run_link", "config_path")

    def __init__(self, *, config_path: str | None = None, run_link: str | None = None) -> None:
        super().__init__()
        self.config_path = config_path
        self.run_link = run_link

    def notify(self, context: Any) -> None:
        from semtel_core.alerts import send_alert
        from semtel_core.config import load_settings

        # A templated config_path renders to "" when the run has none: then SEMTEL_CONFIG / the environment.
        settings = load_settings(self.config_path or None).alerts
        send_alert(payload_from_context(context, self.run_link), settings, channels=[self.channel])


class SemtelEmailNotifier(_SemtelNotifier):
    """Email the on-call list (``alerts.smtp_*``) with the run link, failed expectations and figures."""

    channel: Channel = "email"


class SemtelWebhookNotifier(_SemtelNotifier):
    """POST the alert as JSON to ``alerts.webhook_url`` (``SEMTEL_ALERTS__WEBHOOK_URL``)."""

    channel: Channel = "webhook"
