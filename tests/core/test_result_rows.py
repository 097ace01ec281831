"""The one builder of result rows: every field in schema order, defaults from the model, no silent nulls."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from semtel_core.classify.content import copy_to_duplicates
from semtel_core.schema.results import RESULT_SCHEMA, ClassificationResult, result_row, with_changes

pytestmark = [pytest.mark.unit]

_REQUIRED = dict(
    run_id="r",
    conversation_id="c1",
    content_hash="h1",
    classifier="topic",
    classifier_version="v1",
    label="coding",
    status="ok",
    strategy="multi",
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)


def test_a_row_has_every_schema_field_in_order_and_validates_as_the_model() -> None:
    row = result_row(**_REQUIRED, prompt_tokens=12)
    assert list(row) == RESULT_SCHEMA.names
    assert row["prompt_tokens"] == 12 and row["completion_tokens"] == 0 and row["flipped"] is None
    assert ClassificationResult.model_validate(row).model_dump() == row
    assert pa.Table.from_pylist([row], schema=RESULT_SCHEMA).num_rows == 1


def test_a_misspelt_or_missing_field_is_refused_not_turned_into_null() -> None:
    with pytest.raises(TypeError, match=r"unknown fields \['lable'\]"):
        result_row(**_REQUIRED, lable="x")
    partial = {k: v for k, v in _REQUIRED.items() if k != "classifier_version"}
    with pytest.raises(TypeError, match=r"missing fields \['classifier_version'\]"):
        result_row(**partial)
    with pytest.raises(TypeError, match=r"unknown fields \['grader_verdit'\]"):
        with_changes(result_row(**_REQUIRED), grader_verdit="correct")


def test_copies_to_duplicates_keep_the_cost_on_the_representative() -> None:
    row = result_row(**_REQUIRED, prompt_tokens=30, completion_tokens=3, cost_usd=0.5)
    first, second = copy_to_duplicates(row, ["c1", "c2"])
    assert (first["conversation_id"], first["prompt_tokens"], first["cost_usd"]) == ("c1", 30, 0.5)
    assert (second["conversation_id"], second["prompt_tokens"], second["cost_usd"]) == ("c2", 0, 0.0)
    assert list(second) == RESULT_SCHEMA.names and row["conversation_id"] == "c1"
