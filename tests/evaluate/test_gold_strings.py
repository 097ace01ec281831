"""The gold loader reads string labels of the classifiers asked for and says why it leaves anything else out."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from semtel_core.errors import InputFileError
from semtel_core.evaluate.gold import load_gold

pytestmark = [pytest.mark.unit]


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


NESTED = [
    {"conversation_id": "a", "labels": {"topic": "coding", "tags": ["x", "y"], "score": 4, "meta": {"k": 1}}},
    {"conversation_id": "b", "labels": {"topic": "math", "tags": [], "score": 2.5, "done": True}},
]


def test_without_named_classifiers_only_string_labels_become_classifiers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="semtel_core.evaluate.gold"):
        gold = load_gold([_write(tmp_path / "g.jsonl", NESTED)])
    assert gold == {"topic": {"a": "coding", "b": "math"}}
    warning = caplog.text
    for reason in ("tags (list, 2 rows)", "score (number, 2 rows)", "meta (object, 1 rows)", "done (boolean"):
        assert reason in warning


def test_named_classifiers_are_the_only_ones_read(tmp_path: Path) -> None:
    wide = _write(
        tmp_path / "wide.jsonl",
        [
            {"conversation_id": "a", "topic": "coding", "user_id": "u1", "satisfaction": "high"},
            {"conversation_id": "b", "topic": "math", "user_id": "u2", "satisfaction": None},
        ],
    )
    assert load_gold([wide], ["topic", "satisfaction"]) == {
        "topic": {"a": "coding", "b": "math"},
        "satisfaction": {"a": "high"},
    }
    # unnamed, a string field such as user_id would have been taken for a classifier
    assert "user_id" in load_gold([wide])


def test_a_named_classifier_whose_label_is_not_a_string_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "g.jsonl", NESTED)
    assert load_gold([path], ["topic"]) == {"topic": {"a": "coding", "b": "math"}}
    with pytest.raises(
        InputFileError, match=r"g\.jsonl:1: the gold label of 'tags' must be a string, not a list"
    ):
        load_gold([path], ["topic", "tags"])
    long = _write(tmp_path / "long.jsonl", [{"conversation_id": "a", "classifier": "topic", "label": 3}])
    with pytest.raises(InputFileError, match=r"long\.jsonl:1: .* not a number \(3\)"):
        load_gold([long], ["topic"])


def test_named_classifiers_filter_an_llm_run_too(tmp_path: Path) -> None:
    rows = _write(
        tmp_path / "results.jsonl",
        [
            {"conversation_id": "a", "classifier": "topic", "label": "coding", "status": "ok"},
            {"conversation_id": "a", "classifier": "satisfaction", "label": "high", "status": "ok"},
        ],
    )
    assert load_gold([rows], ["topic"]) == {"topic": {"a": "coding"}}
