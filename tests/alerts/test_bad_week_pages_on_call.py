"""A deliberately bad week fails validation and the Airflow notifiers page on-call by SMTP and webhook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from alert_receivers import SmtpInbox, WebhookReceiver
from bad_week import bad_week

from semtel_core.config import QualitySettings, Settings
from semtel_core.errors import AlertDeliveryError, DataQualityError
from semtel_core.quality import validate_week

pytestmark = [pytest.mark.integration]
RUN_LINK = "http://airflow.local/dags/semantic_telemetry_weekly/runs/scheduled__2026-11-16/tasks/validate"


@dataclass
class _TaskInstance:
    """The attributes of Airflow's RuntimeTaskInstance that the notifiers read."""

    dag_id: str = "semantic_telemetry_weekly"
    run_id: str = "scheduled__2026-11-16"
    task_id: str = "validate"
    log_url: str = RUN_LINK


def test_bad_week_alert_arrives_by_email_and_webhook(
    tmp_path: Path, smtp_inbox: SmtpInbox, webhook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from semtel_airflow.notifiers import SemtelEmailNotifier, SemtelWebhookNotifier

    results, summary = bad_week(tmp_path)
    settings = Settings(classifiers=["topic"], quality=QualitySettings(max_unlabelled_rate=0.05))
    with pytest.raises(DataQualityError) as info:
        validate_week(results, summary, None, settings)

    monkeypatch.setenv("SEMTEL_ALERTS__SMTP_HOST", smtp_inbox.host)
    monkeypatch.setenv("SEMTEL_ALERTS__SMTP_PORT", str(smtp_inbox.port))
    monkeypatch.setenv("SEMTEL_ALERTS__SMTP_TO", '["oncall@example.org"]')
    monkeypatch.setenv("SEMTEL_ALERTS__WEBHOOK_URL", webhook.url)
    monkeypatch.delenv("SEMTEL_CONFIG", raising=False)
    context = {"exception": info.value, "ti": _TaskInstance()}
    SemtelEmailNotifier()(context)
    SemtelWebhookNotifier()(context)

    (post,) = webhook.posts
    assert post["run_link"] == RUN_LINK and post["task_id"] == "validate"
    failed = {(e["suite"], e["expected"].get("column")) for e in post["failed_expectations"]}
    assert failed == {("classifiers", "unlabelled_rate"), ("results", "label")}
    assert post["statistics"]["classifiers"]["topic"]["unlabelled_rate"] == 0.25
    assert post["statistics"]["extract"] == {"read": 20, "accepted": 20, "rejected": 0, "sampled": 20}

    (message,) = smtp_inbox.messages
    assert message["To"] == "oncall@example.org"
    body = (
        next(p for p in message.walk() if p.get_content_type() == "text/plain")
        .get_payload(decode=True)
        .decode()
    )
    assert f"Log: {RUN_LINK}" in body
    assert "results.expect_column_values_to_be_in_set" in body and "astrology" in body
    assert "classifiers.expect_column_values_to_be_between" in body and "'unlabelled_rate': 0.25" in body


def test_notifier_without_a_target_fails_loudly(
    webhook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from semtel_airflow.notifiers import SemtelWebhookNotifier

    monkeypatch.delenv("SEMTEL_ALERTS__WEBHOOK_URL", raising=False)
    monkeypatch.delenv("SEMTEL_CONFIG", raising=False)
    with pytest.raises(AlertDeliveryError) as info:
        SemtelWebhookNotifier()({"exception": DataQualityError("x"), "ti": _TaskInstance()})
    assert info.value.details["failures"] == {"webhook": "not configured"}
    assert webhook.posts == []
