"""Emerging topics in the weekly run: this week's conversations against the vectors of the weeks before.

The week's *scope* (``topics.emerging_scope``) is every conversation (``all``), or only those the ``topic``
classifier could not place (``uncertain``: labelled one of ``topics.emerging_labels``, unlabelled, or below
``topics.emerging_confidence``). Of these, a fixed hash sample of at most ``topics.emerging_sample`` is embedded
(scrubbed user turns, as ``discover`` embeds them) and tested by :func:`~.emerging.emerging_week` against the
earlier weeks' samples. Each week keeps its own sample's vectors in ``<week>/topics/vectors.parquet``: the memory
of a week is read from the folders of the weeks before it, so a backfill, a rerun or weeks run out of order give
the same answer as weeks run in order. Counts are over the samples: a topic's growth compares shares of samples.

Cluster names come from distinctive terms (``local-zeroshot`` writes no text); no conversation text is written.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Literal

import fsspec
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from semtel_core import storage
from semtel_core.classify.partition import conversations_from_arrow
from semtel_core.config import Settings
from semtel_core.errors import SemtelError
from semtel_core.evaluate.embedders import Embedder, EmbeddingSpec, InProcessEmbedder, conversation_text
from semtel_core.llm.types import CallResult
from semtel_core.load.reading import open_results
from semtel_core.privacy.build import build_scrubber
from semtel_core.topics import SUMMARY_FILE, VECTORS_FILE
from semtel_core.topics.discover import NAMING, NAMING_NOTE, checked
from semtel_core.topics.emerging import EmergingReport, EmergingWeek, TopicMemory, emerging_week
from semtel_core.topics.summaries import summarize, writes_text

log = logging.getLogger(__name__)

_MODEL_KEY = b"semtel.embedding_model"
_HASH_SEED = 0x5E17E1  # the sample's hash: fixed, so a rerun embeds the same conversations
EXAMPLES_NOTE = (
    "no example summaries: the endpoint's model writes no text, and raw conversation text never leaves the "
    "pipeline; the distinctive terms name each topic instead"
)
EXAMPLES = 3  # members of an emerging topic summarised for the report


class EmergingSummary(BaseModel):
    """``<week>/topics/emerging.json``: what the report's "Emerging this week" section shows."""

    week: date
    scope: Literal["all", "uncertain"]
    selection: str  # which conversations were in scope, in words
    in_scope: int  # conversations of the week in scope
    sampled: int  # of them, embedded and tested
    earlier_weeks_read: list[date]  # whose samples made the memory
    embedding_model: str
    naming: str
    naming_note: str
    examples_note: str
    scrubbed_names: int  # names or descriptions the scrubber changed before they were written
    report: EmergingReport


def emerging_topics_week(
    week: date,
    results_path: str,
    conversations_path: str,
    out_folder: str,
    earlier: Sequence[tuple[date, str]],
    settings: Settings,
    *,
    embedder: Embedder | None = None,
) -> EmergingSummary:
    """Test ``week`` (its ``results_path`` and extracted ``conversations_path``) against the samples kept in the
    ``earlier`` weeks' topic folders (week, folder; any order, missing ones skipped); write this week's sample
    to ``out_folder/vectors.parquet`` and the summary to ``out_folder/emerging.json``; return the summary."""
    options = settings.topics
    sample, in_scope, selection = _in_scope(results_path, options.emerging_scope, settings)
    texts, sample = _texts(conversations_path, sample, settings)
    model = embedder.model if embedder is not None else options.embedding_model
    embedder = embedder or InProcessEmbedder(options.embedding_model)
    memory, read = _memory(earlier, week, model, options.emerging_weeks)
    width = memory.vectors.shape[1] if memory.vectors.size else 0
    vectors = embedder.embed(texts) if texts else np.zeros((0, width), dtype=np.float32)
    found = emerging_week(memory, week, texts, sample, vectors, options)
    scrubbed = _scrub_names(found.report, settings)
    # The sample first: later weeks read it, whatever happens to the example summaries.
    _write_vectors(storage.join(out_folder, VECTORS_FILE), sample, vectors, model)
    examples_note = _add_examples(found, dict(zip(sample, texts, strict=True)), settings)
    summary = EmergingSummary(
        week=week,
        scope=options.emerging_scope,
        selection=selection,
        in_scope=in_scope,
        sampled=len(sample),
        earlier_weeks_read=read,
        embedding_model=model,
        naming=NAMING,
        naming_note=NAMING_NOTE,
        examples_note=examples_note,
        scrubbed_names=scrubbed,
        report=found.report,
    )
    storage.write_json(storage.join(out_folder, SUMMARY_FILE), summary.model_dump(mode="json"))
    log.info(
        "emerging topics, week %s: %d in scope (%s), %d sampled, %d earlier weeks, %d clusters tested, "
        "%d emerging",
        week,
        in_scope,
        options.emerging_scope,
        len(sample),
        len(read),
        found.report.clusters_tested,
        len(found.report.emerging),
    )
    return summary


def _add_examples(found: EmergingWeek, text_of: dict[str, str], settings: Settings) -> str:
    """With a model that writes text: each emerging topic gets the scrubbed LLM summaries of up to ``EXAMPLES``
    of its members (their scrubbed turns are sent, as for the classifiers; no raw text is written). The note."""
    if not found.report.emerging:
        return EXAMPLES_NOTE if not writes_text(settings) else "example summaries by the LLM, scrubbed"
    if not writes_text(settings):
        return EXAMPLES_NOTE
    chosen = [sorted(members)[:EXAMPLES] for members in found.members]
    calls: list[CallResult] = []
    try:
        written = summarize(
            [text_of[i] for ids in chosen for i in ids], settings, build_scrubber(settings.privacy), calls
        )
    except SemtelError as exc:  # an outage, a broken template: the section goes out without examples
        log.warning("emerging topics: no example summaries (%s)", exc)
        return f"no example summaries: the LLM could not write them ({exc})"
    at = 0
    for topic, ids in zip(found.report.emerging, chosen, strict=True):
        topic.examples = [s for s in written[at : at + len(ids)] if s]
        at += len(ids)
    return (
        f"example summaries of up to {EXAMPLES} members each by the LLM ({settings.endpoints[0].model!r}), scrubbed; "
        f"{len(calls)} calls, {sum(not c.ok for c in calls)} failed"
    )


def _in_scope(results_path: str, scope: str, settings: Settings) -> tuple[list[str], int, str]:
    """A fixed hash sample of at most ``topics.emerging_sample`` of the week's conversations in scope (sorted), how
    many were in scope, and how they were chosen, in words. One classifier's rows hold each conversation once (every
    classifier has a row for every conversation), so Polars' streaming engine counts and samples them in bounded
    memory, whatever the week's size."""
    options = settings.topics
    rows = open_results(results_path).lazy
    present = sorted(
        rows.select("classifier").unique().collect(engine="streaming")["classifier"].drop_nulls()
    )
    one = rows.filter(pl.col("classifier") == (present[0] if present else ""))
    every = "every conversation of the week"
    if scope == "all":
        return (*_sample(one, options.emerging_sample), every)
    if options.emerging_classifier not in present:
        return (
            *_sample(one, options.emerging_sample),
            f"{every} (scope 'uncertain', but the week has no {options.emerging_classifier!r} results)",
        )
    unsure = (
        pl.col("label").is_in(options.emerging_labels)
        | pl.col("label").is_null()
        | ~pl.col("status").is_in(["ok", "repaired"])
        | (pl.col("confidence") < options.emerging_confidence).fill_null(False)
    )
    placed = rows.filter((pl.col("classifier") == options.emerging_classifier) & unsure)
    wanted = ", ".join(options.emerging_labels)
    return (
        *_sample(placed, options.emerging_sample),
        f"conversations the {options.emerging_classifier!r} classifier labelled {wanted}, left unlabelled or "
        f"placed with confidence under {options.emerging_confidence}",
    )


def _sample(rows: pl.LazyFrame, most: int) -> tuple[list[str], int]:
    """The ids of at most ``most`` of ``rows`` (one per conversation): those of the smallest seeded hashes, the same
    ones on every rerun with this Polars; and how many rows there were."""
    ids = rows.select("conversation_id").filter(pl.col("conversation_id").is_not_null())
    hashed = ids.with_columns(h=pl.col("conversation_id").hash(seed=_HASH_SEED))
    chosen = hashed.bottom_k(most, by=["h", "conversation_id"]).collect(engine="streaming")
    total = ids.select(pl.len()).collect(engine="streaming").item()
    return sorted(chosen["conversation_id"].to_list()), int(total)


def _texts(path: str, ids: list[str], settings: Settings) -> tuple[list[str], list[str]]:
    """The scrubbed user text of each of ``ids`` found in the extract (an id of the results the extract does not
    hold is left out with a WARNING), and the ids in the same order."""
    wanted = set(ids)
    lookup = pa.array(sorted(wanted), type=pa.string())
    tables = []
    for file in storage.parquet_files(path):
        with fsspec.open(file, "rb") as fh:
            for batch in storage.streaming_parquet(fh).iter_batches(batch_size=8192):
                mask = pa.compute.is_in(batch.column("conversation_id"), lookup)
                if pa.compute.any(mask).as_py():
                    tables.append(pa.Table.from_batches([batch.filter(mask)]))
    found = conversations_from_arrow(pa.concat_tables(tables)) if tables else []
    by_id = {c.conversation_id: c for c in found}
    missing = wanted - by_id.keys()
    if missing:
        log.warning(
            "emerging topics: %d result ids are not in the week's extract (%s, ...); left out",
            len(missing),
            ", ".join(sorted(missing)[:3]),
        )
    options = settings.topics
    spec = EmbeddingSpec(model=options.embedding_model, view="user", max_tokens=options.max_tokens)
    scrubber = build_scrubber(settings.privacy)
    kept = [i for i in ids if i in by_id]
    return [scrubber.scrub(conversation_text(by_id[i], spec)).text for i in kept], kept


def _memory(
    earlier: Sequence[tuple[date, str]], week: date, model: str, most: int
) -> tuple[TopicMemory, list[date]]:
    """The samples of the last ``most`` weeks before ``week`` that kept one, embedded by ``model``."""
    memory = TopicMemory()
    chosen = sorted((w, f) for w, f in earlier if w < week)[-most:]
    parts: list[np.ndarray] = []
    read: list[date] = []
    for when, folder in chosen:
        path = storage.join(folder, VECTORS_FILE)
        if not storage.exists(path):
            continue
        with fsspec.open(path, "rb") as fh:
            table = pq.read_table(fh)
        kept_by = (table.schema.metadata or {}).get(_MODEL_KEY, b"").decode()
        if kept_by != model:
            log.warning(
                "emerging topics: the sample of week %s was embedded by %r, not %r; left out of the memory",
                when,
                kept_by,
                model,
            )
            continue
        if table.num_rows == 0:  # nothing in scope that week: no rate to learn from it
            continue
        vectors = np.asarray(table.column("vector").to_pylist(), dtype=np.float32)
        memory.week_of = np.concatenate([memory.week_of, np.full(len(vectors), len(read), dtype=np.int64)])
        memory.weeks.append(when)
        memory.sizes.append(len(vectors))
        parts.append(vectors)
        read.append(when)
    if parts:
        memory.vectors = np.vstack(parts)
    return memory, read


def _write_vectors(path: str, ids: list[str], vectors: np.ndarray, model: str) -> None:
    width = vectors.shape[1] if vectors.ndim == 2 else 0
    column = (
        pa.FixedSizeListArray.from_arrays(
            pa.array(vectors.astype(np.float32).reshape(-1), type=pa.float32()), max(width, 1)
        )
        if width
        else pa.array([], type=pa.list_(pa.float32()))
    )
    table = pa.table({"conversation_id": pa.array(ids, type=pa.string()), "vector": column})
    table = table.replace_schema_metadata({_MODEL_KEY: model.encode()})
    with storage.atomic_open(path) as fh:
        pq.write_table(table, fh)


def _scrub_names(report: EmergingReport, settings: Settings) -> int:
    """Names and descriptions through the scrubber before they are written; how many it changed."""
    scrubber = build_scrubber(settings.privacy)
    changed = 0
    for topic in report.emerging:
        topic.name, named = checked(topic.name, scrubber)
        topic.description, described = checked(topic.description, scrubber)
        changed += named + described
    return changed
