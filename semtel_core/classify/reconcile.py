"""The end-of-run proof: every accepted conversation once per classifier in the results, every rejected row in
the rejects, and read = accepted + rejected. Lazy Polars scans, so it also holds for outputs bigger than
memory; raises :class:`ReconciliationError` with the figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import fsspec
import polars as pl

from semtel_core.errors import ReconciliationError

# Rows of the ``embedding`` strategy answered by the embedding path carry ``endpoint = "embedding:<bundle>:<model>"``;
# rows it cascaded to an LLM strategy carry that LLM endpoint's name (semtel_core.evaluate.embedding_strategy).
EMBEDDING_ENDPOINT_PREFIX = "embedding:"


def _is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")


def scan_parquet(paths: Sequence[str]) -> pl.LazyFrame:
    """A lazy frame over Parquet files on local disk, or read through fsspec for other URIs (memory://...)."""
    if all(_is_local(p) for p in paths):
        return pl.scan_parquet([p.removeprefix("file://") for p in paths])
    frames = []
    for path in paths:
        with fsspec.open(path, "rb") as fh:
            frames.append(pl.read_parquet(fh))
    return pl.concat(frames).lazy()


def reconcile_results(
    staged_files: Sequence[str],
    results_files: Sequence[str],
    rejects_file: str,
    classifiers: Sequence[str],
    *,
    read: int,
    accepted: int,
    rejected: int,
    blank: int = 0,
) -> dict[str, Any]:
    """Check the run's outputs against its inputs; returns the figures checked."""
    staged = scan_parquet(staged_files).select("conversation_id")
    results = scan_parquet(results_files).select("conversation_id", "classifier")
    per_pair = results.group_by("conversation_id", "classifier").len()
    frames = pl.collect_all(
        [
            staged.select(pl.len().alias("staged")),
            scan_parquet([rejects_file]).select(pl.len().alias("rejects")),
            results.select(pl.len().alias("rows")),
            per_pair.filter(pl.col("len") > 1).select(pl.len().alias("duplicated_pairs")),
            staged.join(results, on="conversation_id", how="anti").select(pl.len().alias("missing_ids")),
            results.join(staged, on="conversation_id", how="anti").select(pl.len().alias("unknown_ids")),
            results.filter(~pl.col("classifier").is_in(list(classifiers))).select(pl.len().alias("other")),
        ]
    )
    found = {k: int(v) for frame in frames for k, v in frame.row(0, named=True).items()}
    expected = {
        "staged": accepted,
        "rejects": rejected,
        "rows": accepted * len(classifiers),
        "duplicated_pairs": 0,
        "missing_ids": 0,
        "unknown_ids": 0,
        "other": 0,
    }
    wrong = {k: {"expected": v, "found": found[k]} for k, v in expected.items() if found[k] != v}
    if read != accepted + rejected + blank:
        wrong["read"] = {"expected": accepted + rejected + blank, "found": read}
    if wrong:
        raise ReconciliationError(f"classify: results do not reconcile: {wrong}", figures=found, wrong=wrong)
    return {**found, "read": read, "accepted": accepted, "rejected": rejected, "blank": blank}


def embedding_paths(results_files: Sequence[str]) -> dict[str, dict[str, int]]:
    """Per classifier with rows of strategy ``embedding``: rows answered by the embedding path, and rows its
    cascade sent to the LLM. Empty when no classifier used the embedding strategy."""
    rows = (
        scan_parquet(results_files)
        .filter(pl.col("strategy") == "embedding")
        .group_by("classifier")
        .agg(
            pl.col("endpoint")
            .str.starts_with(EMBEDDING_ENDPOINT_PREFIX)
            .fill_null(False)
            .sum()
            .alias("embedding"),
            pl.len().alias("rows"),
        )
        .collect()
    )
    return {
        str(r["classifier"]): {"embedding": int(r["embedding"]), "llm": int(r["rows"] - r["embedding"])}
        for r in rows.sort("classifier").iter_rows(named=True)
    }
