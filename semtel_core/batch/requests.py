"""Build the JSONL requests of a partition and split them into files within the provider's limits.

Identical conversations (same content hash) are asked once, for the smallest conversation id among them, as
the online engine does; collect copies the answer to the others. Lines are built in a fixed order (by
representative conversation id, then classifier) so that the same partition always gives the same bytes: the
submission fingerprint depends on it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

import orjson
import pyarrow as pa

from semtel_core.batch.custom_id import encode
from semtel_core.classify.content import completion_budget, group_by_content
from semtel_core.classify.partition import conversations_from_arrow
from semtel_core.config import Settings
from semtel_core.errors import BatchError
from semtel_core.privacy.outbound import Outbound
from semtel_core.prompts import ClassifierRegistry, PromptRenderer, TokenBudget
from semtel_core.prompts.render import RenderedPrompt
from semtel_core.schema.conversation import Conversation

BATCH_URL: Final = "/v1/chat/completions"


@dataclass
class BuiltRequests:
    """The request lines of a partition and what collect needs to turn answers into rows."""

    lines: list[bytes]  # one JSON object per request, without the newline
    groups: dict[str, list[str]]  # content hash -> conversation ids, representative first
    truncation: dict[str, str]  # representative conversation id -> TruncationRecord JSON


def _prompts(
    renderer: PromptRenderer, conversation: Conversation, names: Sequence[str], style: str
) -> Iterator[RenderedPrompt]:
    if style == "single":
        for name in names:
            yield renderer.single(conversation, name)
    elif len(names) == 1:
        yield renderer.single(conversation, names[0])
    else:
        yield renderer.multi_task(conversation, names)


def _line(
    prompt: RenderedPrompt, content_hash: str, model: str, settings: Settings, outbound: Outbound
) -> bytes:
    custom_id = encode(content_hash, [(n, prompt.classifier_versions[n]) for n in prompt.classifiers])
    body = {
        "model": model,
        "messages": outbound.messages(prompt.messages),  # the upload leaves the machine: scrubbed here
        "response_format": prompt.response_format,
        "temperature": settings.classify.temperature,
        "max_tokens": completion_budget(settings, len(prompt.classifiers)),
    }
    return orjson.dumps({"custom_id": custom_id, "method": "POST", "url": BATCH_URL, "body": body})


def build_requests(
    conversations: pa.Table, classifiers: Sequence[str], settings: Settings, model: str
) -> BuiltRequests:
    """One request per representative conversation (``multi``) or per conversation x classifier (``single``)."""
    registry = ClassifierRegistry.from_settings(settings)
    registry.select(list(classifiers))  # unknown names fail here, loudly
    renderer = PromptRenderer(registry, TokenBudget.from_settings(settings))
    convs = conversations_from_arrow(conversations)
    by_id = {c.conversation_id: c for c in convs}
    groups = group_by_content(convs)
    lines: list[bytes] = []
    truncation: dict[str, str] = {}
    outbound = Outbound(settings.privacy)
    for content_hash, ids in sorted(groups.items(), key=lambda item: item[1][0]):
        conversation = by_id[ids[0]]
        for prompt in _prompts(renderer, conversation, classifiers, settings.batch.request_style):
            lines.append(_line(prompt, content_hash, model, settings, outbound))
            truncation[content_hash] = prompt.truncation[conversation.conversation_id].model_dump_json()
    return BuiltRequests(lines, groups, truncation)


def split_files(lines: Sequence[bytes], max_requests: int, max_bytes: int) -> list[bytes]:
    """Consecutive lines packed into as few files as the limits allow (each line ends with a newline)."""
    files: list[bytes] = []
    current: list[bytes] = []
    size = 0
    for line in lines:
        need = len(line) + 1
        if need > max_bytes:
            raise BatchError(
                f"one batch request is {need} bytes, over the {max_bytes}-byte file limit",
                custom_id=orjson.loads(line)["custom_id"],
            )
        if current and (len(current) >= max_requests or size + need > max_bytes):
            files.append(b"".join(current))
            current, size = [], 0
        current.append(line + b"\n")
        size += need
    if current:
        files.append(b"".join(current))
    return files
