"""Names of clusters from their distinctive terms (class-based TF-IDF, as BERTopic's c-TF-IDF): what a cluster's
conversations say more often than the others do.

Privacy: a term is offered only when at least ``min_conversations`` distinct conversations of the cluster use it,
so no name is built from what one person wrote; texts are scrubbed before they get here, and the scrubber's
placeholders (``<EMAIL>``) and the truncation's elision markers are never terms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from semtel_core.prompts.budget import ELISION_MARKER

_PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*>")
_WORD = r"(?u)\b[^\W\d_]{3,}\b"  # letters only, 3 or more: no numbers, ids or codes
# Words of chat itself, frequent in every cluster of conversations, never what a cluster is about.
_CHAT_WORDS = frozenset(
    [
        "please",
        "thanks",
        "thank",
        "hello",
        "help",
        "want",
        "need",
        "like",
        "know",
        "just",
        "make",
        "use",
        "using",
        "does",
        "did",
        "would",
        "could",
        "yes",
        "okay",
        "sure",
        "also",
        "really",
        "good",
        "great",
        "able",
        "tell",
        "looking",
    ]
)


def distinctive_terms(
    texts: Sequence[str], labels: Sequence[int], *, min_conversations: int, top: int = 5
) -> dict[int, list[str]]:
    """The ``top`` terms (words and word pairs) of each label by c-TF-IDF, each used by at least
    ``min_conversations`` of its conversations; a label with no such term maps to an empty list."""
    clusters = sorted(set(labels))
    if not texts:
        return {c: [] for c in clusters}
    vectorizer = CountVectorizer(
        token_pattern=_WORD,
        ngram_range=(1, 2),
        stop_words=sorted(ENGLISH_STOP_WORDS | _CHAT_WORDS),
        binary=True,  # a conversation counts once per term: document frequency per cluster
        min_df=min(min_conversations, len(texts)),
    )
    try:
        counts = vectorizer.fit_transform(
            [_PLACEHOLDER.sub(" ", ELISION_MARKER.sub(" ", t)).lower() for t in texts]
        )
    except ValueError:  # no term is used often enough anywhere
        return {c: [] for c in clusters}
    vocabulary = vectorizer.get_feature_names_out()
    label_array = np.asarray(labels)
    per_cluster = np.vstack([np.asarray(counts[label_array == c].sum(axis=0)).ravel() for c in clusters])
    sizes = np.array([(label_array == c).sum() for c in clusters], dtype=np.float64)
    frequency = per_cluster / sizes[:, None]  # share of the cluster's conversations using the term
    idf = np.log1p(sizes.mean() / np.maximum(per_cluster.sum(axis=0), 1))
    scores = frequency * idf
    named: dict[int, list[str]] = {}
    for row, c in enumerate(clusters):
        allowed = per_cluster[row] >= min_conversations
        order = np.argsort(-np.where(allowed, scores[row], -np.inf), kind="stable")
        chosen: list[str] = []
        for index in order:
            if not allowed[index] or len(chosen) == top:
                break
            term = str(vocabulary[index])
            if any(term in kept or kept in term for kept in chosen):  # "tax" and "tax return": keep one
                continue
            chosen.append(term)
        named[c] = chosen
    return named


def name_from_terms(terms: Sequence[str]) -> str:
    return " / ".join(terms[:3]) if terms else "(no term shared by enough conversations)"
