"""``discover``: the topics a set of conversations falls into, named, in a two-level hierarchy, privacy first.

Each conversation's user turns are scrubbed. With an endpoint whose model writes text (``topics.naming``), each
becomes a short privacy-instructed LLM summary (scrubbed again), the summaries are embedded and clustered, and
each cluster is named and described by the LLM from a few member summaries (:mod:`.summaries`); otherwise the
scrubbed turns themselves are embedded and each cluster is named from its distinctive terms (:mod:`.terms`).
Clusters are grouped into parent topics by their centroids. Nothing of a cluster smaller than
``topics.min_conversations`` distinct conversations (or distinct users, when the input carries user ids) leaves
the function: not its name, its terms or its size, only how many such clusters and conversations were withheld
in all. No conversation text, and no summary, is in the result.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from semtel_core.config import Settings
from semtel_core.endpoint.encoder import Vectors
from semtel_core.evaluate.embedders import Embedder, EmbeddingSpec, InProcessEmbedder, conversation_text
from semtel_core.llm.accounting import CallCost
from semtel_core.llm.types import CallResult
from semtel_core.privacy.build import build_scrubber
from semtel_core.privacy.scrubber import Scrubber
from semtel_core.schema.conversation import Conversation
from semtel_core.topics.clustering import OUTLIER, cluster, parents_of, split_oversized
from semtel_core.topics.summaries import name_clusters, summarize, writes_text
from semtel_core.topics.terms import distinctive_terms, name_from_terms

log = logging.getLogger(__name__)

NAMING = "terms"
NAMING_NOTE = (
    "named from each cluster's distinctive terms (class-based TF-IDF over the scrubbed user turns), each term "
    "used by at least min_conversations of the cluster's conversations"
)


class Topic(BaseModel):
    id: str  # T01, T02, ... by size, largest first
    name: str
    description: str
    conversations: int
    users: int | None  # distinct user ids; None when the input carries none
    share: float  # of all conversations
    terms: list[str]
    parent: str  # P01, ...
    named_by: Literal["llm", "terms"] = "terms"  # who wrote name and description (older files: terms)


class ParentTopic(BaseModel):
    id: str
    name: str
    conversations: int
    topics: list[str]


class Discovery(BaseModel):
    conversations: int
    shown_conversations: int
    withheld_clusters: int = Field(
        description="clusters under the privacy threshold: nothing of them is shown"
    )
    withheld_conversations: int
    outliers: int = Field(description="conversations far from every cluster (clustering.OUTLIER): not shown")
    min_conversations: int
    embedding_model: str
    clusters_tried: dict[int, float] = Field(description="k -> cosine silhouette of the k-means clustering")
    naming: str
    naming_note: str
    scrubbed_names: int = Field(
        description="names or descriptions the scrubber changed before they were shown"
    )
    llm: CallCost = Field(
        default_factory=CallCost,
        description="summary and naming calls to the endpoint, their tokens and cost",
    )
    topics: list[Topic]
    parents: list[ParentTopic]


def _user_ids(conversations: Sequence[Conversation], key: str) -> list[str | None]:
    return [c.metadata.extra.get(key) for c in conversations]


def _shown(
    labels: np.ndarray, ids: Sequence[str], users: Sequence[str | None], min_conversations: int
) -> dict[int, tuple[int, int | None]]:
    """Clusters that pass the threshold -> (distinct conversations, distinct users or None)."""
    with_users = any(u is not None for u in users)
    passed: dict[int, tuple[int, int | None]] = {}
    for c in np.unique(labels[labels != OUTLIER]):
        members = np.flatnonzero(labels == c).tolist()
        conversations = len({ids[i] for i in members})
        people = len({users[i] for i in members if users[i] is not None}) if with_users else None
        if conversations >= min_conversations and (people is None or people >= min_conversations):
            passed[int(c)] = (conversations, people)
    return passed


def checked(text: str, scrubber: Scrubber) -> tuple[str, bool]:
    """``text`` through the scrubber, and whether it changed (a shown name or description is checked so)."""
    result = scrubber.scrub(text)
    return result.text, result.text != text


@dataclass(frozen=True)
class Discovered:
    summary: Discovery  # what may be shown
    topic_of: dict[str, str | None]  # conversation id -> its topic's id; None: in a withheld cluster
    centroids: dict[str, Vectors]  # topic id -> its unit centroid


def discover(
    conversations: Sequence[Conversation], settings: Settings, *, embedder: Embedder | None = None
) -> Discovered:
    """Cluster, name and group ``conversations`` (see the module's docstring); ``embedder`` defaults to the
    in-process ``topics.embedding_model``."""
    options = settings.topics
    k = options.min_conversations
    scrubber = build_scrubber(settings.privacy)
    spec = EmbeddingSpec(model=options.embedding_model, view="user", max_tokens=options.max_tokens)
    texts = [scrubber.scrub(conversation_text(c, spec)).text for c in conversations]
    ids = [c.conversation_id for c in conversations]
    users = _user_ids(conversations, options.user_id_key)
    use_llm = writes_text(settings)
    calls: list[CallResult] = []
    summaries = summarize(texts, settings, scrubber, calls) if use_llm else [None] * len(texts)
    embedder = embedder or InProcessEmbedder(options.embedding_model)
    # A conversation whose summary failed is embedded by its scrubbed turns: it still counts where it belongs.
    vectors = embedder.embed([s or t for s, t in zip(summaries, texts, strict=True)])
    clustering = split_oversized(
        vectors,
        cluster(vectors, min_size=k, max_clusters=options.max_clusters, seed=options.seed),
        max_share=options.max_topic_share,
        min_size=k,
        seed=options.seed,
    )
    labels = clustering.labels
    shown = _shown(labels, ids, users, k)
    terms = distinctive_terms(texts, labels.tolist(), min_conversations=k, top=options.terms)

    order = sorted(shown, key=lambda c: (-shown[c][0], c))
    named: dict[int, tuple[str, str] | None] = {}
    if use_llm and order:
        examples = _examples(vectors, labels, clustering.centroids, order, summaries, options.name_examples)
        named = name_clusters(examples, settings, calls)
    topic_ids = {c: f"T{n + 1:02d}" for n, c in enumerate(order)}
    parent_of = parents_of(clustering.centroids[order], max(1, round(math.sqrt(len(order)))))
    scrubbed = 0
    total = len(ids)
    topics: list[Topic] = []
    for n, c in enumerate(order):
        by_terms = name_from_terms(terms[c])
        by_llm = named.get(c)
        written = by_llm or (
            by_terms,
            f"Conversations that mention {', '.join(terms[c])}." if terms[c] else by_terms,
        )
        name, changed_name = checked(written[0], scrubber)
        description, changed_description = checked(written[1], scrubber)
        scrubbed += changed_name + changed_description
        topics.append(
            Topic(
                id=topic_ids[c],
                name=name,
                description=description,
                conversations=shown[c][0],
                users=shown[c][1],
                share=shown[c][0] / total,
                terms=terms[c],
                parent=f"P{int(parent_of[n]) + 1:02d}",
                named_by="llm" if by_llm else "terms",
            )
        )
    parents = _parents(topics, labels, order, texts, k, options.terms)
    for parent in parents:
        parent.name, changed = checked(parent.name, scrubber)
        scrubbed += changed
    withheld = [c for c in np.unique(labels[labels != OUTLIER]).tolist() if c not in shown]
    outliers = int((labels == OUTLIER).sum())
    log.info(
        "topics: %d conversations, %d topics shown in %d parents, %d clusters (%d conversations) withheld, "
        "%d outliers",
        total,
        len(topics),
        len(parents),
        len(withheld),
        int(np.isin(labels, withheld).sum()),
        outliers,
    )
    summary = Discovery(
        conversations=total,
        shown_conversations=sum(t.conversations for t in topics),
        withheld_clusters=len(withheld),
        withheld_conversations=int(np.isin(labels, withheld).sum()),
        outliers=outliers,
        min_conversations=k,
        embedding_model=embedder.model,
        clusters_tried=clustering.tried,
        naming="llm" if use_llm else NAMING,
        naming_note=_naming_note(settings, use_llm, summaries, named, order),
        scrubbed_names=scrubbed,
        llm=CallCost.of(calls),
        topics=topics,
        parents=parents,
    )
    return Discovered(
        summary,
        {cid: topic_ids.get(int(c)) for cid, c in zip(ids, labels.tolist(), strict=True)},
        {topic_ids[c]: clustering.centroids[c] for c in order},
    )


def _examples(
    vectors: Vectors,
    labels: np.ndarray,
    centroids: np.ndarray,
    order: list[int],
    summaries: Sequence[str | None],
    most: int,
) -> dict[int, list[str]]:
    """Per shown cluster, the summaries of the members nearest its centroid (the most typical ones)."""
    examples: dict[int, list[str]] = {}
    for c in order:
        members = np.flatnonzero(labels == c)
        nearest = members[np.argsort(-(vectors[members] @ centroids[c]), kind="stable")]
        chosen = [summaries[i] for i in nearest.tolist() if summaries[i]][:most]
        if chosen:
            examples[c] = [s for s in chosen if s is not None]
    return examples


def _naming_note(
    settings: Settings,
    use_llm: bool,
    summaries: Sequence[str | None],
    named: dict[int, tuple[str, str] | None],
    order: list[int],
) -> str:
    model = settings.endpoints[0].model
    if not use_llm:
        why = (
            f" (the endpoint's model {model!r} writes no text)"
            if settings.topics.naming == "auto"
            else " (topics.naming: terms)"
        )
        return NAMING_NOTE + why
    failed = sum(s is None for s in summaries)
    unnamed = sum(named.get(c) is None for c in order)
    return (
        f"conversations embedded by their LLM summaries ({model!r}; {failed} without a usable summary embedded by "
        f"their scrubbed user turns), clusters named and described by the LLM from up to "
        f"{settings.topics.name_examples} member summaries ({unnamed} named from their distinctive terms instead); "
        "summaries, names and descriptions scrubbed"
    )


def _parents(
    topics: list[Topic], labels: np.ndarray, order: list[int], texts: list[str], k: int, top: int
) -> list[ParentTopic]:
    """Parent topics named by the terms that set their children's conversations apart from the other parents'."""
    if not topics:
        return []
    parent_by_cluster = {c: t.parent for c, t in zip(order, topics, strict=True)}
    members = [i for i, c in enumerate(labels.tolist()) if c in parent_by_cluster]
    parent_ids = sorted({t.parent for t in topics})
    index = {p: n for n, p in enumerate(parent_ids)}
    parent_labels = [index[parent_by_cluster[int(labels[i])]] for i in members]
    terms = distinctive_terms([texts[i] for i in members], parent_labels, min_conversations=k, top=top)
    return [
        ParentTopic(
            id=p,
            name=name_from_terms(terms[index[p]]),
            conversations=sum(t.conversations for t in topics if t.parent == p),
            topics=[t.id for t in topics if t.parent == p],
        )
        for p in parent_ids
    ]
