"""The report view serves a week's report.html and nothing else: signed links anywhere, unsigned ones only under
the configured roots; traversal, other file names and forged signatures are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from semtel_core.errors import ConfigError
from semtel_core.report.serving import servable_report, sign_report_path

pytestmark = [pytest.mark.unit]
SECRET = "s3cret"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere" / "week=2026-10-12" / "report.html"
    path.parent.mkdir(parents=True)
    path.write_text("<html></html>")
    return path


def test_signed_link_is_served_wherever_the_run_wrote(report: Path, tmp_path: Path) -> None:
    signature = sign_report_path(str(report), SECRET)
    assert (
        servable_report(str(report), [str(tmp_path / "root")], signature=signature, secret=SECRET) == report
    )


def test_unsigned_link_only_under_a_root(report: Path, tmp_path: Path) -> None:
    assert servable_report(str(report), [str(tmp_path / "elsewhere")]) == report
    with pytest.raises(ConfigError, match="neither a signed report link"):
        servable_report(str(report), [str(tmp_path / "root")])
    with pytest.raises(ConfigError, match="neither a signed report link"):
        servable_report(str(report), [str(tmp_path / "root")], signature="0" * 64, secret=SECRET)


def test_only_weekly_reports(report: Path, tmp_path: Path) -> None:
    secret_file = tmp_path / "elsewhere" / "week=2026-10-12" / "semtel.yaml"
    secret_file.write_text("api_key: x")
    for path in (str(secret_file), "/etc/passwd", f"{report.parent}/../../../../etc/passwd"):
        signature = sign_report_path(path, SECRET)
        with pytest.raises(ConfigError, match="not a weekly report"):
            servable_report(path, ["/"], signature=signature, secret=SECRET)
    missing = tmp_path / "elsewhere" / "week=2026-10-19" / "report.html"
    with pytest.raises(ConfigError, match="no report at"):
        servable_report(str(missing), [str(tmp_path)])
