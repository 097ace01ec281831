"""Batch API: ``validating -> in_progress -> finalizing -> completed``, plus failed, expired, cancelling/cancelled.

Each batch runs as an asyncio task. Simulated durations (validating, finalizing, per request, and the
completion window) are multiplied by ``time_scale`` so a "24h" window can pass in seconds in tests. Requests are
processed in a shuffled order by a few workers, so output lines are out of input order and must be matched by
``custom_id``. An expired or cancelled batch still writes the results it has; the requests it never ran go to
the error file (``batch_expired`` / ``batch_cancelled``) and count as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import re
import time
import uuid
from typing import Any

from semtel_core.endpoint.batch_input import BatchLine, parse_batch_input
from semtel_core.endpoint.batch_job import BatchJob
from semtel_core.endpoint.chat import ChatEngine, completion_payload, parse_chat_request
from semtel_core.endpoint.files import FileStore
from semtel_core.endpoint.http import HttpError, new_request_id
from semtel_core.endpoint.options import BatchOptions
from semtel_core.endpoint.stats import Stats

log = logging.getLogger(__name__)

SUPPORTED_ENDPOINTS = ("/v1/chat/completions",)
_WINDOW_RE = re.compile(r"^(\d+)([hm])$")


def _window_seconds(window: Any) -> float:
    m = _WINDOW_RE.match(str(window))
    if not m:
        raise HttpError(400, "'completion_window' must look like '24h'", code="invalid_completion_window")
    return int(m.group(1)) * (3600 if m.group(2) == "h" else 60)


class BatchManager:
    def __init__(
        self, options: BatchOptions, files: FileStore, engine: ChatEngine, stats: Stats, seed: int
    ) -> None:
        self.options = options
        self.files = files
        self.engine = engine
        self.stats = stats
        self.seed = seed
        self._jobs: dict[str, BatchJob] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        endpoint = body.get("endpoint")
        if endpoint not in SUPPORTED_ENDPOINTS:
            raise HttpError(
                400, f"'endpoint' must be one of {SUPPORTED_ENDPOINTS}", code="unsupported_endpoint"
            )
        input_file = self.files.get(str(body.get("input_file_id")))
        if input_file.purpose != "batch":
            raise HttpError(400, "the input file must have purpose 'batch'")
        window_real_s = _window_seconds(body.get("completion_window")) * self.options.time_scale
        job = BatchJob(
            id=f"batch_{uuid.uuid4().hex}",
            endpoint=str(endpoint),
            input_file_id=input_file.id,
            completion_window=str(body["completion_window"]),
            metadata=body.get("metadata"),
            deadline=time.monotonic() + window_real_s,
            expires_at=int(time.time() + window_real_s),
        )
        self._jobs[job.id] = job
        self.stats.batches_created += 1
        self._tasks[job.id] = asyncio.create_task(self._run(job), name=job.id)
        return job.as_object()

    def _job(self, batch_id: str) -> BatchJob:
        job = self._jobs.get(batch_id)
        if job is None:
            raise HttpError(404, f"No such Batch object: {batch_id}", code="not_found")
        return job

    def get(self, batch_id: str) -> dict[str, Any]:
        return self._job(batch_id).as_object()

    def list_page(self, after: str | None, limit: int) -> dict[str, Any]:
        """Newest first, ``limit`` per page after the batch ``after``: the provider's cursor pagination."""
        if not 1 <= limit <= 100:
            raise HttpError(400, "'limit' must be between 1 and 100", code="invalid_limit")
        jobs = list(reversed(self._jobs.values()))  # dicts keep creation order
        start = 0
        if after is not None:
            self._job(after)
            start = next(i for i, job in enumerate(jobs) if job.id == after) + 1
        page = [job.as_object() for job in jobs[start : start + limit]]
        return {
            "object": "list",
            "data": page,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
            "has_more": start + limit < len(jobs),
        }

    def cancel(self, batch_id: str) -> dict[str, Any]:
        job = self._job(batch_id)
        if job.status not in ("validating", "in_progress", "finalizing", "cancelling"):
            raise HttpError(400, f"Cannot cancel a batch with status '{job.status}'.", code="invalid_state")
        if job.status != "cancelling":
            job.mark("cancelling")
        return job.as_object()

    async def shutdown(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _sleep(self, simulated_s: float) -> None:
        if simulated_s > 0:
            await asyncio.sleep(simulated_s * self.options.time_scale)

    async def _run(self, job: BatchJob) -> None:
        try:
            await self._sleep(self.options.validating_s)
            lines = await self._validate(job)
            if lines is None:
                return
            job.request_counts["total"] = len(lines)
            job.mark("in_progress")
            done = await self._process(job, lines)
            await self._finish(job, lines, done)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("batch %s failed", job.id)
            job.fail([{"code": "internal_error", "message": str(exc), "line": None, "param": None}])

    async def _validate(self, job: BatchJob) -> list[BatchLine] | None:
        if job.status == "cancelling":
            job.mark("cancelled")
            return None
        data = await asyncio.to_thread(self.files.read, job.input_file_id)
        lines, errors = parse_batch_input(data, job.endpoint, self.options.max_requests)
        if errors:
            job.fail(errors)
            return None
        job.model = str(lines[0].body.get("model", "")) or None
        return lines

    async def _process(self, job: BatchJob, lines: list[BatchLine]) -> set[str]:
        rng = random.Random(f"{self.seed}:{job.id}")
        order = list(lines)
        rng.shuffle(order)
        pending = iter(order)
        expire_at = (
            math.ceil(self.options.expire_after * len(lines))
            if self.options.expire_after is not None
            else None
        )
        done: set[str] = set()

        async def worker() -> None:
            for line in pending:
                if self._should_stop(job, len(done), expire_at):
                    return
                await self._sleep(self.options.request_s)
                if self._should_stop(job, len(done), expire_at):
                    return
                await self._execute(job, line, rng)
                done.add(line.custom_id)

        await asyncio.gather(*(worker() for _ in range(self.options.concurrency)))
        return done

    def _should_stop(self, job: BatchJob, done: int, expire_at: int | None) -> bool:
        if job.status == "cancelling" or job.expired:
            return True
        if (expire_at is not None and done >= expire_at) or time.monotonic() > job.deadline:
            job.expired = True
        return job.expired

    async def _execute(self, job: BatchJob, line: BatchLine, rng: random.Random) -> None:
        request_id = new_request_id()
        try:
            if rng.random() < self.options.fail_share:
                raise HttpError(
                    500, "The server had an error while processing your request.", kind="server_error"
                )
            request = parse_chat_request(line.body)
            completion = await self.engine.complete(request)
        except HttpError as exc:
            job.add_error(
                line.custom_id, {"status_code": exc.status, "request_id": request_id, "body": exc.body()}
            )
            self.stats.batch_requests["failed"] += 1
            return
        payload = completion_payload(request, completion)
        job.add_output(line.custom_id, {"status_code": 200, "request_id": request_id, "body": payload})
        self.stats.batch_requests["completed"] += 1

    async def _finish(self, job: BatchJob, lines: list[BatchLine], done: set[str]) -> None:
        outcome = "cancelled" if job.status == "cancelling" else "expired" if job.expired else "completed"
        for line in lines:
            if line.custom_id not in done:
                job.add_unrun(line.custom_id, outcome)
                self.stats.batch_requests[outcome] += 1
        if outcome == "completed":
            job.mark("finalizing")
            await self._sleep(self.options.finalizing_s)
        await asyncio.to_thread(self._write_files, job)
        job.mark(outcome)

    def _write_files(self, job: BatchJob) -> None:
        if job.output_lines:
            job.output_file_id = self.files.add_bytes(
                job.output_bytes(), f"{job.id}_output.jsonl", "batch_output"
            ).id
        if job.error_lines:
            job.error_file_id = self.files.add_bytes(
                job.error_bytes(), f"{job.id}_error.jsonl", "batch_output"
            ).id
