"""The Presidio adapter, exercised against a real AnalyzerEngine; skipped when presidio-analyzer is absent."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from semtel_core.config import PrivacySettings
from semtel_core.errors import ConfigError
from semtel_core.privacy import build_scrubber, presidio_adapter
from semtel_core.privacy.presidio_adapter import PresidioDetector

pytestmark = [pytest.mark.unit]

HAVE_PRESIDIO = importlib.util.find_spec("presidio_analyzer") is not None


def _blank_spacy_analyzer(model_dir: Path) -> Any:
    """An AnalyzerEngine on an empty spaCy pipeline: no NER model to download, pattern recognizers work."""
    spacy = pytest.importorskip("spacy")
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    spacy.blank("en").to_disk(model_dir)
    configuration = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": str(model_dir)}],
    }
    return AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=configuration).create_engine())


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pytest.importorskip("presidio_analyzer")
    return _blank_spacy_analyzer(tmp_path_factory.mktemp("spacy") / "blank_en")


def test_presidio_spans_are_mapped_to_semtel_placeholders(analyzer: Any) -> None:
    text = (
        "Mail john.smith@example.com or use card 4111 1111 1111 1111 from 203.0.113.42, call +1 415-555-2671"
    )
    detector = PresidioDetector(analyzer)
    found = {(span.entity, text[span.start : span.end]) for span in detector.detect(text)}
    assert ("EMAIL", "john.smith@example.com") in found
    assert ("CREDIT_CARD", "4111 1111 1111 1111") in found
    assert ("IP_ADDRESS", "203.0.113.42") in found
    assert ("PHONE", "+1 415-555-2671") in found
    assert {entity for entity, _ in found} <= set(detector.entities)


def test_presidio_engine_keeps_semtel_credential_detectors(
    analyzer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # build_scrubber makes Presidio's default engine, which needs a downloaded spaCy model; use ours.
    monkeypatch.setattr(presidio_adapter, "_default_analyzer", lambda: analyzer)
    scrubber = build_scrubber(PrivacySettings(engine="presidio"))
    text = "key sk-proj-Jx8fK2mQ9wLr4TzV7bN1cY5hA3dE6gS0 and mail john.smith@example.com, tel +1 415-555-2671"
    result = scrubber.scrub(text)
    assert result.text == "key <SECRET> and mail <EMAIL>, tel <PHONE>"
    assert scrubber.scrub(result.text).text == result.text


@pytest.mark.skipif(HAVE_PRESIDIO, reason="presidio-analyzer is installed")
def test_presidio_engine_without_presidio_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="presidio-analyzer is not installed") as info:
        build_scrubber(PrivacySettings(engine="presidio"))
    assert info.value.details["field"] == "privacy.engine"
