"""Airflow notifiers that page on-call through ``semtel_core.alerts``: email over SMTP and a JSON webhook.

Use them as ``on_failure_callback`` of the validate task (or the whole DAG). Targets come from semtel's
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


def payload_from_context(context: Mapping[str, Any], run_link: str | None = None) -> AlertPayload:
    """The alert of a failed task from its Airflow context: the raised error, the run's ids and its log link."""
    from semtel_core.alerts import build_alert

    ti = context.get("ti")
    error = context.get("exception") or RuntimeError(
        f"task failed: {context.get('reason', 'unknown reason')}"
    )
    return build_alert(
        error if isinstance(error, BaseException) else RuntimeError(str(error)),
        run_link=run_link or getattr(ti, "log_url", None),
        dag_id=getattr(ti, "dag_id", None),
        run_id=getattr(ti, "run_id", None) or context.get("run_id"),
        task_id=getattr(ti, "task_id", None),
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
