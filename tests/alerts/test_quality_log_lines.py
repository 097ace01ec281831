"""The validate log an operator reads: one line per failed expectation (classifier, statistic, observed vs
allowed), and none of Great Expectations' INFO chatter (it logged ~230 registration lines per suite run)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from bad_week import bad_week

from semtel_core.config import Settings
from semtel_core.errors import DataQualityError
from semtel_core.quality import validate_week

pytestmark = [pytest.mark.integration]


def test_one_line_per_failed_expectation_and_no_gx_chatter(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    results, summary = bad_week(tmp_path)
    with caplog.at_level(logging.INFO), pytest.raises(DataQualityError):
        validate_week(results, summary, None, Settings(classifiers=["topic"]))
    assert not [
        r for r in caplog.records if r.name.startswith("great_expectations") and r.levelno < logging.WARNING
    ]
    failed = [r.getMessage() for r in caplog.records if r.getMessage().startswith("failed expectation")]
    assert failed == [
        "failed expectation results: classifier=topic label: observed 1 unexpected, e.g. ['astrology']; "
        "allowed one of 21 labels",
        "failed expectation classifiers: unlabelled_rate: observed classifier=topic, unlabelled_rate=0.25; "
        "allowed [0.0, 0.05]",
    ]
