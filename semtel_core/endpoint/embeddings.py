"""``POST /v1/embeddings`` with model ``local-minilm`` or ``local-e5-small`` (384 dimensions, unit length).

The openai SDK asks for ``encoding_format="base64"`` by default (little-endian float32), so both formats are served.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Mapping
from typing import Any

from semtel_core.endpoint.encoder import DIMENSIONS, SentenceEncoder
from semtel_core.endpoint.http import HttpError
from semtel_core.endpoint.models import EMBEDDING_MODELS
from semtel_core.prompts.tokens import count_tokens

MAX_INPUTS = 2048


def _inputs(body: Mapping[str, Any]) -> list[str]:
    raw = body.get("input")
    texts = [raw] if isinstance(raw, str) else raw
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise HttpError(
            400, "'input' must be a string or a non-empty array of strings (token arrays unsupported)"
        )
    if len(texts) > MAX_INPUTS:
        raise HttpError(400, f"at most {MAX_INPUTS} inputs per request")
    return texts


def _check(body: Mapping[str, Any]) -> tuple[str, str]:
    model = body.get("model")
    if model not in EMBEDDING_MODELS:
        raise HttpError(
            404,
            f"The model '{model}' does not exist; served: {', '.join(EMBEDDING_MODELS)}",
            code="model_not_found",
        )
    if body.get("dimensions") not in (None, DIMENSIONS):
        raise HttpError(400, f"{model} has exactly {DIMENSIONS} dimensions")
    fmt = body.get("encoding_format", "float")
    if fmt not in ("float", "base64"):
        raise HttpError(400, "'encoding_format' must be 'float' or 'base64'")
    return str(model), str(fmt)


async def create_embeddings(
    body: Mapping[str, Any], encoders: Mapping[str, SentenceEncoder], admit: Callable[[int], None]
) -> dict[str, Any]:
    """Embed the inputs with the model's encoder; ``admit(tokens)`` charges the rate limiter first (and raises a
    429)."""
    model, fmt = _check(body)
    encoder = encoders[model]
    texts = _inputs(body)
    tokens = sum(count_tokens(t) for t in texts)
    admit(tokens)
    vectors = await asyncio.to_thread(encoder.encode, texts)
    data = [
        {
            "object": "embedding",
            "index": i,
            "embedding": base64.b64encode(row.astype("<f4").tobytes()).decode()
            if fmt == "base64"
            else row.tolist(),
        }
        for i, row in enumerate(vectors)
    ]
    return {
        "object": "list",
        "data": data,
        "model": body["model"],
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
