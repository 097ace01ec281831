"""Gold labels for training embedding classifiers: an LLM run's result rows, or human labels in JSONL.

Accepted JSONL shapes, one conversation (or one label) per line:

- long:   ``{"conversation_id": "c1", "classifier": "topic", "label": "coding"}``
- nested: ``{"conversation_id": "c1", "labels": {"topic": "coding", "satisfaction": "neutral"}}``
- wide:   ``{"conversation_id": "c1", "topic": "coding", "satisfaction": "neutral"}`` (every other string field
  is a classifier; the bundled sample's ``expected_labels.jsonl`` has this shape)

A file with the result-row columns (``classifier``, ``label``, ``status``; Parquet or JSONL) is read as an LLM run:
only ``ok`` and ``repaired`` rows are gold. Null labels are skipped. A conversation given two different labels
for one classifier is an error: gold must not contradict itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from semtel_core.errors import InputFileError
from semtel_core.evaluate.results_io import read_result_rows, run_labels

GoldLabels = dict[str, dict[str, str]]
_RESULT_COLUMNS = frozenset({"classifier", "label", "status", "conversation_id"})


def _pairs_of(record: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    if "classifier" in record and "label" in record:
        return [(str(record["classifier"]), record["label"])]
    if isinstance(record.get("labels"), Mapping):
        return list(record["labels"].items())
    return [(k, v) for k, v in record.items() if k != "conversation_id" and isinstance(v, str)]


def _add(gold: GoldLabels, classifier: str, cid: str, label: str, path: Path) -> None:
    known = gold.setdefault(classifier, {}).setdefault(cid, label)
    if known != label:
        raise InputFileError(
            f"{path}: conversation {cid!r} has two gold labels for {classifier!r}: {known!r} and {label!r}",
            path=str(path),
            conversation_id=cid,
        )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    records = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputFileError(f"cannot read gold labels {path}: {exc.strerror}", path=str(path)) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(
                f"{path}:{number}: not JSON ({exc.msg})", path=str(path), line=number
            ) from None
        if not isinstance(record, dict) or not record.get("conversation_id"):
            raise InputFileError(f"{path}:{number}: needs a conversation_id", path=str(path), line=number)
        records.append(record)
    return records


def _is_result_file(path: Path, first: Mapping[str, Any] | None) -> bool:
    return path.suffix == ".parquet" or (first is not None and set(first) >= _RESULT_COLUMNS)


def load_gold(paths: Sequence[str | Path]) -> GoldLabels:
    """``gold[classifier][conversation_id] = label`` from every file (they may mix LLM runs and human labels)."""
    gold: GoldLabels = {}
    for raw in paths:
        path = Path(raw)
        records = [] if path.suffix == ".parquet" else _read_jsonl(path)
        if _is_result_file(path, records[0] if records else None):
            for classifier, labels in run_labels(read_result_rows([path])).labels.items():
                for cid, label in labels.items():
                    if label is not None:
                        _add(gold, classifier, cid, label, path)
            continue
        for record in records:
            for classifier, label in _pairs_of(record):
                if label is not None:
                    _add(gold, str(classifier), str(record["conversation_id"]), str(label), path)
    return gold
