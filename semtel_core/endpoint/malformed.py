"""Ways a real LLM breaks structured output, applied to a valid answer on purpose.

The kinds follow what the output normaliser downstream must repair or reject: prose around the JSON, a code
fence, a near-miss label ("created" for "create"), a label in the wrong case, a missing field, no JSON at all.
"""

from __future__ import annotations

import random
from typing import Any

import orjson

from semtel_core.endpoint.options import MalformedKind


def corrupt(content: str, kind: MalformedKind, rng: random.Random) -> str:
    if kind == "non_json":
        return "I'm sorry, but I can't determine a category for this conversation."
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError:
        value = None
    if kind == "code_fence":
        return f"```json\n{content}\n```"
    if kind in ("near_miss", "wrong_case", "missing_field") and isinstance(value, dict):
        changed = _change_a_label(value, kind)
        if changed:
            return orjson.dumps(value).decode()
    openers = ("Sure! Here is the classification:", "Based on the conversation, my answer is", "Result:")
    return f"{rng.choice(openers)}\n{content}\nLet me know if you need anything else."


def _label_holder(value: dict[str, Any]) -> dict[str, Any] | None:
    """The object holding the first string label (in a batched answer: the first result item)."""
    results = value.get("results")
    if isinstance(results, list) and results and isinstance(results[0], dict):
        return _label_holder(results[0])
    for key, item in value.items():
        if isinstance(item, str) and key != "conversation_id":
            return value
        if isinstance(item, dict):
            inner = _label_holder(item)
            if inner is not None:
                return inner
    return None


def _change_a_label(value: dict[str, Any], kind: MalformedKind) -> bool:
    holder = _label_holder(value)
    if holder is None:
        return False
    key = next(k for k, v in holder.items() if isinstance(v, str) and k != "conversation_id")
    if kind == "missing_field":
        del holder[key]
    elif kind == "wrong_case":
        label: str = holder[key]
        holder[key] = label.upper() if label[:1].isupper() else label.capitalize()
    else:
        holder[key] = near_miss(holder[key])
    return True


def near_miss(label: str) -> str:
    if "_" in label:
        return label.replace("_", " ")
    return f"{label}d" if label.endswith("e") else f"{label}s"
