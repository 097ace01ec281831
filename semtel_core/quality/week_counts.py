"""The week's aggregates, in one streaming pass over the result rows (Polars) or one Spark job, so nothing after
grading holds the week's row table: the quality gate, the load's Postgres aggregates and the HTML report all read
these few small tables. What is kept is one row per classifier, one per distinct
(classifier, label, status, strategy) with its sums, one per label pair of each report cross-tab, and the number of
distinct conversations.

They are saved next to the week's results (:func:`week_counts`) with a fingerprint of the result files, so each
later step and next week's comparison reads them instead of the rows, and a rewritten results folder is counted
again instead of being reported from stale figures.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import Any

import fsspec
import polars as pl
import pyarrow.parquet as pq

from semtel_core import storage
from semtel_core.config import Settings
from semtel_core.errors import InputFileError
from semtel_core.hash_passes import in_pass, passes_for, rows_of
from semtel_core.load.aggregates import LABELLED_STATUSES
from semtel_core.load.reading import open_results, results_on_spark

UNLABELLED = ("invalid", "error")
# Never null in a result row; classifier, status and strategy are checked on the combinations instead.
REQUIRED = ("run_id", "conversation_id", "content_hash", "created_at")
NON_NEGATIVE = ("prompt_tokens", "completion_tokens", "cost_usd", "attempts")
COMBINATION = ("classifier", "label", "status", "strategy")
SUMS = ("prompt_tokens", "completion_tokens", "cost_usd")
# The report's cross-tabs: labels of two classifiers on the same conversation, counted by a join on its id.
CROSS_TABS = (("user_expertise", "satisfaction"), ("topic", "task_complexity"))
PAIR = ("rows_classifier", "cols_classifier", "row_label", "col_label")
_TABLES = ("per_classifier", "combinations", "pairs")
_FORMAT = 1  # bump when the tables change: saved aggregates of another format are counted again


@dataclass(frozen=True)
class WeekCounts:
    per_classifier: pl.DataFrame  # classifier, rows, distinct_conversations, unlabelled, ...
    # classifier, label, status, strategy, rows, prompt_tokens, completion_tokens, cost_usd, graded, flipped
    combinations: pl.DataFrame
    pairs: pl.DataFrame  # rows_classifier, cols_classifier, row_label, col_label, conversations
    conversations: int  # distinct conversation ids over all classifiers (a null id counts as one)

    def row(self, classifier: str) -> dict[str, int] | None:
        found = self.per_classifier.filter(pl.col("classifier") == classifier)
        return found.row(0, named=True) if found.height else None

    def classifiers(self) -> list[str]:
        return sorted(str(c) for c in self.per_classifier["classifier"].drop_nulls())

    def label_counts(self) -> dict[str, dict[str, int]]:
        """Rows of each label per classifier, among rows that have one; labels sorted."""
        labelled = (
            self.combinations.filter(pl.col("label").is_not_null() & pl.col("classifier").is_not_null())
            .group_by("classifier", "label")
            .agg(pl.col("rows").sum())
            .sort("classifier", "label")
        )
        counts: dict[str, dict[str, int]] = {}
        for name, label, rows in labelled.iter_rows():
            counts.setdefault(str(name), {})[str(label)] = int(rows)
        return counts

    def equals(self, other: WeekCounts) -> bool:
        return self.conversations == other.conversations and all(
            getattr(self, name).equals(getattr(other, name)) for name in _TABLES
        )


def _combinations(rows: pl.LazyFrame) -> pl.LazyFrame:
    return rows.group_by(*COMBINATION).agg(
        pl.len().alias("rows"),
        *(pl.col(c).sum() for c in SUMS),
        pl.col("grader_verdict").is_not_null().sum().alias("graded"),
        pl.col("flipped").fill_null(False).sum().alias("flipped"),
    )


def _pairs(rows: pl.LazyFrame, rows_classifier: str, cols_classifier: str) -> pl.LazyFrame:
    labelled = rows.filter(pl.col("status").is_in(LABELLED_STATUSES) & pl.col("label").is_not_null())
    left = labelled.filter(pl.col("classifier") == rows_classifier).select(
        "conversation_id", row_label="label"
    )
    right = labelled.filter(pl.col("classifier") == cols_classifier).select(
        "conversation_id", col_label="label"
    )
    return (
        left.join(right, on="conversation_id")
        .group_by("row_label", "col_label")
        .agg(pl.len().cast(pl.Int64).alias("conversations"))
        .select(
            pl.lit(rows_classifier).alias("rows_classifier"),
            pl.lit(cols_classifier).alias("cols_classifier"),
            "row_label",
            "col_label",
            "conversations",
        )
    )


_EMPTY_PAIRS = pl.Schema(
    {
        "rows_classifier": pl.String,
        "cols_classifier": pl.String,
        "row_label": pl.String,
        "col_label": pl.String,
        "conversations": pl.Int64,
    }
)


@dataclass(frozen=True)
class _ByConversation:
    distinct: pl.DataFrame  # classifier, distinct_conversations
    conversations: int
    pairs: pl.DataFrame


def _by_conversation(rows: pl.LazyFrame) -> _ByConversation:
    """What needs the conversation ids (distinct counts, the cross-tabs' join), in hash passes over the ids
    (:mod:`semtel_core.hash_passes`): a pass holds only its share of them, and the per-pass answers add up."""
    passes = passes_for(rows_of(rows))
    distinct, totals, pairs = [], [], []
    for index in range(passes):
        part = rows.filter(in_pass("conversation_id", passes, index))
        found = pl.collect_all(
            [
                part.group_by("classifier").agg(
                    pl.col("conversation_id").n_unique().alias("distinct_conversations")
                ),
                part.select(pl.col("conversation_id").n_unique().alias("conversations")),
                *(_pairs(part, a, b) for a, b in CROSS_TABS),
            ],
            engine="streaming",
        )
        distinct.append(found[0])
        totals.append(int(found[1].item()) if found[1].height else 0)
        pairs.extend(found[2:])
    summed = pl.concat(distinct).group_by("classifier").agg(pl.col("distinct_conversations").sum())
    pair_counts = pl.concat([p for p in pairs if p.height] or [pl.DataFrame(schema=_EMPTY_PAIRS)])
    return _ByConversation(
        summed.with_columns(pl.col("distinct_conversations").cast(pl.UInt32)),
        sum(totals),
        pair_counts.group_by(*PAIR).agg(pl.col("conversations").sum()).sort(*PAIR),
    )


def count_week(results_path: str) -> WeekCounts:
    """The week's aggregates, counted by Polars' streaming engine (a JSONL file of rows is read whole)."""
    try:
        return _count(open_results(results_path).lazy)
    except (pl.exceptions.ColumnNotFoundError, pl.exceptions.SchemaError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise InputFileError(
            f"{results_path} does not hold result rows: {first}", path=results_path
        ) from None


def _count(rows: pl.LazyFrame) -> WeekCounts:
    per_classifier = rows.group_by("classifier").agg(
        pl.len().alias("rows"),
        pl.col("status").is_in(UNLABELLED).sum().alias("unlabelled"),
        (pl.col("status").is_in(LABELLED_STATUSES) & pl.col("label").is_null())
        .sum()
        .alias("labelled_without_label"),
        pl.col("grader_verdict").is_not_null().sum().alias("graded"),
        pl.col("flipped").fill_null(False).sum().alias("flipped"),
        pl.any_horizontal([pl.col(c).is_null() for c in REQUIRED]).sum().alias("null_required"),
        pl.any_horizontal([pl.col(c).fill_null(0) < 0 for c in NON_NEGATIVE]).sum().alias("negative_values"),
    )
    per, combos = pl.collect_all([per_classifier, _combinations(rows)], engine="streaming")
    by_conversation = _by_conversation(rows)
    figures = per.join(by_conversation.distinct, on="classifier", how="left", nulls_equal=True).select(
        "classifier",
        "rows",
        "distinct_conversations",
        *[c for c in per.columns if c not in ("classifier", "rows")],
    )
    return WeekCounts(
        figures.sort("classifier"),
        combos.sort(*COMBINATION),
        by_conversation.pairs,
        by_conversation.conversations,
    )


def _spark_pairs(rows: Any) -> Any:
    from pyspark.sql import functions as F

    labelled = rows.where(F.col("status").isin(*LABELLED_STATUSES) & F.col("label").isNotNull())
    tabs = []
    for a, b in CROSS_TABS:
        left = labelled.where(F.col("classifier") == a).select(
            "conversation_id", F.col("label").alias("row_label")
        )
        right = labelled.where(F.col("classifier") == b).select(
            "conversation_id", F.col("label").alias("col_label")
        )
        tabs.append(
            left.join(right, "conversation_id")  # a shuffle on the ids: null ids match nothing, as in Polars
            .groupBy("row_label", "col_label")
            .agg(F.count(F.lit(1)).alias("conversations"))
            .select(
                F.lit(a).alias("rows_classifier"),
                F.lit(b).alias("cols_classifier"),
                *PAIR[2:],
                "conversations",
            )
        )
    return reduce(lambda x, y: x.unionByName(y), tabs)


def count_week_on_spark(results_path: str, master: str, spark: Any = None) -> WeekCounts:
    """:func:`count_week` as one Spark job (the given or active session, else ``master``): the same tables, so
    the same gate and report, when the week's rows live where only a cluster reads them in time."""
    from pyspark.sql import functions as F

    from semtel_core.classify.spark_engine import owned_session

    def count(condition: Any) -> Any:
        return F.sum(F.when(condition, 1).otherwise(0))

    def distinct_ids() -> (
        Any
    ):  # Polars' n_unique counts a null as one more value; Spark's distinct count skips it
        return F.countDistinct("conversation_id") + F.coalesce(
            F.max(F.col("conversation_id").isNull().cast("int")), F.lit(0)
        )

    def total(column: str) -> Any:  # Polars sums nothing to 0, Spark to null
        zero = 0.0 if column == "cost_usd" else 0
        return F.coalesce(F.sum(column), F.lit(zero)).alias(column)

    with owned_session(master, spark) as session:
        rows = results_on_spark(session, results_path)
        per_classifier = rows.groupBy("classifier").agg(
            F.count(F.lit(1)).alias("rows"),
            distinct_ids().alias("distinct_conversations"),
            count(F.col("status").isin(*UNLABELLED)).alias("unlabelled"),
            count(F.col("status").isin(*LABELLED_STATUSES) & F.col("label").isNull()).alias(
                "labelled_without_label"
            ),
            count(F.col("grader_verdict").isNotNull()).alias("graded"),
            count(F.coalesce(F.col("flipped"), F.lit(False))).alias("flipped"),
            count(reduce(operator.or_, [F.col(c).isNull() for c in REQUIRED])).alias("null_required"),
            count(reduce(operator.or_, [F.coalesce(F.col(c), F.lit(0)) < 0 for c in NON_NEGATIVE])).alias(
                "negative_values"
            ),
        )
        combinations = rows.groupBy(*COMBINATION).agg(
            F.count(F.lit(1)).alias("rows"),
            *(total(c) for c in SUMS),
            count(F.col("grader_verdict").isNotNull()).alias("graded"),
            count(F.coalesce(F.col("flipped"), F.lit(False))).alias("flipped"),
        )
        per = per_classifier.toArrow()
        combos = combinations.toArrow()
        pairs = _spark_pairs(rows).toArrow()
        conversations = rows.agg(distinct_ids().alias("n")).collect()[0]["n"]
    counts = [c for c in per.column_names if c != "classifier"]
    # The Polars tables' types (lengths and counts are UInt32 there), so both engines give equal frames.
    per_frame = pl.DataFrame(pl.from_arrow(per)).with_columns(pl.col(counts).cast(pl.UInt32))
    combo_frame = pl.DataFrame(pl.from_arrow(combos)).with_columns(
        pl.col("rows", "graded", "flipped").cast(pl.UInt32),
        pl.col("prompt_tokens", "completion_tokens").cast(pl.Int64),
    )
    pair_frame = pl.DataFrame(pl.from_arrow(pairs)).cast(dict(_EMPTY_PAIRS))  # type: ignore[arg-type]
    return WeekCounts(
        per_frame.sort("classifier"),
        combo_frame.sort(*COMBINATION),
        pair_frame.sort(*PAIR),
        int(conversations),
    )


# ---------------------------------------------------------------------------------------------------------------
# Saved next to the results


def fingerprint(results_path: str) -> str:
    """A digest of the result files' names, sizes and modification times: it changes when the rows are rewritten,
    and is read from a listing, without opening a file."""
    fs, inner = fsspec.core.url_to_fs(results_path)
    if not fs.exists(inner):
        raise InputFileError(f"results not found: {results_path}", path=results_path)
    found = fs.find(inner, detail=True) if fs.isdir(inner) else {inner: fs.info(inner)}
    listing = sorted(
        (name, info.get("size"), str(info.get("mtime") or info.get("LastModified") or info.get("ETag") or ""))
        for name, info in found.items()
    )
    return hashlib.sha256(json.dumps([_FORMAT, listing]).encode()).hexdigest()


def _own_folder(folder: str, results_fingerprint: str) -> str:
    """Each version of the results gets its own sub-folder: two writers (a rerun's gate and next week's, reading
    this week as its previous one) never mix tables of different rows in one place."""
    return storage.join(folder, results_fingerprint[:32])


def save(counts: WeekCounts, folder: str, results_fingerprint: str) -> None:
    """Write the tables under ``folder``, ``week.json`` last, so a half-written folder never passes for a saved one;
    then drop the aggregates of earlier versions of the results."""
    own = _own_folder(folder, results_fingerprint)
    for name in _TABLES:
        with storage.atomic_open(storage.join(own, f"{name}.parquet")) as fh:
            pq.write_table(getattr(counts, name).to_arrow(), fh)
    storage.write_json(
        storage.join(own, "week.json"),
        {"format": _FORMAT, "fingerprint": results_fingerprint, "conversations": counts.conversations},
    )
    fs, inner = fsspec.core.url_to_fs(folder)
    for entry in fs.ls(inner, detail=False):
        if entry.rstrip("/").rsplit("/", 1)[-1] != results_fingerprint[:32]:
            fs.rm(entry, recursive=True)


def saved(folder: str, results_fingerprint: str) -> WeekCounts | None:
    """The aggregates saved under ``folder`` for these result files; None when there are none (or half of them)."""
    own = _own_folder(folder, results_fingerprint)
    try:
        with fsspec.open(storage.join(own, "week.json"), "rb") as fh:
            meta = json.loads(fh.read())
        if meta.get("format") != _FORMAT or meta.get("fingerprint") != results_fingerprint:
            return None
        tables = {}
        for name in _TABLES:
            with fsspec.open(storage.join(own, f"{name}.parquet"), "rb") as fh:
                frame = pl.from_arrow(pq.read_table(fh))
            assert isinstance(frame, pl.DataFrame)
            tables[name] = frame
    except FileNotFoundError:  # never saved, or replaced by a newer version meanwhile
        return None
    return WeekCounts(conversations=int(meta["conversations"]), **tables)


Counter = Callable[[str], WeekCounts]


def counter_for(settings: Settings) -> Counter:
    """The week's aggregates from the run's engine: one Polars streaming pass, or one Spark job."""
    if settings.classify.engine == "spark":
        master = settings.classify.spark_master
        return lambda path: count_week_on_spark(path, master)
    return count_week


def week_counts(results_path: str, folder: str | None, counter: Counter = count_week) -> WeekCounts:
    """The aggregates of the rows under ``results_path``: read from ``folder`` when saved there for these very
    files, else counted by ``counter`` and saved there (``folder`` None: counted, not saved)."""
    if folder is None:
        return counter(results_path)
    stamp = fingerprint(results_path)
    found = saved(folder, stamp)
    if found is None:
        found = counter(results_path)
        save(found, folder, stamp)
    return found
