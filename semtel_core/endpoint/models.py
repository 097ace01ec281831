"""The models the local endpoint serves.

- ``instant``: schema-valid answers with no model computation; labels from a hash of the content, so the same
  request always gets the same answer. For throughput benchmarks.
- ``local-zeroshot`` (default): a real zero-shot classifier; each enum label is the one whose definition is
  closest (cosine of MiniLM sentence embeddings) to the conversation text.
- ``local-minilm`` and ``local-e5-small``: 384-dimensional sentence embeddings for ``/v1/embeddings``
  (:mod:`encoder`).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import orjson

from semtel_core.endpoint.encoder import ENCODERS, SentenceEncoder, Vectors
from semtel_core.endpoint.http import HttpError
from semtel_core.endpoint.prompt_view import PromptView, label_definitions, view_prompt
from semtel_core.endpoint.schema_fill import fill_response

INSTANT = "instant"
ZEROSHOT = "local-zeroshot"
CHAT_MODELS = (ZEROSHOT, INSTANT)
EMBEDDING_MODELS = tuple(ENCODERS)
_USER = frozenset({"user"})


def response_schema(body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The JSON schema of ``response_format`` (``None`` for text; ``{}`` for ``json_object``)."""
    fmt = body.get("response_format")
    if not isinstance(fmt, dict) or fmt.get("type") == "text":
        return None
    if fmt.get("type") == "json_object":
        return {}
    if fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema")
        if isinstance(schema, dict):
            return schema
    raise HttpError(400, "response_format must be text, json_object or json_schema with a 'schema' object")


class _HashChooser:
    def __init__(self, view: PromptView) -> None:
        self._view = view

    def choose(self, block: int, field: str, labels: Sequence[str], description: str | None) -> str:
        digest = hashlib.blake2b(
            f"{field}\x00{self._view.block_text(block)}".encode(), digest_size=8
        ).digest()
        return labels[int.from_bytes(digest, "little") % len(labels)]


class _SimilarityChooser:
    def __init__(self, view: PromptView, model: ZeroShotModel) -> None:
        self._model = model
        # What the user asks carries the topic and the mood; assistant text dilutes it and costs encoder time.
        texts = [b.text(_USER) or b.text() for b in view.blocks] or [view.fallback_text]
        self._texts = model.encoder.encode(texts)
        self._offset = 0 if view.blocks else 1  # block -1 (no blocks) maps to row 0

    def choose(self, block: int, field: str, labels: Sequence[str], description: str | None) -> str:
        label_vectors = self._model.label_vectors(tuple(label_definitions(labels, description)))
        scores = label_vectors @ self._texts[block + self._offset]
        return labels[int(np.argmax(scores))]


def instant_answer(body: Mapping[str, Any], messages: list[dict[str, Any]]) -> str:
    schema = response_schema(body)
    view = view_prompt(messages)
    if schema is None:
        digest = hashlib.blake2b(view.fallback_text.encode(), digest_size=6).hexdigest()
        return f"instant reply {digest}"
    return orjson.dumps(fill_response(schema, view, _HashChooser(view))).decode()


class ZeroShotModel:
    """Zero-shot classification by embedding similarity; label vectors are cached per label set."""

    def __init__(self, encoder: SentenceEncoder, cache_size: int = 512) -> None:
        self.encoder = encoder
        self._label_cache: OrderedDict[tuple[str, ...], Vectors] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()  # requests run in several worker threads

    def label_vectors(self, definitions: tuple[str, ...]) -> Vectors:
        with self._cache_lock:
            cached = self._label_cache.get(definitions)
            if cached is None:
                cached = self._label_cache[definitions] = self.encoder.encode(definitions)
                if len(self._label_cache) > self._cache_size:
                    self._label_cache.popitem(last=False)
            else:
                self._label_cache.move_to_end(definitions)
            return cached

    def answer(self, body: Mapping[str, Any], messages: list[dict[str, Any]]) -> str:
        """Blocking (runs the encoder): call it from a worker thread."""
        schema = response_schema(body)
        if not schema:
            raise HttpError(
                400,
                f"{ZEROSHOT} is a classifier: send response_format json_schema with enum label fields",
                code="unsupported_response_format",
            )
        view = view_prompt(messages)
        return orjson.dumps(fill_response(schema, view, _SimilarityChooser(view, self))).decode()
