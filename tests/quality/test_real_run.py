"""The suite on a real run: bundled sample → extract → classify against the local endpoint → validate_week."""

from __future__ import annotations

from pathlib import Path

import pytest

from semtel_core.config import EndpointSettings, QualitySettings, Settings
from semtel_core.quality import validate_week

pytestmark = [pytest.mark.integration, pytest.mark.slow]
CLASSIFIERS = ["topic", "satisfaction"]


def test_classified_sample_week_passes(tmp_path: Path) -> None:
    from semtel_core.classify import classify_run
    from semtel_core.endpoint.testing import running_endpoint
    from semtel_core.extract import SUMMARY_FILE, extract
    from semtel_core.sample_data import CONVERSATIONS_PATH

    with running_endpoint("--lazy-load") as url:
        settings = Settings(
            endpoints=[EndpointSettings(name="local", base_url=url, model="instant")],
            classifiers=CLASSIFIERS,
            quality=QualitySettings(max_unlabelled_rate=0.05),
        )
        summary = extract([str(CONVERSATIONS_PATH)], str(tmp_path / "extract"), settings)
        conversations = summary.conversations_path
        classify_run([conversations], str(tmp_path / "run"), settings, strategy="multi")
    report = validate_week(
        str(tmp_path / "run" / "results"),
        str(tmp_path / "extract" / SUMMARY_FILE),
        str(tmp_path / "run" / "results"),  # same week as "previous": no shift
        settings,
    )
    assert report.success, [e for e in report.failed_expectations]
    assert {c.classifier: c.rows for c in report.classifiers} == dict.fromkeys(CLASSIFIERS, summary.sampled)
    assert all(c.jsd_previous == 0.0 for c in report.classifiers) and report.warnings == []
