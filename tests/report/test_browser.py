"""The report rendered by headless Chromium: the charts are in the DOM the browser built, small cells are
suppressed, and the screenshot shows the bars. Skipped when /usr/bin/chromium is missing (scripts/bootstrap.sh
installs it on Debian when run as root)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from report_helpers import CLASSIFIERS, RARE_LABEL, week_rows, write

from semtel_core.config import Settings
from semtel_core.report import render_report

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BAR_RGB = (0x3C, 0x78, 0xB4)  # svg .bar fill in the report's style


def _chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        pytest.skip(
            "headless Chromium not installed (scripts/bootstrap.sh installs it: apt-get install chromium)"
        )
    return path


def _run(tmp_path: Path, *args: str) -> str:
    cmd = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    current = write(tmp / "now.parquet", week_rows())
    previous = write(tmp / "before.parquet", week_rows(skip=60, rare=False))
    return render_report(current, tmp / "report.html", Settings(), previous_results_path=previous)


def test_dom_after_rendering_has_one_chart_per_classifier(report: Path, tmp_path: Path) -> None:
    dom = _run(tmp_path, "--dump-dom", report.as_uri())
    charts = re.findall(r'<svg class="chart distribution" data-classifier="([^"]+)"', dom)
    assert sorted(charts) == sorted(CLASSIFIERS)
    assert len(re.findall(r'<rect class="bar"', dom)) >= 10
    assert re.search(rf'class="suppressed" data-label="{RARE_LABEL}"', dom)
    assert not re.search(rf'class="bar" data-label="{RARE_LABEL}"', dom)
    assert len(re.findall(r'<td class="cell suppressed"', dom)) >= 1


def test_screenshot_shows_the_bars(report: Path, tmp_path: Path) -> None:
    from PIL import Image

    shot = tmp_path / "report.png"
    _run(tmp_path, f"--screenshot={shot}", "--window-size=1280,2600", report.as_uri())
    keep = Path("/tmp/semtel-report-screenshot.png")
    shutil.copyfile(shot, keep)  # for a person to look at after the run
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (1280, 2600)
        colours = rgb.getcolors(maxcolors=1 << 20) or []
    bar_pixels = sum(n for n, c in colours if all(abs(a - b) <= 3 for a, b in zip(c, BAR_RGB, strict=True)))
    assert bar_pixels > 5_000, "no chart bars painted"
