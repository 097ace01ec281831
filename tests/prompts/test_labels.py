from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from semtel_core.errors import PromptError
from semtel_core.prompts import ClassifierRegistry
from semtel_core.prompts.labels import canonical_form, load_label_definitions
from semtel_core.prompts.schemas import batched_model, grader_model, label_model, strict_json_schema

pytestmark = [pytest.mark.unit]

PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "prompt-protocol.md"


def test_shipped_classifiers_and_label_sets(registry: ClassifierRegistry) -> None:
    assert set(registry.names) >= {
        "user_expertise",
        "topic",
        "satisfaction",
        "task_complexity",
        "knowledge_work",
    }
    assert registry.get("user_expertise").labels == (
        "novice",
        "beginner",
        "intermediate",
        "proficient",
        "expert",
    )
    assert registry.get("satisfaction").labels == ("dissatisfied", "neutral", "satisfied")
    assert registry.get("task_complexity").labels == ("low", "high")
    assert registry.get("knowledge_work").labels == ("yes", "no")
    assert 15 <= len(registry.get("topic").labels) <= 25


def test_topic_taxonomy_matches_the_protocol(registry: ClassifierRegistry) -> None:
    section = PROTOCOL.read_text(encoding="utf-8").split("## Topic taxonomy", 1)[1]
    listed = re.findall(r"[a-z_]+", section.split("\n", 1)[1].strip().split("\n\n")[0])
    assert tuple(listed) == registry.get("topic").labels


def test_every_label_has_a_one_line_definition(registry: ClassifierRegistry) -> None:
    for classifier in registry:
        for label, definition in classifier.definitions.labels.items():
            assert definition and "\n" not in definition, (classifier.name, label)


def test_field_description_is_question_then_one_line_per_label(registry: ClassifierRegistry) -> None:
    d = registry.get("satisfaction").definitions
    lines = d.field_description().splitlines()
    assert lines[0] == d.question
    assert lines[1:] == [f"- {label}: {text}" for label, text in d.labels.items()]


def test_output_model_accepts_only_its_labels(registry: ClassifierRegistry) -> None:
    model = registry.get("task_complexity").output_model
    assert model.model_validate({"task_complexity": "high"}).model_dump() == {"task_complexity": "high"}
    with pytest.raises(ValidationError):
        model.model_validate({"task_complexity": "medium"})
    with pytest.raises(ValidationError):
        model.model_validate({"task_complexity": "low", "extra": 1})


def test_schemas_are_strict_inlined_and_described(registry: ClassifierRegistry) -> None:
    defs = [registry.get("topic").definitions, registry.get("satisfaction").definitions]
    for model in (label_model(defs), batched_model(defs), grader_model(defs)):
        schema = strict_json_schema(model)
        text = repr(schema)
        assert "$ref" not in text and "$defs" not in text
        _assert_closed(schema)
    topic = strict_json_schema(label_model(defs))["properties"]["topic"]
    assert topic["enum"] == list(defs[0].label_names)
    assert topic["description"] == defs[0].field_description()


def _assert_closed(node: object) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert sorted(node["required"]) == sorted(node["properties"])
        for value in node.values():
            _assert_closed(value)


def test_a_field_named_title_survives_inlining(tmp_path: Path) -> None:
    path = tmp_path / "title.labels.yaml"
    path.write_text(
        "question: Is there a title?\nlabels:\n  'yes': a title\n  'no': none\n", encoding="utf-8"
    )
    schema = strict_json_schema(label_model([load_label_definitions(path)]))
    assert "title" in schema["properties"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("question: q\nlabels:\n  yes: a\n  no: b\n", "quote it"),
        ("question: q\nlabels:\n  Good: a\n  bad: b\n", "must match"),
        ("question: q\nlabels:\n  a: x\n  b: y\nsynonyms:\n  c: z\n", "unknown label"),
        ("question: q\nlabels:\n  a: x\n", "labels"),
        ("name: other\nquestion: q\nlabels:\n  a: x\n  b: y\n", "expected 'demo'"),
        ("- just a list\n", "mapping"),
        ("question: q\nlabels:\n  a: x\n  b: y\nsynonyms:\n  A: b\n", "itself a label"),
    ],
)
def test_invalid_label_files_are_named_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "demo.labels.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PromptError, match=message) as info:
        load_label_definitions(path)
    assert info.value.details["path"] == str(path)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (" Data-Analysis. ", "data_analysis"),
        ("FOOD/Cooking", "food_cooking"),
        ('"yes"', "yes"),
        ("ｃｏｄｉｎｇ", "coding"),
    ],
)
def test_canonical_form(raw: str, canonical: str) -> None:
    assert canonical_form(raw) == canonical
