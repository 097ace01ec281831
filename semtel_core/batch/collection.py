"""Collect a finished batch run: download the output and error files, map every request back to rows, send
failed, expired and missing items to the online path, and write one row per conversation x classifier.

Idempotent: downloads are kept in the state directory, the online fallback resumes from its checkpoint
journals (nothing is paid twice), and the results file is replaced atomically.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

import fsspec
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pydantic import BaseModel

from semtel_core import storage
from semtel_core.batch.custom_id import RequestKey, decode
from semtel_core.batch.provider import batch_endpoint, download, sync_client
from semtel_core.batch.results import FileResults, answered_rows, call_of
from semtel_core.batch.state import BatchRunState, save_state
from semtel_core.batch.submission import PARTITION_FILE, TRUNCATION_FILE, request_ids
from semtel_core.classify.checkpoint import clear_checkpoint
from semtel_core.classify.content import copy_to_duplicates, group_by_content
from semtel_core.classify.partition import classify_partition, conversations_from_arrow
from semtel_core.classify.rows import HashRow
from semtel_core.config import Settings
from semtel_core.errors import BatchError, ReconciliationError
from semtel_core.llm.sdk import KeyResolver, default_key_resolver
from semtel_core.prompts import ClassifierRegistry, OutputNormalizer
from semtel_core.schema.results import RESULT_SCHEMA

logger = logging.getLogger(__name__)
RESULTS_FILE = "results.parquet"
FALLBACK_DIR = "_fallback"
# The online fallback's rows, kept with the run's state: a second collect (to another --output, say) reuses
# them instead of paying the fallback calls again.
FALLBACK_RESULTS = "fallback_results.parquet"


class CostLine(BaseModel):
    rows: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


class CollectSummary(BaseModel):
    run_id: str
    results_path: str
    conversations: int
    rows: int
    statuses: dict[str, int]
    batch_requests: int
    answered: int
    online_by_reason: dict[str, int]  # sent online: error-file codes (batch_expired...), http_NNN, missing
    missing: int  # requested but in neither file
    unknown: int  # in a file but never requested (ignored)
    fallback_items: int  # representative conversation x classifier sets sent online
    cost: dict[str, CostLine]  # "batch" and "online"


def _read(path: str) -> bytes:
    fs, p = fsspec.core.url_to_fs(path)
    with fs.open(p, "rb") as fh:
        data: bytes = fh.read()
    return data


def _downloaded(state: BatchRunState, file_id: str, settings: Settings, key_resolver: KeyResolver) -> bytes:
    path = storage.join(state.state_dir, "downloads", f"{file_id}.jsonl")
    if storage.exists(path):
        return _read(path)
    with sync_client(batch_endpoint(settings, state.endpoint), key_resolver) as client:
        data = download(client, file_id)
    with storage.atomic_open(path) as fh:
        fh.write(data)
    return data


def _file_results(state: BatchRunState, settings: Settings, key_resolver: KeyResolver) -> FileResults:
    results = FileResults()
    for part in state.parts:
        for file_id in (part.output_file_id, part.error_file_id):
            if file_id is not None:
                results.add_lines(_downloaded(state, file_id, settings, key_resolver))
    return results


class _Mapper:
    """Turns answered lines into hash rows and collects what must go online."""

    def __init__(self, state: BatchRunState, settings: Settings, groups: dict[str, list[str]]) -> None:
        registry = ClassifierRegistry.from_settings(settings)
        self.normalizer = OutputNormalizer.from_settings(registry, settings)
        self.truncation: dict[str, str] = orjson.loads(_read(storage.join(state.state_dir, TRUNCATION_FILE)))
        self.groups = groups
        self.hash_of = {ids[0]: h for h, ids in groups.items()}
        self.state, self.settings = state, settings
        self.rows: list[HashRow] = []
        self.fallback: dict[tuple[str, ...], set[str]] = {}  # classifiers -> content hashes
        self.failed: Counter[str] = Counter()
        self.missing = 0
        self.answered = 0

    def _content(self, key: RequestKey) -> str:
        """The content hash a request is about (``st1`` runs named their representative conversation)."""
        return key.ref if key.ref in self.groups else self.hash_of[key.ref]

    def _online(self, custom_id: str, reason: str) -> None:
        key = decode(custom_id)
        self.fallback.setdefault(key.names, set()).add(self._content(key))
        self.failed[reason] += 1

    def map(self, custom_id: str, files: FileResults) -> None:
        response = files.answered.get(custom_id)
        if response is None:
            if custom_id in files.failed:
                self._online(custom_id, files.failed[custom_id])
            else:
                self._online(custom_id, "missing")
                self.missing += 1
            return
        key = decode(custom_id)
        try:
            call = call_of(custom_id, response, self.state.endpoint, self.state.model, self.settings.prices)
        except (KeyError, IndexError, TypeError, AttributeError):
            self._online(custom_id, "malformed_response")
            return
        self.answered += 1
        content_hash = self._content(key)
        truncation = self.truncation.get(key.ref)
        representative = self.groups[content_hash][0]
        self.rows += answered_rows(
            key, content_hash, representative, call, self.normalizer, truncation, self.state.run_id
        )


def _expand(rows: Sequence[HashRow], groups: dict[str, list[str]]) -> list[HashRow]:
    """Every conversation id with a row's content gets a copy; tokens and cost stay on the representative."""
    return [copy for row in rows for copy in copy_to_duplicates(row, groups[row["content_hash"]])]


def _fallback(
    state: BatchRunState,
    settings: Settings,
    table: pa.Table,
    groups: dict[str, list[str]],
    mapper: _Mapper,
    results_path: str,
) -> list[HashRow]:
    """The online path for every item the batch did not answer, one engine call per classifier set. Rows
    already paid for come back from the journals of an interrupted collect or an earlier results file."""
    rows: list[HashRow] = []
    checkpoint_dir = storage.join(state.state_dir, FALLBACK_DIR)
    kept = storage.join(state.state_dir, FALLBACK_RESULTS)
    caches = [p for p in (kept, results_path) if storage.exists(p)]
    for names, hashes in sorted(mapper.fallback.items()):
        ids = [cid for h in sorted(hashes) for cid in groups[h]]
        subset = table.filter(pc.is_in(table["conversation_id"], value_set=pa.array(ids, pa.string())))
        logger.info("batch run %s: %d conversations x %s go online", state.run_id, len(hashes), names)
        result = classify_partition(
            subset,
            names,
            settings,
            run_id=state.run_id,
            checkpoint_dir=checkpoint_dir,
            strategy=settings.batch.fallback_strategy,
            cache_files=caches,
        )
        rows += result.results.to_pylist()
    if rows:
        with storage.atomic_open(kept) as fh:
            pq.write_table(pa.Table.from_pylist(rows, schema=RESULT_SCHEMA), fh, compression="zstd")
    return rows


def _check_complete(rows: Sequence[HashRow], table: pa.Table, classifiers: Sequence[str]) -> None:
    seen = Counter((r["conversation_id"], r["classifier"]) for r in rows)
    expected = {(cid, name) for cid in table["conversation_id"].to_pylist() for name in classifiers}
    duplicated = [k for k, n in seen.items() if n > 1]
    missing = expected - set(seen)
    if duplicated or missing or set(seen) - expected:
        raise ReconciliationError(
            f"batch collect: {len(missing)} results missing, {len(duplicated)} duplicated",
            missing=sorted(missing)[:10],
            duplicated=duplicated[:10],
        )


def _cost(rows: Sequence[HashRow]) -> dict[str, CostLine]:
    lines = {"batch": CostLine(), "online": CostLine()}
    for row in rows:
        line = lines["batch" if row["strategy"] == "batch" else "online"]
        line.rows += 1
        line.prompt_tokens += row["prompt_tokens"]
        line.completion_tokens += row["completion_tokens"]
        line.cost_usd += row["cost_usd"]
    return lines


def collect(
    state: BatchRunState,
    settings: Settings,
    *,
    output: str | None = None,
    key_resolver: KeyResolver = default_key_resolver,
) -> tuple[pa.Table, CollectSummary]:
    """Rows (RESULT_SCHEMA) of every conversation x classifier of the run, written to ``output`` (default:
    ``STATE_DIR/results.parquet``). Raises :class:`BatchError` while a batch is still running."""
    if not state.finished:
        raise BatchError(
            f"batch run {state.run_id} is still {state.summary_status()}; poll until it ends",
            run_id=state.run_id,
        )
    table = pq.read_table(storage.join(state.state_dir, PARTITION_FILE))
    groups = group_by_content(conversations_from_arrow(table))
    files = _file_results(state, settings, key_resolver)
    mapper = _Mapper(state, settings, groups)
    requested: set[str] = set()
    for part in state.parts:
        for custom_id in request_ids(part):
            requested.add(custom_id)
            mapper.map(custom_id, files)
    path = output or storage.join(state.state_dir, RESULTS_FILE)
    rows = _expand(mapper.rows, groups) + _fallback(state, settings, table, groups, mapper, path)
    _check_complete(rows, table, state.classifiers)
    rows.sort(key=lambda r: (r["conversation_id"], r["classifier"]))
    result = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
    with storage.atomic_open(path) as fh:
        pq.write_table(result, fh, compression="zstd")
    clear_checkpoint(storage.join(state.state_dir, FALLBACK_DIR))
    state.status = "collected"
    save_state(state)
    summary = CollectSummary(
        run_id=state.run_id,
        results_path=path,
        conversations=table.num_rows,
        rows=result.num_rows,
        statuses=dict(Counter(r["status"] for r in rows)),
        batch_requests=len(requested),
        answered=mapper.answered,
        online_by_reason=dict(mapper.failed),
        missing=mapper.missing,
        unknown=len((set(files.answered) | set(files.failed)) - requested),
        fallback_items=sum(len(h) for h in mapper.fallback.values()),
        cost=_cost(rows),
    )
    return result, summary
