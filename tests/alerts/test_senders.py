from __future__ import annotations

import json
import logging

import pytest
from alert_receivers import SmtpInbox, WebhookReceiver
from pydantic import SecretStr

from semtel_core.alerts import build_alert, configured_channels, send_alert
from semtel_core.config import AlertSettings
from semtel_core.errors import AlertDeliveryError, DataQualityError, LLMError

pytestmark = [pytest.mark.unit]

FAILED = [
    {
        "suite": "classifiers",
        "expectation": "expect_column_values_to_be_between",
        "success": False,
        "expected": {"column": "unlabelled_rate", "max_value": 0.05},
        "observed": {"unexpected_index_list": [{"classifier": "topic", "unlabelled_rate": 0.25}]},
    }
]
STATS = {"rows": 20, "classifiers": {"topic": {"rows": 20, "unlabelled_rate": 0.25}}}


def _settings(smtp: SmtpInbox | None, hook: WebhookReceiver | None) -> AlertSettings:
    return AlertSettings(
        smtp_host=smtp.host if smtp else None,
        smtp_port=smtp.port if smtp else 25,
        smtp_to=["oncall@example.org"] if smtp else [],
        webhook_url=SecretStr(hook.url) if hook else None,
    )


def _quality_alert() -> object:
    error = DataQualityError("data quality failed", statistics=STATS, failed_expectations=FAILED)
    return build_alert(
        error, run_link="http://airflow/dags/w/runs/r1", dag_id="w", run_id="r1", task_id="validate"
    )


def test_quality_failure_arrives_by_email_and_webhook(
    smtp_inbox: SmtpInbox, webhook: WebhookReceiver
) -> None:
    payload = _quality_alert()
    assert send_alert(payload, _settings(smtp_inbox, webhook)) == ["email", "webhook"]  # type: ignore[arg-type]

    (message,) = smtp_inbox.messages
    assert smtp_inbox.recipients == [["oncall@example.org"]]
    assert message["Subject"] == "[semtel] w/r1: data quality failed (1 expectation(s))"
    text, attachment = (part for part in message.walk() if not part.is_multipart())
    body = text.get_payload(decode=True).decode()
    assert "Log: http://airflow/dags/w/runs/r1" in body
    assert "classifiers.expect_column_values_to_be_between" in body and "'unlabelled_rate': 0.25" in body
    assert attachment.get_filename() == "alert.json"
    assert json.loads(attachment.get_payload(decode=True))["statistics"] == STATS

    (post,) = webhook.posts
    assert post["run_link"] == "http://airflow/dags/w/runs/r1"
    assert post["failed_expectations"] == FAILED and post["statistics"] == STATS
    assert (
        post["error_type"] == "DataQualityError" and webhook.headers[0]["Content-Type"] == "application/json"
    )


def test_any_other_error_pages_with_its_details(webhook: WebhookReceiver) -> None:
    payload = build_alert(LLMError("endpoint down", endpoint="local", attempts=6), run_link="http://x")
    send_alert(payload, _settings(None, webhook))
    (post,) = webhook.posts
    assert post["title"] == "task failed: LLMError"
    assert post["details"] == {"endpoint": "local", "attempts": 6} and post["failed_expectations"] == []


def test_failing_webhook_does_not_stop_email_and_keeps_its_token_secret(
    smtp_inbox: SmtpInbox, webhook: WebhookReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    webhook.status = 500
    with caplog.at_level(logging.INFO), pytest.raises(AlertDeliveryError) as info:
        send_alert(_quality_alert(), _settings(smtp_inbox, webhook))  # type: ignore[arg-type]
    assert info.value.details["delivered"] == ["email"] and len(smtp_inbox.messages) == 1
    assert "HTTP 500" in info.value.details["failures"]["webhook"]
    assert "s3cret" not in caplog.text and "s3cret" not in str(info.value.details)


def test_unreachable_smtp_is_reported(webhook: WebhookReceiver) -> None:
    from semtel_core.endpoint.testing import free_port as _free_port

    settings = AlertSettings(smtp_host="127.0.0.1", smtp_port=_free_port(), smtp_to=["a@b"], timeout_s=2)
    with pytest.raises(AlertDeliveryError) as info:
        send_alert(_quality_alert(), settings)  # type: ignore[arg-type]
    assert set(info.value.details["failures"]) == {"email"}


def test_channels_follow_configuration() -> None:
    assert configured_channels(AlertSettings()) == []
    assert configured_channels(AlertSettings(webhook_url=SecretStr("http://h"))) == ["webhook"]
    with pytest.raises(AlertDeliveryError, match="not delivered"):
        send_alert(_quality_alert(), AlertSettings(), channels=["email"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="smtp_to"):
        AlertSettings(smtp_host="localhost")


def test_webhook_url_is_redacted_in_settings_repr() -> None:
    assert "s3cret" not in repr(AlertSettings(webhook_url=SecretStr("http://h/?token=s3cret")))


def test_an_alert_leaves_with_its_pii_scrubbed() -> None:
    from semtel_core.alerts import build_alert
    from semtel_core.errors import ReconciliationError

    error = ReconciliationError(
        "batch collect: 1 results missing for jane.roe@example.com",
        missing=[["jane.roe@example.com", "topic"]],
    )
    payload = build_alert(error, week="2026-10-12")
    text = json.dumps(payload.to_json())
    assert "jane.roe@example.com" not in text and payload.message.endswith("<EMAIL>")
