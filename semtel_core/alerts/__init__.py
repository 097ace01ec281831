"""On-call alerts: email over SMTP and a generic JSON webhook, with the run link, failed expectations and figures.

Plain Python, no Airflow: the Airflow notifiers in ``plugins/semtel_airflow/notifiers.py`` call these.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal

from semtel_core.alerts.email_sender import build_message, send_email
from semtel_core.alerts.payload import AlertPayload, build_alert
from semtel_core.alerts.webhook import post_webhook
from semtel_core.config import AlertSettings
from semtel_core.errors import AlertDeliveryError

log = logging.getLogger(__name__)
Channel = Literal["email", "webhook"]
CHANNELS: tuple[Channel, ...] = ("email", "webhook")


def configured_channels(settings: AlertSettings) -> list[Channel]:
    """The channels with a target: email when an SMTP host is set, webhook when a URL is set."""
    wanted = {"email": bool(settings.smtp_host), "webhook": settings.webhook_url is not None}
    return [c for c in CHANNELS if wanted[c]]


def _deliver(channel: Channel, payload: AlertPayload, settings: AlertSettings) -> None:
    if channel == "email":
        send_email(payload, settings)
    elif settings.webhook_url is not None:
        post_webhook(payload, settings.webhook_url.get_secret_value(), timeout_s=settings.timeout_s)


def send_alert(
    payload: AlertPayload, settings: AlertSettings, channels: Sequence[Channel] | None = None
) -> list[Channel]:
    """Deliver on each channel (default: all configured); one failing channel does not stop the others.

    Returns the channels delivered; raises :class:`AlertDeliveryError` naming each failed channel.
    """
    chosen = list(channels) if channels is not None else configured_channels(settings)
    missing = sorted(set(chosen) - set(configured_channels(settings)))
    failures: dict[str, str] = {c: "not configured" for c in missing}
    delivered: list[Channel] = []
    for channel in (c for c in chosen if c not in missing):
        try:
            _deliver(channel, payload, settings)
            delivered.append(channel)
        except Exception as exc:  # smtplib, OSError, httpx: any failure of one channel is reported, not fatal
            log.error("alert via %s failed: %s: %s", channel, type(exc).__name__, exc)
            failures[channel] = f"{type(exc).__name__}: {exc}"
    if failures:
        raise AlertDeliveryError(
            f"alert not delivered on {sorted(failures)}", failures=failures, delivered=delivered
        )
    return delivered


__all__ = [
    "AlertPayload",
    "Channel",
    "build_alert",
    "build_message",
    "configured_channels",
    "post_webhook",
    "send_alert",
    "send_email",
]
