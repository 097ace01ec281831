"""Gold labels for training embedding classifiers: an LLM run's result rows, or human labels in JSONL.

Accepted JSONL shapes, one conversation (or one label) per line:

- long:   ``{"conversation_id": "c1", "classifier": "topic", "label": "coding"}``
- nested: ``{"conversation_id": "c1", "labels": {"topic": "coding", "satisfaction": "neutral"}}``
- wide:   ``{"conversation_id": "c1", "topic": "coding", "satisfaction": "neutral"}`` (every other string field
  is a classifier, unless the classifiers are named; the bundled sample's ``expected_labels.jsonl`` has this shape)

A file with the result-row columns (``classifier``, ``label``, ``status``; Parquet or JSONL) is read as an LLM run:
only ``ok`` and ``repaired`` rows are gold. Null labels are skipped. A conversation given two different labels
for one classifier is an error: gold must not contradict itself.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from semtel_core.errors import InputFileError
from semtel_core.evaluate.results_io import read_result_rows, run_labels

GoldLabels = dict[str, dict[str, str]]
log = logging.getLogger(__name__)
_RESULT_COLUMNS = frozenset({"classifier", "label", "status", "conversation_id"})


def _pairs_of(record: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    if "classifier" in record and "label" in record:
        return [(str(record["classifier"]), record["label"])]
    if isinstance(record.get("labels"), Mapping):
        return [(str(k), v) for k, v in record["labels"].items()]
    return [(k, v) for k, v in record.items() if k != "conversation_id"]


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _add(gold: GoldLabels, classifier: str, cid: str, label: str, path: Path) -> None:
    known = gold.setdefault(classifier, {}).setdefault(cid, label)
    if known != label:
        raise InputFileError(
            f"{path}: conversation {cid!r} has two gold labels for {classifier!r}: {known!r} and {label!r}",
            path=str(path),
            conversation_id=cid,
        )


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
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
        records.append((number, record))
    return records


def _is_result_file(path: Path, first: Mapping[str, Any] | None) -> bool:
    return path.suffix == ".parquet" or (first is not None and set(first) >= _RESULT_COLUMNS)


def load_gold(paths: Sequence[str | Path], classifiers: Sequence[str] | None = None) -> GoldLabels:
    """``gold[classifier][conversation_id] = label`` from every file (they may mix LLM runs and human labels).

    Labels are strings. With ``classifiers``, only those are read, and a label of one of them that is not a
    string (a list, a number, an object) is an error naming its line; other keys are ignored. Without, every key
    whose value is a string is a classifier, and keys whose values are not strings are skipped with a WARNING
    that names them and why.
    """
    wanted = set(classifiers) if classifiers else None
    gold: GoldLabels = {}
    skipped: Counter[tuple[str, str]] = Counter()
    for raw in paths:
        path = Path(raw)
        records = [] if path.suffix == ".parquet" else _read_jsonl(path)
        if _is_result_file(path, records[0][1] if records else None):
            _add_run(gold, path, wanted)
        else:
            _add_records(gold, path, records, wanted, skipped)
    if skipped:
        log.warning(
            "gold: keys whose values are not string labels are not classifiers, skipped: %s",
            ", ".join(f"{k} ({kind}, {n} rows)" for (k, kind), n in sorted(skipped.items())),
        )
    return gold


def _add_run(gold: GoldLabels, path: Path, wanted: set[str] | None) -> None:
    """An LLM run's result rows: its ``ok`` and ``repaired`` labels."""
    for classifier, labels in run_labels(read_result_rows([path])).labels.items():
        if wanted is not None and classifier not in wanted:
            continue
        for cid, label in labels.items():
            if label is not None:
                _add(gold, classifier, cid, label, path)


def _add_records(
    gold: GoldLabels,
    path: Path,
    records: list[tuple[int, dict[str, Any]]],
    wanted: set[str] | None,
    skipped: Counter[tuple[str, str]],
) -> None:
    for number, record in records:
        for classifier, label in _pairs_of(record):
            if label is None or (wanted is not None and classifier not in wanted):
                continue
            if not isinstance(label, str):
                if wanted is not None:
                    raise InputFileError(
                        f"{path}:{number}: the gold label of {classifier!r} must be a string, "
                        f"not a {_kind(label)} ({json.dumps(label)[:60]})",
                        path=str(path),
                        line=number,
                    )
                skipped[(classifier, _kind(label))] += 1
                continue
            _add(gold, classifier, str(record["conversation_id"]), label, path)
