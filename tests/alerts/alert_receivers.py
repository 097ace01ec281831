"""What the local alert receivers record (a module of its own: test modules import these types by name)."""

from __future__ import annotations

import email
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import yaml


@dataclass
class SmtpInbox:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    def alert_settings(self) -> dict[str, Any]:
        """The ``alerts`` section of a settings file that mails on-call through this inbox."""
        return {"smtp_host": self.host, "smtp_port": self.port, "smtp_to": ["oncall@example.org"]}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@dataclass
class WebhookReceiver:
    url: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    status: int = 200


def write_settings(path: Path, base_url: str, inbox: SmtpInbox, **extra: Any) -> Path:
    """A settings YAML: the local endpoint on ``instant``, the topic classifier, alerts to ``inbox``."""
    endpoint = {"name": "local", "base_url": base_url, "model": "instant", "api_key": "t"}
    data = {"endpoints": [endpoint], "classifiers": ["topic"], "alerts": inbox.alert_settings(), **extra}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path
