"""Steps of the weekly run. Each takes plain arguments and returns a small JSON-able dict (an XCom).

Each step reads a fixed input and replaces a fixed output partition (``<output_root>/week=<start>/<step>/``), so
a task retry or a rerun of the same week gives the same result and never duplicates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from semtel_core import storage
from semtel_core.config import load_settings
from semtel_core.extract import extract


def week_dir(output_root: str, week_start: datetime) -> str:
    return storage.join(output_root, f"week={week_start.date().isoformat()}")


def extract_week(
    sources: list[str],
    output_root: str,
    week_start: datetime,
    week_end: datetime,
    *,
    config_path: str | None = None,
    sample_rate: float | None = None,
) -> dict[str, Any]:
    """Validate, scrub, sample and dedupe the conversations timestamped in [week_start, week_end)."""
    overrides: dict[str, Any] = {}
    settings = load_settings(config_path)
    if sample_rate is not None:
        overrides["sampling"] = {**settings.sampling.model_dump(), "rate": sample_rate}
        settings = load_settings(config_path, **overrides)
    out = storage.join(week_dir(output_root, week_start), "extract")
    summary = extract(sources, out, settings, window=(week_start, week_end))
    return summary.model_dump()
