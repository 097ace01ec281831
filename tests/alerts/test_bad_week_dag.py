"""A deliberately bad week, through the real weekly DAG (``dag.test()``): every answer of the endpoint is broken, so
the week's results are invalid, ``validate`` fails, and its ``on_failure_callback`` notifiers page on-call at a local
SMTP server (aiosmtpd) and a local webhook receiver, with the run's link, the failed expectations and the figures.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alert_receivers import SmtpInbox, WebhookReceiver, write_settings

from semtel_core.endpoint.testing import FAST_BATCHES, running_endpoint
from semtel_core.pipeline.dag_test import airflow_env, migrate, run_dag_tests

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_bad_week_fails_validation_and_pages_on_call(
    tmp_path: Path, smtp_inbox: SmtpInbox, webhook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The webhook URL is a secret: from the environment. The SMTP target: from the run's settings file.
    monkeypatch.setenv("SEMTEL_ALERTS__WEBHOOK_URL", webhook.url)
    monkeypatch.delenv("SEMTEL_CONFIG", raising=False)
    broken = ("--fault-malformed", "1.0", "--malformed-kinds", "non_json")
    with running_endpoint(*FAST_BATCHES, *broken) as base_url:
        config = write_settings(tmp_path / "semtel.yaml", base_url, smtp_inbox)
        env = airflow_env(tmp_path / "airflow")
        migrate(env)
        conf = {"output_root": str(tmp_path / "out"), "config_path": str(config)}
        (run,) = run_dag_tests(
            env, "semantic_telemetry_weekly", [datetime(2026, 10, 19, tzinfo=UTC)], conf, timeout_s=300
        )

    states = run.states()
    assert run.state == "failed", states
    assert states["grade"] == {"success"} and states["validate"] == {"failed"}, states
    assert states["load"] == states["report"] == {"upstream_failed"}, states

    (post,) = webhook.posts
    assert post["dag_id"] == "semantic_telemetry_weekly" and post["task_id"] == "validate"
    assert post["run_id"].startswith("manual__") and post["run_link"].startswith("http")
    assert post["error_type"] == "DataQualityError"
    failed = {(e["suite"], e["expected"].get("column")) for e in post["failed_expectations"]}
    assert ("classifiers", "unlabelled_rate") in failed
    assert post["statistics"]["classifiers"]["topic"]["unlabelled_rate"] == 1.0

    (message,) = smtp_inbox.messages
    assert message["To"] == "oncall@example.org" and "semantic_telemetry_weekly" in message["Subject"]
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True)
    assert post["run_link"] in body.decode() and "'unlabelled_rate': 1.0" in body.decode()
