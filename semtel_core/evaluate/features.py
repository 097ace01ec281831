"""What a classifier of a bundle reads: the conversation's embedding, beside it text signals and hashed n-grams.

Every block is computed once per conversation and shared by all the bundle's classifiers (identical texts once):

- **embedding** (:mod:`embedders`): one sentence vector of the head_tail-fitted text.
- **signals** (:mod:`signals`): 26 structural figures (length, script, code, math, dialogue friction).
- **lexical**: counts of character 2-5-grams of the whole conversation text, hashed into ``n_features``
  columns by scikit-learn's :class:`~sklearn.feature_extraction.text.HashingVectorizer`. Hashing is stateless:
  nothing but the recipe (:class:`~semtel_core.evaluate.embedders.LexicalSpec`) must be stored, and the same
  text gives the same columns in training and at prediction time. Character n-grams see what the English-only MiniLM cannot (Chinese, Russian,
  Vietnamese prompts; ``def``, ``\\frac``, ``);``).

The matrix is ``[embedding | signals | lexical counts]`` (sparse when signals or lexical are on). Each
classifier's model starts with :class:`BlockFeatures`, fitted on its own training rows: it keeps the n-grams
seen in at least ``min_df`` training conversations, weights them by TF-IDF (sublinear tf), standardises the
signals and scales each block, so one linear model reads them together. Which blocks a classifier reads is
chosen per classifier by cross-validation on its training part (:mod:`selection`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.preprocessing import StandardScaler

from semtel_core.evaluate.embedders import Embedder, EmbeddingSpec, LexicalSpec, embed_conversations
from semtel_core.evaluate.signals import SIGNAL_NAMES, conversation_signals
from semtel_core.schema.conversation import Conversation

# A dense float32 array (embedding only) or a scipy CSR matrix (embedding, signals, lexical counts).
FeatureMatrix = Any


def lexical_text(conversation: Conversation, view: str, max_chars: int) -> str:
    """The conversation's turns (role-prefixed, or the user's only), both ends kept when longer than the cap."""
    turns = [(m.role, m.content) for m in conversation.messages if m.role != "system"]
    if view == "user":
        text = "\n".join(t for r, t in turns if r == "user") or "\n".join(t for _, t in turns)
    else:
        text = "\n".join(f"{role}: {content}" for role, content in turns)
    if len(text) <= max_chars:
        return text
    half = max_chars // 2
    return f"{text[:half]}\n{text[-half:]}"


def hashing_vectorizer(spec: LexicalSpec) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char",
        ngram_range=(spec.ngram_min, spec.ngram_max),
        n_features=spec.n_features,
        alternate_sign=False,
        norm=None,
        lowercase=True,
        dtype=np.float32,
    )


def _unique_rows(keys: Sequence[str]) -> tuple[list[str], list[int]]:
    unique = list(dict.fromkeys(keys))
    index = {k: i for i, k in enumerate(unique)}
    return unique, [index[k] for k in keys]


def lexical_counts(conversations: Sequence[Conversation], view: str, spec: LexicalSpec) -> Any:
    """CSR n-gram counts, one row per conversation (identical texts hashed once)."""
    unique, rows = _unique_rows([lexical_text(c, view, spec.max_chars) for c in conversations])
    return hashing_vectorizer(spec).transform(unique).tocsr()[rows]


def signal_matrix(conversations: Sequence[Conversation]) -> npt.NDArray[np.float32]:
    unique, rows = _unique_rows([c.content_hash for c in conversations])
    first = {c.content_hash: c for c in reversed(conversations)}
    values = np.asarray([conversation_signals(first[h]) for h in unique], dtype=np.float32)
    return values.reshape(len(unique), len(SIGNAL_NAMES))[rows]


def assemble(
    vectors: npt.NDArray[np.float32],
    signals: npt.NDArray[np.float32] | None,
    lexical: Any | None,
) -> FeatureMatrix:
    """``[embedding | signals | lexical]``; the embedding alone stays a dense array."""
    if signals is None and lexical is None:
        return vectors
    blocks: list[Any] = [sparse.csr_matrix(vectors)]
    if signals is not None:
        blocks.append(sparse.csr_matrix(signals))
    if lexical is not None:
        blocks.append(lexical)
    return sparse.hstack(blocks, format="csr", dtype=np.float32)


class BlockFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Per classifier: scaled embedding, standardised signals, TF-IDF over the n-grams seen in ``min_df``+
    training rows. Input columns: ``[embedding | n_signals | n_lexical]`` as :func:`assemble` lays them out; a
    block whose weight is 0 is left out (the recipe computed it, this classifier does not read it)."""

    def __init__(
        self,
        n_signals: int = 0,
        n_lexical: int = 0,
        embedding_weight: float = 1.0,
        signals_weight: float = 1.0,
        lexical_weight: float = 1.0,
        min_df: int = 2,
    ) -> None:
        self.n_signals = n_signals
        self.n_lexical = n_lexical
        self.embedding_weight = embedding_weight
        self.signals_weight = signals_weight
        self.lexical_weight = lexical_weight
        self.min_df = min_df

    def _split(self, x: FeatureMatrix) -> tuple[Any, Any, Any]:
        first_lexical = x.shape[1] - self.n_lexical
        first_signal = first_lexical - self.n_signals
        if sparse.issparse(x):
            x = sparse.csr_matrix(x)
            dense = x[:, :first_lexical].toarray()
        else:
            dense = np.asarray(x)
        return dense[:, :first_signal], dense[:, first_signal:first_lexical], x[:, first_lexical:]

    @property
    def _uses_signals(self) -> bool:
        return bool(self.n_signals and self.signals_weight)

    @property
    def _uses_lexical(self) -> bool:
        return bool(self.n_lexical and self.lexical_weight)

    def fit(self, x: FeatureMatrix, y: Any = None) -> BlockFeatures:
        _, signals, lexical = self._split(x)
        if self._uses_signals:
            self.scaler_ = StandardScaler().fit(signals)
        if self._uses_lexical:
            seen = np.asarray((lexical > 0).sum(axis=0)).ravel()
            self.columns_ = np.flatnonzero(seen >= self.min_df)
            self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(lexical[:, self.columns_])
        return self

    def transform(self, x: FeatureMatrix) -> FeatureMatrix:
        embedding, signals, lexical = self._split(x)
        blocks: list[Any] = [embedding * self.embedding_weight]
        if self._uses_signals:
            # Divided by sqrt(width): the block's norm, like the others', is about its weight.
            blocks.append(self.scaler_.transform(signals) * (self.signals_weight / np.sqrt(self.n_signals)))
        if not self._uses_lexical:
            return np.hstack(blocks)
        tfidf = self.tfidf_.transform(lexical[:, self.columns_]) * self.lexical_weight
        return sparse.hstack([sparse.csr_matrix(np.hstack(blocks)), tfidf], format="csr")


def feature_columns(spec: EmbeddingSpec) -> tuple[int, int]:
    """(signal columns, lexical columns) that ``spec`` puts after the embedding."""
    n_signals = len(SIGNAL_NAMES) if spec.signals != "none" else 0
    return n_signals, spec.lexical.n_features if spec.lexical is not None else 0


def featurize(
    conversations: Sequence[Conversation], spec: EmbeddingSpec, embedder: Embedder
) -> FeatureMatrix:
    """The bundle's features of each conversation, computed once and read by every classifier."""
    vectors = embed_conversations(conversations, spec, embedder)
    signals = signal_matrix(conversations) if spec.signals != "none" else None
    lexical = lexical_counts(conversations, spec.view, spec.lexical) if spec.lexical is not None else None
    return assemble(vectors, signals, lexical)
