from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import endpoint_testdata as s
import jsonschema
import pytest

from semtel_core.endpoint.models import _HashChooser
from semtel_core.endpoint.prompt_view import label_definitions, view_prompt
from semtel_core.endpoint.schema_fill import fill_response

pytestmark = [pytest.mark.unit]


class _FirstWordChooser:
    """Picks the label whose name occurs in the block text: makes the walk's bookkeeping observable."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.calls: list[tuple[int, str]] = []

    def choose(self, block: int, field: str, labels: Sequence[str], description: str | None) -> str:
        self.calls.append((block, field))
        text = self.texts[block] if block >= 0 else ""
        return next((label for label in labels if label in text), labels[-1])


def _fill(schema: dict[str, Any], prompt: str) -> Any:
    view = view_prompt(s.messages_for(prompt))
    value = fill_response(schema, view, _HashChooser(view))
    jsonschema.validate(value, schema)
    return value


@pytest.mark.parametrize("schema_fn", [s.single_schema, s.multi_schema, s.wrapped_schema, s.grader_schema])
def test_single_conversation_answers_validate(schema_fn: Any) -> None:
    _fill(schema_fn(), s.blocks(("c-1", s.CODING)))


def test_batched_answer_has_one_item_per_block_with_its_id() -> None:
    value = _fill(s.batched_schema(), s.blocks(("a", s.CODING), ("b", s.COOKING), ("c", s.TRAVEL)))
    assert [item["conversation_id"] for item in value["results"]] == ["a", "b", "c"]


def test_labels_are_chosen_per_block_and_per_classifier() -> None:
    prompt = s.blocks(("a", [("user", "travel please")]), ("b", [("user", "coding please")]))
    view = view_prompt(s.messages_for(prompt))
    chooser = _FirstWordChooser([view.block_text(0), view.block_text(1)])
    value = fill_response(s.batched_schema(), view, chooser)
    assert [r["topic"] for r in value["results"]] == ["travel", "coding"]
    assert chooser.calls == [(0, "topic"), (1, "topic")]


def test_grader_says_correct_only_when_its_pick_matches_the_proposal() -> None:
    body = s.blocks(("c", [("user", "coding question")]))
    for proposed, verdict in (("coding", "correct"), ("travel", "incorrect")):
        view = view_prompt(
            s.messages_for(f'{body}\n<proposed_labels>{{"topic": "{proposed}"}}</proposed_labels>')
        )
        value = fill_response(s.grader_schema(), view, _FirstWordChooser([view.block_text(0)]))
        assert value == {"topic": {"verdict": verdict, "corrected_label": "coding"}}


def test_refs_nullable_numbers_and_arrays_validate() -> None:
    schema = {
        "$defs": {"Topic": s.topic_field()},
        "type": "object",
        "properties": {
            "topic": {"$ref": "#/$defs/Topic"},
            "secondary": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/Topic"}]},
            "confidence": {"type": "number", "minimum": 0.5, "maximum": 1},
            "turns": {"type": "integer", "exclusiveMinimum": 3},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}, "minItems": 2},
            "note": {"type": ["string", "null"], "minLength": 2},
            "flag": {"type": "boolean"},
        },
        "required": ["topic", "secondary", "confidence", "turns", "tags", "note", "flag"],
        "additionalProperties": False,
    }
    value = _fill(schema, s.blocks(("c", s.COOKING)))
    assert value["turns"] == 4 and len(value["tags"]) == 2


def test_prompt_without_blocks_uses_the_user_text() -> None:
    view = view_prompt([{"role": "user", "content": "coding please"}])
    assert view.blocks == [] and view.block_text(view.target_block) == "coding please"
    assert fill_response(s.single_schema(), view, _FirstWordChooser([])) == {"topic": "travel"}


def test_instant_answers_are_deterministic_and_depend_on_content() -> None:
    answers = {
        str(_fill(s.multi_schema(), s.blocks(("c", [("user", f"question number {i}")])))) for i in range(40)
    }
    again = str(_fill(s.multi_schema(), s.blocks(("c", [("user", "question number 0")]))))
    assert len(answers) > 3
    assert again in answers


def test_label_definitions_come_from_the_description_lines() -> None:
    defs = label_definitions(["coding", "food_cooking", "other"], s.TOPIC_DESCRIPTION)
    assert defs[0].startswith("coding: writing, debugging")
    assert defs[1] == "food cooking: recipes, cooking, baking and food"
    assert defs[2] == "other"
