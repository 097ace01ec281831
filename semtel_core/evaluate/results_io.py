"""Reading result rows (``ClassificationResult``, Parquet or JSONL) into labels per classifier and conversation.

A run's label of a conversation is its ``label`` when the row's status is ``ok`` or ``repaired``; ``invalid`` and
``error`` rows count as "no label" (``None``), so that a configuration that fails more often shows up in the
comparison instead of silently shrinking its sample.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from semtel_core.errors import InputFileError
from semtel_core.schema.results import ClassificationResult

log = logging.getLogger(__name__)

LABELLED_STATUSES = frozenset({"ok", "repaired"})
_NEEDED = ("conversation_id", "classifier", "label", "status")
_DESCRIBED = ("model", "strategy", "classifier_version", "truncation", "run_id")


@dataclass
class RunLabels:
    """``labels[classifier][conversation_id]`` = label or ``None``; ``config`` = distinct values that describe
    the run (models, strategies, classifier versions, truncation settings, run ids) for the report header."""

    labels: dict[str, dict[str, str | None]] = field(default_factory=dict)
    config: dict[str, list[str]] = field(default_factory=dict)
    duplicates: int = 0

    @property
    def classifiers(self) -> list[str]:
        return sorted(self.labels)


def run_labels(rows: Iterable[Mapping[str, Any] | ClassificationResult]) -> RunLabels:
    """Build :class:`RunLabels`; a second row for the same (classifier, conversation) is counted and ignored."""
    run = RunLabels()
    described: dict[str, Counter[str]] = {name: Counter() for name in _DESCRIBED}
    for raw in rows:
        row = raw.model_dump() if isinstance(raw, ClassificationResult) else raw
        per_classifier = run.labels.setdefault(str(row["classifier"]), {})
        cid = str(row["conversation_id"])
        if cid in per_classifier:
            run.duplicates += 1
            continue
        per_classifier[cid] = row["label"] if row["status"] in LABELLED_STATUSES else None
        for name in _DESCRIBED:
            if row.get(name) is not None:
                described[name][str(row[name])] += 1
    run.config = {name: sorted(counts) for name, counts in described.items() if counts}
    if run.duplicates:
        log.warning(
            "%d duplicate result rows ignored (first row per classifier and conversation kept)",
            run.duplicates,
        )
    return run


def _read_table(path: Path) -> pa.Table:
    try:
        if path.suffix == ".parquet" or path.is_dir():
            return pq.read_table(path)
        return pa_json.read_json(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputFileError(f"cannot read result rows from {path}: {exc}", path=str(path)) from None


def read_result_rows(paths: Sequence[str | Path]) -> list[dict[str, Any]]:
    """Rows of one run from Parquet files/folders or JSONL files (the run may span several partitions)."""
    rows: list[dict[str, Any]] = []
    for raw_path in paths:
        path = Path(raw_path)
        table = _read_table(path)
        missing = [c for c in _NEEDED if c not in table.column_names]
        if missing:
            raise InputFileError(
                f"{path} is not a result-row file: missing columns {missing}", path=str(path)
            )
        columns = [c for c in (*_NEEDED, *_DESCRIBED) if c in table.column_names]
        rows.extend(table.select(columns).to_pylist())
    return rows


def load_run(paths: Sequence[str | Path]) -> RunLabels:
    return run_labels(read_result_rows(paths))
