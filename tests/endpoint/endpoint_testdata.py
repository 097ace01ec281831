"""Structured-output schemas shaped like the prompt protocol (docs/prompt-protocol.md), shared by the tests."""

from __future__ import annotations

from typing import Any

from semtel_core.prompts.delimiters import render_conversation_block

TOPIC_DESCRIPTION = (
    "What is the conversation mainly about?\n"
    "- coding: writing, debugging or explaining computer programs and source code\n"
    "- food_cooking: recipes, cooking, baking and food\n"
    "- travel: trips, flights, hotels and sightseeing"
)
SATISFACTION_DESCRIPTION = (
    "How satisfied is the user at the end?\n"
    "- satisfied: the user thanks the assistant or is happy\n"
    "- neutral: no sign either way\n"
    "- dissatisfied: the user complains or is frustrated"
)


def topic_field() -> dict[str, Any]:
    return {"type": "string", "enum": ["coding", "food_cooking", "travel"], "description": TOPIC_DESCRIPTION}


def satisfaction_field() -> dict[str, Any]:
    return {
        "type": "string",
        "enum": ["satisfied", "neutral", "dissatisfied"],
        "description": SATISFACTION_DESCRIPTION,
    }


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def single_schema() -> dict[str, Any]:
    return _object({"topic": topic_field()})


def multi_schema() -> dict[str, Any]:
    return _object({"topic": topic_field(), "satisfaction": satisfaction_field()})


def wrapped_schema() -> dict[str, Any]:
    return _object({"topic": _object({"label": topic_field()})})


def batched_schema() -> dict[str, Any]:
    item = _object({"conversation_id": {"type": "string"}, "topic": topic_field()})
    return _object({"results": {"type": "array", "items": item}})


def grader_schema() -> dict[str, Any]:
    verdict = {"type": "string", "enum": ["correct", "incorrect"]}
    return _object({"topic": _object({"verdict": verdict, "corrected_label": topic_field()})})


def response_format(schema: dict[str, Any], name: str = "classification") -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}}


CODING = [
    ("user", "How do I reverse a linked list in Python? My function raises a TypeError."),
    ("assistant", "Use a loop with prev/next pointers."),
]
COOKING = [
    ("user", "What's a good recipe for banana bread? How long should I bake it?"),
    ("assistant", "Bake at 175C for an hour."),
]
TRAVEL = [("user", "I need a cheap flight to Lisbon and a hotel near the old town for three nights.")]


def blocks(*conversations: tuple[str, list[tuple[str, str]]]) -> str:
    return "\n\n".join(render_conversation_block(cid, turns) for cid, turns in conversations)


def messages_for(prompt_body: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "Classify each conversation. Answer with JSON only."},
        {"role": "user", "content": prompt_body},
    ]
