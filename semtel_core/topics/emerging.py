"""What is new this week: a week's conversations against the weeks before it.

A :class:`TopicMemory` carries the vectors of the last ``topics.emerging_weeks`` weeks' conversations (vectors and
their week only, never text). Each week (:func:`emerging_week`):

1. this week's vectors and the remembered ones are clustered together, as
   :func:`~semtel_core.topics.discover.discover` clusters them, and their outliers once more
   (:func:`_two_level_labels`); so every cluster's count in every week comes from the same clustering, and a topic first seen this week still has an exact history (its earlier weeks' counts,
   zero or not). Clustering the weeks separately and matching clusters across weeks would not: a topic split
   differently one week looks new;
2. each cluster holding at least ``topics.min_conversations`` of this week's conversations is tested against its
   earlier weeks (the conditional binomial test of two Poisson rates, :func:`_p_value`); the p-values of all
   clusters tested are controlled together by Benjamini–Hochberg at ``topics.emerging_fdr``;
3. a cluster is *emerging* when it is significant and holds at least ``topics.emerging_min_growth`` times its
   expected count: its past rate (with half a conversation added, so a cluster never seen before has a small,
   not a zero, rate) times this week's size. It is named from this week's texts of its conversations.

Nothing of a cluster under the privacy threshold this week is named or counted in the output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel
from scipy.stats import binom, false_discovery_control

from semtel_core.config import TopicsSettings
from semtel_core.endpoint.encoder import Vectors, unit_rows
from semtel_core.topics.clustering import OUTLIER, cluster
from semtel_core.topics.terms import distinctive_terms, name_from_terms

PRIOR_CONVERSATIONS = 0.5  # added to a cluster's past count: one never seen gets a small expected count


@dataclass
class TopicMemory:
    weeks: list[date] = field(default_factory=list)  # earlier weeks, oldest first
    sizes: list[int] = field(default_factory=list)  # conversations of each earlier week
    vectors: Vectors = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    week_of: npt.NDArray[np.int64] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
    )  # index in weeks


class EmergingTopic(BaseModel):
    name: str
    description: str
    conversations: int
    expected: float
    growth: float  # conversations / expected
    p_value: float
    q_value: float  # Benjamini–Hochberg adjusted
    first_seen: date  # the first remembered week it held at least min_conversations conversations
    weeks_seen: int  # remembered weeks in which it held at least min_conversations, this one included
    earlier_counts: list[int]  # its conversations in each remembered week, oldest first
    examples: list[str] = []  # scrubbed LLM summaries of a few members (a model that writes text only)


class EmergingReport(BaseModel):
    week: date
    conversations: int
    earlier_weeks: int
    clusters_tested: int  # clusters holding at least min_conversations of this week's conversations
    emerging: list[EmergingTopic]


@dataclass(frozen=True)
class EmergingWeek:
    report: EmergingReport  # what may be shown
    members: list[list[str]]  # this week's conversation ids of each emerging topic, in the report's order


def emerging_week(
    memory: TopicMemory,
    week: date,
    texts: Sequence[str],
    ids: Sequence[str],
    vectors: Vectors,
    options: TopicsSettings,
) -> EmergingWeek:
    """Test this week's conversations (scrubbed ``texts``, their ``ids`` and ``vectors``) against ``memory``, then
    remember this week in it (see the module's docstring)."""
    k = options.min_conversations
    x = unit_rows(vectors)
    earlier = len(memory.weeks)
    past = memory.vectors if memory.vectors.size else np.zeros((0, x.shape[1]), dtype=np.float32)
    found: list[tuple[EmergingTopic, list[str]]] = []
    tested = 0
    if len(x) >= k:
        labels = _two_level_labels(np.vstack([x, past]), len(x), options)
        here, before = labels[: len(x)], labels[len(x) :]
        sizes = {c: _distinct(ids, here == c) for c in np.unique(here[here != OUTLIER]).tolist()}
        clusters = [c for c, size in sizes.items() if size >= k]
        terms = distinctive_terms(list(texts), here.tolist(), min_conversations=k, top=options.terms)
        candidates = []
        if earlier:
            for c in clusters:
                history = [int(((before == c) & (memory.week_of == w)).sum()) for w in range(earlier)]
                now = sizes[c]
                expected = (sum(history) + PRIOR_CONVERSATIONS) / sum(memory.sizes) * len(ids)
                candidates.append((c, now, history, expected, _p_value(now, sum(history), len(ids), memory)))
        tested = len(candidates)
        q_values = false_discovery_control([p for *_, p in candidates]) if candidates else []
        for (c, now, history, expected, p), q in zip(candidates, q_values, strict=True):
            if q > options.emerging_fdr or now < options.emerging_min_growth * expected:
                continue
            seen = [w for w, n in enumerate(history) if n >= k]
            topic = EmergingTopic(
                name=name_from_terms(terms.get(c, [])),
                description=f"Conversations that mention {', '.join(terms[c])}." if terms.get(c) else "",
                conversations=now,
                expected=expected,
                growth=now / expected,
                p_value=p,
                q_value=float(q),
                first_seen=memory.weeks[seen[0]] if seen else week,
                weeks_seen=1 + len(seen),
                earlier_counts=history,
            )
            found.append((topic, [ids[i] for i in np.flatnonzero(here == c).tolist()]))
    found.sort(key=lambda f: (f[0].q_value, -f[0].conversations))
    report = EmergingReport(
        week=week,
        conversations=len(ids),
        earlier_weeks=earlier,
        clusters_tested=tested,
        emerging=[topic for topic, _ in found],
    )
    memory.weeks.append(week)
    memory.sizes.append(len(ids))
    memory.vectors = np.vstack([past, x])
    memory.week_of = np.concatenate([memory.week_of, np.full(len(x), earlier, dtype=np.int64)])
    _forget(memory, options.emerging_weeks)
    return EmergingWeek(report, [members for _, members in found])


def _two_level_labels(vectors: Vectors, this_week: int, options: TopicsSettings) -> npt.NDArray[np.int64]:
    """Clusters of this week's (the first ``this_week`` rows) and the remembered vectors, then clusters of their
    outliers. A new topic is a small part of the remembered weeks taken together: the silhouette keeps it inside a
    larger cluster, whose outliers its conversations then are; clustered again, they are a cluster of their own.
    Neither level has more clusters than this week could fill to twice the privacy threshold, else the remembered
    weeks would split it into clusters too small to show."""
    k = options.min_conversations
    most = [max(2, min(options.emerging_clusters, this_week // k))]
    # this week weighs as much as the remembered weeks together: a new topic is a small part of all of them, and
    # k-means would otherwise give it no centroid of its own but share it out among the old topics' clusters
    weights = np.ones(len(vectors))
    weights[:this_week] = max(1.0, (len(vectors) - this_week) / max(1, this_week))
    labels = cluster(
        vectors, min_size=k, max_clusters=most[0], seed=options.seed, ks=most, weights=weights
    ).labels.copy()
    outliers = labels == OUTLIER
    outliers_now = int(outliers[:this_week].sum())
    if outliers_now >= k:
        most = [max(2, min(options.emerging_clusters, outliers_now // k))]
        second = cluster(
            vectors[outliers], min_size=k, max_clusters=most[0], seed=options.seed, ks=most
        ).labels
        labels[outliers] = np.where(second == OUTLIER, OUTLIER, second + labels.max() + 1)
    return labels


def _p_value(now: int, before: int, size: int, memory: TopicMemory) -> float:
    """One-sided p-value of ``now`` of this week's ``size`` against ``before`` of the earlier weeks' conversations:
    the conditional test of two Poisson rates (given both counts' sum, this week's share is binomial), so the
    past rate's own uncertainty counts, which a Poisson test against the estimated rate would ignore (it flagged
    11 against 5 and 5 in a stable constructed week)."""
    share = size / (size + sum(memory.sizes))
    return float(binom.sf(now - 1, now + before, share))


def _distinct(ids: Sequence[str], members: npt.NDArray[np.bool_]) -> int:
    return len({ids[i] for i in np.flatnonzero(members).tolist()})


def _forget(memory: TopicMemory, weeks: int) -> None:
    """Keep the last ``weeks`` weeks."""
    drop = len(memory.weeks) - weeks
    if drop <= 0:
        return
    memory.weeks, memory.sizes = memory.weeks[drop:], memory.sizes[drop:]
    kept = memory.week_of >= drop
    memory.vectors, memory.week_of = memory.vectors[kept], memory.week_of[kept] - drop
