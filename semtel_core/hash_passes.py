"""Exact distinct counts and duplicate checks in bounded memory on one machine: the rows are split by a hash of
the key into passes, each pass holds only its share of the keys, and the per-pass answers add up (a key lives in
exactly one pass). Polars' streaming engine holds a ``group_by``'s whole hash table; with a pass per
``KEYS_PER_PASS`` rows, memory stays flat as the week grows, at the price of reading the key columns once more
per pass. (On Spark the shuffle does this.)
"""

from __future__ import annotations

import polars as pl

KEYS_PER_PASS = 200_000
_SEED = 0x5E3  # any fixed value: the split must only be the same for every pass of one count


def passes_for(rows: int) -> int:
    return max(1, -(-rows // KEYS_PER_PASS))


def in_pass(key: str, passes: int, index: int) -> pl.Expr:
    """The rows of pass ``index`` of ``passes``; a null key goes to one of them like any value."""
    if passes == 1:
        return pl.lit(True)
    return pl.col(key).hash(seed=_SEED) % passes == index


def rows_of(frame: pl.LazyFrame) -> int:
    return int(frame.select(pl.len()).collect(engine="streaming").item())
