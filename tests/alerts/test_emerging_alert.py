"""An emerging topic that grew past ``topics.emerging_alert_growth`` pages on-call by webhook; below it, without
the setting, or without a channel, nothing is sent and the step says why; a failed delivery does not fail the
step."""

from __future__ import annotations

from datetime import date

import pytest
from alert_receivers import WebhookReceiver
from pydantic import SecretStr

from semtel_core.config import AlertSettings, Settings, TopicsSettings
from semtel_core.pipeline.emerging_step import alert_emerging
from semtel_core.topics.emerging import EmergingReport, EmergingTopic
from semtel_core.topics.weekly import EmergingSummary

pytestmark = [pytest.mark.unit]

WEEK = date(2026, 10, 5)


def _summary(*growths: float) -> EmergingSummary:
    topics = [
        EmergingTopic(
            name=f"knit / yarn {n}",
            description="Conversations that mention knit, yarn.",
            conversations=15,
            expected=15 / growth,
            growth=growth,
            p_value=1e-6,
            q_value=1e-5,
            first_seen=WEEK,
            weeks_seen=1,
            earlier_counts=[0, 0],
        )
        for n, growth in enumerate(growths)
    ]
    report = EmergingReport(week=WEEK, conversations=105, earlier_weeks=2, clusters_tested=4, emerging=topics)
    return EmergingSummary(
        week=WEEK,
        scope="all",
        selection="every conversation of the week",
        in_scope=105,
        sampled=105,
        earlier_weeks_read=[date(2026, 9, 21), date(2026, 9, 28)],
        embedding_model="local-minilm",
        naming="terms",
        naming_note="terms",
        examples_note="none",
        scrubbed_names=0,
        report=report,
    )


def _settings(growth: float | None, hook: WebhookReceiver | None) -> Settings:
    return Settings(
        topics=TopicsSettings(emerging_alert_growth=growth),
        alerts=AlertSettings(webhook_url=SecretStr(hook.url) if hook else None),
    )


def test_a_topic_past_the_growth_threshold_pages_by_webhook(webhook: WebhookReceiver) -> None:
    sent = alert_emerging(_summary(2.5, 30.0), _settings(10.0, webhook), "/out/week=2026-10-05")
    assert sent == {"sent": True, "channels": ["webhook"]}
    (post,) = webhook.posts
    assert post["error_type"] == "EmergingTopics" and post["week"] == "2026-10-05"
    assert [t["name"] for t in post["details"]["topics"]] == ["knit / yarn 1"]  # only the one past 10x
    assert "30.0x expected" in post["message"]


def test_nothing_is_sent_below_the_threshold_without_it_or_without_a_channel(
    webhook: WebhookReceiver,
) -> None:
    below = alert_emerging(_summary(2.5), _settings(10.0, webhook), "/w")
    unset = alert_emerging(_summary(30.0), _settings(None, webhook), "/w")
    nowhere = alert_emerging(_summary(30.0), _settings(10.0, None), "/w")
    assert webhook.posts == []
    assert below == {"sent": False, "why": "no emerging topic grew 10.0x or more"}
    assert unset["why"] == "topics.emerging_alert_growth is not set"
    assert nowhere["why"] == "no alert channel is configured"


def test_a_failed_delivery_is_reported_not_raised(webhook: WebhookReceiver) -> None:
    webhook.status = 500
    sent = alert_emerging(_summary(30.0), _settings(10.0, webhook), "/w")
    assert sent["sent"] is False and "webhook" in sent["failures"]
    assert "s3cret" not in str(sent)  # the webhook's token stays out of the XCom
