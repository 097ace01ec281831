"""The notifiers module is imported by the scheduler's DAG parsing: nothing heavy may come with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.unit]
PLUGINS = Path(__file__).resolve().parents[2] / "plugins"


def test_importing_notifiers_loads_no_heavy_module() -> None:
    code = (
        "import sys, semtel_airflow.notifiers as n; "
        "heavy = [m for m in ('great_expectations', 'pandas', 'semtel_core.quality', "
        "'semtel_core.alerts', 'semtel_core.config') if m in sys.modules]; "
        "print(','.join(heavy)); assert n.SemtelEmailNotifier.channel == 'email'"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(PLUGINS)},
    )
    assert out.stdout.strip() == ""
