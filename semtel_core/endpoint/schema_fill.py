"""Produce a JSON value that validates against a structured-output schema, choosing labels via a chooser.

Both local models share this walk; they differ only in how they choose an enum label (a hash for ``instant``,
sentence-embedding similarity for ``local-zeroshot``). Shapes from the prompt protocol are recognised:

- batched: a root ``results`` array whose items carry ``conversation_id`` gets one item per conversation block;
- grader: an object with ``verdict`` and ``corrected_label`` gets ``correct`` when the chosen label equals the
  proposal for that classifier;
- everything else is filled field by field; the "field" a label belongs to is the top-level property name
  (the classifier), so wrapped labels (``{"topic": {"label": ...}}``) work too.

Supported keywords: the strict structured-outputs subset (type, enum, const, properties, items, anyOf/oneOf,
$ref/$defs, min/max for numbers and arrays, minLength). ``pattern`` and ``format`` are not generated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from semtel_core.endpoint.prompt_view import PromptView


class LabelChooser(Protocol):
    def choose(self, block: int, field: str, labels: Sequence[str], description: str | None) -> str:
        """Pick one of ``labels`` for classifier ``field`` of conversation block ``block`` (-1: whole prompt)."""
        ...


@dataclass(frozen=True)
class _Walk:
    root: dict[str, Any]
    view: PromptView
    chooser: LabelChooser

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in node and seen < 32:
            node = self._pointer(str(node["$ref"]))
            seen += 1
        return node

    def _pointer(self, ref: str) -> dict[str, Any]:
        if not ref.startswith("#"):
            raise ValueError(f"only local $ref is supported, got {ref!r}")
        node: Any = self.root
        for part in filter(None, ref[1:].split("/")):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        if not isinstance(node, dict):
            raise ValueError(f"$ref {ref!r} does not point at a schema")
        return node

    def value(self, node: dict[str, Any], field: str, block: int, description: str | None = None) -> Any:
        node = self.resolve(node)
        description = node.get("description", description)
        if "const" in node:
            return node["const"]
        if "enum" in node:
            return self._enum(node["enum"], field, block, description)
        for combinator in ("anyOf", "oneOf", "allOf"):
            if combinator in node:
                return self.value(_first_non_null(node[combinator], self), field, block, description)
        kind = _type_of(node)
        if kind == "object":
            return self._object(node, field, block)
        if kind == "array":
            return self._array(node, field, block, description)
        return _scalar(kind, node)

    def _enum(self, options: list[Any], field: str, block: int, description: str | None) -> Any:
        if options and all(isinstance(o, str) for o in options):
            return self.chooser.choose(block, field or "_", options, description)
        return options[0] if options else None

    def _object(self, node: dict[str, Any], field: str, block: int) -> dict[str, Any]:
        props: dict[str, Any] = node.get("properties", {})
        if "verdict" in props and "corrected_label" in props:
            return self._grader(props, field, block)
        out: dict[str, Any] = {}
        for name, sub in props.items():
            if name == "conversation_id" and 0 <= block < len(self.view.blocks):
                out[name] = self.view.blocks[block].conversation_id
            else:
                out[name] = self.value(sub, field or name, block)
        return out

    def _grader(self, props: dict[str, Any], field: str, block: int) -> dict[str, Any]:
        out = {name: self.value(sub, field, block) for name, sub in props.items() if name != "verdict"}
        proposed = self.view.proposed.get(field)
        if isinstance(proposed, dict):
            proposed = proposed.get("label")
        agrees = out["corrected_label"] == proposed
        verdict_options = self.resolve(props["verdict"]).get("enum", ["correct", "incorrect"])
        wanted = "correct" if agrees else "incorrect"
        out["verdict"] = wanted if wanted in verdict_options else verdict_options[0]
        return {name: out[name] for name in props}

    def _array(self, node: dict[str, Any], field: str, block: int, description: str | None) -> list[Any]:
        items = node.get("items", {})
        n = _array_length(node, 1)
        return [self.value(items, field, block, description) for _ in range(n)]


def fill_response(schema: dict[str, Any], view: PromptView, chooser: LabelChooser) -> Any:
    """A value valid against ``schema`` for the conversations in ``view``."""
    walk = _Walk(schema, view, chooser)
    root = walk.resolve(schema)
    results = _batched_results(walk, root)
    if results is None:
        return walk.value(root, "", view.target_block)
    items_schema, results_schema = results
    out: dict[str, Any] = {}
    for name, sub in root.get("properties", {}).items():
        if name == "results":
            n = _array_length(results_schema, len(view.blocks))
            out[name] = [walk.value(items_schema, "", i) for i in range(n)]
        else:
            out[name] = walk.value(sub, name, view.target_block)
    return out


def _batched_results(walk: _Walk, root: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    results = root.get("properties", {}).get("results")
    if not isinstance(results, dict):
        return None
    results = walk.resolve(results)
    items = walk.resolve(results.get("items", {}))
    if "conversation_id" not in items.get("properties", {}):
        return None
    return items, results


def _array_length(node: dict[str, Any], wanted: int) -> int:
    low = int(node.get("minItems", 0))
    high = int(node.get("maxItems", 10**9))
    return max(low, min(wanted, high))


def _first_non_null(options: list[dict[str, Any]], walk: _Walk) -> dict[str, Any]:
    for option in options:
        if _type_of(walk.resolve(option)) != "null":
            return option
    return options[0]


def _type_of(node: dict[str, Any]) -> str:
    kind = node.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        return str(non_null[0]) if non_null else "null"
    if kind is None and "properties" in node:
        return "object"
    return str(kind) if kind else "string"


def _scalar(kind: str, node: dict[str, Any]) -> Any:
    if kind in ("integer", "number"):
        return _number(kind, node)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return "x" * int(node.get("minLength", 0))


def _number(kind: str, node: dict[str, Any]) -> int | float:
    low = node.get("minimum", node.get("exclusiveMinimum", -math.inf))
    high = node.get("maximum", node.get("exclusiveMaximum", math.inf))
    value: float = min(max(0, low), high)
    step = 1 if kind == "integer" else 1e-6
    if "exclusiveMinimum" in node and value <= node["exclusiveMinimum"]:
        value = node["exclusiveMinimum"] + step
    if "exclusiveMaximum" in node and value >= node["exclusiveMaximum"]:
        value = node["exclusiveMaximum"] - step
    return math.ceil(value) if kind == "integer" else value
