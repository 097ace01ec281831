"""Alert by email over SMTP (the standard library's ``smtplib``; no extra dependency for one message)."""

from __future__ import annotations

import json
import logging
import smtplib
from email.message import EmailMessage

from semtel_core.alerts.payload import AlertPayload
from semtel_core.config import AlertSettings

log = logging.getLogger(__name__)


def build_message(payload: AlertPayload, settings: AlertSettings) -> EmailMessage:
    """Plain-text body for people, the full payload attached as ``alert.json`` for tools."""
    message = EmailMessage()
    message["Subject"] = payload.email_subject()
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(settings.smtp_to)
    message.set_content(payload.email_text())
    body = json.dumps(payload.to_json(), indent=2, sort_keys=True).encode()
    message.add_attachment(body, maintype="application", subtype="json", filename="alert.json")
    return message


def send_email(payload: AlertPayload, settings: AlertSettings) -> None:
    """Send the alert to ``settings.smtp_to`` through ``settings.smtp_host``; smtplib errors propagate."""
    if not settings.smtp_host:
        raise ValueError("no smtp_host configured")
    message = build_message(payload, settings)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout_s) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username and settings.smtp_password is not None:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        smtp.send_message(message)
    log.info("alert emailed to %d recipient(s) via %s", len(settings.smtp_to), settings.smtp_host)
