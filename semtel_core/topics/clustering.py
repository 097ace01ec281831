"""Clusters of unit-length conversation vectors, and clusters of those clusters.

k-means on the unit vectors (spherical: Euclidean distance between unit vectors orders pairs as cosine does), with
k chosen by the cosine silhouette over a few candidates. Why not HDBSCAN, which BERTopic uses: in a first
comparison on MiniLM vectors of the real conversations in ``../shared/data`` (arena-hard prompts, MultiWOZ
dialogues), scikit-learn's HDBSCAN (min_cluster_size 10–25, on the vectors or 5–30 PCA dimensions) left 5–73 %
of them unclustered in 2–6 clusters, NMI 0.02–0.20 against the gold categories, where k-means (k 3–20) reached
NMI 0.33–0.39 / 0.56–0.89 and purity 0.64–0.78 / 0.93–1.00. BERTopic itself brings UMAP and numba for its
HDBSCAN; scikit-learn is already a dependency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

from semtel_core.endpoint.encoder import Vectors, unit_rows

_SILHOUETTE_SAMPLE = 3000  # silhouette is quadratic in the rows: scored on a fixed sample
_REDUCE_ABOVE, _DIMENSIONS = 2000, 48


OUTLIER = -1


@dataclass(frozen=True)
class Clustering:
    labels: npt.NDArray[np.int64]  # one cluster per row, 0..k-1, or OUTLIER
    centroids: Vectors  # unit length, one per cluster
    silhouette: float  # cosine, of the chosen k (on at most _SILHOUETTE_SAMPLE rows)
    tried: dict[int, float]  # candidate k -> its silhouette


def candidate_ks(rows: int, min_size: int, max_clusters: int) -> list[int]:
    """Candidate numbers of clusters: at least 2, at most ``max_clusters``, none so many that an average cluster
    would hold fewer than twice ``min_size`` rows (half of them could not be shown); two per doubling."""
    top = min(max_clusters, rows // max(1, 2 * min_size))
    if top < 2:
        return []
    ks, k = [], 2.0
    while round(k) <= top:
        if round(k) not in ks:
            ks.append(round(k))
        k *= 2**0.5
    return ks if ks[-1] == top else [*ks, top]


def _reduced(x: Vectors, seed: int) -> Vectors:
    """The rows projected on their first :data:`_DIMENSIONS` principal components (unit length again) when there
    are many: k-means and the silhouette cost in proportion to the dimensions, and a week with its remembered weeks
    is tens of thousands of rows."""
    if len(x) <= _REDUCE_ABOVE or x.shape[1] <= _DIMENSIONS:
        return x
    return unit_rows(
        PCA(n_components=_DIMENSIONS, svd_solver="randomized", random_state=seed).fit_transform(x)
    )


def _centroids(x: Vectors, labels: npt.NDArray[np.int64], k: int) -> Vectors:
    return unit_rows(np.vstack([x[labels == c].mean(axis=0) for c in range(k)]))


def cluster(
    vectors: Vectors,
    *,
    min_size: int,
    max_clusters: int,
    seed: int = 0,
    ks: Sequence[int] | None = None,
    weights: npt.NDArray[np.float64] | None = None,
) -> Clustering:
    """The k-means clustering of ``vectors`` with the best silhouette among ``ks`` (default
    :func:`candidate_ks`); all rows in one cluster when there are too few for two clusters of ``min_size``.
    Centroids and outliers are judged on the vectors themselves, the clustering on :func:`_reduced` ones;
    ``weights`` weigh the rows in k-means."""
    x = unit_rows(vectors)
    ks = (
        [k for k in ks if 2 <= k < len(x)] if ks is not None else candidate_ks(len(x), min_size, max_clusters)
    )
    if not ks:
        labels = np.zeros(len(x), dtype=np.int64)
        return Clustering(labels, unit_rows(x.mean(axis=0, keepdims=True)) if len(x) else x[:0], 0.0, {})
    reduced = _reduced(x, seed)
    rng = np.random.default_rng(seed)
    sample = rng.choice(len(x), size=min(len(x), _SILHOUETTE_SAMPLE), replace=False)
    best: tuple[float, int, npt.NDArray[np.int64]] | None = None
    tried: dict[int, float] = {}
    for k in ks:
        model = KMeans(n_clusters=k, n_init=2, random_state=seed)
        labels = model.fit_predict(reduced, sample_weight=weights).astype(np.int64)
        if len(np.unique(labels[sample])) < 2:
            continue
        score = float(silhouette_score(reduced[sample], labels[sample], metric="cosine"))
        tried[k] = score
        if best is None or score > best[0]:
            best = (score, k, labels)
    if best is None:
        labels = np.zeros(len(x), dtype=np.int64)
        return Clustering(labels, unit_rows(x.mean(axis=0, keepdims=True)), 0.0, tried)
    centroids = _centroids(x, best[2], best[1])
    return Clustering(_without_outliers(x, best[2], centroids), centroids, best[0], tried)


def split_oversized(
    vectors: Vectors, clustering: Clustering, *, max_share: float, min_size: int, seed: int = 0
) -> Clustering:
    """TnT-LLM's "split oversized": while the largest cluster holds more than ``max_share`` of the clustered
    (non-outlier) rows, k-means splits it in two, if both halves keep ``min_size`` rows (a half under the privacy
    threshold could not be shown); a cluster that cannot be split so stays whole. Silhouette picks k for the whole
    set, and a broad topic beside small ones can win it: a label for half of everything tells a reader little."""
    x = unit_rows(vectors)
    labels = clustering.labels.copy()
    whole: set[int] = set()
    while True:
        clustered = labels[labels != OUTLIER]
        sizes = {int(c): int(n) for c, n in zip(*np.unique(clustered, return_counts=True), strict=True)}
        candidates = [c for c in sizes if c not in whole and sizes[c] > max_share * len(clustered)]
        if not candidates:
            break
        biggest = max(candidates, key=lambda c: sizes[c])
        members = np.flatnonzero(labels == biggest)
        halves = np.zeros(len(members), dtype=np.int64)
        if len(members) >= 2 * min_size:
            halves = (
                KMeans(n_clusters=2, n_init=2, random_state=seed).fit_predict(x[members]).astype(np.int64)
            )
        if min(int((halves == 0).sum()), int((halves == 1).sum())) < min_size:
            whole.add(biggest)
            continue
        labels[members[halves == 1]] = int(labels.max()) + 1
    if not (labels != clustering.labels).any():
        return clustering
    return Clustering(
        labels, _centroids(x, labels, int(labels.max()) + 1), clustering.silhouette, clustering.tried
    )


def _without_outliers(x: Vectors, labels: npt.NDArray[np.int64], centroids: Vectors) -> npt.NDArray[np.int64]:
    """k-means puts every row in some cluster, so a few conversations about something else (too few for a
    cluster of their own) would be counted, and named, as what their nearest cluster is about. A row whose
    cosine similarity to its centroid is far below its cluster's (median - 3 scaled MADs: robust while up to half
    the cluster is such rows) or below the lower Tukey fence of all rows' similarities is an OUTLIER instead."""
    similarity = np.einsum("ij,ij->i", x, centroids[labels])
    q1, q3 = np.percentile(similarity, [25, 75])
    far = similarity < q1 - 1.5 * (q3 - q1)
    for c in range(len(centroids)):
        members = labels == c
        if members.sum() < 4:
            continue
        median = np.median(similarity[members])
        spread = 1.4826 * np.median(np.abs(similarity[members] - median))
        far |= members & (similarity < median - 3 * spread)
    out: npt.NDArray[np.int64] = np.where(far, OUTLIER, labels).astype(np.int64)
    return out


def parents_of(centroids: Vectors, parents: int) -> npt.NDArray[np.int64]:
    """Group clusters into ``parents`` groups by average-linkage on their centroids' cosine distance (0-based)."""
    if len(centroids) <= 1 or parents <= 1:
        return np.zeros(len(centroids), dtype=np.int64)
    tree = linkage(centroids.astype(np.float64), method="average", metric="cosine")
    groups: npt.NDArray[np.int64] = np.asarray(
        fcluster(tree, t=min(parents, len(centroids)), criterion="maxclust"), dtype=np.int64
    )
    return groups - 1
