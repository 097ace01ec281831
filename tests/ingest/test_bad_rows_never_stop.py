"""Regressions from the hostile-input probe: each bad row becomes a reject with its reason, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from semtel_core.config import InputSettings, load_settings
from semtel_core.errors import ConfigError
from semtel_core.ingest.rejects import Reject
from semtel_core.ingest.scan import ScanCounts, scan

pytestmark = [pytest.mark.unit]
CORPUS = Path(__file__).parent / "fuzz_corpus"


def _scan(path: Path, **settings: int) -> tuple[ScanCounts, dict[str, str]]:
    counts = ScanCounts()
    reasons = {}
    for item in scan([str(path)], InputSettings(**settings), counts):
        if isinstance(item, Reject):
            reasons[str(item.conversation_id)[:20]] = item.reason.value
    return counts, reasons


def test_timestamps_out_of_range_once_in_utc_are_rejected() -> None:
    counts, reasons = _scan(CORPUS / "timestamps.jsonl")
    assert (
        reasons["ts-0"] == reasons["ts-1"] == "invalid_timestamp"
    )  # 9999-12-31T23:59:59-01:00, 0001-...+01:00
    assert counts.read == counts.accepted + counts.rejected_total + counts.blank


def test_parquet_timestamps_after_9999_and_before_1_are_rejected() -> None:
    counts, reasons = _scan(CORPUS / "timestamps_out_of_range.parquet")
    assert counts.accepted == 1 and reasons == {
        "pq-after-9999": "invalid_timestamp",
        "pq-before-1": "invalid_timestamp",
    }


def test_bom_is_accepted_and_blank_lines_are_counted() -> None:
    counts, reasons = _scan(CORPUS / "bom_blank_crlf.jsonl")
    assert (counts.read, counts.accepted, counts.blank, reasons) == (6, 3, 3, {})


def test_ids_over_the_cap_are_rejected() -> None:
    _, reasons = _scan(CORPUS / "ids_and_shapes.jsonl", max_id_chars=256)
    assert reasons["x" * 20] == "id_too_long"


def test_a_missing_key_variable_fails_at_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEMTEL_TEST_MISSING_KEY", raising=False)
    config = tmp_path / "s.yaml"
    config.write_text(
        "endpoints: [{name: oai, base_url: 'https://x/v1', api_key_env: SEMTEL_TEST_MISSING_KEY}]\n"
    )
    with pytest.raises(ConfigError, match="SEMTEL_TEST_MISSING_KEY is not set"):
        load_settings(str(config))
