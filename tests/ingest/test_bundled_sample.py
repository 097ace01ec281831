"""The bundled sample's deliberate bad rows are each rejected with the reason its manifest names."""

from __future__ import annotations

import pytest

from semtel_core.config import InputSettings
from semtel_core.errors import InputFileError
from semtel_core.ingest.rejects import Reject
from semtel_core.ingest.scan import ScanCounts, scan
from semtel_core.sample_data import CONVERSATIONS_PATH, MALFORMED_TRUNCATED_PATH, load_expected_rejects

pytestmark = [pytest.mark.unit]


def test_bundled_sample_rejects_match_manifest() -> None:
    counts = ScanCounts()
    rejects = [i for i in scan([str(CONVERSATIONS_PATH)], InputSettings(), counts) if isinstance(i, Reject)]
    got = {(r.location.line, r.reason.value) for r in rejects}
    expected = {(e["line"], e["reject_reason"]) for e in load_expected_rejects()}
    assert got == expected
    assert counts.read == counts.accepted + counts.rejected_total


def test_bundled_truncated_file_is_a_file_error() -> None:
    with pytest.raises(InputFileError, match=r"line 4: truncated"):
        list(scan([str(MALFORMED_TRUNCATED_PATH)], InputSettings(), ScanCounts()))
