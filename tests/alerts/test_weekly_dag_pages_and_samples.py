"""Through the real weekly DAG (``dag.test()``, one child process, two runs):

- a week with no conversations at all (upstream data missing) fails ``extract`` with its own clear alert, by
  e-mail and webhook, with the week, the task, the error, the log link and the week's folder;
- a manual run with a mid-week logical date processes that Monday-to-Monday week, and the settings file's
  ``sampling.rate: 0.1`` is honoured (the DAG's parameters default to "as configured").
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alert_receivers import SmtpInbox, WebhookReceiver, write_settings

from semtel_core.endpoint.testing import FAST_BATCHES, running_endpoint
from semtel_core.pipeline.dag_test import airflow_env, migrate, run_dag_tests

pytestmark = [pytest.mark.integration, pytest.mark.slow]
EMPTY_WEEK = datetime(2026, 12, 7, tzinfo=UTC)  # the bundled sample ends on 2026-11-01
MID_WEEK = datetime(2026, 10, 14, 15, 30, tzinfo=UTC)  # a Wednesday: the week of Monday 2026-10-12


def test_empty_week_pages_and_the_configured_sample_rate_holds(
    tmp_path: Path, smtp_inbox: SmtpInbox, webhook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEMTEL_ALERTS__WEBHOOK_URL", webhook.url)
    monkeypatch.delenv("SEMTEL_CONFIG", raising=False)
    out = tmp_path / "out"
    with running_endpoint(*FAST_BATCHES) as base_url:
        config = write_settings(
            tmp_path / "semtel.yaml",
            base_url,
            smtp_inbox,
            sampling={"rate": 0.1},
            weekly={"output_root": str(out)},
            # One weekly run is one week: the quality suite's thresholds are not under test here.
            quality={"max_unlabelled_rate": 1.0},
        )
        env = airflow_env(tmp_path / "airflow")
        migrate(env)
        empty, sampled = run_dag_tests(
            env,
            "semantic_telemetry_weekly",
            [EMPTY_WEEK, MID_WEEK],
            {"config_path": str(config)},
            timeout_s=400,
        )

    assert empty.state == "failed" and empty.states()["extract"] == {"failed"}, empty.states()
    (post,) = webhook.posts
    assert post["error_type"] == "EmptyWeekError" and post["task_id"] == "extract"
    assert post["title"] == "no conversations for week 2026-12-07"
    assert post["week"] == "2026-12-07" and post["results_path"] == str(out / "week=2026-12-07")
    assert "read 292 rows" in post["message"] and post["run_link"].startswith("http")
    (message,) = smtp_inbox.messages
    assert "week 2026-12-07" in message["Subject"]
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True)
    for line in (
        "Error: EmptyWeekError",
        "Week: 2026-12-07",
        "Task: extract",
        f"Results: {out}/week=2026-12-07",
    ):
        assert line in body.decode(), body.decode()

    assert sampled.state == "success", sampled.states()
    assert sampled.data_interval_start.startswith("2026-10-12")
    summary = json.loads((out / "week=2026-10-12" / "extract" / "extract_summary.json").read_text())
    in_week = summary["accepted"] - summary["outside_window"]
    assert summary["sample_rate"] == 0.1 and in_week > 50
    assert 0 < summary["sampled"] <= 0.25 * in_week, summary
