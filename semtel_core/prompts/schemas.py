"""Labels are types: pydantic output models with ``Literal`` labels, and the ``response_format`` they become.

One label field per classifier, named after it, typed ``Literal[labels...]`` and described with the classifier's
question and label definitions (see docs/prompt-protocol.md). The JSON schema is inlined (no ``$ref``) and every
object is closed and fully required, as OpenAI's strict structured outputs demand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from semtel_core.prompts.labels import LabelDefinitions

_CLOSED = ConfigDict(extra="forbid", frozen=True)
Verdict = Literal["correct", "incorrect"]


def _label_type(definitions: LabelDefinitions) -> Any:
    return Literal[definitions.label_names]


def _label_field(definitions: LabelDefinitions) -> Any:
    return (_label_type(definitions), Field(description=definitions.field_description()))


def _model_name(prefix: str, definitions: Sequence[LabelDefinitions]) -> str:
    return prefix + "".join(d.name.title().replace("_", "") for d in definitions)


def label_model(definitions: Sequence[LabelDefinitions]) -> type[BaseModel]:
    """Single / multi-task output: ``{"<classifier>": "<label>", ...}``."""
    fields: dict[str, Any] = {d.name: _label_field(d) for d in definitions}
    return create_model(_model_name("Labels", definitions), __config__=_CLOSED, **fields)


def batched_model(definitions: Sequence[LabelDefinitions]) -> type[BaseModel]:
    """Batched output: ``{"results": [{"conversation_id": "...", "<classifier>": "<label>", ...}, ...]}``."""
    fields: dict[str, Any] = {"conversation_id": (str, Field(description="the id of the conversation block"))}
    fields.update({d.name: _label_field(d) for d in definitions})
    item = create_model(_model_name("BatchItem", definitions), __config__=_CLOSED, **fields)
    return create_model(
        _model_name("Batch", definitions),
        __config__=_CLOSED,
        results=(list[item], Field(description="one item per conversation block, in order")),  # type: ignore[valid-type]
    )


def grader_model(definitions: Sequence[LabelDefinitions]) -> type[BaseModel]:
    """Grader output: ``{"<classifier>": {"verdict": "correct" | "incorrect", "corrected_label": "<label>"}}``."""
    fields: dict[str, Any] = {}
    for d in definitions:
        grade = create_model(
            _model_name("Grade", [d]),
            __config__=_CLOSED,
            verdict=(Verdict, Field(description="is the proposed label correct?")),
            corrected_label=_label_field(d),
        )
        fields[d.name] = (grade, ...)
    return create_model(_model_name("Grades", definitions), __config__=_CLOSED, **fields)


def _inline(node: Any, defs: dict[str, Any], *, is_properties: bool = False) -> Any:
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    if not isinstance(node, dict):
        return node
    if is_properties:  # keys are field names here, a field may well be called "title"
        return {k: _inline(v, defs) for k, v in node.items()}
    if "$ref" in node:
        return _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    return {
        k: _inline(v, defs, is_properties=k == "properties")
        for k, v in node.items()
        if k not in ("title", "$defs")
    }


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with ``$ref`` inlined and titles dropped (they only cost tokens)."""
    schema = model.model_json_schema()
    inlined: dict[str, Any] = _inline(schema, schema.get("$defs", {}))
    return inlined


def response_format(name: str, model: type[BaseModel]) -> dict[str, Any]:
    """The ``response_format`` of a chat-completions request asking for ``model`` as strict JSON."""
    return {
        "type": "json_schema",
        "json_schema": {"name": name[:64], "strict": True, "schema": strict_json_schema(model)},
    }
