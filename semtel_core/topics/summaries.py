"""LLM summaries of conversations and LLM names of clusters for topic discovery (TnT-LLM, Clio), privacy first.

Each conversation's scrubbed user turns become one short summary of what the user asked for (the prompt forbids
names, places, numbers and anything identifying; the answer is scrubbed again); clusters of those summaries are
named, with a one-line description, from a few of their members' summaries. Calls go through the project's
rate-limit-aware client, with a json_schema answer and at most ``topics.llm_concurrency`` in flight. The templates
are ``prompts/styles/topic_summary.prompty`` and ``topic_name.prompty``.

The local endpoint's own models write no text (``local-zeroshot`` ranks labels, ``instant`` fills schemas from a
hash), so with them, and with ``topics.naming: terms``, discovery keeps naming from distinctive terms.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from semtel_core.config import Settings
from semtel_core.llm.client import LLMClient
from semtel_core.llm.fanout import fan_out
from semtel_core.llm.runner import run_sync
from semtel_core.llm.types import CallRequest, CallResult
from semtel_core.privacy.scrubber import Scrubber
from semtel_core.prompts.delimiters import escape_text
from semtel_core.prompts.jinja_cache import prepare
from semtel_core.prompts.registry import Template, default_prompts_dir

# The local endpoint's models that answer with labels or hash-filled schemas, never with written text.
TEXTLESS_MODELS = frozenset({"local-zeroshot", "instant"})
SUMMARY_CHARS = 240
NAME_CHARS = 60
DESCRIPTION_CHARS = 240
# Tokens for the longest answer the schemas allow: a character a token at worst (Chinese, say), plus the JSON.
SUMMARY_TOKENS = SUMMARY_CHARS + 16
NAME_TOKENS = NAME_CHARS + DESCRIPTION_CHARS + 24


def writes_text(settings: Settings) -> bool:
    """Whether discovery should ask the LLM: ``topics.naming`` says so, or (``auto``) the endpoint's model is one
    that writes text."""
    if settings.topics.naming != "auto":
        return settings.topics.naming == "llm"
    return settings.endpoints[0].model not in TEXTLESS_MODELS


def _schema(name: str, fields: dict[str, int]) -> dict[str, Any]:
    properties = {f: {"type": "string", "maxLength": most} for f, most in fields.items()}
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(fields),
        "additionalProperties": False,
    }
    return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}}


def _template(settings: Settings, name: str) -> Template:
    """The deployment's template when its prompts directory has one, else the shipped one (a prompts directory
    copied before these templates existed keeps working)."""
    own = settings.paths.prompts_dir / "styles" / f"{name}.prompty" if settings.paths.prompts_dir else None
    return Template.load(
        own if own is not None and own.is_file() else default_prompts_dir() / "styles" / f"{name}.prompty"
    )


def _messages(template: Template, inputs: dict[str, str]) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.text} for m in prepare(template.agent, inputs)]


def _fields(result: CallResult, names: Sequence[str]) -> list[str] | None:
    """The answer's string fields, one line each; None when the call failed or the answer is not the JSON asked
    for (the caller falls back and counts it)."""
    if not result.ok or not result.content:
        return None
    try:
        answer = json.loads(result.content)
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return None
    values = [answer.get(n) for n in names]
    if not all(isinstance(v, str) and v.strip() for v in values):
        return None
    return [" ".join(str(v).split()) for v in values]


async def _complete(
    settings: Settings, requests: Sequence[CallRequest], calls: list[CallResult]
) -> list[CallResult]:
    results: list[CallResult | None] = [None] * len(requests)
    endpoint = settings.endpoints[0]
    async with LLMClient(
        [endpoint], settings.client, prices=settings.prices, privacy=settings.privacy
    ) as client:

        async def one(i: int, request: CallRequest) -> None:
            results[i] = await client.complete(request)

        most = settings.topics.llm_concurrency
        await fan_out((one(i, r) for i, r in enumerate(requests)), lambda: most)
    done = [r for r in results if r is not None]
    assert len(done) == len(requests)  # fan_out awaited every request
    calls.extend(done)
    return done


def summarize(
    texts: Sequence[str], settings: Settings, scrubber: Scrubber, calls: list[CallResult]
) -> list[str | None]:
    """One scrubbed summary per (already scrubbed) text; None where the call or its answer failed. The calls'
    results are appended to ``calls`` (for :class:`~semtel_core.llm.accounting.CallCost`)."""
    template = _template(settings, "topic_summary")
    response_format = _schema("topic_summary", {"summary": SUMMARY_CHARS})
    requests = [
        CallRequest(
            messages=_messages(
                template, {"conversation": f"<conversation>\n{escape_text(text)}\n</conversation>"}
            ),
            # Room for the schema's 240 characters in JSON: a model that writes past the asked 20 words is cut by
            # its maxLength, not by max_tokens (a cut answer is not JSON: at 64 tokens 65 of 120 SmolLM2
            # summaries of arena-hard prompts were lost, at 96 tokens 8 of 40).
            max_tokens=SUMMARY_TOKENS,
            request_id=f"topic-summary:{i}",
            extra={"response_format": response_format, "temperature": 0.0},
        )
        for i, text in enumerate(texts)
    ]
    results = run_sync(lambda: _complete(settings, requests, calls))
    out: list[str | None] = []
    for result in results:
        fields = _fields(result, ["summary"])
        out.append(scrubber.scrub(fields[0]).text if fields else None)
    return out


def name_clusters(
    examples: dict[int, list[str]], settings: Settings, calls: list[CallResult]
) -> dict[int, tuple[str, str] | None]:
    """A (name, description) per cluster from a few of its members' (scrubbed) summaries; None where it failed.
    The caller scrubs what it shows, and counts what the scrubber changed."""
    template = _template(settings, "topic_name")
    response_format = _schema("topic_name", {"name": NAME_CHARS, "description": DESCRIPTION_CHARS})
    clusters = sorted(examples)
    requests = [
        CallRequest(
            messages=_messages(
                template, {"summaries": "\n".join(f"- {escape_text(s)}" for s in examples[c])}
            ),
            max_tokens=NAME_TOKENS,
            request_id=f"topic-name:{c}",
            extra={"response_format": response_format, "temperature": 0.0},
        )
        for c in clusters
    ]
    results = run_sync(lambda: _complete(settings, requests, calls))
    named: dict[int, tuple[str, str] | None] = {}
    for c, result in zip(clusters, results, strict=True):
        fields = _fields(result, ["name", "description"])
        named[c] = (fields[0], fields[1]) if fields else None
    return named
