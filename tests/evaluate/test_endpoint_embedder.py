"""``provider: endpoint`` against the project's own ``/v1/embeddings`` (``local-minilm`` and ``local-e5-small``): the
vectors a bundle would be trained on through the endpoint are the in-process ones of the same (PII-scrubbed: text
leaving the machine always is) texts, in input order, across batches."""

from __future__ import annotations

import numpy as np
import pytest

from semtel_core.config import EndpointSettings
from semtel_core.errors import ConfigError
from semtel_core.evaluate.embedders import (
    EmbeddingSpec,
    EndpointEmbedder,
    InProcessEmbedder,
    build_embedder,
    embed_conversations,
)
from semtel_core.evaluate.loading import read_conversations
from semtel_core.privacy.outbound import Outbound
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class _ScrubbedFirst:
    """The in-process embedder on the texts as the endpoint embedder sends them."""

    def __init__(self, inner: InProcessEmbedder) -> None:
        self._inner, self._outbound = inner, Outbound()
        self.model = inner.model

    def embed(self, texts: list[str]) -> np.ndarray:
        return self._inner.embed([self._outbound.text(t) for t in texts])


@pytest.mark.parametrize("model", ["local-minilm", "local-e5-small"])
def test_endpoint_embedder_gives_the_in_process_vectors(model: str) -> None:
    from semtel_core.endpoint.testing import running_endpoint

    spec = EmbeddingSpec(model=model, provider="endpoint", view="user", max_tokens=96)
    conversations = read_conversations([str(CONVERSATIONS_PATH)])[:12]
    with running_endpoint() as url:
        endpoint = EndpointSettings(name="local", base_url=url, api_key="semtel-eval")
        built = build_embedder(spec, endpoint)
        assert isinstance(built, EndpointEmbedder) and built.model == model
        built.close()
        # batches of 5: three requests, the order kept across them
        embedder = EndpointEmbedder(endpoint, spec.model, batch_size=5)
        try:
            remote = embed_conversations(conversations, spec, embedder)
        finally:
            embedder.close()
    local = embed_conversations(conversations, spec, _ScrubbedFirst(InProcessEmbedder(model)))
    assert remote.shape == local.shape == (12, 384) and remote.dtype == np.float32
    assert np.allclose(np.linalg.norm(remote, axis=1), 1.0, atol=1e-5)
    assert np.allclose(remote, local, atol=1e-5)
    assert float(np.min(np.sum(remote * local, axis=1))) > 0.9999  # cosine of each pair


def test_unknown_in_process_model_is_refused_by_name() -> None:
    with pytest.raises(ConfigError, match="local-minilm, local-e5-small, not 'text-embedding-3-large'"):
        build_embedder(EmbeddingSpec(model="text-embedding-3-large", provider="in_process"))
