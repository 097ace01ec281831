"""One embedding per conversation: which text is embedded, and who computes the vector.

The text is the conversation's turns fitted into a token budget with the prompt layer's ``head_tail`` truncation
(cl100k tokens): MiniLM reads only its first 256 word pieces, so without it a long conversation would be judged
on its opening alone, and the end of a dialogue (thanks, complaints) is where satisfaction shows. The same
:class:`EmbeddingSpec` is stored in each trained artefact, so classification embeds exactly as training did.

Two embedders: in-process (the endpoint's own encoders, no server needed: ``local-minilm``, English, or
``local-e5-small``, multilingual) and any OpenAI-compatible ``/v1/embeddings`` endpoint (the same two models on the
local endpoint, ``text-embedding-3-large`` in production).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from semtel_core.config import EndpointSettings
from semtel_core.endpoint.encoder import Vectors, unit_rows
from semtel_core.errors import ConfigError
from semtel_core.evaluate.progress import report
from semtel_core.prompts.budget import TokenBudget, fit_turns
from semtel_core.schema.conversation import Conversation

log = logging.getLogger(__name__)

IN_PROCESS_MODEL = "local-minilm"
IN_PROCESS_MODELS = (
    "local-minilm",
    "local-e5-small",
)  # the endpoint's encoders (semtel_core.endpoint.encoder)


class LexicalSpec(BaseModel):
    """Hashed character n-grams of the conversation text (stateless: this recipe is all that is stored)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ngram_min: int = Field(default=2, ge=1)
    ngram_max: int = Field(default=5, ge=1)
    n_features: int = Field(default=2**20, ge=2**10, description="hash buckets (columns)")
    max_chars: int = Field(
        default=20_000, ge=1000, description="longer texts keep their first and last max_chars/2 characters"
    )


class EmbeddingSpec(BaseModel):
    """How conversations become features (the feature recipe); part of every artefact's identity.

    ``model`` / ``provider`` / ``view`` / ``max_tokens`` make the embedding; ``signals`` and ``lexical`` add the
    text signals and the hashed character n-grams of :mod:`semtel_core.evaluate.features` (``None`` / "none":
    the embedding alone, as bundles of format 1 were).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = IN_PROCESS_MODEL
    provider: Literal["in_process", "endpoint"] = "in_process"
    view: Literal["user", "all"] = Field(
        default="all", description="user: the user's turns only; all: every turn, role-prefixed"
    )
    max_tokens: int = Field(default=224, ge=32, description="cl100k tokens of turn text kept (head_tail)")
    signals: Literal["none", "v1"] = Field(default="v1", description="structural text signals (signals.py)")
    lexical: LexicalSpec | None = Field(default_factory=LexicalSpec, description="hashed char n-grams")


def conversation_text(conversation: Conversation, spec: EmbeddingSpec) -> str:
    """The text embedded for a conversation (user turns, or all turns when it has none)."""
    turns = [(m.role, m.content) for m in conversation.messages if m.role != "system"]
    if spec.view == "user":
        turns = [t for t in turns if t[0] == "user"] or turns
    fitted, _ = fit_turns(tuple(turns), TokenBudget(max_tokens=spec.max_tokens, strategy="head_tail"))
    if spec.view == "user":
        return "\n".join(text for _, text in fitted)
    return "\n".join(f"{role}: {text}" for role, text in fitted)


class Embedder(Protocol):
    model: str

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Unit-length float32 vectors, one row per text."""
        ...


class InProcessEmbedder:
    """One of the endpoint's sentence encoders in this process (each loads in well under a second): the same
    vectors as that model on the local endpoint's ``/v1/embeddings``."""

    def __init__(self, model: str = IN_PROCESS_MODEL) -> None:
        from semtel_core.endpoint.encoder import SentenceEncoder

        if model not in IN_PROCESS_MODELS:
            raise ConfigError(
                f"in-process embedding supports {', '.join(IN_PROCESS_MODELS)}, not {model!r}",
                field="embedding.model",
            )
        self.model = model
        self._encoder = SentenceEncoder(model)

    def embed(self, texts: Sequence[str]) -> Vectors:
        return self._encoder.encode(texts) if texts else np.zeros((0, 384), dtype=np.float32)


class EndpointEmbedder:
    """``POST /v1/embeddings`` through the openai SDK (its own retries: embeddings are a one-off training cost,
    not the weekly hot path the rate-aware LLM client is built for)."""

    def __init__(
        self, endpoint: EndpointSettings, model: str, batch_size: int = 256, max_retries: int = 5
    ) -> None:
        import openai

        from semtel_core.privacy.outbound import Outbound

        self.model = model
        self._batch_size = batch_size
        self._outbound = Outbound()  # texts leave the machine: scrubbed like every chat request
        self._client = openai.OpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.resolved_api_key().get_secret_value(),
            timeout=endpoint.timeout_s,
            max_retries=max_retries,
        )

    def embed(self, texts: Sequence[str]) -> Vectors:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            batch = [self._outbound.text(t) for t in texts[start : start + self._batch_size]]
            response = self._client.embeddings.create(model=self.model, input=batch, encoding_format="float")
            rows.extend(item.embedding for item in sorted(response.data, key=lambda d: d.index))
        return unit_rows(np.asarray(rows, dtype=np.float32).reshape(len(texts), -1))

    def close(self) -> None:
        self._client.close()


def build_embedder(spec: EmbeddingSpec, endpoint: EndpointSettings | None = None) -> Embedder:
    if spec.provider == "in_process":
        return InProcessEmbedder(spec.model)
    if endpoint is None:
        raise ValueError("an endpoint embedder needs endpoint settings")
    return EndpointEmbedder(endpoint, spec.model)


EMBED_CHUNK = 512  # texts per encoder call


def embed_conversations(
    conversations: Sequence[Conversation], spec: EmbeddingSpec, embedder: Embedder
) -> Vectors:
    """One vector per conversation; identical texts (duplicate content) are embedded once."""
    texts = [conversation_text(c, spec) for c in conversations]
    # Shortest first and in chunks: each chunk's batches pad to similar lengths, progress can be reported, and
    # the encoder's working memory is one chunk's whatever the number of conversations.
    unique = sorted(dict.fromkeys(texts), key=len)
    parts = []
    for start in range(0, len(unique), EMBED_CHUNK):
        parts.append(embedder.embed(unique[start : start + EMBED_CHUNK]))
        report("embedding", min(start + EMBED_CHUNK, len(unique)), len(unique))
    vectors = np.concatenate(parts) if parts else embedder.embed([])
    row = {text: i for i, text in enumerate(unique)}
    log.info("embedded %d conversations (%d unique texts) with %s", len(texts), len(unique), embedder.model)
    return np.asarray(vectors[[row[t] for t in texts]], dtype=np.float32).reshape(len(texts), -1)
